package dev.steward.server.ui;

import com.fasterxml.jackson.databind.JsonNode;
import dev.steward.core.serving.DeploymentSpec;
import dev.steward.core.serving.DeploymentState;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The lineage graph of a model version or a dataset version, from {@code LineageService}'s
 * documents: dataset versions → runs → model versions → deployments, each node opening its page
 * (so the graph is walked both ways by clicking), drawn by ECharts and listed as links beside it
 * for keyboards and screen readers. The deployments come from the deployments' current specs (the
 * lineage documents leave them empty). Built per request; not shared.
 */
final class LineageGraph {
    static final List<String> KINDS = List.of("dataset version", "run", "model version", "deployment");
    private static final int DATASET = 0;
    private static final int RUN = 1;
    private static final int MODEL = 2;
    private static final int DEPLOYMENT = 3;

    private final Map<String, Charts.Node> nodes = new LinkedHashMap<>();
    private final List<String[]> links = new ArrayList<>();

    /** A model version's graph: its training data, its run, itself, and the deployments serving it. */
    static LineageGraph ofModel(JsonNode lineage, List<DeploymentState> deployments) {
        LineageGraph g = new LineageGraph();
        JsonNode v = lineage.path("model_version");
        String model = g.model(v.path("name").asText(), v.path("version").asInt());
        String run = lineage.path("run").hasNonNull("run_id") ? g.run(lineage.path("run")) : null;
        if (run != null) {
            g.link(run, model);
        }
        for (JsonNode d : lineage.path("datasets")) {
            String dataset = g.dataset(d.path("name").asText(), d.path("version").asInt());
            g.link(dataset, run != null ? run : model);
        }
        g.deployments(deployments, v.path("name").asText(), v.path("version").asInt(), model);
        return g;
    }

    /** A dataset version's graph: itself, the runs that read it, the model versions depending on it, and the deployments serving those. */
    static LineageGraph ofDataset(JsonNode lineage, List<DeploymentState> deployments) {
        LineageGraph g = new LineageGraph();
        JsonNode d = lineage.path("dataset_version");
        String dataset = g.dataset(d.path("name").asText(), d.path("version").asInt());
        Map<String, String> runs = new LinkedHashMap<>();
        for (JsonNode r : lineage.path("runs")) {
            String run = g.run(r);
            runs.put(r.path("run_id").asText(), run);
            g.link(dataset, run);
        }
        for (JsonNode m : lineage.path("model_versions")) {
            if (m.path("deleted").asBoolean()) {
                continue;
            }
            String model = g.model(m.path("name").asText(), m.path("version").asInt());
            String run = runs.get(m.path("run_id").asText(""));
            g.link(run != null ? run : dataset, model);
            g.deployments(deployments, m.path("name").asText(), m.path("version").asInt(), model);
        }
        return g;
    }

    private String dataset(String name, int version) {
        return add(new Charts.Node("d:" + name + "@" + version, name + " v" + version, DATASET, DatasetPages.link(name, version)));
    }

    private String run(JsonNode run) {
        String id = run.path("run_id").asText();
        String name = run.path("name").asText("");
        return add(new Charts.Node("r:" + id, name.isEmpty() ? id.substring(0, Math.min(12, id.length())) : name, RUN,
                "/ui/runs/" + UiRequest.encode(id)));
    }

    private String model(String name, int version) {
        return add(new Charts.Node("m:" + name + "/" + version, name + " v" + version, MODEL, ModelPages.link(name, version)));
    }

    private void deployments(List<DeploymentState> deployments, String model, int version, String node) {
        for (DeploymentState state : deployments) {
            for (DeploymentSpec.ServedVersion served : state.spec().versions()) {
                if (served.model().equals(model) && served.version() == version) {
                    link(node, add(new Charts.Node("p:" + state.name(), state.name(), DEPLOYMENT, DeploymentPages.link(state.name()))));
                }
            }
        }
    }

    private String add(Charts.Node node) {
        nodes.putIfAbsent(node.id(), node);
        return node.id();
    }

    private void link(String from, String to) {
        if (links.stream().noneMatch(l -> l[0].equals(from) && l[1].equals(to))) {
            links.add(new String[] {from, to});
        }
    }

    /** The chart and, beside it, every node as a link. */
    Html render(String label) {
        List<Charts.Node> all = List.copyOf(nodes.values());
        Html list = Html.each(KINDS, kind -> {
            int k = KINDS.indexOf(kind);
            List<Charts.Node> ofKind = all.stream().filter(n -> n.kind() == k).toList();
            return Html.when(!ofKind.isEmpty(), Html.of("<li><strong>{}</strong>: {}</li>", kind + (ofKind.size() == 1 ? "" : "s"),
                    Html.join(ofKind.stream().map(n -> Html.of("<a href=\"{}\">{}</a> ", n.link(), n.label())).toList())));
        });
        long tallest = KINDS.stream().mapToLong(kind -> all.stream().filter(n -> n.kind() == KINDS.indexOf(kind)).count()).max().orElse(1);
        return Html.of("<div class=\"card\">{}<ul class=\"links-list\" aria-label=\"Lineage as links\">{}</ul></div>",
                Widgets.chart(Charts.graph(KINDS, all, links), label, tallest <= 2 ? "small" : "graph"), list);
    }
}
