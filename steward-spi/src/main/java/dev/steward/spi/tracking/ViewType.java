package dev.steward.spi.tracking;

import dev.steward.spi.StewardException;

/** Which lifecycle stages a search returns (MLflow's {@code ViewType}). */
public enum ViewType {
    ACTIVE_ONLY(1),
    DELETED_ONLY(2),
    ALL(3);

    private final int number;

    ViewType(int number) {
        this.number = number;
    }

    /** Parses a view type by name (any case) or by MLflow's enum number. */
    public static ViewType parse(String text) {
        for (ViewType type : values()) {
            if (type.name().equalsIgnoreCase(text) || Integer.toString(type.number).equals(text)) {
                return type;
            }
        }
        throw StewardException.invalid("run_view_type", "invalid view type '" + text + "'; valid values are ACTIVE_ONLY, DELETED_ONLY, ALL");
    }
}
