package dev.steward.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import dev.steward.spi.StewardException;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code steward deploy create|list|show|update|history|restore|stop|resume|delete}: deployments,
 * the named endpoints that serve registered versions. Changes need a deployer token; serving a
 * version never promoted to the environment needs an admin and {@code --override-reason}.
 */
@Command(name = "deploy", description = "Serve registered model versions: create, revise, restore, stop and resume deployments.",
        subcommands = {DeployCommand.Create.class, DeployCommand.ListDeployments.class, DeployCommand.Show.class, DeployCommand.Update.class,
                DeployCommand.History.class, DeployCommand.Restore.class, DeployCommand.Stop.class, DeployCommand.Resume.class,
                DeployCommand.Delete.class})
final class DeployCommand extends CommandGroup {
    private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());

    /** What a deployment serves: one model URI, or a spec file (YAML or JSON). */
    static final class What {
        @Option(names = "--model", required = true, paramLabel = "MODEL", description = "A model URI (models:/NAME@production, models:/NAME/3):"
                + " that version gets all traffic.")
        String model;

        @Option(names = "--spec", required = true, paramLabel = "FILE", description = "A deployment spec (YAML or JSON): versions and weights,"
                + " sticky key, batching, limits, threshold; see docs/serving.md.")
        Path spec;
    }

    static Map<String, Object> body(What what, String overrideReason) {
        Map<String, Object> body = new LinkedHashMap<>();
        if (what.model != null) {
            body.put("model", what.model);
            if (overrideReason != null) {
                body.put("override_reason", overrideReason);
            }
            return body;
        }
        if (overrideReason != null) {
            throw StewardException.invalid("override-reason", "with --spec, write override_reason on the version it applies to in the spec");
        }
        JsonNode spec;
        try {
            spec = YAML.readTree(Files.readString(what.spec));
        } catch (IOException e) {
            throw StewardException.invalid("spec", "cannot read " + what.spec + ": " + e.getMessage());
        }
        if (spec == null || !spec.isObject()) {
            throw StewardException.invalid("spec", what.spec + " is not a mapping with 'versions'");
        }
        body.put("spec", spec);
        return body;
    }

    /** One line per served version, then the state. */
    static void print(JsonNode d, PrintWriter out) {
        out.println(d.get("name").asText() + " (revision " + d.get("revision").asInt() + ", " + d.at("/spec/environment").asText() + "): "
                + (d.get("stopped").asBoolean() ? "STOPPED — " + d.path("stop_reason").asText() : "serving"));
        Table table = new Table("MODEL", "WEIGHT", "SHARE");
        for (JsonNode v : d.get("traffic")) {
            table.row(v.get("model").asText(), Cells.number(v.get("weight").asDouble()), String.format(java.util.Locale.ROOT, "%.1f%%",
                    100 * v.get("share").asDouble()));
        }
        table.print(out);
    }

    @Command(name = "create", description = "Create a deployment serving a model URI (or a spec file).")
    static final class Create extends ClientCommand<JsonNode> {
        @Parameters(index = "0", paramLabel = "NAME", description = "The deployment's name, e.g. penguins-api (part of its URLs).")
        String name;

        @ArgGroup(exclusive = true, multiplicity = "1")
        What what;

        @Option(names = "--env", paramLabel = "ENV", description = "The environment whose promoted versions it may serve (default production).")
        String environment;

        @Option(names = "--override-reason", paramLabel = "REASON", description = "Serve a version never promoted to the environment (admin; audited).")
        String overrideReason;

        @Override
        JsonNode request() {
            Map<String, Object> body = new LinkedHashMap<>();
            body.put("name", name);
            body.putAll(DeployCommand.body(what, overrideReason));
            if (environment != null) {
                body.put("environment", environment);
            }
            return client().createDeployment(body);
        }

        @Override
        void print(JsonNode d, PrintWriter out) {
            out.println("created " + d.get("name").asText());
            DeployCommand.print(d, out);
        }
    }

    @Command(name = "list", description = "Every deployment.")
    static final class ListDeployments extends ClientCommand<JsonNode> {
        @Override
        JsonNode request() {
            return client().listDeployments();
        }

        @Override
        void print(JsonNode answer, PrintWriter out) {
            Table table = new Table("NAME", "REVISION", "ENVIRONMENT", "STATE", "TRAFFIC");
            for (JsonNode d : answer.get("deployments")) {
                StringBuilder traffic = new StringBuilder();
                for (JsonNode v : d.get("traffic")) {
                    traffic.append(traffic.length() == 0 ? "" : ", ").append(v.get("model").asText()).append(' ')
                            .append(String.format(java.util.Locale.ROOT, "%.0f%%", 100 * v.get("share").asDouble()));
                }
                table.row(d.get("name").asText(), d.get("revision").asInt(), d.at("/spec/environment").asText(), d.get("stopped").asBoolean()
                        ? "stopped" : "serving", traffic.toString());
            }
            table.print(out);
        }
    }

    /** A command about one deployment. */
    abstract static class OneDeployment extends ClientCommand<JsonNode> {
        @Parameters(index = "0", paramLabel = "NAME", description = "The deployment.")
        String name;

        @Override
        void print(JsonNode d, PrintWriter out) {
            DeployCommand.print(d, out);
        }
    }

    @Command(name = "show", description = "A deployment: its traffic, state and spec (--json for the whole spec).")
    static final class Show extends OneDeployment {
        @Override
        JsonNode request() {
            return client().deployment(name);
        }
    }

    @Command(name = "update", description = "A new revision serving another model URI or spec.")
    static final class Update extends OneDeployment {
        @ArgGroup(exclusive = true, multiplicity = "1")
        What what;

        @Option(names = "--reason", description = "Why (kept in the history).")
        String reason;

        @Option(names = "--override-reason", paramLabel = "REASON", description = "Serve a version never promoted to the environment (admin; audited).")
        String overrideReason;

        @Override
        JsonNode request() {
            Map<String, Object> body = DeployCommand.body(what, overrideReason);
            if (reason != null) {
                body.put("reason", reason);
            }
            return client().updateDeployment(name, body);
        }
    }

    @Command(name = "history", description = "Every revision of a deployment, oldest first.")
    static final class History extends OneDeployment {
        @Override
        JsonNode request() {
            return client().deploymentHistory(name);
        }

        @Override
        void print(JsonNode answer, PrintWriter out) {
            Table table = new Table("REVISION", "CHANGE", "BY", "AT", "VERSIONS", "REASON");
            for (JsonNode r : answer.get("revisions")) {
                StringBuilder versions = new StringBuilder();
                for (JsonNode v : r.at("/spec/versions")) {
                    versions.append(versions.length() == 0 ? "" : ", ").append(v.get("model").asText()).append('/').append(v.get("version").asInt())
                            .append(" w").append(Cells.number(v.get("weight").asDouble()));
                }
                table.row(r.get("revision").asInt(), r.get("change").asText() + (r.has("restored_from") ? " of " + r.get("restored_from").asInt()
                        : ""), r.get("by").asText(), r.get("at").asText(), versions.toString(), r.path("reason").asText(""));
            }
            table.print(out);
        }
    }

    @Command(name = "restore", description = "Restore an earlier revision (as a new one).")
    static final class Restore extends OneDeployment {
        @Option(names = "--revision", required = true, paramLabel = "N", description = "The revision to restore (see history).")
        int revision;

        @Option(names = "--reason", description = "Why (kept in the history).")
        String reason;

        @Override
        JsonNode request() {
            return client().restoreDeployment(name, revision, reason);
        }
    }

    @Command(name = "stop", description = "Emergency stop: every request is refused (503, with the reason) until resumed.")
    static final class Stop extends OneDeployment {
        @Option(names = "--emergency", description = "Accepted for clarity: every stop is the emergency cut-out.")
        boolean emergency;

        @Option(names = "--reason", required = true, description = "Why; callers are told.")
        String reason;

        @Override
        JsonNode request() {
            return client().stopDeployment(name, reason);
        }
    }

    @Command(name = "resume", description = "Serve a stopped deployment again.")
    static final class Resume extends OneDeployment {
        @Option(names = "--reason", description = "Why (audited).")
        String reason;

        @Override
        JsonNode request() {
            return client().resumeDeployment(name, reason);
        }
    }

    @Command(name = "delete", description = "Delete a deployment (its history stays; the name can be used again).")
    static final class Delete extends OneDeployment {
        @Override
        JsonNode request() {
            client().deleteDeployment(name);
            return com.fasterxml.jackson.databind.node.JsonNodeFactory.instance.objectNode().put("deleted", name);
        }

        @Override
        void print(JsonNode answer, PrintWriter out) {
            out.println("deleted " + name);
        }
    }
}
