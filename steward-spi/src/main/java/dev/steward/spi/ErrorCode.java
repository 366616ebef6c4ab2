package dev.steward.spi;

import static java.util.Objects.requireNonNull;

/**
 * Every error Steward reports. Names follow MLflow's error codes where one exists, so the same
 * code reads the same on the native and the MLflow-compatible API.
 */
public enum ErrorCode {
    INVALID_PARAMETER_VALUE(ErrorCategory.USER),
    MALFORMED_REQUEST(ErrorCategory.USER),
    RESOURCE_DOES_NOT_EXIST(ErrorCategory.NOT_FOUND),
    ENDPOINT_NOT_FOUND(ErrorCategory.NOT_FOUND),
    RESOURCE_ALREADY_EXISTS(ErrorCategory.CONFLICT),
    INVALID_STATE(ErrorCategory.CONFLICT),
    /** Something the request needs is used up or too small: a test set's step budget, or its labelled rows. */
    RESOURCE_EXHAUSTED(ErrorCategory.CONFLICT),
    REQUEST_TOO_LARGE(ErrorCategory.TOO_LARGE),
    UNSUPPORTED_MEDIA_TYPE(ErrorCategory.UNSUPPORTED_MEDIA_TYPE),
    UNAUTHENTICATED(ErrorCategory.UNAUTHENTICATED),
    PERMISSION_DENIED(ErrorCategory.FORBIDDEN),
    REQUEST_LIMIT_EXCEEDED(ErrorCategory.RATE_LIMITED),
    TEMPORARILY_UNAVAILABLE(ErrorCategory.UNAVAILABLE),
    DATA_CORRUPTED(ErrorCategory.INTERNAL),
    INTERNAL_ERROR(ErrorCategory.INTERNAL);

    private final ErrorCategory category;

    ErrorCode(ErrorCategory category) {
        this.category = requireNonNull(category, "category is null");
    }

    public ErrorCategory category() {
        return category;
    }
}
