package dev.steward.core.jobs;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Commands stopped as a whole: the shell and everything it started, at once, with nothing left running. */
class ProcessGroupTest {
    private static final Duration GRACE = Duration.ofSeconds(3);

    @TempDir
    Path dir;

    @Test
    void aStoppedScriptNeverStartsItsNextCommandFiftyTimesInARow() throws Exception {
        Path marker = dir.resolve("marker");
        for (int trial = 0; trial < 50; trial++) {
            try (ProcessGroup group = ProcessGroup.start(shell("sleep 30; touch " + marker))) {
                // The shell waits on its sleep: the moment the old kill order lost the race.
                await(() -> group.members().count() == 2, "the shell and its sleep are running");

                List<Long> survivors = group.stop(GRACE);

                assertThat(survivors).as("trial " + trial).isEmpty();
                assertThat(group.members()).as("trial " + trial + ": nothing of the session is alive").isEmpty();
                assertThat(group.leader().isAlive()).isFalse();
            }
        }
        assertThat(marker).as("no shell lived long enough to touch it").doesNotExist();
    }

    @Test
    void aScriptThatIgnoresSigtermIsKilledAfterTheGrace() throws Exception {
        Path marker = dir.resolve("marker");
        try (ProcessGroup group = ProcessGroup.start(shell("trap '' TERM; sleep 30; touch " + marker))) {
            await(() -> group.members().count() == 2, "the shell and its sleep are running");

            assertThat(group.stop(Duration.ofMillis(200))).isEmpty();

            assertThat(group.members()).isEmpty();
        }
        assertThat(marker).doesNotExist();
    }

    @Test
    void backgroundProcessesAndProcessesThatLeftTheGroupAreStoppedToo() throws Exception {
        String leaveGroup = "/usr/bin/python3 -c 'import os, time; os.setpgid(0, 0); time.sleep(30)'";
        try (ProcessGroup group = ProcessGroup.start(shell("sleep 30 & sleep 31 & " + leaveGroup + " & wait"))) {
            await(() -> group.members().count() == 4, "the shell and its three children are running");

            assertThat(group.stop(GRACE)).isEmpty();

            assertThat(group.members()).isEmpty();
        }
    }

    @Test
    void whenTheJvmThatStartedACommandDiesTheCommandIsStopped() throws Exception {
        Path marker = dir.resolve("marker");
        Process holder = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-cp",
                System.getProperty("java.class.path"), ProcessGroupHolder.class.getName(), "sleep 30; touch " + marker)
                .redirectError(ProcessBuilder.Redirect.DISCARD).start();
        try {
            BufferedReader lines = new BufferedReader(new InputStreamReader(holder.getInputStream(), StandardCharsets.UTF_8));
            String line = lines.readLine();
            assertThat(line).as("the holder prints its command's session").startsWith("session ");
            long session = Long.parseLong(line.substring("session ".length()));
            await(() -> ProcessGroup.sessionMembers(session).count() == 2, "the shell and its sleep are running");

            holder.destroyForcibly();
            assertThat(holder.waitFor(30, TimeUnit.SECONDS)).isTrue();

            await(() -> ProcessGroup.sessionMembers(session).findAny().isEmpty(), "the watchdog stopped the session");
        } finally {
            holder.destroyForcibly();
        }
        assertThat(marker).doesNotExist();
    }

    @Test
    void aCommandThatEndsLeavesItsExitStatus() throws Exception {
        try (ProcessGroup group = ProcessGroup.start(shell("exit 7"))) {
            assertThat(group.waitFor(30, TimeUnit.SECONDS)).isTrue();
            assertThat(group.leader().exitValue()).isEqualTo(7);
        }
    }

    @Test
    void theCommandReadsAnEmptyStandardInputInsteadOfHanging() throws Exception {
        Path out = dir.resolve("out");
        try (ProcessGroup group = ProcessGroup.start(shell("cat; echo read-all > " + out))) {
            assertThat(group.waitFor(30, TimeUnit.SECONDS)).isTrue();
        }
        assertThat(Files.readString(out)).isEqualTo("read-all\n");
    }

    private ProcessBuilder shell(String command) {
        return new ProcessBuilder("/bin/sh", "-c", command).directory(dir.toFile()).redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(dir.resolve("log").toFile()));
    }

    /** Waits for a condition with a bound generous enough for a loaded machine. */
    static void await(BooleanSupplier condition, String what) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("timed out waiting until " + what);
            }
            Thread.sleep(10);
        }
    }

    /** A JVM that starts a command in its own session, prints the session and waits to be killed. */
    static final class ProcessGroupHolder {
        public static void main(String[] args) throws IOException, InterruptedException {
            ProcessGroup group = ProcessGroup.start(new ProcessBuilder("/bin/sh", "-c", args[0])
                    .redirectOutput(ProcessBuilder.Redirect.DISCARD).redirectErrorStream(true));
            System.out.println("session " + group.pid());
            System.out.flush();
            group.waitFor(1, TimeUnit.HOURS);
        }
    }
}
