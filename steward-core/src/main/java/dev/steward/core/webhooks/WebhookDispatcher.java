package dev.steward.core.webhooks;

import static java.util.Objects.requireNonNull;

import dev.steward.core.util.StewardVersion;
import dev.steward.spi.store.MetadataStore;
import dev.steward.spi.webhooks.WebhookAttempt;
import dev.steward.spi.webhooks.WebhookDelivery;
import dev.steward.spi.webhooks.WebhookEvent;
import dev.steward.spi.webhooks.WebhookRepository;
import dev.steward.spi.webhooks.WebhookSender;
import dev.steward.spi.webhooks.WebhookSubscription;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Sends queued deliveries in the background through the {@link WebhookSender} port, signed (see
 * {@link WebhookSignature}), retrying failures by the {@link RetryPolicy} and recording every
 * attempt. A subscription's deliveries go out one at a time in queue order: the store only offers
 * a subscription's first pending delivery. Deliveries of different subscriptions go out in
 * parallel on {@link Settings#senders()} threads, so a slow receiver holds up only its own.
 *
 * <p>A delivery being sent is claimed by this server instance with a lease, renewed every third of
 * {@link Settings#lease()} while the call lasts, as jobs are. On a store only this server opens
 * (SQLite, behind the home's lock) claims left by an earlier process are released at start; on a
 * shared store (PostgreSQL replicas) another server takes a delivery over only once its lease ran
 * out, so a dead replica's deliveries are sent by the others. Thread-safe.
 */
public final class WebhookDispatcher implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(WebhookDispatcher.class);
    /** How often the queue is read for deliveries that other transactions or servers queued. */
    private static final long POLL_MS = 500;
    private static final int MAX_ERROR_CHARS = 1000;

    private final MetadataStore store;
    private final WebhookSender sender;
    private final Clock clock;
    private final Settings settings;
    private final String owner;
    private final boolean sharedStore;
    private final Set<String> inFlight = ConcurrentHashMap.newKeySet();
    private final ScheduledExecutorService scheduler;
    private final ExecutorService senders;
    private volatile boolean started;
    private volatile boolean closed;

    /**
     * How deliveries are sent.
     *
     * @param timeout how long one attempt waits for the receiver's answer
     * @param retry when failed attempts are repeated, and when they are given up
     * @param lease how long a delivery being sent stays this server's without a renewal
     * @param senders how many deliveries (of different subscriptions) are sent at once
     */
    public record Settings(Duration timeout, RetryPolicy retry, Duration lease, int senders) {
        public Settings {
            requireNonNull(timeout, "timeout is null");
            requireNonNull(retry, "retry is null");
            requireNonNull(lease, "lease is null");
            if (lease.toMillis() < 300) {
                throw new IllegalArgumentException("lease must be at least 300 ms: " + lease);
            }
            if (senders < 1) {
                throw new IllegalArgumentException("senders must be at least 1: " + senders);
            }
        }
    }

    /**
     * @param owner the name this server instance claims deliveries under (unique among the servers on the store)
     * @param sharedStore whether other servers may send deliveries from the same store at the same time
     */
    public WebhookDispatcher(MetadataStore store, WebhookSender sender, Clock clock, Settings settings, String owner, boolean sharedStore) {
        this.store = requireNonNull(store, "store is null");
        this.sender = requireNonNull(sender, "sender is null");
        this.clock = requireNonNull(clock, "clock is null");
        this.settings = requireNonNull(settings, "settings is null");
        this.owner = requireNonNull(owner, "owner is null");
        this.sharedStore = sharedStore;
        this.scheduler = Executors.newSingleThreadScheduledExecutor(daemon("steward-webhooks"));
        this.senders = Executors.newFixedThreadPool(settings.senders(), daemon("steward-webhook-sender"));
    }

    private static ThreadFactory daemon(String name) {
        return runnable -> {
            Thread thread = new Thread(runnable, name);
            thread.setDaemon(true);
            return thread;
        };
    }

    /** Starts sending. */
    public synchronized void start() {
        if (started || closed) {
            throw new IllegalStateException("the webhook dispatcher was already started");
        }
        started = true;
        if (!sharedStore) {
            int released = store.write(tx -> tx.repository(WebhookRepository.class).releaseAllLeases());
            if (released > 0) {
                LOG.info("{} webhook deliveries were being sent when the server stopped; they are sent again", released);
            }
        }
        scheduler.scheduleWithFixedDelay(this::poll, 0, POLL_MS, TimeUnit.MILLISECONDS);
        long renewal = Math.max(100, settings.lease().toMillis() / 3);
        scheduler.scheduleWithFixedDelay(this::renewLeases, renewal, renewal, TimeUnit.MILLISECONDS);
    }

    /** Claims due deliveries, as many as there are free senders, and hands them to the senders. */
    private void poll() {
        try {
            int free = settings.senders() - inFlight.size();
            if (free <= 0 || closed) {
                return;
            }
            long now = clock.millis();
            List<WebhookDelivery> due = store.read(tx -> tx.repository(WebhookRepository.class).due(now, free));
            for (WebhookDelivery delivery : due) {
                // A lease of ours that ran out while the call still lasts (a long pause) must not start a second call.
                if (closed || inFlight.contains(delivery.id())) {
                    continue;
                }
                boolean claimed = store.write(tx -> tx.repository(WebhookRepository.class).claim(delivery.id(), owner, now,
                        now + settings.lease().toMillis()));
                if (claimed) {
                    inFlight.add(delivery.id());
                    try {
                        senders.execute(() -> send(delivery));
                    } catch (RejectedExecutionException stopping) {
                        inFlight.remove(delivery.id());
                    }
                }
            }
        } catch (RuntimeException e) {
            LOG.warn("reading the webhook queue failed: {}", e.getMessage());
        }
    }

    private void renewLeases() {
        try {
            if (!inFlight.isEmpty()) {
                long until = clock.millis() + settings.lease().toMillis();
                store.write(tx -> tx.repository(WebhookRepository.class).renewLeases(owner, Set.copyOf(inFlight), until));
            }
        } catch (RuntimeException e) {
            LOG.warn("renewing webhook delivery leases failed: {}", e.getMessage());
        }
    }

    private record Target(WebhookSubscription subscription, WebhookEvent event) {}

    private void send(WebhookDelivery delivery) {
        try {
            Optional<Target> target = store.read(tx -> {
                WebhookRepository webhooks = tx.repository(WebhookRepository.class);
                return webhooks.findSubscription(delivery.subscriptionId())
                        .flatMap(s -> webhooks.findEvent(delivery.eventId()).map(e -> new Target(s, e)));
            });
            // Deleted after the claim: its deliveries were cancelled, nothing is sent.
            if (target.isPresent() && target.get().subscription().active()) {
                attempt(delivery, target.get());
            }
        } catch (RuntimeException e) {
            // The claim is no longer renewed: once its lease runs out the delivery is tried again.
            LOG.warn("webhook delivery {} failed before its attempt was recorded: {}", delivery.id(), e.toString());
        } finally {
            inFlight.remove(delivery.id());
            if (!closed) {
                try {
                    scheduler.execute(this::poll);
                } catch (RejectedExecutionException stopping) {
                    // Closed meanwhile: nothing more to send.
                }
            }
        }
    }

    private void attempt(WebhookDelivery delivery, Target target) {
        byte[] body = target.event().payload().getBytes(StandardCharsets.UTF_8);
        long timestamp = clock.instant().getEpochSecond();
        Map<String, String> headers = new LinkedHashMap<>();
        headers.put("Content-Type", "application/json");
        headers.put("User-Agent", "Steward-Webhooks/" + StewardVersion.get());
        headers.put("X-Steward-Event", target.event().type());
        headers.put("X-Steward-Delivery", delivery.id());
        headers.put("X-Steward-Timestamp", Long.toString(timestamp));
        headers.put("X-Steward-Signature", WebhookSignature.sign(target.subscription().secret(), timestamp, body));
        long startedAt = clock.millis();
        long start = System.nanoTime();
        WebhookSender.Response response = sender.post(URI.create(target.subscription().url()), headers, body, settings.timeout());
        long durationMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
        boolean delivered = response.status().filter(s -> s >= 200 && s < 300).isPresent();
        Optional<String> error = delivered ? Optional.empty()
                : Optional.of(truncate(response.error().orElseGet(() -> "the receiver answered HTTP " + response.status().orElseThrow())));
        int number = delivery.attempts() + 1;
        WebhookAttempt attempt = new WebhookAttempt(delivery.id(), number, startedAt, durationMs, response.status(), error);
        long now = clock.millis();
        Optional<Long> retryAt = delivered ? Optional.empty()
                : settings.retry().nextAttemptAt(number, delivery.createdAt(), now, ThreadLocalRandom.current().nextDouble());
        String status = delivered ? WebhookDelivery.DELIVERED : retryAt.isPresent() ? WebhookDelivery.PENDING : WebhookDelivery.FAILED;
        boolean recorded = store.write(tx -> tx.repository(WebhookRepository.class).recordAttempt(attempt, owner, status, retryAt.orElse(now)));
        if (!recorded) {
            LOG.warn("webhook delivery {} was taken over by another server while this one sent it (its lease ran out); attempt {} is not"
                    + " recorded", delivery.id(), number);
        } else if (status.equals(WebhookDelivery.FAILED)) {
            LOG.warn("webhook delivery {} of {} to {} ({}) given up after {} attempts: {}", delivery.id(), target.event().type(),
                    target.subscription().id(), URI.create(target.subscription().url()).getHost(), number, error.orElse(""));
        } else if (status.equals(WebhookDelivery.PENDING)) {
            LOG.debug("webhook delivery {} attempt {} failed ({}); next at {}", delivery.id(), number, error.orElse(""), retryAt.get());
            schedulePoll(retryAt.get() - now);
        }
    }

    /** Looks at the queue when a retry this server knows of falls due, rather than at the next regular poll. */
    private void schedulePoll(long delayMs) {
        try {
            scheduler.schedule(this::poll, Math.max(0, delayMs), TimeUnit.MILLISECONDS);
        } catch (RejectedExecutionException stopping) {
            // Closed meanwhile: whoever sends next picks the retry up from the store.
        }
    }

    private static String truncate(String text) {
        return text.length() <= MAX_ERROR_CHARS ? text : text.substring(0, MAX_ERROR_CHARS - 3) + "...";
    }

    /**
     * Stops sending: waits for the calls in progress (at most the timeout), records them, then
     * gives up this server's claims so that a restart or another server sends the rest at once.
     */
    @Override
    public void close() {
        closed = true;
        scheduler.shutdownNow();
        try {
            // A poll that is claiming must finish first, or its claim would outlive the release below.
            scheduler.awaitTermination(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        senders.shutdown();
        try {
            if (!senders.awaitTermination(settings.timeout().toMillis() + 5_000, TimeUnit.MILLISECONDS)) {
                senders.shutdownNow();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            senders.shutdownNow();
        }
        if (started) {
            try {
                store.write(tx -> tx.repository(WebhookRepository.class).releaseLeases(owner));
            } catch (RuntimeException e) {
                LOG.warn("could not release this server's webhook claims (they run out by themselves): {}", e.getMessage());
            }
        }
    }
}
