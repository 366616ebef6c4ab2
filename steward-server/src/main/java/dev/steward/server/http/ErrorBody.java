package dev.steward.server.http;

import com.fasterxml.jackson.annotation.JsonInclude;

/**
 * The JSON error shape. The native API fills all three fields; MLflow-compatible routes leave out
 * {@code field}, matching MLflow's {@code {"error_code": ..., "message": ...}}.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record ErrorBody(String errorCode, String message, String field) {}
