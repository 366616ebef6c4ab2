-- Metric history keyed by integers (issue 17). A point of metric_point held the run's
-- 32-character id and the key's text twice, in the row and in the history index; a log-batch of
-- 1000 points wrote about 125 bytes per point. Now every run has an integer run_key and every
-- metric key name an integer key_id (metric_key), and the points live in metric_history under
-- those: about half the bytes, and integers instead of strings to bind and compare. The latest
-- value per run and key (latest_metric, what search filters on) keeps its text keys.
-- Plain SQL that SQLite and PostgreSQL both run; existing points are copied over in place.
-- Ids are allocated by the store as MAX + 1 under the writer's lock (SQLite's single writer,
-- PostgreSQL's audit head row).

ALTER TABLE run ADD COLUMN run_key BIGINT NOT NULL DEFAULT 0;

CREATE TABLE run_key_numbering AS
    SELECT run_id, ROW_NUMBER() OVER (ORDER BY start_time, run_id) AS run_key FROM run;
CREATE UNIQUE INDEX run_key_numbering_by_id ON run_key_numbering (run_id);
UPDATE run SET run_key = (SELECT n.run_key FROM run_key_numbering n WHERE n.run_id = run.run_id);
DROP TABLE run_key_numbering;

CREATE UNIQUE INDEX run_by_key ON run (run_key);

CREATE TABLE metric_key (
    key_id     BIGINT       NOT NULL PRIMARY KEY,
    metric_key VARCHAR(250) NOT NULL UNIQUE
);

INSERT INTO metric_key (key_id, metric_key)
    SELECT ROW_NUMBER() OVER (ORDER BY metric_key), metric_key FROM (SELECT DISTINCT metric_key FROM metric_point) k;

-- Every logged point. NaN is stored as value 0 with is_nan = 1, infinities as the largest finite
-- doubles (as in metric_point before). Duplicate points are kept, as they were.
CREATE TABLE metric_history (
    run_key      BIGINT           NOT NULL REFERENCES run (run_key),
    key_id       BIGINT           NOT NULL REFERENCES metric_key (key_id),
    value        DOUBLE PRECISION NOT NULL,
    is_nan       SMALLINT         NOT NULL,
    timestamp_ms BIGINT           NOT NULL,
    step         BIGINT           NOT NULL
);

INSERT INTO metric_history (run_key, key_id, value, is_nan, timestamp_ms, step)
    SELECT r.run_key, k.key_id, p.value, p.is_nan, p.timestamp_ms, p.step
    FROM metric_point p
    JOIN run r ON r.run_id = p.run_id
    JOIN metric_key k ON k.metric_key = p.metric_key;

DROP TABLE metric_point;

CREATE INDEX metric_history_by_key ON metric_history (run_key, key_id, step, timestamp_ms);
