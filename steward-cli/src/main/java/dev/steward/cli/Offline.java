package dev.steward.cli;

import dev.steward.core.util.Digests;
import dev.steward.server.Steward;
import dev.steward.server.config.ConfigLoader;
import dev.steward.spi.Actor;
import dev.steward.spi.Caller;
import java.nio.file.Path;
import java.util.Map;

/**
 * Commands that work on an installation's stores directly, without a server: for recovery (a lost
 * admin token) and for forensics (verifying the audit chain of a stopped server). Whoever can read
 * the home directory has the data anyway, so such commands act as an admin named after the OS user.
 */
final class Offline {
    private Offline() {}

    static Steward open(Path home) {
        return Steward.open(ConfigLoader.load(home, System.getenv(), Map.of()));
    }

    static Caller caller(String commandLine) {
        return new Caller(Actor.local(System.getProperty("user.name", "unknown")), Digests.sha256Hex(commandLine));
    }
}
