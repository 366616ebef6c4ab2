package dev.steward.server.ui;

import static org.assertj.core.api.Assertions.assertThat;

import dev.steward.server.HttpTestClient;
import dev.steward.server.Steward;
import dev.steward.server.StewardServer;
import dev.steward.server.config.ConfigLoader;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The web UI's security over plain HTTP: sessions, cookies, CSRF, headers, escaping, and the API untouched by any of it. */
class UiHttpTest {
    private static final Pattern CSRF = Pattern.compile("name=\"_csrf\" value=\"([^\"]+)\"");

    @TempDir
    static Path home;

    static StewardServer server;
    static HttpTestClient http;
    static String admin;

    @BeforeAll
    static void start() {
        server = StewardServer.start(Steward.open(ConfigLoader.load(home, Map.of(), Map.of("server.port", "0"))));
        http = new HttpTestClient(server.uri());
        admin = server.createdAdminToken().orElseThrow();
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    @Test
    void theRootSendsABrowserToTheUiAndAPageWithoutASessionToTheLoginPageThatBringsItBack() {
        assertThat(http.get("/", null).headers().firstValue("Location")).hasValue("/ui/experiments");
        HttpResponse<String> page = http.get("/ui/jobs?status=failed", null);

        assertThat(page.statusCode()).isEqualTo(303);
        assertThat(page.headers().firstValue("Location")).hasValue("/ui/login?next=%2Fui%2Fjobs%3Fstatus%3Dfailed");
    }

    @Test
    void loginSetsAnHttpOnlySameSiteStrictCookieForTheUiOnlySecureWhenTheRequestCameOverTls() {
        String plain = login(admin, null).headers().allValues("Set-Cookie").stream().filter(c -> c.startsWith("steward_session=")).findFirst()
                .orElseThrow();
        assertThat(plain).contains("HttpOnly").contains("SameSite=Strict").contains("Path=/ui").doesNotContain("Secure");

        String tls = login(admin, "https").headers().allValues("Set-Cookie").stream().filter(c -> c.startsWith("steward_session=")).findFirst()
                .orElseThrow();
        assertThat(tls).contains("Secure").contains("HttpOnly").contains("SameSite=Strict");
    }

    @Test
    void aLoginPostedWithoutTheLoginFormsTokenIsRefused() {
        HttpResponse<String> forged = http.send(HttpRequest.newBuilder(server.uri().resolve("/ui/login"))
                .header("Content-Type", "application/x-www-form-urlencoded").POST(HttpRequest.BodyPublishers.ofString("token=" + admin)));

        assertThat(forged.statusCode()).isEqualTo(403);
        assertThat(forged.headers().allValues("Set-Cookie")).noneMatch(c -> c.startsWith("steward_session="));
    }

    @Test
    void aFormThatIsNotUrlEncodedHasNoFieldsAndIsRefusedAsAForgery() {
        HttpResponse<String> multipart = http.send(HttpRequest.newBuilder(server.uri().resolve("/ui/login"))
                .header("Content-Type", "multipart/form-data; boundary=x").POST(HttpRequest.BodyPublishers.ofString("not multipart at all")));

        assertThat(multipart.statusCode()).isEqualTo(403);
        assertThat(multipart.body()).contains("This login form has expired");
    }

    @Test
    void anInferenceTokenCannotLogIn() {
        String inference = UiScenario.ok(http.post("/api/v1/tokens", admin, "{\"name\": \"scorer\", \"role\": \"inference\"}"), 201)
                .get("secret").asText();
        HttpResponse<String> refused = login(inference, null);

        assertThat(refused.statusCode()).isEqualTo(403);
        assertThat(refused.body()).contains("the web UI needs role &#39;viewer&#39; or higher");
    }

    @Test
    void theSessionCookieOpensNoApiRouteAndAPostWithoutTheCsrfTokenChangesNothing() {
        String session = cookie(login(admin, null));
        HttpResponse<String> api = http.send(HttpRequest.newBuilder(server.uri().resolve("/api/v1/experiments")).header("Cookie", session));
        assertThat(api.statusCode()).isEqualTo(401);

        HttpResponse<String> logout = http.send(HttpRequest.newBuilder(server.uri().resolve("/ui/logout")).header("Cookie", session)
                .header("Content-Type", "application/x-www-form-urlencoded").POST(HttpRequest.BodyPublishers.ofString("")));
        assertThat(logout.statusCode()).isEqualTo(403);
        assertThat(page(session, "/ui/experiments").statusCode()).as("still logged in").isEqualTo(200);
    }

    @Test
    void pagesForbidFramingAndInlineScriptAndNeverLeaveACopyInCaches() {
        HttpResponse<String> page = page(cookie(login(admin, null)), "/ui/experiments");

        assertThat(page.headers().firstValue("Content-Security-Policy").orElseThrow()).contains("script-src 'self'")
                .contains("frame-ancestors 'none'");
        assertThat(page.headers().firstValue("X-Frame-Options")).hasValue("DENY");
        assertThat(page.headers().firstValue("Cache-Control")).hasValue("no-store");
        assertThat(page.body()).doesNotContain("<script>").doesNotContain("onclick=");
    }

    @Test
    void namesFromTheStoreAreEscapedWherePagesShowThem() {
        String hostile = "<img src=x onerror=alert(1)>";
        UiScenario.ok(http.post("/api/v1/experiments", admin, "{\"name\": \"" + hostile.replace("\"", "\\\"") + "\"}"), 201);

        String body = page(cookie(login(admin, null)), "/ui/experiments").body();
        assertThat(body).doesNotContain(hostile).contains("&lt;img src=x onerror=alert(1)&gt;");
    }

    @Test
    void assetsCarryTheirDigestAndAnswer304ToABrowserThatHasThem() {
        String body = page(cookie(login(admin, null)), "/ui/experiments").body();
        Matcher css = Pattern.compile("href=\"(/ui/assets/steward\\.css\\?v=[0-9a-f]{16})\"").matcher(body);
        assertThat(css.find()).isTrue();
        HttpResponse<String> first = http.get(css.group(1), null);
        assertThat(first.statusCode()).isEqualTo(200);
        assertThat(first.headers().firstValue("Cache-Control").orElseThrow()).contains("immutable");
        HttpResponse<String> again = http.send(HttpRequest.newBuilder(server.uri().resolve(css.group(1)))
                .header("If-None-Match", first.headers().firstValue("ETag").orElseThrow()));
        assertThat(again.statusCode()).isEqualTo(304);
        for (String script : List.of("htmx.min.js", "echarts.min.js", "steward.js")) {
            assertThat(http.get("/ui/assets/" + script, null).headers().firstValue("Content-Type").orElseThrow()).startsWith("text/javascript");
        }
        assertThat(http.get("/ui/assets/passwd", null).statusCode()).isEqualTo(404);
    }

    @Test
    void aBadQueryValueIsAPageWithTheApisMessageNotATrace() {
        HttpResponse<String> page = page(cookie(login(admin, null)), "/ui/experiments?page=zero");

        assertThat(page.statusCode()).isEqualTo(400);
        assertThat(page.body()).contains("&#39;page&#39; must be a whole number, not &#39;zero&#39;").doesNotContain("Exception");
    }

    private static HttpResponse<String> login(String token, String forwardedProto) {
        HttpResponse<String> form = http.get("/ui/login", null);
        Matcher csrf = CSRF.matcher(form.body());
        assertThat(csrf.find()).isTrue();
        String loginCookie = form.headers().allValues("Set-Cookie").stream().filter(c -> c.startsWith("steward_login=")).findFirst().orElseThrow()
                .split(";")[0];
        HttpRequest.Builder post = HttpRequest.newBuilder(server.uri().resolve("/ui/login")).header("Cookie", loginCookie)
                .header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString("_csrf=" + csrf.group(1) + "&next=%2Fui%2Fjobs&token=" + token));
        if (forwardedProto != null) {
            post.header("X-Forwarded-Proto", forwardedProto);
        }
        return http.send(post);
    }

    private static String cookie(HttpResponse<String> login) {
        assertThat(login.statusCode()).as(login.body()).isEqualTo(303);
        return login.headers().allValues("Set-Cookie").stream().filter(c -> c.startsWith("steward_session=")).findFirst().orElseThrow()
                .split(";")[0];
    }

    private static HttpResponse<String> page(String cookie, String path) {
        return http.send(HttpRequest.newBuilder(server.uri().resolve(path)).header("Cookie", cookie));
    }
}
