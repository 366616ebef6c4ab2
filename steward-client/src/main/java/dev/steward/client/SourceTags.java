package dev.steward.client;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * The tags MLflow clients record about where a run came from ({@code mlflow.user},
 * {@code mlflow.source.*}), plus the host and JVM. Git is read from the {@code .git} directory
 * directly, so no git executable is needed.
 */
final class SourceTags {
    private SourceTags() {}

    static Map<String, String> collect(Path workingDirectory) {
        Map<String, String> tags = new LinkedHashMap<>();
        tags.put("mlflow.user", System.getProperty("user.name", "unknown"));
        tags.put("mlflow.source.type", "LOCAL");
        String command = System.getProperty("sun.java.command", "");
        if (!command.isBlank()) {
            tags.put("mlflow.source.name", command.split(" ")[0]);
        }
        gitDirectory(workingDirectory.toAbsolutePath()).ifPresent(git -> {
            commit(git).ifPresent(commit -> tags.put("mlflow.source.git.commit", commit));
            branch(git).ifPresent(branch -> tags.put("mlflow.source.git.branch", branch));
        });
        host().ifPresent(host -> tags.put("steward.host", host));
        tags.put("steward.jvm", System.getProperty("java.vm.name", "java") + " " + System.getProperty("java.version", ""));
        return tags;
    }

    private static Optional<Path> gitDirectory(Path start) {
        for (Path dir = start; dir != null; dir = dir.getParent()) {
            Path git = dir.resolve(".git");
            if (Files.isDirectory(git)) {
                return Optional.of(git);
            }
            if (Files.isRegularFile(git)) {
                // A worktree or submodule: ".git" is a file that says "gitdir: <path>".
                String text = read(git).orElse("");
                if (text.startsWith("gitdir:")) {
                    return Optional.of(dir.resolve(text.substring("gitdir:".length()).trim()).normalize());
                }
            }
        }
        return Optional.empty();
    }

    private static Optional<String> commit(Path git) {
        Optional<String> head = read(git.resolve("HEAD"));
        if (head.isEmpty()) {
            return Optional.empty();
        }
        if (!head.get().startsWith("ref:")) {
            return head;
        }
        String ref = head.get().substring("ref:".length()).trim();
        Path common = read(git.resolve("commondir")).map(c -> git.resolve(c).normalize()).orElse(git);
        Optional<String> loose = read(git.resolve(ref)).or(() -> read(common.resolve(ref)));
        if (loose.isPresent()) {
            return loose;
        }
        return read(common.resolve("packed-refs")).flatMap(packed -> packed.lines()
                .filter(line -> line.endsWith(" " + ref))
                .map(line -> line.substring(0, line.indexOf(' ')))
                .findFirst());
    }

    private static Optional<String> branch(Path git) {
        return read(git.resolve("HEAD")).filter(head -> head.startsWith("ref: refs/heads/"))
                .map(head -> head.substring("ref: refs/heads/".length()));
    }

    private static Optional<String> host() {
        String env = System.getenv("HOSTNAME");
        if (env != null && !env.isBlank()) {
            return Optional.of(env);
        }
        return read(Path.of("/etc/hostname"));
    }

    private static Optional<String> read(Path file) {
        try {
            return Optional.of(Files.readString(file, StandardCharsets.UTF_8).trim()).filter(s -> !s.isEmpty());
        } catch (IOException | SecurityException e) {
            return Optional.empty();
        }
    }
}
