package dev.steward.server.config;

import static java.util.Objects.requireNonNull;

/**
 * Settings of the HTTP server.
 *
 * @param bindAddress address to listen on; loopback unless told otherwise
 * @param port TCP port; 0 picks a free one
 * @param maxBodyBytes the largest JSON request body accepted
 * @param maxJsonDepth the deepest nesting of a JSON request
 * @param maxStringLength the longest string value inside a JSON request
 * @param maxArtifactBytes the largest artifact upload
 * @param shutdownTimeoutMs how long a graceful shutdown waits for in-flight requests
 */
public record ServerConfig(
        String bindAddress, int port, long maxBodyBytes, int maxJsonDepth, int maxStringLength, long maxArtifactBytes,
        long shutdownTimeoutMs) {
    public ServerConfig {
        requireNonNull(bindAddress, "bindAddress is null");
    }
}
