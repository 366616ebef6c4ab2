package dev.steward.spi.tracking;

/** MLflow's lifecycle stages of experiments and runs. */
public final class Lifecycle {
    public static final String ACTIVE = "active";
    public static final String DELETED = "deleted";

    private Lifecycle() {}
}
