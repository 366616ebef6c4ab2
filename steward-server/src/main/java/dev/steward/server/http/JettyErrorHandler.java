package dev.steward.server.http;

import static java.util.Objects.requireNonNull;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import org.eclipse.jetty.http.HttpField;
import org.eclipse.jetty.http.HttpFields;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.http.HttpHeaderValue;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.server.handler.ErrorHandler;
import org.eclipse.jetty.util.Callback;

/**
 * Jetty's own error answers (a request it refuses before Javalin sees it: a NUL or an ambiguous
 * encoding in the path, a bad header) in the JSON error shape rather than Jetty's HTML page, so
 * that every error of the server reads alike. The connection is closed after them, as Jetty does
 * for a malformed request anyway; saying so keeps clients from reusing it.
 */
final class JettyErrorHandler extends ErrorHandler {
    private final Json json;

    JettyErrorHandler(Json json) {
        this.json = requireNonNull(json, "json is null");
    }

    @Override
    protected void generateResponse(Request request, Response response, int code, String message, Throwable cause, Callback callback) {
        response.getHeaders().put(HttpHeader.CONTENT_TYPE, "application/json");
        response.getHeaders().put(HttpHeader.CONNECTION, HttpHeaderValue.CLOSE.asString());
        response.write(true, body(code, message), callback);
    }

    @Override
    public ByteBuffer badMessageError(int status, String reason, HttpFields.Mutable fields) {
        fields.put(new HttpField(HttpHeader.CONTENT_TYPE, "application/json"));
        return body(status, reason);
    }

    private ByteBuffer body(int status, String message) {
        String text = "HTTP " + status + (message == null || message.isBlank() ? "" : ": " + message)
                + " (refused before it reached Steward: a path with a NUL, an encoded '/' or a broken %-escape, or a malformed header)";
        ErrorBody body = new ErrorBody(ErrorMapper.forStatus(status, text).code().name(), text, null);
        return ByteBuffer.wrap(json.write(body).getBytes(StandardCharsets.UTF_8));
    }
}
