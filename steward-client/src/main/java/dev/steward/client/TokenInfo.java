package dev.steward.client;

import java.util.Optional;

/**
 * An API token as listed by the server (never its secret).
 *
 * @param createdBy the creator's actor id (a token id, {@code system} or {@code local})
 * @param createdByName the creator's name, as the audit log shows it
 */
public record TokenInfo(String id, String name, String role, String createdAt, String createdBy, String createdByName,
        Optional<String> revokedAt, boolean active) {}
