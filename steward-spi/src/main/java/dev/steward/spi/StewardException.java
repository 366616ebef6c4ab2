package dev.steward.spi;

import static java.util.Objects.requireNonNull;

import java.util.Optional;

/**
 * The one exception type of Steward. It carries an {@link ErrorCode} and, for errors about one
 * input, the name of the offending field, so that every API can say exactly what to fix.
 */
public final class StewardException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    private final ErrorCode code;
    private final String field;

    private StewardException(ErrorCode code, String field, String message, Throwable cause) {
        super(requireNonNull(message, "message is null"), cause);
        this.code = requireNonNull(code, "code is null");
        this.field = field;
    }

    public static StewardException of(ErrorCode code, String message) {
        return new StewardException(code, null, message, null);
    }

    public static StewardException of(ErrorCode code, String message, Throwable cause) {
        return new StewardException(code, null, message, requireNonNull(cause, "cause is null"));
    }

    /** An invalid value in the named input field. */
    public static StewardException invalid(String field, String message) {
        return new StewardException(ErrorCode.INVALID_PARAMETER_VALUE, requireNonNull(field, "field is null"), message, null);
    }

    public static StewardException notFound(String message) {
        return new StewardException(ErrorCode.RESOURCE_DOES_NOT_EXIST, null, message, null);
    }

    public static StewardException alreadyExists(String message) {
        return new StewardException(ErrorCode.RESOURCE_ALREADY_EXISTS, null, message, null);
    }

    public static StewardException invalidState(String message) {
        return new StewardException(ErrorCode.INVALID_STATE, null, message, null);
    }

    public static StewardException internal(String message, Throwable cause) {
        return new StewardException(ErrorCode.INTERNAL_ERROR, null, message, cause);
    }

    /** The same error, reported against a named field. */
    public StewardException withField(String newField) {
        StewardException copy = new StewardException(code, requireNonNull(newField, "newField is null"), getMessage(), getCause());
        copy.setStackTrace(getStackTrace());
        return copy;
    }

    public ErrorCode code() {
        return code;
    }

    public Optional<String> field() {
        return Optional.ofNullable(field);
    }
}
