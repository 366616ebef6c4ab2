package dev.steward.client;

/** A stored blob: its SHA-256 and size in bytes. */
public record ArtifactInfo(String sha256, long size) {}
