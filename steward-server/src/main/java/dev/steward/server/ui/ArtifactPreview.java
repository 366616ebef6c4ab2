package dev.steward.server.ui;

import dev.steward.core.tracking.TrackingService;
import dev.steward.spi.StewardException;
import dev.steward.spi.tracking.ArtifactFile;
import dev.steward.spi.tracking.RunInfo;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Previews of a run's artifacts: text and JSON as text (JSON indented), CSV as a table of its first
 * rows, images as images. Only the first {@link #PREVIEW_BYTES} are shown. Raw bytes go out only
 * for raster images (never SVG, which can hold script) and otherwise as a download, sandboxed.
 */
final class ArtifactPreview {
    static final int PREVIEW_BYTES = 256 * 1024;
    private static final int CSV_ROWS = 100;
    private static final Map<String, String> IMAGES = Map.of("png", "image/png", "jpg", "image/jpeg", "jpeg", "image/jpeg", "gif", "image/gif",
            "webp", "image/webp");
    private static final List<String> TEXT = List.of("txt", "log", "md", "yaml", "yml", "py", "java", "sql", "toml", "ini", "cfg", "conf",
            "properties", "xml", "html", "svg", "sh", "r", "scala", "jsonl", "ndjson", "mlmodel", "mlproject", "requirements");

    private ArtifactPreview() {}

    static Html preview(TrackingService tracking, RunInfo info, String path) {
        ArtifactFile file = tracking.statRunArtifact(info, path);
        String extension = extension(path);
        String raw = "/ui/runs/" + UiRequest.encode(info.runId()) + "/raw?path=" + UiRequest.encode(path);
        Html header = Html.of("<div class=\"row-between\"><h3>{}</h3><a href=\"{}\" download>Download ({})</a></div>", path, raw,
                Format.bytes(file.size()));
        if (IMAGES.containsKey(extension)) {
            return Html.of("{}<img class=\"artifact-image\" src=\"{}\" alt=\"{}\">", header, raw, "Artifact " + path);
        }
        byte[] head = head(tracking, info, path);
        boolean cut = file.size() > head.length;
        String text;
        try {
            text = StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT).onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(head, 0, cut ? utf8Prefix(head) : head.length)).toString();
        } catch (CharacterCodingException e) {
            return Html.of("{}{}", header, Widgets.empty("This file is binary; download it to open it."));
        }
        Html note = Html.when(cut, Html.of("<p class=\"muted small\">The first {} of {} are shown.</p>", Format.bytes(head.length),
                Format.bytes(file.size())));
        if (extension.equals("csv") || extension.equals("tsv")) {
            return Html.of("{}{}{}", header, csv(text, extension.equals("tsv") ? '\t' : ',', cut), note);
        }
        if (extension.equals("json") && !cut) {
            text = Widgets.pretty(text);
        }
        if (extension.equals("json") || TEXT.contains(extension) || extension.isEmpty() || looksLikeText(text)) {
            return Html.of("{}<pre class=\"code\" tabindex=\"0\">{}</pre>{}", header, text, note);
        }
        return Html.of("{}{}", header, Widgets.empty("There is no preview for this kind of file; download it to open it."));
    }

    /** The file's bytes: an image as itself, anything else as a download, both sandboxed. */
    static void raw(TrackingService tracking, UiRequest request) throws IOException {
        RunInfo info = tracking.getRun(request.ctx().pathParam("id")).info();
        String path = request.query("path").orElseThrow(() -> StewardException.invalid("path", "'path' names the file to download"));
        ArtifactFile file = tracking.statRunArtifact(info, path);
        String image = IMAGES.get(extension(path));
        request.ctx().header("Content-Security-Policy", "sandbox; default-src 'none'; img-src 'self'");
        if (image == null) {
            String name = path.substring(path.lastIndexOf('/') + 1).replaceAll("[^A-Za-z0-9._-]", "_");
            request.ctx().header("Content-Disposition", "attachment; filename=\"" + name + "\"");
        }
        request.ctx().contentType(image == null ? "application/octet-stream" : image);
        request.ctx().header("Content-Length", Long.toString(file.size()));
        try (InputStream in = tracking.openArtifact(file)) {
            in.transferTo(request.ctx().outputStream());
        }
    }

    private static byte[] head(TrackingService tracking, RunInfo info, String path) {
        try (InputStream in = tracking.openRunArtifact(info, path)) {
            return in.readNBytes(PREVIEW_BYTES);
        } catch (IOException e) {
            throw StewardException.internal("reading artifact " + path + " of run " + info.runId(), e);
        }
    }

    private static Html csv(String text, char separator, boolean cut) {
        List<List<String>> rows = new ArrayList<>();
        List<String> row = new ArrayList<>();
        StringBuilder cell = new StringBuilder();
        boolean quoted = false;
        for (int i = 0; i < text.length() && rows.size() <= CSV_ROWS; i++) {
            char c = text.charAt(i);
            if (quoted) {
                if (c == '"' && i + 1 < text.length() && text.charAt(i + 1) == '"') {
                    cell.append('"');
                    i++;
                } else if (c == '"') {
                    quoted = false;
                } else {
                    cell.append(c);
                }
            } else if (c == '"' && cell.isEmpty()) {
                quoted = true;
            } else if (c == separator) {
                row.add(cell.toString());
                cell.setLength(0);
            } else if (c == '\n' || c == '\r') {
                if (c == '\r' && i + 1 < text.length() && text.charAt(i + 1) == '\n') {
                    i++;
                }
                row.add(cell.toString());
                cell.setLength(0);
                rows.add(row);
                row = new ArrayList<>();
            } else {
                cell.append(c);
            }
        }
        if (!cut && (!cell.isEmpty() || !row.isEmpty()) && rows.size() <= CSV_ROWS) {
            row.add(cell.toString());
            rows.add(row);
        }
        if (rows.isEmpty()) {
            return Widgets.empty("The file is empty.");
        }
        List<String> header = rows.get(0);
        List<List<String>> body = rows.subList(1, Math.min(rows.size(), CSV_ROWS + 1));
        return Html.of("""
                <div class="table-wrap"><table class="compact"><caption class="sr-only">First rows of the file</caption>
                <thead><tr>{}</tr></thead><tbody>{}</tbody></table></div><p class="muted small">{} rows shown.</p>""",
                Html.each(header, h -> Html.of("<th scope=\"col\">{}</th>", h)),
                Html.each(body, r -> Html.of("<tr>{}</tr>", Html.each(r, v -> Html.of("<td>{}</td>", v)))), body.size());
    }

    private static boolean looksLikeText(String text) {
        return text.chars().limit(4096).noneMatch(c -> c < 0x09 || c > 0x0D && c < 0x20);
    }

    /** How many leading bytes hold whole UTF-8 characters (a cut preview never ends inside one). */
    private static int utf8Prefix(byte[] bytes) {
        int end = bytes.length;
        int lead = end - 1;
        while (lead >= 0 && end - lead < 4 && (bytes[lead] & 0xC0) == 0x80) {
            lead--;
        }
        if (lead < 0 || (bytes[lead] & 0x80) == 0) {
            return end;
        }
        int width = (bytes[lead] & 0xE0) == 0xC0 ? 2 : (bytes[lead] & 0xF0) == 0xE0 ? 3 : 4;
        return lead + width <= end ? end : lead;
    }

    private static String extension(String path) {
        String name = path.substring(path.lastIndexOf('/') + 1);
        int dot = name.lastIndexOf('.');
        return dot < 0 ? (name.equalsIgnoreCase("MLmodel") ? "mlmodel" : "") : name.substring(dot + 1).toLowerCase(Locale.ROOT);
    }
}
