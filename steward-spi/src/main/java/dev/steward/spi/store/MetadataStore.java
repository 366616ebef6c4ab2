package dev.steward.spi.store;

import java.util.function.Function;

/**
 * The metadata store: where every object's state and the audit chain live. Implementations are
 * thread-safe. Work runs inside a transaction: a change and the audit event that records it are
 * committed together or not at all.
 */
public interface MetadataStore extends AutoCloseable {
    /**
     * Runs {@code work} in one write transaction and commits it; any exception rolls it back and is
     * rethrown. Writes are serialised, so the work should not wait on anything slow.
     */
    <T> T write(Function<StoreTransaction, T> work);

    /** Runs {@code work} on a consistent read-only snapshot. */
    <T> T read(Function<StoreTransaction, T> work);

    /** The dialect in use, e.g. {@code sqlite} or {@code postgresql}. */
    String dialect();

    /** Throws a {@code StewardException} when the store cannot be reached. */
    void check();

    @Override
    void close();
}
