package dev.steward.server.serving;

import static java.util.Objects.requireNonNull;

import dev.steward.core.serving.Prediction;
import dev.steward.core.serving.PredictionRequest;
import dev.steward.core.serving.ServingEngine;
import dev.steward.server.http.Authenticator;
import dev.steward.server.http.HttpServer;
import dev.steward.spi.ErrorCode;
import dev.steward.spi.StewardException;
import io.javalin.http.Context;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ThreadLocalRandom;

/**
 * What the three prediction protocols share: the request id ({@code X-Request-Id}, or one made
 * up), the caller, the call into the engine, and the headers every answer carries (errors too:
 * the request id, and {@code Retry-After} for a rate limit). Thread-safe.
 */
final class ServingCalls {
    static final String REQUEST_ID = "X-Request-Id";
    static final String DEPLOYMENT = "X-Steward-Deployment";
    static final String MODEL = "X-Steward-Model";
    static final String MODEL_VERSION = "X-Steward-Model-Version";
    private static final int MAX_REQUEST_ID = 128;

    private final ServingEngine engine;

    ServingCalls(ServingEngine engine) {
        this.engine = requireNonNull(engine, "engine is null");
    }


    /** Calls the engine for the deployment of the path; on success the answer's headers are set. */
    Prediction predict(Context ctx, String protocol, Optional<String> version, PredictionRequest.Body body) {
        String requestId = requestId(ctx);
        String deployment = ctx.pathParam("name");
        long bytes = ctx.contentLength() >= 0 ? ctx.contentLength() : ctx.bodyAsBytes().length;
        try {
            Prediction prediction = engine.predict(new PredictionRequest(deployment, version, requestId, Authenticator.actor(ctx).id(), protocol,
                    System.currentTimeMillis(), bytes, name -> Optional.ofNullable(ctx.header(name)), body));
            ctx.header(DEPLOYMENT, prediction.deployment());
            ctx.header(MODEL, prediction.model());
            ctx.header(MODEL_VERSION, Integer.toString(prediction.version()));
            return prediction;
        } catch (StewardException e) {
            if (e.code() == ErrorCode.REQUEST_LIMIT_EXCEEDED) {
                HttpServer.headerKeptOnError(ctx, "Retry-After", Long.toString(engine.retryAfterSeconds(deployment)));
            }
            throw e;
        }
    }

    /** The caller's request id, echoed on the answer (errors included); a new one when it sent none. */
    static String requestId(Context ctx) {
        String given = ctx.header(REQUEST_ID);
        String id;
        if (given == null || given.isEmpty()) {
            ThreadLocalRandom random = ThreadLocalRandom.current();
            // A version 4 UUID from a fast generator: a request id needs to be unique, not unguessable.
            id = new UUID(random.nextLong() & ~0xf000L | 0x4000L, random.nextLong() & ~(0xcL << 60) | (0x8L << 60)).toString();
        } else {
            if (given.length() > MAX_REQUEST_ID || !given.chars().allMatch(c -> c > 0x20 && c < 0x7f)) {
                throw StewardException.invalid(REQUEST_ID, "the X-Request-Id header must be 1 to " + MAX_REQUEST_ID
                        + " visible ASCII characters");
            }
            id = given;
        }
        HttpServer.headerKeptOnError(ctx, REQUEST_ID, id);
        return id;
    }
}
