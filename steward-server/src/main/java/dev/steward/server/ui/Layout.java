package dev.steward.server.ui;

import static java.util.Objects.requireNonNull;

import java.util.Arrays;

/** The frame every page shares: head, navigation by role, the user and logout, the main region. */
final class Layout {
    /** htmx as the pages use it: no eval, no inline scripts or styles (the CSP forbids them), no history copies of pages in the browser's storage. */
    private static final String HTMX_CONFIG = "{\"includeIndicatorStyles\":false,\"allowEval\":false,\"allowScriptTags\":false,"
            + "\"historyCacheSize\":0,\"selfRequestsOnly\":true}";

    private final Assets assets;

    Layout(Assets assets) {
        this.assets = requireNonNull(assets, "assets is null");
    }

    /** A page of a logged-in user; {@code charts} loads the charting library. */
    Html page(UiRequest request, Section active, String title, Html content, boolean charts) {
        Html nav = Html.each(Arrays.stream(Section.values()).filter(s -> request.can(s.role())).toList(), s -> Html.of(
                "<li><a href=\"{}\"{}>{}</a></li>", s.path(), Html.when(s == active, Html.of(" aria-current=\"page\"")), s.title()));
        Html body = Html.of("""
                <a class="skip" href="#main">Skip to the content</a>
                <div class="shell">
                <header class="sidebar">
                <a class="brand" href="/ui/experiments"><span class="mark" aria-hidden="true">S</span> Steward</a>
                <nav aria-label="Main"><ul>{}</ul></nav>
                <div class="who"><span class="user" title="{}">{}</span> <span class="role role-{}">{}</span>
                <form method="post" action="/ui/logout">{}<button type="submit" class="link">Log out</button></form></div>
                </header>
                <main id="main" tabindex="-1"><h1>{}</h1>{}</main>
                </div>""", nav, request.actor().id(), request.actor().name(), request.actor().role().wireName(),
                request.actor().role().wireName(), request.csrfField(), title, content);
        return document(title, Html.of(" hx-headers=\"{}\"", "{\"X-CSRF-Token\": \"" + request.session().csrf() + "\"}"), body, charts);
    }

    /** A page outside a session: the login page, an error before login. */
    Html bare(String title, Html content) {
        return document(title, Html.EMPTY, Html.of("""
                <main id="main" class="bare"><div class="card narrow"><p class="brand dark"><span class="mark" aria-hidden="true">S</span> Steward</p>
                <h1>{}</h1>{}</div></main>""", title, content), false);
    }

    private Html document(String title, Html bodyAttributes, Html body, boolean charts) {
        Html scripts = Html.of("<script src=\"{}\" defer></script>", assets.url("htmx.min.js"));
        if (charts) {
            scripts = Html.of("{}<script src=\"{}\" defer></script>", scripts, assets.url("echarts.min.js"));
        }
        return Html.of("""
                <!doctype html>
                <html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
                <title>{} · Steward</title>
                <meta name="htmx-config" content="{}">
                <link rel="stylesheet" href="{}">
                {}<script src="{}" defer></script>
                </head><body{}>{}</body></html>""", title, HTMX_CONFIG, assets.url("steward.css"), scripts, assets.url("steward.js"),
                bodyAttributes, body);
    }
}
