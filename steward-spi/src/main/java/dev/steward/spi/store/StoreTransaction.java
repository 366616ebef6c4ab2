package dev.steward.spi.store;

/**
 * One open transaction. Repositories obtained from it act inside that transaction and must not
 * be used after the work that received it has returned.
 */
public interface StoreTransaction {
    /**
     * The repository of the given port type, e.g. {@code tx.repository(AuditRepository.class)}.
     *
     * @throws IllegalArgumentException when the store has no implementation of that port
     */
    <R> R repository(Class<R> type);
}
