package dev.steward.spi.tracking;

/** What a search clause or ordering refers to. */
public enum SearchEntity {
    METRIC,
    PARAM,
    TAG,
    ATTRIBUTE,
    DATASET
}
