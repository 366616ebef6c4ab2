package dev.steward.server.http;

/** The routes of one resource, declared together. */
public interface Routes {
    void register(Router router);
}
