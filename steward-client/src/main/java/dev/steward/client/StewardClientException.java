package dev.steward.client;

import java.util.Optional;

/**
 * A request to Steward failed: the server answered with an error, or could not be reached
 * ({@link #status()} 0 then).
 */
public final class StewardClientException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    private final int status;
    private final String errorCode;
    private final String field;

    public StewardClientException(int status, String errorCode, String message, String field, Throwable cause) {
        super(message, cause);
        this.status = status;
        this.errorCode = errorCode;
        this.field = field;
    }

    /** The HTTP status, or 0 when no response was received. */
    public int status() {
        return status;
    }

    /** Steward's error code, e.g. {@code RESOURCE_DOES_NOT_EXIST}. */
    public String errorCode() {
        return errorCode;
    }

    /** The request field the error is about, when it is about one. */
    public Optional<String> field() {
        return Optional.ofNullable(field);
    }
}
