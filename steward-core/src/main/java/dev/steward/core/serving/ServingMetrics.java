package dev.steward.core.serving;

import java.util.Map;

/**
 * What the serving engine reports as it answers, for a metrics adapter (Prometheus in the
 * server). Implementations must be thread-safe and cheap: they are called on every request.
 */
public interface ServingMetrics {
    /** The meters of one version in one deployment; asked for once per version and revision, the same key giving the same meters. */
    Lane lane(String deployment, String model, int version);

    /**
     * A request refused before any version was chosen.
     *
     * @param deployment the deployment, or the empty string when no deployment has the name asked for
     * @param kind the error's kind ({@link #kind})
     */
    void refused(String deployment, String protocol, String kind);

    /** The share of a deployment's unpinned traffic each served version gets ({@code model:version} to a fraction), at each change. */
    void split(String deployment, Map<String, Double> shares);

    /** The meters of one version of a deployment. */
    interface Lane {
        void answered(String protocol, int rows, long nanos);

        void failed(String protocol, String kind, long nanos);

        /** A runtime call of {@code rows} rows (one or more requests). */
        void batch(int rows);

        /** Rows waiting for a runtime call changed by {@code delta}. */
        void queued(int delta);
    }

    /** The kind of an error as metrics count it: bad_input, not_found, too_large, rate_limited, unavailable, stopped, internal... */
    static String kind(dev.steward.spi.ErrorCode code) {
        return switch (code.category()) {
            case USER -> "bad_input";
            case NOT_FOUND -> "not_found";
            case TOO_LARGE -> "too_large";
            case UNSUPPORTED_MEDIA_TYPE -> "unsupported_media_type";
            case RATE_LIMITED -> "rate_limited";
            case UNAVAILABLE -> "unavailable";
            case UNAUTHENTICATED -> "unauthenticated";
            case FORBIDDEN -> "forbidden";
            case CONFLICT -> "conflict";
            case INTERNAL -> "internal";
        };
    }

    /** Metrics that go nowhere (tests). */
    ServingMetrics NONE = new ServingMetrics() {
        private final Lane lane = new Lane() {
            @Override
            public void answered(String protocol, int rows, long nanos) {
            }

            @Override
            public void failed(String protocol, String kind, long nanos) {
            }

            @Override
            public void batch(int rows) {
            }

            @Override
            public void queued(int delta) {
            }
        };

        @Override
        public Lane lane(String deployment, String model, int version) {
            return lane;
        }

        @Override
        public void refused(String deployment, String protocol, String kind) {
        }

        @Override
        public void split(String deployment, Map<String, Double> shares) {
        }
    };
}
