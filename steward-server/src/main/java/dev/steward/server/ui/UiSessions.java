package dev.steward.server.ui;

import static java.util.Objects.requireNonNull;

import java.security.MessageDigest;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.util.Base64;
import java.util.Comparator;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The web UI's sessions, held in this server's memory: a random id (the cookie) maps to the API
 * token the user logged in with and the session's CSRF token. A session ends when it has been idle
 * for {@link #IDLE}, at the latest {@link #LIFETIME} after login, on logout, or when its token is
 * revoked (the token is checked on every request, as the API checks it). Only the session id
 * travels in the cookie; the token never leaves the server after login. Thread-safe.
 */
final class UiSessions {
    static final Duration IDLE = Duration.ofMinutes(30);
    static final Duration LIFETIME = Duration.ofHours(12);
    /** More live sessions than this and the one idle longest is ended: memory stays bounded whoever logs in. */
    static final int MAX_SESSIONS = 10_000;

    private static final SecureRandom RANDOM = new SecureRandom();

    private final Clock clock;
    private final Map<String, Session> sessions = new ConcurrentHashMap<>();

    UiSessions(Clock clock) {
        this.clock = requireNonNull(clock, "clock is null");
    }

    /** A logged-in session. {@code secret} is the API token; {@code csrf} must come back with every state-changing request. */
    static final class Session {
        private final String id;
        private final String secret;
        private final String csrf;
        private final long createdAt;
        private volatile long lastSeen;

        private Session(String id, String secret, String csrf, long now) {
            this.id = id;
            this.secret = secret;
            this.csrf = csrf;
            this.createdAt = now;
            this.lastSeen = now;
        }

        String id() {
            return id;
        }

        String secret() {
            return secret;
        }

        String csrf() {
            return csrf;
        }

        /** Whether {@code token} is this session's CSRF token (compared in constant time). */
        boolean csrfMatches(String token) {
            return token != null && MessageDigest.isEqual(token.getBytes(java.nio.charset.StandardCharsets.UTF_8),
                    csrf.getBytes(java.nio.charset.StandardCharsets.UTF_8));
        }
    }

    /** Opens a session for an API token that was just checked. */
    Session open(String secret) {
        requireNonNull(secret, "secret is null");
        long now = clock.millis();
        if (sessions.size() >= MAX_SESSIONS) {
            sessions.values().removeIf(s -> expired(s, now));
            while (sessions.size() >= MAX_SESSIONS) {
                sessions.values().stream().min(Comparator.comparingLong(s -> s.lastSeen)).ifPresent(s -> sessions.remove(s.id));
            }
        }
        Session session = new Session(randomToken(), secret, randomToken(), now);
        sessions.put(session.id, session);
        return session;
    }

    /** The live session with this id, its idle time restarted; an expired one is ended. */
    Optional<Session> find(String id) {
        if (id == null) {
            return Optional.empty();
        }
        Session session = sessions.get(id);
        if (session == null) {
            return Optional.empty();
        }
        long now = clock.millis();
        if (expired(session, now)) {
            sessions.remove(id);
            return Optional.empty();
        }
        session.lastSeen = now;
        return Optional.of(session);
    }

    void close(String id) {
        if (id != null) {
            sessions.remove(id);
        }
    }

    int size() {
        return sessions.size();
    }

    private static boolean expired(Session session, long now) {
        return now - session.lastSeen >= IDLE.toMillis() || now - session.createdAt >= LIFETIME.toMillis();
    }

    /** 256 random bits, URL-safe. */
    static String randomToken() {
        byte[] bytes = new byte[32];
        RANDOM.nextBytes(bytes);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
    }
}
