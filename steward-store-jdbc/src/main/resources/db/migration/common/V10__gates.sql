-- Statistical release gates (ease.ml/ci): the step budget a dataset version carries once it is a
-- gate's test set (settings fixed at first use, steps spent, retirement), and every check that
-- spent a step, with its full result (released to the submitter only as the adaptivity allows).
-- Times are epoch milliseconds.

CREATE TABLE test_set_budget (
    dataset_version_id VARCHAR(40)      NOT NULL PRIMARY KEY REFERENCES dataset_version (id),
    dataset_name       VARCHAR(200)     NOT NULL,
    dataset_version    INTEGER          NOT NULL,
    condition_text     TEXT             NOT NULL,
    reliability        DOUBLE PRECISION NOT NULL,
    mode               VARCHAR(20)      NOT NULL,
    adaptivity         VARCHAR(20)      NOT NULL,
    steps              INTEGER          NOT NULL,
    steps_used         INTEGER          NOT NULL,
    retired_at         BIGINT,
    retired_reason     TEXT,
    created_at         BIGINT           NOT NULL,
    created_by         VARCHAR(200)     NOT NULL
);

CREATE INDEX test_set_budget_by_dataset ON test_set_budget (dataset_name, dataset_version);

CREATE TABLE gate_check (
    id                 VARCHAR(40)  NOT NULL PRIMARY KEY,
    dataset_version_id VARCHAR(40)  NOT NULL REFERENCES test_set_budget (dataset_version_id),
    step               INTEGER      NOT NULL,
    candidate          TEXT         NOT NULL,
    candidate_digest   VARCHAR(64)  NOT NULL,
    baseline           TEXT,
    baseline_digest    VARCHAR(64),
    outcome            VARCHAR(20)  NOT NULL,
    released           VARCHAR(20)  NOT NULL,
    details            TEXT         NOT NULL,
    run_id             VARCHAR(64),
    created_at         BIGINT       NOT NULL,
    created_by         VARCHAR(200) NOT NULL,
    UNIQUE (dataset_version_id, step)
);
