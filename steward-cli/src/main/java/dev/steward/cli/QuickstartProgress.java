package dev.steward.cli;

import java.io.PrintWriter;
import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/**
 * The quickstart's display: one line per step, ending with what the step found or made and how long
 * it took. On a terminal a spinner turns on the step's line while it works, with the step's latest
 * news (a step reports it through {@link Step#note}); elsewhere (a pipe, a log, a test) only the
 * finished lines are written, so the output reads the same in a CI log.
 */
final class QuickstartProgress implements AutoCloseable {
    private static final String[] UNICODE_SPINNER = {"⠋", "⠙", "⠹", "⠸", "⠼", "⠴", "⠦", "⠧", "⠇", "⠏"};
    private static final String[] ASCII_SPINNER = {"|", "/", "-", "\\"};

    private final PrintWriter out;
    private final boolean terminal;
    private final String[] spinner;
    private final String done;
    private final String failed;
    private final ScheduledExecutorService ticker;
    private final int total;
    private final int width = width();
    private int number;

    QuickstartProgress(PrintWriter out, boolean terminal, int total) {
        this.out = out;
        this.terminal = terminal;
        this.total = total;
        boolean unicode = Charset.defaultCharset().equals(StandardCharsets.UTF_8);
        this.spinner = unicode ? UNICODE_SPINNER : ASCII_SPINNER;
        this.done = unicode ? "✓" : "ok";
        this.failed = unicode ? "✗" : "x";
        this.ticker = terminal ? Executors.newSingleThreadScheduledExecutor(r -> {
            Thread thread = new Thread(r, "quickstart-spinner");
            thread.setDaemon(true);
            return thread;
        }) : null;
    }

    /** Work of one step: returns the step's one-line result. */
    @FunctionalInterface
    interface Work {
        String run(Step step) throws Exception;
    }

    /** A running step, which may say what it is doing now. */
    static final class Step {
        private volatile String note = "";
        private final List<String> details = new ArrayList<>();

        /** What the step is doing now, shown beside the spinner. */
        void note(String text) {
            note = text;
        }

        /** Lines printed under the step's result (a report's table, say). */
        void detail(List<String> lines) {
            details.addAll(lines);
        }
    }

    /** Runs one step under its title; prints its result and time, or marks it failed and rethrows. */
    String run(String title, Work work) throws Exception {
        number++;
        String prefix = String.format(Locale.ROOT, "[%" + Integer.toString(total).length() + "d/%d] ", number, total);
        Step step = new Step();
        long start = System.nanoTime();
        ScheduledFuture<?> spinning = null;
        if (terminal) {
            int[] frame = {0};
            // The time before the note, so that a line cut to the terminal's width still shows it.
            spinning = ticker.scheduleAtFixedRate(() -> draw(prefix + spinner[frame[0]++ % spinner.length] + " " + title + " (" + seconds(start)
                    + ")" + (step.note.isEmpty() ? "" : ": " + step.note)), 0, 100, TimeUnit.MILLISECONDS);
        }
        String result;
        try {
            result = work.run(step);
        } catch (Exception | Error e) {
            stop(spinning);
            finish(prefix + failed + " " + title + "  " + seconds(start));
            throw e;
        }
        stop(spinning);
        finish(prefix + done + " " + title + ": " + result + "  (" + seconds(start) + ")");
        step.details.forEach(line -> out.println("      " + line));
        out.flush();
        return result;
    }

    private void stop(ScheduledFuture<?> spinning) {
        if (spinning != null) {
            spinning.cancel(false);
            // The ticker runs one task at a time: once this returns, no frame is being drawn.
            try {
                ticker.submit(() -> { }).get();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            } catch (java.util.concurrent.ExecutionException e) {
                throw new IllegalStateException(e);
            }
        }
    }

    /** Redraws the step's line in place; cut to the terminal's width, since a wrapped line could not be redrawn. */
    private synchronized void draw(String line) {
        out.print("\r" + (line.length() >= width ? line.substring(0, width - 2) + "…" : line) + "\033[K");
        out.flush();
    }

    /** The terminal's width as the launcher passes it ({@code $COLUMNS}), else 80. */
    private static int width() {
        try {
            return Math.max(40, Integer.parseInt(System.getenv().getOrDefault("COLUMNS", "80").trim()));
        } catch (NumberFormatException e) {
            return 80;
        }
    }

    private synchronized void finish(String line) {
        if (terminal) {
            out.print("\r\033[K");
        }
        out.println(line);
        out.flush();
    }

    static String seconds(long startNanos) {
        return String.format(Locale.ROOT, "%.1f s", (System.nanoTime() - startNanos) / 1e9);
    }

    @Override
    public void close() {
        if (ticker != null) {
            ticker.shutdownNow();
        }
    }
}
