package dev.steward.spi.tracking;

import dev.steward.spi.StewardException;
import java.util.Arrays;
import java.util.stream.Collectors;

/** MLflow's run statuses. */
public enum RunStatus {
    RUNNING(1),
    SCHEDULED(2),
    FINISHED(3),
    FAILED(4),
    KILLED(5);

    private final int number;

    RunStatus(int number) {
        this.number = number;
    }

    /** The run has ended: its content is sealed. */
    public boolean terminal() {
        return this == FINISHED || this == FAILED || this == KILLED;
    }

    /** Parses a status by name (any case) or by MLflow's enum number. */
    public static RunStatus parse(String text) {
        for (RunStatus status : values()) {
            if (status.name().equalsIgnoreCase(text) || Integer.toString(status.number).equals(text)) {
                return status;
            }
        }
        throw StewardException.invalid("status", "invalid run status '" + text + "'; valid values are "
                + Arrays.stream(values()).map(Enum::name).collect(Collectors.joining(", ")));
    }
}
