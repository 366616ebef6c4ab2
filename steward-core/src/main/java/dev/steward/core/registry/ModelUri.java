package dev.steward.core.registry;

import static java.util.Objects.requireNonNull;

import dev.steward.spi.StewardException;
import java.util.Optional;

/**
 * A model named the way MLflow users name one: {@code models:/name/3} (a version),
 * {@code models:/name@champion} (an alias), {@code models:/name@production} (an environment's
 * holder), or {@code runs:/<run_id>/model} (the package a training run kept).
 */
public sealed interface ModelUri {
    /** A registered model's version, by number or by alias / environment. */
    record Registered(String name, Optional<Integer> version, Optional<String> alias) implements ModelUri {
        public Registered {
            requireNonNull(name, "name is null");
            requireNonNull(version, "version is null");
            requireNonNull(alias, "alias is null");
        }

        @Override
        public String toString() {
            return "models:/" + name + version.map(v -> "/" + v).orElse("") + alias.map(a -> "@" + a).orElse("");
        }
    }

    /** A package in a run's artifacts, under {@code path} ({@code model} for Steward's training runs). */
    record RunModel(String runId, String path) implements ModelUri {
        public RunModel {
            requireNonNull(runId, "runId is null");
            requireNonNull(path, "path is null");
        }

        @Override
        public String toString() {
            return "runs:/" + runId + "/" + path;
        }
    }

    static ModelUri parse(String text) {
        if (text == null || text.isBlank()) {
            throw StewardException.invalid("model", "a model is required: models:/NAME/VERSION, models:/NAME@ALIAS or runs:/RUN_ID/model");
        }
        if (text.startsWith("models:/")) {
            String rest = text.substring("models:/".length());
            int at = rest.indexOf('@');
            int slash = rest.indexOf('/');
            if (at > 0 && slash < 0) {
                return new Registered(ModelNames.model(rest.substring(0, at)), Optional.empty(), Optional.of(aliasOrEnvironment(rest.substring(at + 1))));
            }
            if (slash > 0 && at < 0) {
                return new Registered(ModelNames.model(rest.substring(0, slash)), Optional.of(ModelNames.version(rest.substring(slash + 1))),
                        Optional.empty());
            }
            throw invalid(text);
        }
        if (text.startsWith("runs:/")) {
            String rest = text.substring("runs:/".length());
            int slash = rest.indexOf('/');
            String runId = slash < 0 ? rest : rest.substring(0, slash);
            String path = slash < 0 ? "" : rest.substring(slash + 1);
            if (!runId.matches("[0-9a-f]{32}") || path.isEmpty() || path.contains("..") || path.startsWith("/")) {
                throw invalid(text);
            }
            return new RunModel(runId, path.endsWith("/") ? path.substring(0, path.length() - 1) : path);
        }
        throw invalid(text);
    }

    private static String aliasOrEnvironment(String text) {
        if (text.isEmpty() || !text.matches("[A-Za-z_][A-Za-z0-9_-]{0,254}")) {
            throw StewardException.invalid("model", "'" + ModelNames.abbreviate(text) + "' after '@' is not an alias or environment name");
        }
        return text;
    }

    private static StewardException invalid(String text) {
        return StewardException.invalid("model", "'" + ModelNames.abbreviate(text) + "' is not a model URI: use models:/NAME/VERSION,"
                + " models:/NAME@ALIAS (an alias or an environment such as production) or runs:/RUN_ID/model");
    }
}
