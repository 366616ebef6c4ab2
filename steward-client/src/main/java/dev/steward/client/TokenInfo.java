package dev.steward.client;

import java.util.Optional;

/** An API token as listed by the server (never its secret). */
public record TokenInfo(String id, String name, String role, String createdAt, String createdBy, Optional<String> revokedAt,
        boolean active) {}
