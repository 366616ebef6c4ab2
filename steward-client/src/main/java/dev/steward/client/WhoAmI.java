package dev.steward.client;

/** The token a client is using: its id, name and role. */
public record WhoAmI(String id, String name, String role) {}
