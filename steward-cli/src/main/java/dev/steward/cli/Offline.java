package dev.steward.cli;

import dev.steward.client.AuditVerificationResult;
import dev.steward.client.CreatedToken;
import dev.steward.client.TokenInfo;
import dev.steward.core.audit.AuditVerification;
import dev.steward.core.auth.IssuedToken;
import dev.steward.core.util.Digests;
import dev.steward.server.Steward;
import dev.steward.server.config.ConfigLoader;
import dev.steward.spi.Actor;
import dev.steward.spi.Caller;
import dev.steward.spi.Role;
import dev.steward.spi.store.TokenRecord;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Map;

/**
 * Commands that work on an installation's stores directly, without a server: for recovery (a lost
 * admin token) and for forensics (verifying the audit chain of a stopped server). Whoever can read
 * the home directory has the data anyway, so such commands act as an admin named after the OS user.
 * The answers are the client's records, printed as the server's are. This is the only class of
 * the CLI's client commands that opens the stores: keeping them out of the others keeps the
 * server's classes out of their start-up.
 */
final class Offline {
    private Offline() {}

    static CreatedToken createToken(Path home, String name, String role) {
        Caller caller = caller("token create --name " + name + " --role " + role);
        try (Steward steward = open(home)) {
            IssuedToken issued = steward.tokens().create(caller, name, Role.parse(role));
            TokenRecord token = issued.token();
            return new CreatedToken(new TokenInfo(token.id(), name, token.role().wireName(), token.createdAt().toString(), token.createdBy(),
                    caller.actor().name(), token.revokedAt().map(Instant::toString), token.active()), issued.secret());
        }
    }

    static AuditVerificationResult verifyAudit(Path home) {
        try (Steward steward = open(home)) {
            AuditVerification result = steward.audit().verify(steward.store());
            return new AuditVerificationResult(result.intact(), result.eventsChecked(), result.firstBadSeq(), result.reason());
        }
    }

    private static Steward open(Path home) {
        return Steward.open(ConfigLoader.load(home, System.getenv(), Map.of()));
    }

    private static Caller caller(String commandLine) {
        return new Caller(Actor.local(System.getProperty("user.name", "unknown")), Digests.sha256Hex(commandLine));
    }
}
