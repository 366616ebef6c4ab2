package dev.steward.core.auth;

import static java.util.Objects.requireNonNull;

import dev.steward.core.audit.AuditLog;
import dev.steward.core.util.Digests;
import dev.steward.core.util.Ids;
import dev.steward.spi.Actor;
import dev.steward.spi.Caller;
import dev.steward.spi.Role;
import dev.steward.spi.StewardException;
import dev.steward.spi.store.AuditEvent;
import dev.steward.spi.store.AuditQuery;
import dev.steward.spi.store.MetadataStore;
import dev.steward.spi.store.TokenRecord;
import dev.steward.spi.store.TokenRepository;
import java.time.Clock;
import java.time.temporal.ChronoUnit;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * Issues, lists, revokes and checks API tokens. Secrets are random 256-bit values; only their
 * SHA-256 is stored (a slow password hash buys nothing for secrets of that entropy, and would
 * cost a hash per request). Thread-safe.
 */
public final class TokenService {
    public static final String SECRET_PREFIX = "stw_";
    private static final Pattern NAME = Pattern.compile("[\\p{L}\\p{N} ._:@/-]{1,100}");

    /**
     * Valid tokens seen in the last second, so a burst of requests does not read the store for
     * each. A revocation through this service empties it at once; a revocation by another server
     * replica on the same database takes effect here within {@link #CACHE_NANOS}.
     */
    private static final long CACHE_NANOS = 1_000_000_000L;
    private static final int CACHE_ENTRIES = 10_000;
    private final java.util.concurrent.ConcurrentMap<String, CachedActor> recent = new java.util.concurrent.ConcurrentHashMap<>();
    private final java.util.concurrent.atomic.AtomicLong generation = new java.util.concurrent.atomic.AtomicLong();
    private final MetadataStore store;
    private final AuditLog audit;
    private final Clock clock;

    public TokenService(MetadataStore store, AuditLog audit, Clock clock) {
        this.store = requireNonNull(store, "store is null");
        this.audit = requireNonNull(audit, "audit is null");
        this.clock = requireNonNull(clock, "clock is null");
    }

    public IssuedToken create(Caller caller, String name, Role role) {
        requireNonNull(caller, "caller is null");
        requireNonNull(role, "role is null");
        if (name == null || !NAME.matcher(name).matches()) {
            throw StewardException.invalid("name",
                    "token name must be 1 to 100 letters, digits, spaces or . _ : @ / -");
        }
        String secret = Ids.randomSecret(SECRET_PREFIX, 32);
        TokenRecord token = new TokenRecord(Ids.randomHex("tok_", 8), name, role, Digests.sha256Hex(secret),
                clock.instant().truncatedTo(ChronoUnit.MILLIS), caller.actor().id(), Optional.empty());
        store.write(tx -> {
            tx.repository(TokenRepository.class).insert(token);
            audit.record(tx, caller, "token.create", "token", token.id(), Map.of("name", name, "role", role.wireName()));
            return token;
        });
        return new IssuedToken(token, secret);
    }

    /**
     * Creates the first admin token when the store has no token at all, so that a new
     * installation is secure without any set-up step.
     */
    public Optional<IssuedToken> bootstrapAdmin(Caller caller) {
        if (!list().isEmpty()) {
            return Optional.empty();
        }
        return Optional.of(create(caller, "admin", Role.ADMIN));
    }

    public List<TokenRecord> list() {
        return store.read(tx -> tx.repository(TokenRepository.class).list());
    }

    /**
     * Who created each of these tokens, by name as the audit log shows actors: a token's name, or
     * the built-in actor's. Offline creators ({@code local}) carry the OS user's name, which only
     * the token's {@code token.create} event holds, so those few are read from the audit log.
     *
     * @return creator names by token id
     */
    public Map<String, String> creatorNames(List<TokenRecord> tokens) {
        Map<String, String> namesById = new HashMap<>();
        list().forEach(token -> namesById.put(token.id(), token.name()));
        namesById.put(Actor.SYSTEM.id(), Actor.SYSTEM.name());
        Map<String, String> creators = new LinkedHashMap<>();
        for (TokenRecord token : tokens) {
            String name = namesById.get(token.createdBy());
            creators.put(token.id(), name != null ? name : auditedCreator(token).orElse(token.createdBy()));
        }
        return creators;
    }

    private Optional<String> auditedCreator(TokenRecord token) {
        AuditQuery creation = new AuditQuery(Optional.of("token"), Optional.of(token.id()), Optional.empty(), Optional.of("token.create"),
                Optional.empty(), Optional.empty(), Optional.empty(), false, 1);
        return audit.find(store, creation).stream().findFirst().map(AuditEvent::actorName);
    }

    public TokenRecord revoke(Caller caller, String id) {
        requireNonNull(caller, "caller is null");
        requireNonNull(id, "id is null");
        TokenRecord revoked = store.write(tx -> {
            TokenRepository tokens = tx.repository(TokenRepository.class);
            TokenRecord token = tokens.findById(id)
                    .orElseThrow(() -> StewardException.notFound("token '" + id + "' does not exist"));
            if (!token.active()) {
                throw StewardException.invalidState("token '" + id + "' is already revoked");
            }
            tokens.revoke(id, clock.instant().truncatedTo(ChronoUnit.MILLIS));
            audit.record(tx, caller, "token.revoke", "token", id, Map.of("name", token.name()));
            return tokens.findById(id).orElseThrow();
        });
        // Revocation is immediate: nothing read before this point may be cached any more.
        generation.incrementAndGet();
        recent.clear();
        return revoked;
    }

    /** The actor behind an active token with this secret, if there is one. */
    public Optional<Actor> authenticate(String secret) {
        requireNonNull(secret, "secret is null");
        if (!secret.startsWith(SECRET_PREFIX) || secret.length() > 200) {
            return Optional.empty();
        }
        String hash = Digests.sha256Hex(secret);
        long now = System.nanoTime();
        long seenGeneration = generation.get();
        CachedActor cached = recent.get(hash);
        if (cached != null && now - cached.checkedAt() < CACHE_NANOS) {
            return Optional.of(cached.actor());
        }
        Optional<Actor> actor = store.read(tx -> tx.repository(TokenRepository.class).findBySecretHash(hash))
                .filter(TokenRecord::active)
                .map(token -> new Actor(token.id(), token.name(), token.role()));
        if (actor.isPresent() && generation.get() == seenGeneration) {
            if (recent.size() > CACHE_ENTRIES) {
                recent.clear();
            }
            recent.put(hash, new CachedActor(actor.get(), now));
            if (generation.get() != seenGeneration) {
                recent.remove(hash);
            }
        } else {
            recent.remove(hash);
        }
        return actor;
    }

    private record CachedActor(Actor actor, long checkedAt) {}
}
