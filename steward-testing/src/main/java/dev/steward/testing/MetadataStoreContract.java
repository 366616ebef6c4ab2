package dev.steward.testing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.steward.core.audit.AuditLog;
import dev.steward.core.audit.AuditVerification;
import dev.steward.core.auth.IssuedToken;
import dev.steward.core.auth.TokenService;
import dev.steward.spi.Actor;
import dev.steward.spi.Caller;
import dev.steward.spi.ErrorCode;
import dev.steward.spi.Role;
import dev.steward.spi.StewardException;
import dev.steward.spi.store.AuditEvent;
import dev.steward.spi.store.AuditHead;
import dev.steward.spi.store.AuditQuery;
import dev.steward.spi.store.AuditRepository;
import dev.steward.spi.store.MetadataStore;
import dev.steward.spi.store.TokenRecord;
import dev.steward.spi.store.TokenRepository;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The behaviour every {@link MetadataStore} must have. Each implementation's test extends this
 * class and provides a fresh, empty store per test.
 */
public abstract class MetadataStoreContract {
    private static final Caller ALICE = new Caller(new Actor("tok_alice", "alice", Role.ADMIN), "a".repeat(64));
    private static final Caller BOB = new Caller(new Actor("tok_bob", "bob", Role.EDITOR), "b".repeat(64));

    /** A clock that moves one second forward on every read, so each event has its own time. */
    private final SteppingClock clock = new SteppingClock(Instant.parse("2026-01-01T00:00:00Z"));

    protected MetadataStore store;
    protected AuditLog audit;

    /** A new, empty, migrated store. */
    protected abstract MetadataStore newStore();

    /** The dialect name the store reports. */
    protected abstract String expectedDialect();

    @BeforeEach
    void openStore() {
        store = newStore();
        audit = new AuditLog(clock);
    }

    @AfterEach
    void closeStore() {
        if (store != null) {
            store.close();
        }
    }

    @Test
    void reportsItsDialectAndPassesItsCheck() {
        assertThat(store.dialect()).isEqualTo(expectedDialect());
        store.check();
    }

    @Test
    void emptyStoreHasNoAuditHeadAndAnIntactChain() {
        assertThat(head()).isEmpty();
        AuditVerification verification = audit.verify(store);
        assertThat(verification.intact()).isTrue();
        assertThat(verification.eventsChecked()).isZero();
    }

    @Test
    void appendsEventsThatChainAndRoundTripEveryField() {
        AuditEvent first = store.write(tx -> audit.record(tx, ALICE, "thing.create", "thing", "t1", Map.of("name", "ünïcode ✓")));
        AuditEvent second = store.write(tx -> audit.record(tx, BOB, "thing.delete", "thing", "t1", Map.of()));

        assertThat(first.seq()).isEqualTo(1);
        assertThat(second.seq()).isEqualTo(2);
        assertThat(second.prevHash()).isEqualTo(first.hash());
        List<AuditEvent> stored = range(1, 10);
        assertThat(stored).containsExactly(first, second);
        assertThat(head()).get()
                .satisfies(head -> {
                    assertThat(head.seq()).isEqualTo(2);
                    assertThat(head.hash()).isEqualTo(second.hash());
                });
        assertThat(audit.verify(store).intact()).isTrue();
    }

    @Test
    void filtersAuditEventsByObjectActorActionAndTime() {
        for (int i = 0; i < 6; i++) {
            Caller caller = i % 2 == 0 ? ALICE : BOB;
            String object = "obj" + (i % 3);
            int n = i;
            store.write(tx -> audit.record(tx, caller, n < 3 ? "obj.create" : "obj.update", "obj", object, Map.of("n", "" + n)));
        }
        List<AuditEvent> all = audit.find(store, AuditQuery.all(100));
        assertThat(all).extracting(AuditEvent::seq).containsExactly(1L, 2L, 3L, 4L, 5L, 6L);

        assertThat(audit.find(store, query(Optional.of("obj"), Optional.of("obj1"), Optional.empty(), Optional.empty(),
                Optional.empty(), Optional.empty(), Optional.empty(), false, 100)))
                .extracting(AuditEvent::seq).containsExactly(2L, 5L);
        // The actor filter matches the token id or its name.
        assertThat(audit.find(store, query(Optional.empty(), Optional.empty(), Optional.of("bob"), Optional.empty(),
                Optional.empty(), Optional.empty(), Optional.empty(), false, 100)))
                .extracting(AuditEvent::seq).containsExactly(2L, 4L, 6L);
        assertThat(audit.find(store, query(Optional.empty(), Optional.empty(), Optional.of("tok_alice"), Optional.of("obj.update"),
                Optional.empty(), Optional.empty(), Optional.empty(), false, 100)))
                .extracting(AuditEvent::seq).containsExactly(5L);
        Instant from = all.get(1).time();
        Instant to = all.get(4).time();
        assertThat(audit.find(store, query(Optional.empty(), Optional.empty(), Optional.empty(), Optional.empty(),
                Optional.of(from), Optional.of(to), Optional.empty(), false, 100)))
                .extracting(AuditEvent::seq).containsExactly(2L, 3L, 4L);
    }

    @Test
    void pagesThroughEventsWithACursorInBothDirections() {
        for (int i = 0; i < 7; i++) {
            store.write(tx -> audit.record(tx, ALICE, "obj.create", "obj", "o", Map.of()));
        }
        List<Long> ascending = new ArrayList<>();
        Optional<Long> cursor = Optional.empty();
        while (true) {
            List<AuditEvent> page = audit.find(store, query(Optional.empty(), Optional.empty(), Optional.empty(),
                    Optional.empty(), Optional.empty(), Optional.empty(), cursor, false, 3));
            page.forEach(e -> ascending.add(e.seq()));
            if (page.size() < 3) {
                break;
            }
            cursor = Optional.of(page.get(page.size() - 1).seq());
        }
        assertThat(ascending).containsExactly(1L, 2L, 3L, 4L, 5L, 6L, 7L);

        List<AuditEvent> newest = audit.find(store, query(Optional.empty(), Optional.empty(), Optional.empty(),
                Optional.empty(), Optional.empty(), Optional.empty(), Optional.of(6L), true, 3));
        assertThat(newest).extracting(AuditEvent::seq).containsExactly(5L, 4L, 3L);
    }

    @Test
    void aFailedWriteLeavesNothingBehind() {
        TokenRecord token = token("tok_1", "h".repeat(64));
        assertThatThrownBy(() -> store.write(tx -> {
            tx.repository(TokenRepository.class).insert(token);
            audit.record(tx, ALICE, "token.create", "token", token.id(), Map.of());
            throw StewardException.invalidState("changed my mind");
        })).isInstanceOfSatisfying(StewardException.class, e -> {
            // The caller's own error comes back unchanged.
            assertThat(e.code()).isEqualTo(ErrorCode.INVALID_STATE);
            assertThat(e.getMessage()).isEqualTo("changed my mind");
        });

        assertThat(tokenById("tok_1")).isEmpty();
        assertThat(audit.find(store, AuditQuery.all(10))).isEmpty();
        assertThat(head()).isEmpty();
    }

    @Test
    void storesFindsAndRevokesTokens() {
        TokenRecord first = token("tok_1", "1".repeat(64));
        TokenRecord second = new TokenRecord("tok_2", "ci pipeline", Role.DEPLOYER, "2".repeat(64),
                Instant.parse("2026-01-02T00:00:00.123Z"), "tok_1", Optional.empty());
        store.write(tx -> {
            tx.repository(TokenRepository.class).insert(first);
            tx.repository(TokenRepository.class).insert(second);
            return null;
        });

        assertThat(tokenById("tok_2")).contains(second);
        assertThat(tokenByHash("1".repeat(64))).contains(first);
        assertThat(tokenByHash("3".repeat(64))).isEmpty();
        assertThat(tokens()).containsExactly(first, second);

        Instant at = Instant.parse("2026-02-01T10:00:00.456Z");
        assertThat(revoke("tok_2", at)).isTrue();
        assertThat(revoke("tok_2", at)).isFalse();
        assertThat(revoke("tok_missing", at)).isFalse();
        assertThat(tokenById("tok_2"))
                .get().satisfies(t -> assertThat(t.revokedAt()).contains(at));
    }

    @Test
    void rejectsADuplicateTokenAsAlreadyExisting() {
        store.write(tx -> {
            tx.repository(TokenRepository.class).insert(token("tok_1", "1".repeat(64)));
            return null;
        });
        assertThatThrownBy(() -> store.write(tx -> {
            tx.repository(TokenRepository.class).insert(token("tok_2", "1".repeat(64)));
            return null;
        })).isInstanceOfSatisfying(StewardException.class,
                e -> assertThat(e.code()).isEqualTo(ErrorCode.RESOURCE_ALREADY_EXISTS));
        assertThat(tokens()).hasSize(1);
    }

    @Test
    void readTransactionsCannotWrite() {
        assertThatThrownBy(() -> store.read(tx -> {
            tx.repository(TokenRepository.class).insert(token("tok_1", "1".repeat(64)));
            return null;
        })).isInstanceOf(StewardException.class);
        assertThat(tokens()).isEmpty();
    }

    @Test
    void unknownPortsAreRejected() {
        assertThatThrownBy(() -> store.read(tx -> tx.repository(Runnable.class)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("Runnable");
    }

    @Test
    void concurrentWritersKeepOneUnbrokenChain() throws Exception {
        int threads = 4;
        int perThread = 40;
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        try {
            List<Future<?>> futures = new ArrayList<>();
            for (int t = 0; t < threads; t++) {
                Caller caller = t % 2 == 0 ? ALICE : BOB;
                int thread = t;
                futures.add(pool.submit(() -> {
                    for (int i = 0; i < perThread; i++) {
                        int n = i;
                        store.write(tx -> audit.record(tx, caller, "obj.create", "obj", thread + "-" + n, Map.of()));
                    }
                }));
            }
            for (Future<?> future : futures) {
                future.get();
            }
        } finally {
            pool.shutdownNow();
        }
        AuditVerification verification = audit.verify(store);
        assertThat(verification.intact()).as(verification.reason().orElse("")).isTrue();
        assertThat(verification.eventsChecked()).isEqualTo(threads * perThread);
    }

    /**
     * Writes that overlap may share a transaction (SQLite's group commit): one that fails must
     * still take only its own changes with it, and every one that returned must be there.
     */
    @Test
    void concurrentWritesThatFailTakeOnlyTheirOwnChangesWithThem() throws Exception {
        int threads = 8;
        int perThread = 30;
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        List<String> acknowledged = java.util.Collections.synchronizedList(new ArrayList<>());
        try {
            List<Future<?>> futures = new ArrayList<>();
            for (int t = 0; t < threads; t++) {
                int thread = t;
                futures.add(pool.submit(() -> {
                    for (int i = 0; i < perThread; i++) {
                        String id = "tok_" + thread + "_" + i;
                        String hash = String.format("%064x", thread * 1000 + i);
                        boolean fails = (thread + i) % 3 == 0;
                        try {
                            store.write(tx -> {
                                tx.repository(TokenRepository.class).insert(token(id, hash));
                                audit.record(tx, ALICE, "token.create", "token", id, Map.of());
                                if (fails) {
                                    throw StewardException.invalidState("changed my mind about " + id);
                                }
                                return null;
                            });
                            acknowledged.add(id);
                        } catch (StewardException e) {
                            assertThat(fails).as(id + " failed: " + e.getMessage()).isTrue();
                            assertThat(e.getMessage()).isEqualTo("changed my mind about " + id);
                        }
                    }
                }));
            }
            for (Future<?> future : futures) {
                future.get();
            }
        } finally {
            pool.shutdownNow();
        }
        assertThat(tokens()).extracting(TokenRecord::id).containsExactlyInAnyOrderElementsOf(acknowledged);
        AuditVerification verification = audit.verify(store);
        assertThat(verification.intact()).as(verification.reason().orElse("")).isTrue();
        assertThat(verification.eventsChecked()).isEqualTo(acknowledged.size());
        assertThat(acknowledged).hasSize(threads * perThread - threads * perThread / 3);
    }

    @Test
    void tokenServiceWorksEndToEndOnTheStore() {
        TokenService tokens = new TokenService(store, audit, clock);
        Optional<IssuedToken> admin = tokens.bootstrapAdmin(new Caller(Actor.SYSTEM, "0".repeat(64)));
        assertThat(admin).isPresent();
        assertThat(tokens.bootstrapAdmin(new Caller(Actor.SYSTEM, "0".repeat(64)))).isEmpty();
        assertThat(tokens.authenticate(admin.get().secret())).get().extracting(Actor::role).isEqualTo(Role.ADMIN);
        assertThat(audit.find(store, AuditQuery.all(10))).extracting(AuditEvent::action).containsExactly("token.create");
        assertThat(audit.verify(store).intact()).isTrue();
    }

    private Optional<AuditHead> head() {
        return store.read(tx -> tx.repository(AuditRepository.class).head());
    }

    private List<AuditEvent> range(long from, int limit) {
        return store.read(tx -> tx.repository(AuditRepository.class).range(from, limit));
    }

    private Optional<TokenRecord> tokenById(String id) {
        return store.read(tx -> tx.repository(TokenRepository.class).findById(id));
    }

    private Optional<TokenRecord> tokenByHash(String hash) {
        return store.read(tx -> tx.repository(TokenRepository.class).findBySecretHash(hash));
    }

    private List<TokenRecord> tokens() {
        return store.read(tx -> tx.repository(TokenRepository.class).list());
    }

    private boolean revoke(String id, Instant at) {
        return store.write(tx -> tx.repository(TokenRepository.class).revoke(id, at));
    }

    private static TokenRecord token(String id, String hash) {
        return new TokenRecord(id, "laptop", Role.VIEWER, hash, Instant.parse("2026-01-01T00:00:00Z"), "system", Optional.empty());
    }

    private static AuditQuery query(Optional<String> objectType, Optional<String> objectId, Optional<String> actor,
            Optional<String> action, Optional<Instant> from, Optional<Instant> to, Optional<Long> cursor, boolean newestFirst,
            int limit) {
        return new AuditQuery(objectType, objectId, actor, action, from, to, cursor, newestFirst, limit);
    }

    /** A thread-safe clock that advances one second per reading. */
    public static final class SteppingClock extends Clock {
        private final AtomicLong millis;

        public SteppingClock(Instant start) {
            this.millis = new AtomicLong(start.toEpochMilli());
        }

        @Override
        public ZoneOffset getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(java.time.ZoneId zone) {
            return this;
        }

        @Override
        public Instant instant() {
            return Instant.ofEpochMilli(millis.getAndAdd(1000));
        }
    }
}
