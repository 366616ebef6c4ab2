package dev.steward.core.tracking;

import dev.steward.spi.StewardException;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** MLflow's page tokens: base64 of {@code {"offset": N}}, so tokens from either server read alike. */
public final class PageToken {
    private static final Pattern OFFSET = Pattern.compile("\\{\\s*\"offset\"\\s*:\\s*(\\d{1,9})\\s*}");

    private PageToken() {}

    public static String of(int offset) {
        return Base64.getEncoder().encodeToString(("{\"offset\": " + offset + "}").getBytes(StandardCharsets.UTF_8));
    }

    /** The offset a token stands for; 0 for an empty token. */
    public static int offset(String token) {
        if (token == null || token.isEmpty()) {
            return 0;
        }
        String json;
        try {
            json = new String(Base64.getDecoder().decode(token), StandardCharsets.UTF_8);
        } catch (IllegalArgumentException e) {
            throw StewardException.invalid("page_token", "Invalid page token, could not base64-decode");
        }
        Matcher matcher = OFFSET.matcher(json.trim());
        if (!matcher.matches()) {
            throw StewardException.invalid("page_token", "Invalid page token, parsed value=" + json);
        }
        return Integer.parseInt(matcher.group(1));
    }
}
