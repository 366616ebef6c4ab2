-- Monitoring: one monitor per deployment (the head holds the current revision's spec and the
-- digest of its prepared reference, an artifact; every change is a revision row). Closed windows
-- keep their report (JSON) and their merged profile (bytes); window numbers are unique per
-- deployment across revisions, so that storing a window row is the claim that decides which
-- replica closes it (the primary key, INSERT ... ON CONFLICT DO NOTHING). A time window's parts are
-- the profiles each replica kept of it. Labels are counters per window, added to with upserts so
-- that replicas never lose each other's. A rule has at most one firing alert (a partial unique
-- index). Times are epoch milliseconds. Profiles are BYTEA: PostgreSQL's byte strings; SQLite keeps
-- the bound blobs as they are.

CREATE TABLE monitor (
    deployment         VARCHAR(200) NOT NULL PRIMARY KEY,
    revision           INTEGER      NOT NULL,
    spec               TEXT         NOT NULL,
    reference_dataset  VARCHAR(200) NOT NULL,
    reference_version  INTEGER      NOT NULL,
    reference_sha256   VARCHAR(64)  NOT NULL,
    reference_rows     BIGINT       NOT NULL,
    reference_features TEXT         NOT NULL,
    created_at         BIGINT       NOT NULL,
    created_by         VARCHAR(200) NOT NULL,
    updated_at         BIGINT       NOT NULL,
    updated_by         VARCHAR(200) NOT NULL,
    deleted            SMALLINT     NOT NULL
);

CREATE INDEX monitor_by_reference ON monitor (reference_sha256);

CREATE TABLE monitor_revision (
    deployment         VARCHAR(200) NOT NULL,
    revision           INTEGER      NOT NULL,
    spec               TEXT         NOT NULL,
    reference_dataset  VARCHAR(200) NOT NULL,
    reference_version  INTEGER      NOT NULL,
    reference_sha256   VARCHAR(64)  NOT NULL,
    reference_rows     BIGINT       NOT NULL,
    reference_features TEXT         NOT NULL,
    change_kind        VARCHAR(20)  NOT NULL,
    reason             TEXT,
    created_at         BIGINT       NOT NULL,
    created_by         VARCHAR(200) NOT NULL,
    created_by_name    VARCHAR(200) NOT NULL,
    PRIMARY KEY (deployment, revision)
);

CREATE INDEX monitor_revision_by_reference ON monitor_revision (reference_sha256);

CREATE TABLE monitor_window (
    deployment    VARCHAR(200) NOT NULL,
    window_number BIGINT       NOT NULL,
    revision      INTEGER      NOT NULL,
    start_ms      BIGINT       NOT NULL,
    end_ms        BIGINT       NOT NULL,
    row_count     BIGINT       NOT NULL,
    status        VARCHAR(20)  NOT NULL,
    report        TEXT         NOT NULL,
    profile       BYTEA        NOT NULL,
    source        VARCHAR(20)  NOT NULL,
    parts         INTEGER      NOT NULL,
    closed_at     BIGINT       NOT NULL,
    closed_by     VARCHAR(200) NOT NULL,
    PRIMARY KEY (deployment, window_number)
);

CREATE INDEX monitor_window_by_start ON monitor_window (deployment, start_ms);

CREATE TABLE monitor_window_part (
    deployment    VARCHAR(200) NOT NULL,
    revision      INTEGER      NOT NULL,
    window_number BIGINT       NOT NULL,
    replica_id    VARCHAR(200) NOT NULL,
    start_ms      BIGINT       NOT NULL,
    end_ms        BIGINT       NOT NULL,
    row_count     BIGINT       NOT NULL,
    profile       BYTEA        NOT NULL,
    stored_at     BIGINT       NOT NULL,
    PRIMARY KEY (deployment, revision, window_number, replica_id)
);

CREATE TABLE monitor_labels (
    deployment    VARCHAR(200)     NOT NULL,
    window_number BIGINT           NOT NULL,
    labelled      BIGINT           NOT NULL,
    correct       BIGINT           NOT NULL,
    abs_error_sum DOUBLE PRECISION NOT NULL,
    PRIMARY KEY (deployment, window_number)
);

CREATE TABLE monitor_label_class (
    deployment    VARCHAR(200) NOT NULL,
    window_number BIGINT       NOT NULL,
    label         TEXT         NOT NULL,
    row_count     BIGINT       NOT NULL,
    PRIMARY KEY (deployment, window_number, label)
);

CREATE TABLE monitor_run (
    deployment VARCHAR(200) NOT NULL PRIMARY KEY,
    revision   INTEGER      NOT NULL,
    report     TEXT         NOT NULL,
    created_at BIGINT       NOT NULL,
    created_by VARCHAR(200) NOT NULL
);

CREATE TABLE monitor_alert (
    id              VARCHAR(40)  NOT NULL PRIMARY KEY,
    deployment      VARCHAR(200) NOT NULL,
    revision        INTEGER      NOT NULL,
    rule            VARCHAR(100) NOT NULL,
    state           VARCHAR(10)  NOT NULL,
    fired_at        BIGINT       NOT NULL,
    resolved_at     BIGINT,
    first_window    BIGINT       NOT NULL,
    last_window     BIGINT       NOT NULL,
    resolved_window BIGINT,
    evidence        TEXT         NOT NULL,
    actions         TEXT         NOT NULL
);

CREATE UNIQUE INDEX monitor_alert_firing ON monitor_alert (deployment, rule) WHERE state = 'firing';
CREATE INDEX monitor_alert_by_time ON monitor_alert (fired_at);
