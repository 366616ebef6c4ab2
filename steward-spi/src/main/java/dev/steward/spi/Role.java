package dev.steward.spi;

import java.util.Locale;

/**
 * API roles, each including every power of the roles before it. {@code INFERENCE} comes first: it
 * may call prediction and feedback routes and nothing else (not even what a viewer reads), for the
 * tokens of applications that only call a model.
 */
public enum Role {
    INFERENCE,
    VIEWER,
    EDITOR,
    DEPLOYER,
    ADMIN;

    /** Whether a holder of this role may do what {@code required} allows. */
    public boolean includes(Role required) {
        return compareTo(required) >= 0;
    }

    public String wireName() {
        return name().toLowerCase(Locale.ROOT);
    }

    public static Role parse(String text) {
        for (Role role : values()) {
            if (role.wireName().equalsIgnoreCase(text)) {
                return role;
            }
        }
        throw StewardException.invalid("role", "unknown role '" + text + "': use one of inference, viewer, editor, deployer, admin");
    }
}
