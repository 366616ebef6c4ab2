package dev.steward.core.registry.policy;

import dev.steward.spi.data.DatasetVersion;

/** What parsing a policy may look up, so that a policy naming something that does not exist is refused when it is set. */
public interface PolicyContext {
    /** The dataset version {@code name@version} names; a 4xx naming {@code field} when it does not exist. */
    DatasetVersion dataset(String reference, String field);
}
