package dev.steward.server.http;

import dev.steward.spi.Role;
import java.util.Optional;

/** Who may call a route: anyone, or a token holding at least a role. */
public enum Access {
    PUBLIC(null),
    /** Prediction and feedback: the inference role, and every role above it. */
    INFERENCE(Role.INFERENCE),
    VIEWER(Role.VIEWER),
    EDITOR(Role.EDITOR),
    DEPLOYER(Role.DEPLOYER),
    ADMIN(Role.ADMIN);

    private final Role role;

    Access(Role role) {
        this.role = role;
    }

    public Optional<Role> role() {
        return Optional.ofNullable(role);
    }
}
