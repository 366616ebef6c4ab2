package dev.steward.store.jdbc;

import static java.util.Objects.requireNonNull;

import dev.steward.spi.store.StoreTransaction;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Function;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.Jdbi;
import org.jdbi.v3.core.statement.UnableToExecuteStatementException;

/**
 * Group commit on SQLite's one writer connection: writes that arrive while another is running
 * join its transaction and are committed together, so a burst of small writes (8 clients logging
 * one metric each) pays for one commit and one write of the touched pages to the WAL instead of
 * one per request.
 *
 * <p>Each write still runs on its caller's thread, one at a time under a lock, and sees the
 * writes before it. Every member after the first runs inside a savepoint: when its work throws,
 * only its own changes are rolled back and the exception goes to its caller alone. A member
 * returns only once the transaction holding its changes has committed (or throws if that commit
 * failed), so an acknowledged write is as durable as before. The member that finds nobody waiting
 * for the lock (or the group full) commits. Thread-safe.
 */
final class GroupCommit {
    /** Bounds the wait of a group's first member for the commit under a steady stream of writers. */
    static final int MAX_MEMBERS = 64;
    private static final String SAVEPOINT = "steward_member";

    private final Jdbi writer;
    private final ReentrantLock lock = new ReentrantLock();
    /** The open group, or null; guarded by {@link #lock}. */
    private Group open;
    /** Transactions ended, committed or rolled back (written under the lock, read by tests). */
    private volatile long ended;
    /** The writer connection's kept statements; guarded by {@link #lock}. */
    private StatementCache statements;

    GroupCommit(Jdbi writer) {
        this.writer = requireNonNull(writer, "writer is null");
    }

    <T> T write(Function<StoreTransaction, T> work) {
        if (lock.isHeldByCurrentThread()) {
            // It would join (and might commit) the transaction of the write it is nested in.
            throw new IllegalStateException("a write transaction was started inside another one on the same thread");
        }
        Group group;
        T result = null;
        Throwable own = null;
        lock.lock();
        try {
            if (open == null) {
                open = Group.begin(writer, this);
            }
            group = open;
            try {
                result = group.run(work);
            } catch (RuntimeException | Error e) {
                own = e;
            }
            // Whoever leaves the lock with nobody waiting commits, the failed members too: the others depend on it.
            if (group.failed() || group.members >= MAX_MEMBERS || !lock.hasQueuedThreads()) {
                open = null;
                ended++;
                group.finish();
            }
        } finally {
            lock.unlock();
        }
        if (own instanceof Error error) {
            throw error;
        }
        if (own != null) {
            throw (RuntimeException) own;
        }
        group.awaitCommit();
        return result;
    }

    /** Transactions ended so far (committed or rolled back), for tests. */
    long transactions() {
        return ended;
    }

    /** Writes waiting for the lock, for tests. */
    int waiting() {
        return lock.getQueueLength();
    }

    /** One transaction shared by the writes that ran in it. Mutable state is guarded by the lock. */
    private static final class Group {
        private final Handle handle;
        private final JdbcContext context;
        private final CountDownLatch done = new CountDownLatch(1);
        private int members;
        /** Why the transaction cannot commit (a member broke it, or the commit failed); null while it can. */
        private volatile RuntimeException failure;

        private Group(Handle handle, StatementCache statements) {
            this.handle = handle;
            this.context = new JdbcContext(handle, Dialect.SQLITE, true, statements);
        }

        static Group begin(Jdbi writer, GroupCommit owner) {
            Handle handle = writer.open();
            try {
                handle.begin();
                owner.statements = StatementCache.forHandle(handle, owner.statements);
                return new Group(handle, owner.statements);
            } catch (RuntimeException e) {
                handle.close();
                throw e;
            }
        }

        boolean failed() {
            return failure != null;
        }

        /** Runs one member's work; its own failure is rethrown after its changes were undone. */
        <T> T run(Function<StoreTransaction, T> work) {
            boolean first = members++ == 0;
            if (!first) {
                execute("SAVEPOINT " + SAVEPOINT);
            }
            try {
                T result = work.apply(new JdbcTransaction(context));
                if (!first) {
                    execute("RELEASE " + SAVEPOINT);
                }
                return result;
            } catch (RuntimeException | Error e) {
                undo(first, e);
                throw e;
            }
        }

        /**
         * Undoes a failed member. The first member's failure ends the transaction (nobody else is
         * in it yet). A later member's goes back to its savepoint; if SQLite already rolled the
         * whole transaction back (an I/O error, a full disk), the savepoint is gone with the
         * earlier members' changes, and they must fail too.
         */
        private void undo(boolean first, Throwable cause) {
            if (first) {
                failure = new IllegalStateException("the transaction's first write failed", cause);
                return;
            }
            try {
                execute("ROLLBACK TO " + SAVEPOINT);
                execute("RELEASE " + SAVEPOINT);
            } catch (RuntimeException e) {
                e.addSuppressed(cause);
                failure = e;
            }
        }

        /** Plain JDBC: Jdbi's savepoints forget one once rolled back to, and then refuse to release it. */
        private void execute(String sql) {
            try (Statement statement = handle.getConnection().createStatement()) {
                statement.execute(sql);
            } catch (SQLException e) {
                throw new UnableToExecuteStatementException(sql, e, null);
            }
        }

        /** Commits (or, after a failure, rolls back) and wakes every member. */
        void finish() {
            try {
                if (failure == null) {
                    handle.commit();
                } else {
                    handle.rollback();
                }
            } catch (RuntimeException e) {
                if (failure == null) {
                    failure = e;
                }
                try {
                    handle.rollback();
                } catch (RuntimeException ignored) {
                    // The connection is reset when it returns to the pool; the members learn of the failure.
                }
            } finally {
                try {
                    handle.close();
                } finally {
                    done.countDown();
                }
            }
        }

        void awaitCommit() {
            boolean interrupted = false;
            while (true) {
                try {
                    done.await();
                    break;
                } catch (InterruptedException e) {
                    // The member's work is in the transaction already: its caller must learn whether it committed.
                    interrupted = true;
                }
            }
            if (interrupted) {
                Thread.currentThread().interrupt();
            }
            if (failure != null) {
                throw failure;
            }
        }
    }
}
