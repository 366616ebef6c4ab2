package dev.steward.spi.serving;

import java.util.List;
import java.util.Optional;

/** Store port of deployments: heads and their revisions. Used inside one transaction. */
public interface DeploymentRepository {
    /** The live (not deleted) deployment of that name. */
    Optional<DeploymentRecord> find(String name);

    /** Every live deployment, by name. */
    List<DeploymentRecord> list();

    void insert(DeploymentRecord deployment);

    /**
     * Moves a live head to a new state if its revision and change time are still {@code expected}'s
     * (compare-and-set), so that two replicas never both write revision N+1.
     *
     * @return false when someone changed it first
     */
    boolean update(DeploymentRecord expected, DeploymentRecord next);

    void insertRevision(DeploymentRevisionRecord revision);

    /** A deployment's revisions, oldest first. */
    List<DeploymentRevisionRecord> revisions(String deploymentId);

    Optional<DeploymentRevisionRecord> revision(String deploymentId, int revision);
}
