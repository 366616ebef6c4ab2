package dev.steward.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.steward.spi.StewardException;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import java.util.stream.StreamSupport;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code steward models ...}: the model registry (see docs/registry.md). Every version argument
 * takes the forms of {@link ModelVersionCommand}.
 */
@Command(name = "models", description = "Register, describe, govern and promote model versions: the model registry.",
        subcommands = {ModelsCommand.ListModels.class, ModelsCommand.Show.class, ModelsCommand.Versions.class, ModelsCommand.Register.class,
                ModelsCommand.Update.class, ModelsCommand.Alias.class, ModelsCommand.Policy.class, ModelsCommand.Promote.class,
                ModelsCommand.Approve.class, ModelsCommand.Reject.class, ModelsCommand.Rollback.class, ModelsCommand.Revoke.class,
                ModelsCommand.Card.class})
final class ModelsCommand extends CommandGroup {
    @Command(name = "list", description = "Registered models, with the version holding each environment.")
    static final class ListModels extends RegistryCommand {
        @Option(names = "--filter", paramLabel = "FILTER", description = "MLflow's filter language, e.g. \"name LIKE 'penguin%'\".")
        String filter;

        @Option(names = "--max-results", defaultValue = "100", description = "At most this many (default 100).")
        int maxResults;

        @Override
        JsonNode request() {
            return client().searchModels(filter, maxResults);
        }

        @Override
        void print(JsonNode page, PrintWriter out) {
            Table table = new Table("NAME", "ENVIRONMENTS", "ALIASES", "UPDATED", "DESCRIPTION");
            page.get("models").forEach(m -> table.row(m.get("name").asText(), Cells.pairs(m.get("environments")), Cells.pairs(aliasesOnly(m)),
                    m.get("updated_at").asText(), Cells.text(m, "description")));
            table.print(out);
            if (page.hasNonNull("next_page_token")) {
                out.println("(more models: raise --max-results or narrow --filter)");
            }
        }
    }

    /** A command about one registered model, by name. */
    abstract static class OneModel extends RegistryCommand {
        @Parameters(index = "0", paramLabel = "NAME", description = "The registered model's name.")
        String name;
    }

    @Command(name = "show", description = "A registered model: description, tags, aliases, environments.")
    static final class Show extends OneModel {
        @Override
        JsonNode request() {
            return client().getModel(name);
        }

        @Override
        void print(JsonNode m, PrintWriter out) {
            Table table = new Table("FIELD", "VALUE");
            table.row("name", m.get("name").asText()).row("id", m.get("id").asText()).row("description", Cells.text(m, "description"))
                    .row("created", m.get("created_at").asText()).row("created by", m.get("created_by").asText())
                    .row("updated", m.get("updated_at").asText());
            m.get("environments").fields().forEachRemaining(e -> table.row("environment " + e.getKey(), "version " + e.getValue().asInt()));
            aliasesOnly(m).fields().forEachRemaining(a -> table.row("alias " + a.getKey(), "version " + a.getValue().asInt()));
            m.get("tags").fields().forEachRemaining(t -> table.row("tag " + t.getKey(), t.getValue().asText()));
            table.print(out);
        }
    }

    @Command(name = "versions", description = "The live versions of a model, newest first.")
    static final class Versions extends OneModel {
        @Override
        JsonNode request() {
            return client().listModelVersions(name);
        }

        @Override
        void print(JsonNode body, PrintWriter out) {
            Table table = new Table("VERSION", "STATUS", "ENVIRONMENTS", "ALIASES", "SOURCE", "CREATED", "BY", "NOTE");
            body.get("versions").forEach(v -> table.row(v.get("version").asInt(), v.get("status").asText() + (v.get("archived").asBoolean()
                    ? " (archived)" : ""), Cells.list(v.get("environments")), Cells.list(aliasesOnly(v)), v.get("source").asText(),
                    v.get("created_at").asText(), v.get("created_by").asText(), note(v)));
            table.print(out);
        }
    }

    @Command(name = "register", description = "Register the next version of a model (created if new) from a training run, an ONNX file"
            + " or an artifact URI.")
    static final class Register extends OneModel {
        @ArgGroup(exclusive = true, multiplicity = "1")
        Source source;

        static final class Source {
            @Option(names = "--run", paramLabel = "RUN_ID", description = "A Steward training run: its model package.")
            String runId;

            @Option(names = "--source", paramLabel = "URI", description = "A model folder in a run's artifacts (runs:/RUN_ID/model),"
                    + " as MLflow clients register.")
            String uri;

            @ArgGroup(exclusive = false)
            Onnx onnx;
        }

        static final class Onnx {
            @Option(names = "--onnx", required = true, paramLabel = "FILE", description = "An ONNX graph built anywhere (skl2onnx,"
                    + " torch.onnx.export, ...).")
            Path file;

            @Option(names = "--signature", paramLabel = "FILE", description = "Its signature document (JSON, see docs/model-format.md).")
            Path signature;

            @Option(names = "--classes", split = ",", paramLabel = "CLASS", description = "The classes, in the order of the probability"
                    + " columns (over the signature's).")
            List<String> classes;

            @Option(names = "--target", paramLabel = "COLUMN", description = "The dataset column evaluations score against (over the"
                    + " signature's).")
            String target;
        }

        @Option(names = "--description", paramLabel = "TEXT", description = "What this version is.")
        String description;

        @Option(names = "--tag", paramLabel = "KEY=VALUE", description = "A tag of the version (repeatable).")
        Map<String, String> tags = new LinkedHashMap<>();

        @Override
        JsonNode request() {
            if (source.runId != null) {
                return client().registerModelFromRun(name, source.runId, description, tags);
            }
            if (source.uri != null) {
                return client().registerModelFromSource(name, source.uri, description, tags);
            }
            if (!Files.isRegularFile(source.onnx.file)) {
                throw StewardException.invalid("onnx", "no such file: " + source.onnx.file);
            }
            return client().registerOnnxModel(name, source.onnx.file, signature(source.onnx), description, tags);
        }

        /** The signature file with --classes and --target over it; null when there is none of the three. */
        private static JsonNode signature(Onnx onnx) {
            ObjectNode signature = JsonNodeFactory.instance.objectNode();
            if (onnx.signature != null) {
                JsonNode read;
                try {
                    read = new ObjectMapper().readTree(onnx.signature.toFile());
                } catch (IOException e) {
                    throw StewardException.invalid("signature", "cannot read " + onnx.signature + " as JSON: " + e.getMessage());
                }
                if (!(read instanceof ObjectNode object)) {
                    throw StewardException.invalid("signature", onnx.signature + " must hold a JSON object (see docs/model-format.md)");
                }
                signature = object;
            }
            if (onnx.classes != null) {
                onnx.classes.forEach(signature.putArray("classes")::add);
            }
            if (onnx.target != null) {
                signature.put("target", onnx.target);
            }
            return onnx.signature == null && signature.isEmpty() ? null : signature;
        }

        @Override
        void print(JsonNode v, PrintWriter out) {
            out.println("registered " + v.get("name").asText() + " version " + v.get("version").asInt() + " (" + v.get("status").asText()
                    + ", from " + v.get("source").asText() + ")");
            if (v.hasNonNull("model_digest")) {
                out.println("model digest " + v.get("model_digest").asText() + ", task " + Cells.text(v, "task")
                        + (v.path("classes").size() > 0 ? ", classes " + Cells.list(v.get("classes")) : ""));
            }
            if (v.hasNonNull("status_message")) {
                out.println(v.get("status_message").asText());
            }
        }

        /** A version registered as failed is not servable: scripts must not go on as if it were. */
        @Override
        int status(JsonNode v) {
            return v.get("status").asText().equals("ready") ? 0 : Main.FAILED;
        }
    }

    @Command(name = "update", description = "Describe a version for its model card: description, intended use, limitations.")
    static final class Update extends ModelVersionCommand {
        @Option(names = "--description", paramLabel = "TEXT", description = "What the version is.")
        String description;

        @Option(names = "--intended-use", paramLabel = "TEXT", description = "What it is for, and for whom.")
        String intendedUse;

        @Option(names = "--limitations", paramLabel = "TEXT", description = "Where it must not be trusted.")
        String limitations;

        @Override
        JsonNode request() {
            if (description == null && intendedUse == null && limitations == null) {
                throw StewardException.invalid("update", "nothing to update: give --description, --intended-use or --limitations");
            }
            return client().updateModelVersion(version().name(), version().number(), description, intendedUse, limitations);
        }

        @Override
        void print(JsonNode v, PrintWriter out) {
            List<String> changed = new ArrayList<>();
            if (description != null) {
                changed.add("description");
            }
            if (intendedUse != null) {
                changed.add("intended use");
            }
            if (limitations != null) {
                changed.add("limitations");
            }
            out.println("updated the " + String.join(", ", changed) + " of " + version());
        }
    }

    @Command(name = "alias", description = "Point an alias (champion, challenger, ...) at a ready version, or delete it with --delete.")
    static final class Alias extends ModelVersionCommand {
        @Parameters(index = "1", paramLabel = "ALIAS")
        String alias;

        @Option(names = "--delete", description = "Delete the alias instead.")
        boolean delete;

        @Override
        JsonNode request() {
            if (!delete) {
                return client().setModelAlias(version().name(), alias, version().number());
            }
            if (version != null || model.contains("/") || model.contains("@")) {
                throw StewardException.invalid("version", "--delete takes the model's NAME only, without a version");
            }
            return client().deleteModelAlias(model, alias);
        }

        @Override
        void print(JsonNode answer, PrintWriter out) {
            out.println(delete ? "deleted alias " + alias + " of " + model : "alias " + alias + " -> " + version());
        }
    }

    @Command(name = "policy", description = "Set or show a model's promotion policy for an environment.",
            subcommands = {PolicySet.class, PolicyShow.class})
    static final class Policy extends CommandGroup {}

    /** A policy command: a model and an environment. */
    abstract static class OnePolicy extends OneModel {
        @Option(names = "--env", required = true, paramLabel = "ENV", description = "The environment, e.g. production.")
        String environment;

        @Override
        void print(JsonNode policy, PrintWriter out) {
            out.println("policy of " + name + " for " + policy.get("environment").asText() + ", revision " + policy.get("revision").asInt()
                    + " (sha256 " + policy.get("sha256").asText().substring(0, 12) + ", set at " + policy.get("created_at").asText() + " by "
                    + policy.get("created_by").asText() + "):");
            out.print(policy.get("definition").asText());
            if (!policy.get("definition").asText().endsWith("\n")) {
                out.println();
            }
        }
    }

    @Command(name = "set", description = "Set the policy from a YAML or JSON file (a new revision; needs an admin token).")
    static final class PolicySet extends OnePolicy {
        @Parameters(index = "1", paramLabel = "FILE")
        Path file;

        @Override
        JsonNode request() {
            String definition;
            try {
                definition = Files.readString(file);
            } catch (IOException e) {
                throw StewardException.invalid("file", "cannot read " + file + ": " + e.getMessage());
            }
            return client().setPromotionPolicy(name, environment, definition);
        }
    }

    @Command(name = "show", description = "The latest revision of the policy.")
    static final class PolicyShow extends OnePolicy {
        @Override
        JsonNode request() {
            return client().getPromotionPolicy(name, environment);
        }
    }

    @Command(name = "promote", description = "Promote a version to an environment if every criterion passes; prints the report and"
            + " exits 1 when it was not promoted.")
    static final class Promote extends ModelVersionCommand {
        @Option(names = "--to", required = true, paramLabel = "ENV", description = "The environment, e.g. staging or production.")
        String environment;

        @Option(names = "--override-reason", paramLabel = "TEXT", description = "Promote despite failed criteria, for this audited reason"
                + " (admin only).")
        String overrideReason;

        @Override
        JsonNode request() {
            return client().promoteModelVersion(version().name(), version().number(), environment, overrideReason);
        }

        @Override
        void print(JsonNode answer, PrintWriter out) {
            JsonNode report = answer.get("report");
            List<JsonNode> failed = StreamSupport.stream(report.get("criteria").spliterator(), false).filter(c -> !c.get("passed").asBoolean())
                    .toList();
            out.println(version() + " -> " + environment + ": " + (answer.get("promoted").asBoolean() ? "PROMOTED" : "NOT PROMOTED")
                    + (failed.isEmpty() ? "" : ", " + failed.size() + " of " + report.get("criteria").size() + " criteria failed: "
                    + failed.stream().map(c -> c.get("kind").asText()).collect(Collectors.joining(", ")))
                    + "; report " + answer.get("id").asText() + ", " + (answer.hasNonNull("policy_revision") ? "policy revision "
                    + answer.get("policy_revision").asInt() : "no policy: safety criteria only"));
            if (answer.hasNonNull("override_reason")) {
                out.println("overridden by " + Cells.text(report, "overridden_by") + ": " + answer.get("override_reason").asText());
            }
            if (report.hasNonNull("override_refused")) {
                out.println(report.get("override_refused").asText());
            }
            Table table = new Table("CRITERION", "PASSED", "OBSERVED", "EXPECTED", "EVIDENCE");
            report.get("criteria").forEach(c -> table.row(c.get("description").asText(), c.get("passed").asBoolean() ? "pass" : "FAIL",
                    Cells.text(c, "observed"), Cells.text(c, "expected"), StreamSupport.stream(c.get("evidence").spliterator(), false)
                            .map(e -> e.get("type").asText() + " " + e.get("id").asText()).collect(Collectors.joining(", "))));
            table.print(out);
        }

        @Override
        int status(JsonNode answer) {
            return answer.get("promoted").asBoolean() ? 0 : Main.FAILED;
        }
    }

    /** Approving, asking for approval and rejecting: a version and the environment it is for. */
    abstract static class Decision extends ModelVersionCommand {
        @Option(names = "--env", required = true, paramLabel = "ENV", description = "The environment the approval is for.")
        String environment;
    }

    @Command(name = "approve", description = "Approve a version for an environment (the policy's approver role), or ask for approval"
            + " with --request (an editor).")
    static final class Approve extends Decision {
        @Option(names = "--request", description = "Ask for approval instead of giving it.")
        boolean request;

        @Option(names = "--comment", paramLabel = "TEXT", description = "Kept with the decision or the request.")
        String comment;

        @Override
        JsonNode request() {
            return request ? client().requestApproval(version().name(), version().number(), environment, comment)
                    : client().approveModelVersion(version().name(), version().number(), environment, comment);
        }

        @Override
        void print(JsonNode answer, PrintWriter out) {
            out.println(request ? "asked for approval of " + version() + " for " + environment + " (request " + answer.get("id").asText() + ")"
                    : "approved " + version() + " for " + environment + " as " + answer.get("by").asText() + " (" + answer.get("role").asText()
                    + ")");
        }
    }

    @Command(name = "reject", description = "Reject the latest approval request: promotion is blocked until a new request.")
    static final class Reject extends Decision {
        @Option(names = "--comment", required = true, paramLabel = "TEXT", description = "Why; kept with the decision.")
        String comment;

        @Override
        JsonNode request() {
            return client().rejectModelVersion(version().name(), version().number(), environment, comment);
        }

        @Override
        void print(JsonNode answer, PrintWriter out) {
            out.println("rejected " + version() + " for " + environment + " as " + answer.get("by").asText() + " (" + answer.get("role").asText()
                    + "): " + comment);
        }
    }

    @Command(name = "rollback", description = "Return an environment to the version promoted to it before, skipping revoked, deleted or"
            + " archived ones.")
    static final class Rollback extends OneModel {
        @Option(names = "--env", required = true, paramLabel = "ENV", description = "The environment to roll back.")
        String environment;

        @Option(names = "--reason", required = true, paramLabel = "TEXT", description = "Why; kept in its history and the audit log.")
        String reason;

        @Override
        JsonNode request() {
            return client().rollbackEnvironment(name, environment, reason);
        }

        @Override
        void print(JsonNode answer, PrintWriter out) {
            out.println("rolled " + environment + " of " + name + " back " + (answer.hasNonNull("from") ? "from version " + answer.get("from").asInt()
                    + " " : "") + "to version " + answer.get("to").asInt() + (answer.get("skipped").isEmpty() ? ""
                    : "; skipped " + Cells.list(answer.get("skipped"))));
        }
    }

    @Command(name = "revoke", description = "Revoke a version for good: it leaves its environments and aliases and is never promoted"
            + " or served again.")
    static final class Revoke extends ModelVersionCommand {
        @Option(names = "--reason", required = true, paramLabel = "TEXT", description = "Why; shown wherever the version appears.")
        String reason;

        @Override
        JsonNode request() {
            return client().revokeModelVersion(version().name(), version().number(), reason);
        }

        @Override
        void print(JsonNode v, PrintWriter out) {
            out.println("revoked " + version() + ": " + reason);
        }
    }

    @Command(name = "card", description = "A version's model card (HTML or Markdown), printed or written to a file.")
    static final class Card extends ModelVersionCommand {
        @Option(names = {"-o", "--output"}, paramLabel = "FILE", description = "Write the card into FILE (must not exist).")
        Path output;

        @Option(names = "--format", defaultValue = "html", description = "html (default, self-contained) or markdown.")
        String format;

        /** The card, or after writing it the file and its size. */
        @Override
        JsonNode request() throws IOException {
            ObjectNode answer = JsonNodeFactory.instance.objectNode().put("name", version().name()).put("version", version().number())
                    .put("format", format);
            if (output == null) {
                return answer.put("card", client().modelCard(version().name(), version().number(), format));
            }
            OutputFile.write(output, () -> new ByteArrayInputStream(client().modelCard(version().name(), version().number(), format)
                    .getBytes(StandardCharsets.UTF_8)));
            return answer.put("output", output.toString()).put("size", Files.size(output));
        }

        @Override
        void print(JsonNode answer, PrintWriter out) {
            if (output == null) {
                out.print(answer.get("card").asText());
                return;
            }
            out.println("wrote " + output + " (" + version() + ", " + format + ", " + answer.get("size").asLong() + " bytes)");
        }
    }

    /** The aliases of a model or version that people set, without the ones that promotions keep equal to environment names. */
    private static JsonNode aliasesOnly(JsonNode modelOrVersion) {
        JsonNode aliases = modelOrVersion.get("aliases");
        JsonNode environments = modelOrVersion.get("environments");
        if (aliases.isArray()) {
            ArrayNode own = JsonNodeFactory.instance.arrayNode();
            aliases.forEach(a -> {
                if (StreamSupport.stream(environments.spliterator(), false).noneMatch(e -> e.asText().equals(a.asText()))) {
                    own.add(a);
                }
            });
            return own;
        }
        ObjectNode own = JsonNodeFactory.instance.objectNode();
        aliases.fields().forEachRemaining(a -> {
            if (!a.getValue().equals(environments.get(a.getKey()))) {
                own.set(a.getKey(), a.getValue());
            }
        });
        return own;
    }

    /** Why a version is not servable (the reason it was revoked, what its registration failed on), if it is not. */
    static String note(JsonNode version) {
        return version.has("revocation") ? version.at("/revocation/reason").asText() : Cells.text(version, "status_message");
    }
}
