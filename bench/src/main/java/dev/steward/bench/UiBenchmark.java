package dev.steward.bench;

import dev.steward.server.Steward;
import dev.steward.server.StewardServer;
import dev.steward.server.config.ConfigLoader;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The web UI's runs page over an experiment of 100,000 runs (3 metrics and 3 params each, made in
 * process as in {@link TrackingBenchmark}): a logged-in browser's request for a page of 50 runs
 * sorted by a metric, at the first, a middle and the last page, and with a filter. Reports the
 * server's time per page (its {@code Server-Timing} header: search, rendering) and the whole
 * round trip over loopback. Target: under 300 ms per page.
 */
public final class UiBenchmark {
    private static final Pattern CSRF = Pattern.compile("name=\"_csrf\" value=\"([^\"]+)\"");
    private static final Pattern SERVER_TIMING = Pattern.compile("dur=([0-9.]+)");
    private static final int RUNS = Integer.getInteger("bench.ui.runs", 100_000);
    private static final int WARMUP = 10;
    private static final int MEASURED = 30;

    private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
    private final URI base;
    private String cookie;

    private UiBenchmark(URI base) {
        this.base = base;
    }

    public static void main(String[] args) throws Exception {
        Path home = Files.createTempDirectory("steward-bench-ui-");
        try (StewardServer server = StewardServer.start(Steward.open(ConfigLoader.load(home, Map.of(), Map.of("server.port", "0"))))) {
            System.out.printf("Steward UI benchmark, %d cores, java %s, store %s%n", Runtime.getRuntime().availableProcessors(),
                    System.getProperty("java.version"), server.steward().store().dialect());
            String experiment = TrackingBenchmark.populate(server.steward().tracking(), "ui-" + RUNS, RUNS);
            UiBenchmark bench = new UiBenchmark(server.uri());
            bench.login(server.createdAdminToken().orElseThrow());
            String runs = "/ui/experiments/" + experiment + "?order=" + encode("metrics.`acc` DESC");
            int last = (RUNS + 49) / 50;
            bench.measure("page 1, sorted by metrics.acc DESC", runs);
            bench.measure("page 2, sorted by metrics.acc DESC", runs + "&page=2");
            bench.measure("page " + last / 2 + " (the middle), sorted by metrics.acc DESC", runs + "&page=" + last / 2);
            bench.measure("page " + last + " (the last), sorted by metrics.acc DESC", runs + "&page=" + last);
            bench.measure("page 1, newest first (the default order)", "/ui/experiments/" + experiment);
            bench.measure("page 1, filter metrics.acc > 0.9 and params.model = 'forest', sorted by metrics.loss ASC",
                    "/ui/experiments/" + experiment + "?filter=" + encode("metrics.acc > 0.9 and params.model = 'forest'") + "&order="
                            + encode("metrics.`loss` ASC"));
        }
    }

    private void login(String token) throws Exception {
        HttpResponse<String> form = http.send(HttpRequest.newBuilder(base.resolve("/ui/login")).build(), HttpResponse.BodyHandlers.ofString());
        Matcher csrf = CSRF.matcher(form.body());
        if (!csrf.find()) {
            throw new IllegalStateException("no login form: " + form.body());
        }
        String loginCookie = form.headers().allValues("Set-Cookie").stream().filter(c -> c.startsWith("steward_login=")).findFirst().orElseThrow()
                .split(";")[0];
        HttpResponse<String> done = http.send(HttpRequest.newBuilder(base.resolve("/ui/login")).header("Cookie", loginCookie)
                .header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString("_csrf=" + csrf.group(1) + "&token=" + token)).build(), HttpResponse.BodyHandlers.ofString());
        cookie = done.headers().allValues("Set-Cookie").stream().filter(c -> c.startsWith("steward_session=")).findFirst().orElseThrow()
                .split(";")[0];
    }

    private void measure(String what, String path) throws Exception {
        List<Double> server = new ArrayList<>();
        List<Double> total = new ArrayList<>();
        int bytes = 0;
        for (int i = 0; i < WARMUP + MEASURED; i++) {
            long t0 = System.nanoTime();
            HttpResponse<String> page = http.send(HttpRequest.newBuilder(base.resolve(path)).header("Cookie", cookie).build(),
                    HttpResponse.BodyHandlers.ofString());
            double millis = (System.nanoTime() - t0) / 1e6;
            if (page.statusCode() != 200 || !page.body().contains("<table class=\"runs\">")) {
                throw new IllegalStateException(path + " answered " + page.statusCode() + ": " + page.body().substring(0, Math.min(400, page.body().length())));
            }
            if (i >= WARMUP) {
                Matcher timing = SERVER_TIMING.matcher(page.headers().firstValue("Server-Timing").orElseThrow());
                timing.find();
                server.add(Double.parseDouble(timing.group(1)));
                total.add(millis);
                bytes = page.body().length();
            }
        }
        Collections.sort(server);
        Collections.sort(total);
        System.out.printf("runs page over %,d runs, %s: server p50 %.1f ms, p90 %.1f ms, max %.1f ms; round trip p50 %.1f ms (%,d bytes)%n",
                RUNS, what, server.get(MEASURED / 2), server.get(MEASURED * 9 / 10), server.get(MEASURED - 1), total.get(MEASURED / 2), bytes);
    }

    private static String encode(String text) {
        return URLEncoder.encode(text, StandardCharsets.UTF_8);
    }
}
