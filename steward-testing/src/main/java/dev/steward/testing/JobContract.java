package dev.steward.testing;

import static org.assertj.core.api.Assertions.assertThat;

import dev.steward.spi.jobs.JobRecord;
import dev.steward.spi.jobs.JobRepository;
import dev.steward.spi.store.MetadataStore;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The job store on every backend: the queue order (priority, then submission), listing newest
 * first by status and parent, and the compare-and-set update the scheduler relies on.
 */
public abstract class JobContract {
    private MetadataStore store;

    protected abstract MetadataStore newStore();

    @BeforeEach
    void open() {
        store = newStore();
    }

    @AfterEach
    void close() {
        store.close();
    }

    private static JobRecord job(String id, int priority, long createdAt, Optional<String> parent) {
        return JobRecord.queued(id, "train", priority, "{\"a\": 1}", parent, createdAt, "tok_1");
    }

    private void insert(JobRecord... jobs) {
        store.write(tx -> {
            for (JobRecord job : jobs) {
                tx.repository(JobRepository.class).insert(job);
            }
            return null;
        });
    }

    @Test
    void theQueueStartsTheHighestPriorityFirstThenTheOldest() {
        insert(job("job_a", 0, 1, Optional.empty()), job("job_b", 5, 2, Optional.empty()), job("job_c", 0, 3, Optional.empty()),
                job("job_d", 5, 4, Optional.empty()), job("job_e", -3, 0, Optional.empty()));

        List<JobRecord> queued = store.read(tx -> tx.repository(JobRepository.class).queued());

        assertThat(queued).extracting(JobRecord::id).containsExactly("job_b", "job_d", "job_a", "job_c", "job_e");
        Optional<JobRecord> found = store.read(tx -> tx.repository(JobRepository.class).find("job_b"));
        assertThat(found).hasValueSatisfying(j -> {
            assertThat(j.spec()).isEqualTo("{\"a\": 1}");
            assertThat(j.priority()).isEqualTo(5);
            assertThat(j.parentId()).isEmpty();
        });
        Optional<JobRecord> missing = store.read(tx -> tx.repository(JobRepository.class).find("job_zz"));
        assertThat(missing).isEmpty();
    }

    @Test
    void anUpdateAppliesOnlyFromTheExpectedStatus() {
        insert(job("job_a", 0, 1, Optional.empty()));
        JobRecord started = store.read(tx -> tx.repository(JobRepository.class).find("job_a")).orElseThrow().started("run1", 10, "server-a");

        boolean first = store.write(tx -> tx.repository(JobRepository.class).claim(started, 1_000));
        boolean second = store.write(tx -> tx.repository(JobRepository.class).claim(started, 1_000));
        assertThat(first).isTrue();
        assertThat(second).as("a second worker loses the race").isFalse();
        JobRecord ended = started.ended(JobRecord.FAILED, Optional.of("exit status 3"), 20);
        boolean finished = store.write(tx -> tx.repository(JobRepository.class).update(ended, JobRecord.RUNNING));
        assertThat(finished).isTrue();

        JobRecord stored = store.read(tx -> tx.repository(JobRepository.class).find("job_a")).orElseThrow();
        assertThat(stored.status()).isEqualTo(JobRecord.FAILED);
        assertThat(stored.runId()).contains("run1");
        assertThat(stored.message()).contains("exit status 3");
        assertThat(stored.startedAt()).contains(10L);
        assertThat(stored.endedAt()).contains(20L);
        assertThat(stored.owner()).contains("server-a");
        List<JobRecord> queued = store.read(tx -> tx.repository(JobRepository.class).queued());
        List<JobRecord> failed = store.read(tx -> tx.repository(JobRepository.class).withStatus(JobRecord.FAILED));
        assertThat(queued).isEmpty();
        assertThat(failed).extracting(JobRecord::id).containsExactly("job_a");
    }

    @Test
    void leasesAreRenewedByTheirOwnerAndExpireWithoutIt() {
        insert(job("job_a", 0, 1, Optional.empty()), job("job_b", 0, 2, Optional.empty()), job("job_c", 0, 3, Optional.empty()));
        JobRecord a = store.read(tx -> tx.repository(JobRepository.class).find("job_a")).orElseThrow().started("run_a", 10, "server-a");
        JobRecord b = store.read(tx -> tx.repository(JobRepository.class).find("job_b")).orElseThrow().started("run_b", 10, "server-b");
        store.write(tx -> tx.repository(JobRepository.class).claim(a, 100));
        store.write(tx -> tx.repository(JobRepository.class).claim(b, 100));
        // A job set running without a lease, as a server before leases existed left it.
        JobRecord legacy = store.read(tx -> tx.repository(JobRepository.class).find("job_c")).orElseThrow().withStatus(JobRecord.RUNNING,
                Optional.empty());
        store.write(tx -> tx.repository(JobRepository.class).update(legacy, JobRecord.QUEUED));

        int renewed = store.write(tx -> tx.repository(JobRepository.class).renewLeases("server-a", 500));

        assertThat(renewed).isEqualTo(1);
        List<JobRecord> expired = store.read(tx -> tx.repository(JobRepository.class).expiredLeases(200));
        assertThat(expired).extracting(JobRecord::id).containsExactly("job_b", "job_c");
        List<JobRecord> expiredEarlier = store.read(tx -> tx.repository(JobRepository.class).expiredLeases(50));
        assertThat(expiredEarlier).extracting(JobRecord::id).containsExactly("job_c");
        JobRecord ended = a.ended(JobRecord.SUCCEEDED, Optional.empty(), 300);
        store.write(tx -> tx.repository(JobRepository.class).update(ended, JobRecord.RUNNING));
        int renewedAfterEnd = store.write(tx -> tx.repository(JobRepository.class).renewLeases("server-a", 900));
        assertThat(renewedAfterEnd).as("an ended job holds no lease").isZero();
    }

    @Test
    void listsNewestFirstByStatusAndSweep() {
        insert(job("job_s", 0, 1, Optional.empty()), job("job_t1", 0, 2, Optional.of("job_s")), job("job_t2", 0, 3, Optional.of("job_s")),
                job("job_x", 0, 4, Optional.empty()));
        List<JobRecord> all = store.read(tx -> tx.repository(JobRepository.class).list(Optional.empty(), Optional.empty(), 10));
        List<JobRecord> trials = store.read(tx -> tx.repository(JobRepository.class).list(Optional.empty(), Optional.of("job_s"), 10));
        List<JobRecord> two = store.read(tx -> tx.repository(JobRepository.class).list(Optional.of(JobRecord.QUEUED), Optional.empty(), 2));
        assertThat(all).extracting(JobRecord::id).containsExactly("job_x", "job_t2", "job_t1", "job_s");
        assertThat(trials).extracting(JobRecord::id).containsExactly("job_t2", "job_t1");
        assertThat(two).hasSize(2);
    }
}
