package dev.steward.server.ui;

import dev.steward.spi.tracking.Metric;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * ECharts options for the pages' charts, built here so that the browser only draws: what a chart
 * shows is decided (and tested) on the server. Animation is off; the aria module describes each
 * chart to screen readers.
 */
final class Charts {
    /** A palette whose colours keep a 3:1 contrast against white. */
    static final List<String> PALETTE = List.of("#2563eb", "#d97706", "#059669", "#dc2626", "#7c3aed", "#0891b2", "#be185d", "#4d7c0f",
            "#9a3412", "#334155");

    private Charts() {}

    /** Line charts of metric values by step, one series per run. */
    static Map<String, Object> lines(String metric, Map<String, List<Metric>> series) {
        List<Object> lines = new ArrayList<>();
        series.forEach((name, points) -> lines.add(Map.of("type", "line", "name", name, "showSymbol", points.size() < 30,
                "data", points.stream().map(p -> List.of(p.step(), finite(p.value()))).toList())));
        Map<String, Object> option = base();
        option.put("tooltip", Map.of("trigger", "axis"));
        // One run's chart needs no legend: the caption names the metric and the page the run.
        if (series.size() > 1) {
            option.put("legend", Map.of("type", "scroll", "bottom", 0));
        }
        option.put("grid", Map.of("left", 56, "right", 20, "top", 16, "bottom", series.size() > 1 ? 64 : 40));
        option.put("xAxis", Map.of("type", "value", "name", "step", "nameLocation", "middle", "nameGap", 26, "minInterval", 1));
        option.put("yAxis", Map.of("type", "value", "scale", true));
        option.put("series", lines);
        return option;
    }

    /**
     * Parallel coordinates: one axis per param (numeric when every value is a number, else its
     * categories) and the metric last, one line per run coloured by the metric.
     */
    static Map<String, Object> parallel(List<String> params, String metric, List<String> runs, List<Map<String, String>> values,
            List<Double> metricValues) {
        List<Object> axes = new ArrayList<>();
        for (int i = 0; i < params.size(); i++) {
            String param = params.get(i);
            List<String> column = values.stream().map(v -> v.getOrDefault(param, "")).toList();
            boolean numeric = column.stream().allMatch(Charts::isNumber);
            Map<String, Object> axis = new LinkedHashMap<>(Map.of("dim", i, "name", param));
            if (numeric) {
                axis.put("type", "value");
                axis.put("scale", true);
            } else {
                axis.put("type", "category");
                axis.put("data", column.stream().distinct().sorted().toList());
            }
            axes.add(axis);
        }
        axes.add(Map.of("dim", params.size(), "name", metric, "type", "value", "scale", true));
        List<Object> data = new ArrayList<>();
        for (int r = 0; r < runs.size(); r++) {
            List<Object> line = new ArrayList<>();
            for (String param : params) {
                String v = values.get(r).getOrDefault(param, "");
                line.add(isNumber(v) && axes.stream().anyMatch(a -> param.equals(((Map<?, ?>) a).get("name"))
                        && "value".equals(((Map<?, ?>) a).get("type"))) ? Double.parseDouble(v) : v);
            }
            line.add(metricValues.get(r) == null ? null : finite(metricValues.get(r)));
            data.add(Map.of("name", runs.get(r), "value", line));
        }
        double min = metricValues.stream().filter(v -> v != null && Double.isFinite(v)).mapToDouble(Double::doubleValue).min().orElse(0);
        double max = metricValues.stream().filter(v -> v != null && Double.isFinite(v)).mapToDouble(Double::doubleValue).max().orElse(1);
        Map<String, Object> option = base();
        option.put("parallelAxis", axes);
        option.put("parallel", Map.of("left", 60, "right", 130, "top", 40, "bottom", 30));
        option.put("visualMap", Map.of("show", true, "type", "continuous", "dimension", params.size(), "min", min, "max", max == min ? min + 1 : max,
                "right", 10, "top", "center", "itemHeight", 120, "text", List.of(metric, ""),
                "inRange", Map.of("color", List.of("#2563eb", "#059669", "#d97706", "#dc2626"))));
        option.put("tooltip", Map.of("trigger", "item"));
        option.put("series", List.of(Map.of("type", "parallel", "lineStyle", Map.of("width", 2, "opacity", 0.85), "data", data)));
        return option;
    }

    /**
     * Bars, one series per entry of {@code series} over the same {@code labels} (grouped when
     * there are several); {@code horizontal} puts the labels on the vertical axis (long names).
     */
    static Map<String, Object> bars(List<String> labels, Map<String, List<Double>> series, boolean horizontal) {
        Map<String, Object> option = base();
        option.put("tooltip", Map.of("trigger", "axis", "axisPointer", Map.of("type", "shadow")));
        if (series.size() > 1) {
            option.put("legend", Map.of("top", 0));
        }
        Map<String, Object> category = new LinkedHashMap<>(Map.of("type", "category", "data", labels, "axisTick", Map.of("alignWithLabel", true)));
        Map<String, Object> value = Map.of("type", "value");
        if (horizontal) {
            category.put("inverse", true);
            category.put("axisLabel", Map.of("width", 110, "overflow", "truncate"));
        } else {
            category.put("axisLabel", Map.of("hideOverlap", true));
        }
        option.put("grid", Map.of("left", horizontal ? 120 : 48, "right", 20, "top", series.size() > 1 ? 32 : 12, "bottom", 28,
                "containLabel", false));
        option.put(horizontal ? "yAxis" : "xAxis", category);
        option.put(horizontal ? "xAxis" : "yAxis", value);
        List<Object> bars = new ArrayList<>();
        series.forEach((name, values) -> bars.add(Map.of("type", "bar", "name", name, "barMaxWidth", 28,
                "data", values.stream().map(v -> v == null ? "-" : finite(v)).toList())));
        option.put("series", bars);
        return option;
    }

    /** Lines over categories ({@code labels}, e.g. windows), one per entry of {@code series}; a missing value leaves a gap. */
    static Map<String, Object> categoryLines(List<String> labels, Map<String, List<Double>> series, String xName, Double min, Double max) {
        Map<String, Object> option = base();
        option.put("tooltip", Map.of("trigger", "axis"));
        option.put("legend", Map.of("top", 0));
        option.put("grid", Map.of("left", 56, "right", 20, "top", 36, "bottom", 40));
        option.put("xAxis", Map.of("type", "category", "data", labels, "name", xName, "nameLocation", "middle", "nameGap", 26));
        Map<String, Object> y = new LinkedHashMap<>(Map.of("type", "value", "scale", true));
        if (min != null) {
            y.put("min", min);
        }
        if (max != null) {
            y.put("max", max);
        }
        option.put("yAxis", y);
        List<Object> lines = new ArrayList<>();
        series.forEach((name, values) -> lines.add(Map.of("type", "line", "name", name, "connectNulls", false, "showSymbol", true,
                "data", values.stream().map(v -> v == null ? "-" : finite(v)).toList())));
        option.put("series", lines);
        return option;
    }

    /**
     * A heatmap of {@code rows} × {@code columns}: {@code cells} holds [column, row, value]
     * triples; the colour scale runs from {@code 0} to {@code max}, its middle at {@code 1}
     * (the threshold) when {@code max} is 2.
     */
    static Map<String, Object> heatmap(List<String> columns, List<String> rows, List<List<Object>> cells, double max, String scaleName) {
        Map<String, Object> option = base();
        option.put("tooltip", Map.of("position", "top"));
        option.put("grid", Map.of("left", 130, "right", 90, "top", 10, "bottom", 44));
        option.put("xAxis", Map.of("type", "category", "data", columns, "name", "window", "nameLocation", "middle", "nameGap", 28,
                "splitArea", Map.of("show", true)));
        option.put("yAxis", Map.of("type", "category", "data", rows, "splitArea", Map.of("show", true),
                "axisLabel", Map.of("width", 120, "overflow", "truncate")));
        option.put("visualMap", Map.of("min", 0, "max", max, "calculable", false, "orient", "vertical", "right", 0, "top", "center",
                "itemHeight", 120, "text", List.of(scaleName, "calm"), "inRange", Map.of("color", List.of("#f0fdf4", "#fde68a", "#dc2626"))));
        option.put("series", List.of(Map.of("type", "heatmap", "data", cells, "emphasis", Map.of("itemStyle", Map.of("borderColor", "#0f172a",
                "borderWidth", 1)), "itemStyle", Map.of("borderColor", "#ffffff", "borderWidth", 1))));
        return option;
    }

    /** A ring of shares (a traffic split): one slice per name, labelled with its percentage. */
    static Map<String, Object> donut(Map<String, Double> shares) {
        Map<String, Object> option = base();
        option.put("tooltip", Map.of("trigger", "item", "formatter", "{b}: {d}%"));
        option.put("legend", Map.of("bottom", 0, "type", "scroll"));
        option.put("series", List.of(Map.of("type", "pie", "radius", List.of("45%", "70%"), "center", List.of("50%", "45%"),
                "label", Map.of("formatter", "{d}%"), "data", shares.entrySet().stream().map(e -> Map.of("name", e.getKey(),
                        "value", finite(e.getValue()))).toList())));
        return option;
    }

    /** A node of a graph: its label, its kind (a category, drawn in its own colour and column) and the page it opens. */
    record Node(String id, String label, int kind, String link) {}

    /**
     * A layered graph, left to right: each kind of node in its own column ({@code kinds}, in
     * order), links drawn as arrows; clicking a node opens its page (steward.js follows the
     * {@code link} of a node's data).
     */
    static Map<String, Object> graph(List<String> kinds, List<Node> nodes, List<String[]> links) {
        Map<Integer, Integer> perKind = new LinkedHashMap<>();
        Map<Integer, Integer> seen = new LinkedHashMap<>();
        nodes.forEach(n -> perKind.merge(n.kind(), 1, Integer::sum));
        int tallest = perKind.values().stream().mapToInt(Integer::intValue).max().orElse(1);
        List<Object> data = new ArrayList<>();
        for (Node n : nodes) {
            int index = seen.merge(n.kind(), 1, Integer::sum) - 1;
            int count = perKind.get(n.kind());
            double y = (tallest - count) * 50.0 + index * 100.0;
            data.add(Map.of("id", n.id(), "name", n.label(), "category", n.kind(), "x", n.kind() * 260.0, "y", y, "link", n.link(),
                    "symbolSize", 18, "label", Map.of("show", true, "position", "bottom", "width", 200, "overflow", "truncate")));
        }
        // Two invisible corners span the drawing, so that a column of one node (or a graph of one row) keeps its place and size.
        double height = Math.max(1, tallest - 1) * 100.0;
        for (double[] corner : new double[][] {{0, -40}, {(kinds.size() - 1) * 260.0, height + 40}}) {
            data.add(Map.of("id", "corner:" + corner[0], "name", "", "x", corner[0], "y", corner[1], "symbolSize", 0,
                    "label", Map.of("show", false), "tooltip", Map.of("show", false), "itemStyle", Map.of("opacity", 0)));
        }
        Map<String, Object> option = base();
        option.put("tooltip", Map.of("formatter", "{b}"));
        option.put("legend", Map.of("top", 0, "data", kinds));
        Map<String, Object> series = new LinkedHashMap<>();
        series.put("type", "graph");
        series.put("layout", "none");
        series.put("roam", false);
        series.put("top", 40);
        series.put("bottom", 40);
        series.put("left", 90);
        series.put("right", 90);
        series.put("categories", kinds.stream().map(k -> Map.of("name", k)).toList());
        series.put("data", data);
        series.put("links", links.stream().map(l -> Map.of("source", l[0], "target", l[1])).toList());
        series.put("edgeSymbol", List.of("none", "arrow"));
        series.put("edgeSymbolSize", 9);
        series.put("cursor", "pointer");
        series.put("lineStyle", Map.of("color", "#64748b", "width", 1.5, "curveness", 0.08));
        series.put("emphasis", Map.of("focus", "adjacency"));
        option.put("series", List.of(series));
        return option;
    }

    private static Map<String, Object> base() {
        Map<String, Object> option = new LinkedHashMap<>();
        option.put("animation", false);
        option.put("aria", Map.of("enabled", true));
        option.put("color", PALETTE);
        option.put("textStyle", Map.of("fontFamily", "system-ui, -apple-system, Segoe UI, Roboto, sans-serif"));
        return option;
    }

    static boolean isNumber(String text) {
        if (text == null || text.isBlank()) {
            return false;
        }
        try {
            return Double.isFinite(Double.parseDouble(text));
        } catch (NumberFormatException e) {
            return false;
        }
    }

    /** JSON has no NaN or infinity: a gap in the line instead. */
    private static Object finite(double value) {
        return Double.isFinite(value) ? value : "-";
    }
}
