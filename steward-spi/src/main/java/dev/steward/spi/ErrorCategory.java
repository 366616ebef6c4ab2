package dev.steward.spi;

/**
 * What kind of failure an {@link ErrorCode} is. The HTTP layer maps each category to one status,
 * in one place, so a new error code never needs its own mapping.
 */
public enum ErrorCategory {
    /** The caller sent something invalid; retrying the same request fails the same way. */
    USER,
    /** The named object does not exist. */
    NOT_FOUND,
    /** The request conflicts with the current state (already exists, wrong state). */
    CONFLICT,
    /** The request or one of its parts is larger than allowed. */
    TOO_LARGE,
    /** The request's body is in a format (content type) the endpoint does not read. */
    UNSUPPORTED_MEDIA_TYPE,
    /** No valid credentials were presented. */
    UNAUTHENTICATED,
    /** Valid credentials without the required role. */
    FORBIDDEN,
    /** The caller exceeded a rate limit. */
    RATE_LIMITED,
    /** A dependency (database, disk) is not available right now; retrying may succeed. */
    UNAVAILABLE,
    /** A bug or corrupted state inside Steward. */
    INTERNAL
}
