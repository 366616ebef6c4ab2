package dev.steward.core.serving;

import java.util.List;

/**
 * What sees every entry the request log writes, on the log's writer thread (never on a request
 * thread): monitoring scores entries before they are written (an outlier score, kept in the line)
 * and folds the written ones into its windows, so its windows hold exactly what the log holds.
 * Implementations must be quick and must not block or throw; a tap that throws loses nothing of
 * the log (the entry is written without scores) and is reported once a minute.
 */
public interface RequestLogTap {
    /** The entry to write: {@code entry} itself, or with {@link LoggedRequest#withScores scores}. */
    LoggedRequest annotate(LoggedRequest entry);

    /** Entries just written to their segments (in the order written; not yet necessarily forced to disk). */
    void written(List<LoggedRequest> entries);

    /** A tap that does nothing. */
    RequestLogTap NONE = new RequestLogTap() {
        @Override
        public LoggedRequest annotate(LoggedRequest entry) {
            return entry;
        }

        @Override
        public void written(List<LoggedRequest> entries) {
        }
    };
}
