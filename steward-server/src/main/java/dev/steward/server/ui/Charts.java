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
