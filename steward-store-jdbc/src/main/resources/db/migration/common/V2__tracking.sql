-- Experiment tracking in MLflow's model. Times are epoch milliseconds.

CREATE TABLE experiment (
    experiment_id     BIGINT       NOT NULL PRIMARY KEY,
    name              VARCHAR(500) NOT NULL UNIQUE,
    artifact_location TEXT         NOT NULL,
    lifecycle_stage   VARCHAR(20)  NOT NULL,
    creation_time     BIGINT       NOT NULL,
    last_update_time  BIGINT       NOT NULL
);

CREATE TABLE experiment_tag (
    experiment_id BIGINT       NOT NULL REFERENCES experiment (experiment_id),
    tag_key       VARCHAR(250) NOT NULL,
    tag_value     TEXT         NOT NULL,
    PRIMARY KEY (experiment_id, tag_key)
);

CREATE TABLE run (
    run_id          VARCHAR(32)  NOT NULL PRIMARY KEY,
    experiment_id   BIGINT       NOT NULL REFERENCES experiment (experiment_id),
    run_name        VARCHAR(250) NOT NULL,
    user_id         VARCHAR(256) NOT NULL,
    status          VARCHAR(20)  NOT NULL,
    start_time      BIGINT       NOT NULL,
    end_time        BIGINT,
    artifact_uri    TEXT         NOT NULL,
    lifecycle_stage VARCHAR(20)  NOT NULL,
    deleted_time    BIGINT,
    seal_digest     VARCHAR(64)
);

CREATE INDEX run_by_experiment ON run (experiment_id, lifecycle_stage, start_time);

CREATE TABLE run_param (
    run_id      VARCHAR(32)  NOT NULL REFERENCES run (run_id),
    param_key   VARCHAR(250) NOT NULL,
    param_value TEXT         NOT NULL,
    PRIMARY KEY (run_id, param_key)
);

CREATE INDEX run_param_by_key ON run_param (param_key, param_value);

CREATE TABLE run_tag (
    run_id    VARCHAR(32)  NOT NULL REFERENCES run (run_id),
    tag_key   VARCHAR(250) NOT NULL,
    tag_value TEXT         NOT NULL,
    PRIMARY KEY (run_id, tag_key)
);

CREATE INDEX run_tag_by_key ON run_tag (tag_key);

-- Every logged point. NaN is stored as value 0 with is_nan = 1 (as MLflow does, since not every
-- database stores NaN); infinities are stored as the largest finite doubles.
CREATE TABLE metric_point (
    run_id       VARCHAR(32)      NOT NULL REFERENCES run (run_id),
    metric_key   VARCHAR(250)     NOT NULL,
    value        DOUBLE PRECISION NOT NULL,
    is_nan       SMALLINT         NOT NULL,
    timestamp_ms BIGINT           NOT NULL,
    step         BIGINT           NOT NULL
);

CREATE INDEX metric_point_history ON metric_point (run_id, metric_key, step, timestamp_ms);

-- The latest point per run and key (highest step, then timestamp, then value): what runs show
-- and what search filters and orders on.
CREATE TABLE latest_metric (
    run_id       VARCHAR(32)      NOT NULL REFERENCES run (run_id),
    metric_key   VARCHAR(250)     NOT NULL,
    value        DOUBLE PRECISION NOT NULL,
    is_nan       SMALLINT         NOT NULL,
    timestamp_ms BIGINT           NOT NULL,
    step         BIGINT           NOT NULL,
    PRIMARY KEY (run_id, metric_key)
);

CREATE INDEX latest_metric_by_value ON latest_metric (metric_key, value);

CREATE TABLE run_input (
    run_id             VARCHAR(32)  NOT NULL REFERENCES run (run_id),
    position           INTEGER      NOT NULL,
    dataset_name       VARCHAR(500) NOT NULL,
    dataset_digest     VARCHAR(64)  NOT NULL,
    source_type        VARCHAR(100) NOT NULL,
    source             TEXT         NOT NULL,
    dataset_schema     TEXT,
    dataset_profile    TEXT,
    context            VARCHAR(500),
    steward_version_id VARCHAR(64),
    PRIMARY KEY (run_id, dataset_name, dataset_digest)
);

CREATE TABLE run_input_tag (
    run_id         VARCHAR(32)  NOT NULL,
    dataset_name   VARCHAR(500) NOT NULL,
    dataset_digest VARCHAR(64)  NOT NULL,
    tag_key        VARCHAR(255) NOT NULL,
    tag_value      VARCHAR(500) NOT NULL,
    PRIMARY KEY (run_id, dataset_name, dataset_digest, tag_key),
    FOREIGN KEY (run_id, dataset_name, dataset_digest) REFERENCES run_input (run_id, dataset_name, dataset_digest)
);

-- The MLflow artifact tree: each file names an immutable, content-addressed blob.
CREATE TABLE artifact_file (
    path       VARCHAR(1000) NOT NULL PRIMARY KEY,
    sha256     VARCHAR(64)   NOT NULL,
    size       BIGINT        NOT NULL,
    created_at BIGINT        NOT NULL
);
