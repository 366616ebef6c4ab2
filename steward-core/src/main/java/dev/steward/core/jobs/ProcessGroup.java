package dev.steward.core.jobs;

import static java.util.Objects.requireNonNull;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A command started in a session (and process group) of its own, so that it can be stopped as a
 * whole: every process it started, however deep, gets the signal at the same instant. Signalling
 * the children one by one before the shell, as {@link Process#descendants()} allows, lets a shell
 * that survives for a moment start its next command ({@code sleep 30; touch marker} would touch
 * the marker).
 *
 * <p>A small watchdog shell, reading a pipe that only this JVM holds, stops the group when the JVM
 * dies without stopping it (SIGKILL, a crash): its read returns at once when the pipe closes.
 *
 * <p>Linux: {@code setsid} (util-linux, essential in Debian), the shell's {@code kill}, and
 * {@code /proc} to find every member of the session. Thread-safe.
 */
public final class ProcessGroup implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(ProcessGroup.class);
    private static final Duration FORCED_WAIT = Duration.ofSeconds(5);

    private final Process leader;
    private final Process watchdog;
    private final long sessionId;

    private ProcessGroup(Process leader, Process watchdog) {
        this.leader = leader;
        this.watchdog = watchdog;
        this.sessionId = leader.pid();
    }

    /**
     * Starts {@code builder}'s command as the leader of a new session. Its standard input is
     * {@code /dev/null} unless the builder says otherwise (a command waiting on a pipe nobody
     * writes would hang).
     */
    public static ProcessGroup start(ProcessBuilder builder) throws IOException {
        requireNonNull(builder, "builder is null");
        List<String> command = new ArrayList<>(builder.command());
        command.add(0, "setsid");
        ProcessBuilder inSession = new ProcessBuilder(command).directory(builder.directory())
                .redirectInput(builder.redirectInput() == ProcessBuilder.Redirect.PIPE
                        ? ProcessBuilder.Redirect.from(new File("/dev/null")) : builder.redirectInput())
                .redirectOutput(builder.redirectOutput()).redirectError(builder.redirectError())
                .redirectErrorStream(builder.redirectErrorStream());
        inSession.environment().clear();
        inSession.environment().putAll(builder.environment());
        Process leader = inSession.start();
        // setsid execs in place (a child of the JVM is never a group leader), so the leader's pid is the session's id.
        Process watchdog;
        try {
            watchdog = new ProcessBuilder("/bin/sh", "-c", "trap '' INT TERM HUP; read _; kill -TERM -" + leader.pid()
                    + " 2>/dev/null; sleep 2; kill -KILL -" + leader.pid() + " 2>/dev/null")
                    .redirectOutput(ProcessBuilder.Redirect.DISCARD).redirectError(ProcessBuilder.Redirect.DISCARD).start();
        } catch (IOException e) {
            leader.destroyForcibly();
            throw e;
        }
        return new ProcessGroup(leader, watchdog);
    }

    /** The process id of the leader, which is also the session's and the group's id. */
    public long pid() {
        return sessionId;
    }

    public Process leader() {
        return leader;
    }

    /** Waits for the leader to exit; true if it did within the timeout. */
    public boolean waitFor(long timeout, TimeUnit unit) throws InterruptedException {
        return leader.waitFor(timeout, unit);
    }

    /**
     * Stops every process of the session: SIGTERM to all of them at once, SIGKILL to whatever is
     * left after {@code grace}, and a check that nothing survived. Returns the ids of processes
     * that could not be stopped (empty when all are gone, the normal case).
     */
    public List<Long> stop(Duration grace) throws InterruptedException {
        requireNonNull(grace, "grace is null");
        // Processes that left the group (setpgid) but not the session get the signal one by one.
        signalGroup("TERM");
        members().forEach(ProcessHandle::destroy);
        if (!awaitEmpty(grace)) {
            signalGroup("KILL");
            members().forEach(ProcessHandle::destroyForcibly);
            awaitEmpty(FORCED_WAIT);
        }
        leader.waitFor(FORCED_WAIT.toMillis(), TimeUnit.MILLISECONDS);
        List<Long> survivors = members().map(ProcessHandle::pid).toList();
        if (!survivors.isEmpty()) {
            LOG.warn("processes {} of stopped session {} are still alive", survivors, sessionId);
        }
        return survivors;
    }

    /** Ends the watchdog; call once the leader ended or was stopped. */
    @Override
    public void close() {
        watchdog.destroyForcibly();
    }

    private boolean awaitEmpty(Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (true) {
            if (!leader.isAlive() && members().findAny().isEmpty()) {
                return true;
            }
            if (System.nanoTime() >= deadline) {
                return false;
            }
            Thread.sleep(10);
        }
    }

    private void signalGroup(String signal) throws InterruptedException {
        try {
            // The shell's own kill: procps' /bin/kill is not on every minimal system.
            Process kill = new ProcessBuilder("/bin/sh", "-c", "kill -" + signal + " -" + sessionId).redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
            kill.waitFor(FORCED_WAIT.toMillis(), TimeUnit.MILLISECONDS);
        } catch (IOException e) {
            LOG.warn("could not signal process group {}: {}", sessionId, e.getMessage());
        }
    }

    /** Live (not zombie) processes of this session, the leader included. */
    Stream<ProcessHandle> members() {
        return sessionMembers(sessionId);
    }

    /** Live processes whose session id is {@code sessionId}, read from {@code /proc}. */
    public static Stream<ProcessHandle> sessionMembers(long sessionId) {
        return ProcessHandle.allProcesses().filter(p -> session(p.pid()).map(s -> s == sessionId).orElse(false));
    }

    /**
     * The session of a live process; empty for a zombie, a process gone meanwhile, or where
     * {@code /proc} does not exist.
     */
    static Optional<Long> session(long pid) {
        try {
            String stat = Files.readString(Path.of("/proc", Long.toString(pid), "stat"), StandardCharsets.US_ASCII);
            // pid (comm) state ppid pgrp session ...; comm may hold spaces and parentheses.
            String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
            char state = fields[0].charAt(0);
            if (state == 'Z' || state == 'X') {
                return Optional.empty();
            }
            return Optional.of(Long.parseLong(fields[3]));
        } catch (IOException | RuntimeException e) {
            return Optional.empty();
        }
    }
}
