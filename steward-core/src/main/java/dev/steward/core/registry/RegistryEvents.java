package dev.steward.core.registry;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.steward.spi.store.StoreTransaction;

/**
 * Where the registry announces what changed (webhook subscribers): called inside the transaction
 * of the change, so an event goes out if and only if the change committed.
 */
@FunctionalInterface
public interface RegistryEvents {
    /** Announces nothing (tests, and tools that open the store offline). */
    RegistryEvents NONE = (tx, type, objectType, objectId, data) -> { };

    void publish(StoreTransaction tx, String type, String objectType, String objectId, ObjectNode data);
}
