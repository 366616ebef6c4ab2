package dev.steward.core.serving;

/**
 * Where every prediction request goes after it is answered. {@link #offer} never blocks and never
 * throws: a full queue drops the entry and counts it. Implementations write on their own threads.
 */
public interface RequestLog extends AutoCloseable {
    /** Hands an entry over; false when it was dropped (queue full or log closed). */
    boolean offer(LoggedRequest request);

    /** Entries dropped since start. */
    long dropped();

    /** Entries waiting to be written. */
    int queued();

    /**
     * Hands every entry this log writes to {@code tap} from now on (replacing an earlier tap);
     * false when this log keeps nothing, so there is nothing to tap.
     */
    default boolean tap(RequestLogTap tap) {
        return false;
    }

    /** Flushes what is queued (within a bounded time) and stops. */
    @Override
    void close();

    /** A log that keeps nothing (tests; serving with logging off). */
    RequestLog NONE = new RequestLog() {
        @Override
        public boolean offer(LoggedRequest request) {
            return true;
        }

        @Override
        public long dropped() {
            return 0;
        }

        @Override
        public int queued() {
            return 0;
        }

        @Override
        public void close() {
        }
    };
}
