package dev.steward.server.http;

import dev.steward.spi.ErrorCategory;
import dev.steward.spi.ErrorCode;
import dev.steward.spi.StewardException;

/**
 * The one place where errors become HTTP responses: a status per error category, and the body
 * shape of the API the request was made to.
 */
public final class ErrorMapper {
    /** Paths of the MLflow-compatible API, whose clients expect MLflow's error shape and statuses. */
    public static final String MLFLOW_PREFIX = "/api/2.0/mlflow";

    private ErrorMapper() {}

    public static int status(ErrorCategory category) {
        return switch (category) {
            case USER -> 400;
            case NOT_FOUND -> 404;
            case CONFLICT -> 409;
            case TOO_LARGE -> 413;
            case UNSUPPORTED_MEDIA_TYPE -> 415;
            case UNAUTHENTICATED -> 401;
            case FORBIDDEN -> 403;
            case RATE_LIMITED -> 429;
            case UNAVAILABLE -> 503;
            case INTERNAL -> 500;
        };
    }

    public static boolean isMlflowPath(String path) {
        return path.startsWith(MLFLOW_PREFIX) || path.startsWith("/ajax-api/2.0/mlflow");
    }

    /** Paths of the Open Inference Protocol, whose clients expect its error shape {@code {"error": ...}}. */
    public static boolean isOipPath(String path) {
        return path.equals("/v2") || path.startsWith("/v2/");
    }

    /** Paths of MLflow's scoring protocol ({@code /deployments/{name}/invocations}), answered in MLflow's error shape. */
    public static boolean isScoringPath(String path) {
        return path.startsWith("/deployments/");
    }

    /** The Open Inference Protocol's error body. */
    public record OipError(String error) {}

    /** The status for an error on the given path: MLflow answers conflicts with 400. */
    public static int status(StewardException e, String path) {
        int status = status(e.code().category());
        if (isMlflowPath(path) && status == 409) {
            return 400;
        }
        return status;
    }

    /** The error body in the shape of the API the path belongs to: Steward's, MLflow's, or the Open Inference Protocol's. */
    public static Object body(StewardException e, String path) {
        if (isOipPath(path)) {
            return new OipError(e.getMessage());
        }
        if (isScoringPath(path)) {
            // MLflow's scoring server calls a request it cannot read BAD_REQUEST.
            return new ErrorBody(e.code() == ErrorCode.MALFORMED_REQUEST ? "BAD_REQUEST" : e.code().name(), e.getMessage(), null);
        }
        if (isMlflowPath(path)) {
            return new ErrorBody(e.code().name(), e.getMessage(), null);
        }
        return new ErrorBody(e.code().name(), e.getMessage(), e.field().orElse(null));
    }

    public static StewardException forStatus(int status, String message) {
        ErrorCode code = switch (status) {
            case 400 -> ErrorCode.MALFORMED_REQUEST;
            case 401 -> ErrorCode.UNAUTHENTICATED;
            case 403 -> ErrorCode.PERMISSION_DENIED;
            case 404 -> ErrorCode.ENDPOINT_NOT_FOUND;
            case 405 -> ErrorCode.ENDPOINT_NOT_FOUND;
            case 413 -> ErrorCode.REQUEST_TOO_LARGE;
            case 415 -> ErrorCode.UNSUPPORTED_MEDIA_TYPE;
            case 429 -> ErrorCode.REQUEST_LIMIT_EXCEEDED;
            case 503 -> ErrorCode.TEMPORARILY_UNAVAILABLE;
            default -> status >= 500 ? ErrorCode.INTERNAL_ERROR : ErrorCode.MALFORMED_REQUEST;
        };
        return StewardException.of(code, message);
    }
}
