-- Jobs belong to the server instance that runs them: it renews a lease while the job runs, so
-- that on a store shared by several replicas (PostgreSQL) one replica interrupts only the jobs of
-- a replica that stopped renewing (it died), never another's live jobs. Rows written before this
-- migration have no owner; a running one of them is treated as expired.

ALTER TABLE job ADD COLUMN owner VARCHAR(200);
ALTER TABLE job ADD COLUMN lease_until BIGINT;

CREATE INDEX job_by_owner ON job (owner, status);
