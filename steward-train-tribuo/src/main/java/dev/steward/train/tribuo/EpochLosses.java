package dev.steward.train.tribuo;

import dev.steward.spi.training.TrainingRequest;
import java.util.Map;
import java.util.logging.LogRecord;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Tribuo's SGD trainers have no callback, but log "At iteration N, average loss = X" every
 * {@code loggingInterval} steps: this turns those lines into per-epoch {@code training_loss}
 * metrics (log loss; half the squared error of the standardised target for regression) for the
 * training's listener, on the training's own thread, and stops the training
 * (by throwing {@link Stopped} out of the log call) when the listener says so or the loss is no
 * longer a number.
 */
final class EpochLosses {
    static final ThreadLocal<EpochLosses> LISTENER = new ThreadLocal<>();
    private static final Pattern LINE = Pattern.compile("At iteration (\\d+), average loss = (\\S+)");

    private final TrainingRequest.IterationListener listener;
    private final int interval;
    private final boolean logLikelihood;

    /**
     * @param logLikelihood Tribuo's LogMulticlass reports the mean log-probability of the true class,
     *     whose negation is the log loss; SquaredLoss reports the loss itself (half the squared error)
     */
    EpochLosses(TrainingRequest.IterationListener listener, int interval, boolean logLikelihood) {
        this.listener = listener;
        this.interval = interval;
        this.logLikelihood = logLikelihood;
    }

    /** Thrown through Tribuo's training loop to end it early. */
    static final class Stopped extends RuntimeException {
        private final int epoch;
        private final double loss;

        Stopped(int epoch, double loss) {
            super("training stopped at epoch " + epoch, null, false, false);
            this.epoch = epoch;
            this.loss = loss;
        }

        int epoch() {
            return epoch;
        }

        double loss() {
            return loss;
        }
    }

    /** The handler on Tribuo's SGD logger; lines of threads that train nothing of ours are dropped. */
    static final class Handler extends java.util.logging.Handler {
        @Override
        public void publish(LogRecord record) {
            EpochLosses current = LISTENER.get();
            if (current == null || record.getMessage() == null) {
                return;
            }
            Matcher m = LINE.matcher(record.getMessage());
            if (!m.find()) {
                return;
            }
            int epoch = (int) (Long.parseLong(m.group(1)) / current.interval);
            double reported = Double.parseDouble(m.group(2));
            double loss = current.logLikelihood ? -reported : reported;
            if (!current.listener.iteration(epoch, Map.of("training_loss", loss)) || !Double.isFinite(loss)) {
                throw new Stopped(epoch, loss);
            }
        }

        @Override
        public void flush() {
        }

        @Override
        public void close() {
        }
    }
}
