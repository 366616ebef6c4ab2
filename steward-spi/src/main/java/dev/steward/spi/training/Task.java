package dev.steward.spi.training;

import java.util.Locale;

/** What a model predicts. */
public enum Task {
    BINARY_CLASSIFICATION,
    MULTICLASS_CLASSIFICATION,
    REGRESSION;

    public boolean classification() {
        return this != REGRESSION;
    }

    /** The spelling in specs and manifests, e.g. {@code binary_classification}. */
    public String wireName() {
        return name().toLowerCase(Locale.ROOT);
    }
}
