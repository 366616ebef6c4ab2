package dev.steward.spi;

import static java.util.Objects.requireNonNull;

/**
 * Who is acting: the token (or built-in principal) behind a change, as recorded in the audit log.
 *
 * @param id stable id (a token id, or {@code system} / {@code local} for built-in principals)
 * @param name human-readable name
 * @param role the role the actor holds
 */
public record Actor(String id, String name, Role role) {
    /** The server itself, for changes it makes on its own (first-start bootstrap). */
    public static final Actor SYSTEM = new Actor("system", "system", Role.ADMIN);

    public Actor {
        requireNonNull(id, "id is null");
        requireNonNull(name, "name is null");
        requireNonNull(role, "role is null");
    }

    /** Someone working on the store directly with filesystem access, e.g. an offline CLI command. */
    public static Actor local(String user) {
        return new Actor("local", "local:" + requireNonNull(user, "user is null"), Role.ADMIN);
    }
}
