package dev.steward.server;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Renders {@code docs/rest.md} from the OpenAPI document the server serves
 * ({@code steward/openapi.json}): every path and method with its summary, role, parameters, request
 * body fields and responses, then the shared schemas. {@link RestReferenceTest} compares it with the
 * checked-in file. It lives in the test sources: nothing at run time needs it.
 */
final class RestReference {
    static final String DOCUMENT = "steward/openapi.json";
    static final String REGENERATE =
            "mvn -B -q -o -pl steward-server -am verify -Dtest='RestReference*' -Dsurefire.failIfNoSpecifiedTests=false -DskipITs -Dsteward.docs.write=true";
    private static final Pattern ROLE = Pattern.compile("\\((role(?:s)?(?::| as)[^)]*|public)\\)");

    private RestReference() {
    }

    static String render() {
        try (InputStream in = RestReference.class.getClassLoader().getResourceAsStream(DOCUMENT)) {
            if (in == null) {
                throw new IllegalStateException(DOCUMENT + " is not on the class path");
            }
            return render(new ObjectMapper().readTree(in));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static String render(JsonNode doc) {
        StringBuilder out = new StringBuilder();
        out.append("# REST reference\n\n");
        out.append("<!-- Generated from steward-server/src/main/resources/").append(DOCUMENT)
                .append(" by RestReference (steward-server's tests). Do not edit: regenerate with\n     ")
                .append(REGENERATE).append(" -->\n\n");
        out.append("Steward's native API as its OpenAPI document describes it (`GET /api/v1/openapi.json` serves the same document; ")
                .append("version ").append(doc.path("info").path("version").asText()).append("). ")
                .append(oneLine(doc.path("info").path("description").asText())).append("\n\n");
        out.append("Roles, from least to most: `inference` < `viewer` < `editor` < `deployer` < `admin`; a route's role is the least a token needs ")
                .append("(`public`: no token). See [security.md](security.md) for tokens and roles, and [cli.md](cli.md) for the commands that call these routes.\n\n");

        out.append("## Routes\n\n| method | path | summary |\n|---|---|---|\n");
        forEachOperation(doc, (path, method, op) -> out.append("| ").append(method.toUpperCase(Locale.ROOT)).append(" | [`").append(cell(path))
                .append("`](#").append(anchor(method, path)).append(") | ").append(cell(op.path("summary").asText())).append(" |\n"));
        out.append('\n');

        forEachOperation(doc, (path, method, op) -> {
            out.append("### ").append(method.toUpperCase(Locale.ROOT)).append(' ').append(path).append("\n\n");
            out.append(op.path("summary").asText()).append("\n\n");
            out.append("Role: ").append(role(op)).append("\n\n");
            if (op.hasNonNull("description")) {
                out.append(op.get("description").asText().strip()).append("\n\n");
            }
            JsonNode parameters = op.path("parameters");
            if (parameters.size() > 0) {
                out.append("Parameters:\n\n| name | in | type | required | description |\n|---|---|---|---|---|\n");
                for (JsonNode parameter : parameters) {
                    out.append("| `").append(cell(parameter.path("name").asText())).append("` | ").append(parameter.path("in").asText()).append(" | ")
                            .append(cell(type(doc, parameter.path("schema")))).append(" | ").append(parameter.path("required").asBoolean() ? "yes" : "no")
                            .append(" | ").append(cell(parameter.path("description").asText(""))).append(" |\n");
                }
                out.append('\n');
            }
            JsonNode body = op.path("requestBody");
            if (!body.isMissingNode()) {
                requestBody(doc, body, out);
            }
            out.append("Responses:\n\n| status | description |\n|---|---|\n");
            for (Iterator<Map.Entry<String, JsonNode>> it = op.path("responses").fields(); it.hasNext(); ) {
                Map.Entry<String, JsonNode> response = it.next();
                out.append("| ").append(response.getKey()).append(" | ").append(cell(response(doc, response.getValue()))).append(" |\n");
            }
            out.append('\n');
        });

        out.append("## Schemas\n\n");
        for (Iterator<Map.Entry<String, JsonNode>> it = doc.path("components").path("schemas").fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> schema = it.next();
            out.append("### ").append(schema.getKey()).append("\n\n");
            fields(doc, schema.getValue(), out);
        }
        return out.toString();
    }

    private static void requestBody(JsonNode doc, JsonNode body, StringBuilder out) {
        for (Iterator<Map.Entry<String, JsonNode>> it = body.path("content").fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> content = it.next();
            out.append("Request body (`").append(content.getKey()).append('`').append(body.path("required").asBoolean() ? ", required" : "").append(")");
            if (body.hasNonNull("description")) {
                out.append(": ").append(oneLine(body.get("description").asText()));
            }
            JsonNode schema = resolve(doc, content.getValue().path("schema"));
            if (schema.has("properties") || schema.path("items").has("properties")) {
                out.append(schema.path("additionalProperties").isBoolean() && !schema.get("additionalProperties").asBoolean() ? "; no other fields" : "")
                        .append(":\n\n");
                fields(doc, schema, out);
            } else if (!schema.isMissingNode() && !schema.isEmpty()) {
                out.append(": ").append(type(doc, content.getValue().path("schema"))).append(".\n\n");
            } else {
                out.append(".\n\n");
            }
        }
    }

    /** A table of an object schema's fields, nested objects' fields named with their path ({@code a.b}, {@code list[].c}). */
    private static void fields(JsonNode doc, JsonNode schema, StringBuilder out) {
        List<String[]> rows = new ArrayList<>();
        collect(doc, resolve(doc, schema), "", rows, new HashSet<>());
        if (rows.isEmpty()) {
            out.append(type(doc, schema)).append(".\n\n");
            return;
        }
        out.append("| field | type | required | description |\n|---|---|---|---|\n");
        for (String[] row : rows) {
            out.append("| `").append(cell(row[0])).append("` | ").append(cell(row[1])).append(" | ").append(row[2]).append(" | ").append(cell(row[3])).append(" |\n");
        }
        out.append('\n');
    }

    private static void collect(JsonNode doc, JsonNode schema, String prefix, List<String[]> rows, Set<String> seen) {
        if ("array".equals(schema.path("type").asText()) && schema.path("items").has("properties") && !prefix.isEmpty()) {
            collect(doc, resolve(doc, schema.path("items")), prefix + "[].", rows, seen);
            return;
        }
        if (prefix.isEmpty() && schema.path("items").has("properties")) {
            collect(doc, resolve(doc, schema.path("items")), "[].", rows, seen);
            return;
        }
        Set<String> required = new HashSet<>();
        schema.path("required").forEach(name -> required.add(name.asText()));
        for (Iterator<Map.Entry<String, JsonNode>> it = schema.path("properties").fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> property = it.next();
            String name = prefix + property.getKey();
            JsonNode value = resolve(doc, property.getValue());
            rows.add(new String[] {name, type(doc, property.getValue()), required.contains(property.getKey()) ? "yes" : "no",
                    oneLine(value.path("description").asText(""))});
            if (property.getValue().has("$ref")) {
                continue; // named schemas are described once, under Schemas
            }
            if (value.has("properties")) {
                collect(doc, value, name + ".", rows, seen);
            } else if (value.path("items").has("properties") && !value.path("items").has("$ref")) {
                collect(doc, value.path("items"), name + "[].", rows, seen);
            }
        }
    }

    /** A schema's type as a reader wants it: {@code integer (int64), ≥ 1, default 10}, {@code one of: a, b}, {@code array of Run}. */
    static String type(JsonNode doc, JsonNode schema) {
        if (schema.has("$ref")) {
            return refName(schema.get("$ref").asText());
        }
        List<String> parts = new ArrayList<>();
        String type = schema.path("type").asText("");
        if (type.equals("array")) {
            JsonNode items = schema.path("items");
            String of = items.isMissingNode() || items.isEmpty() ? "" : type(doc, items);
            parts.add(of.isEmpty() ? "array" : "array of " + of);
        } else if (type.equals("object") && schema.has("additionalProperties") && schema.get("additionalProperties").isObject()) {
            String of = type(doc, schema.get("additionalProperties"));
            parts.add(of.isEmpty() ? "object" : "object of " + of);
        } else if (!type.isEmpty()) {
            parts.add(type + (schema.has("format") ? " (" + schema.get("format").asText() + ")" : ""));
        } else if (schema.has("oneOf") || schema.has("anyOf")) {
            List<String> alternatives = new ArrayList<>();
            schema.path(schema.has("oneOf") ? "oneOf" : "anyOf").forEach(alternative -> alternatives.add(type(doc, alternative)));
            parts.add(String.join(" or ", alternatives));
        }
        if (schema.has("enum")) {
            List<String> values = new ArrayList<>();
            schema.get("enum").forEach(value -> values.add(value.isTextual() ? value.asText() : value.toString()));
            parts.add("one of: " + String.join(", ", values));
        }
        constraint(schema, "minimum", "≥ ", parts);
        constraint(schema, "exclusiveMinimum", "> ", parts);
        constraint(schema, "maximum", "≤ ", parts);
        constraint(schema, "exclusiveMaximum", "< ", parts);
        constraint(schema, "minLength", "length ≥ ", parts);
        constraint(schema, "maxLength", "length ≤ ", parts);
        constraint(schema, "minItems", "items ≥ ", parts);
        constraint(schema, "maxItems", "items ≤ ", parts);
        if (schema.path("nullable").asBoolean()) {
            parts.add("nullable");
        }
        if (schema.has("default")) {
            parts.add("default " + (schema.get("default").isTextual() ? schema.get("default").asText() : schema.get("default").toString()));
        }
        return String.join(", ", parts);
    }

    private static void constraint(JsonNode schema, String key, String prefix, List<String> parts) {
        JsonNode value = schema.get(key);
        if (value != null && value.isNumber()) {
            parts.add(prefix + value.asText());
        }
    }

    private static String response(JsonNode doc, JsonNode response) {
        JsonNode resolved = resolve(doc, response);
        StringBuilder text = new StringBuilder(oneLine(resolved.path("description").asText("")));
        for (Iterator<Map.Entry<String, JsonNode>> it = resolved.path("content").fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> content = it.next();
            String type = content.getValue().has("schema") ? type(doc, content.getValue().get("schema")) : "";
            text.append(" (`").append(content.getKey()).append('`').append(type.isEmpty() ? "" : ": " + type).append(')');
        }
        return text.toString().strip();
    }

    private static String role(JsonNode op) {
        String summary = op.path("summary").asText();
        Matcher matcher = ROLE.matcher(summary);
        String role = null;
        while (matcher.find()) {
            role = matcher.group(1);
        }
        if (role != null) {
            return role.equals("public") ? "public (no token)" : role.replaceFirst("^roles?: ", "").replaceFirst("^role as", "as");
        }
        if (op.has("security") && op.get("security").isEmpty()) {
            return "public (no token)";
        }
        return "any valid token (see the summary)";
    }

    private static JsonNode resolve(JsonNode doc, JsonNode node) {
        JsonNode current = node;
        for (int i = 0; i < 10 && current.has("$ref"); i++) {
            current = doc.at(current.get("$ref").asText().substring(1));
        }
        return current;
    }

    private static String refName(String ref) {
        return ref.substring(ref.lastIndexOf('/') + 1);
    }

    interface OperationVisitor {
        void visit(String path, String method, JsonNode operation);
    }

    private static void forEachOperation(JsonNode doc, OperationVisitor visitor) {
        for (Iterator<Map.Entry<String, JsonNode>> paths = doc.path("paths").fields(); paths.hasNext(); ) {
            Map.Entry<String, JsonNode> path = paths.next();
            for (Iterator<Map.Entry<String, JsonNode>> methods = path.getValue().fields(); methods.hasNext(); ) {
                Map.Entry<String, JsonNode> method = methods.next();
                if (Set.of("get", "put", "post", "delete", "patch", "head", "options").contains(method.getKey())) {
                    visitor.visit(path.getKey(), method.getKey(), method.getValue());
                }
            }
        }
    }

    /** The anchor GitHub gives the heading {@code ### METHOD path}: lower case, spaces to hyphens, punctuation but - and _ dropped. */
    static String anchor(String method, String path) {
        return (method + " " + path).toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9 _-]", "").replace(' ', '-');
    }

    private static String oneLine(String text) {
        return text.strip().replaceAll("\\s*\\n\\s*", " ");
    }

    private static String cell(String text) {
        return oneLine(text).replace("|", "\\|");
    }
}
