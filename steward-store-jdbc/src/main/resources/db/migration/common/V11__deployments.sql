-- Deployments: named endpoints serving registered versions. The head row holds the current
-- revision's spec and the emergency stop; every change of the spec is a revision row, so any
-- earlier revision can be restored. Replicas poll changed_at to pick up each other's changes.
-- Times are epoch milliseconds; deleted deployments keep their rows (deleted_at).

CREATE TABLE deployment (
    id          VARCHAR(40)  NOT NULL PRIMARY KEY,
    name        VARCHAR(200) NOT NULL,
    revision    INTEGER      NOT NULL,
    spec        TEXT         NOT NULL,
    stopped     SMALLINT     NOT NULL,
    stop_reason TEXT,
    created_at  BIGINT       NOT NULL,
    created_by  VARCHAR(200) NOT NULL,
    changed_at  BIGINT       NOT NULL,
    deleted_at  BIGINT
);

CREATE UNIQUE INDEX deployment_by_name ON deployment (name) WHERE deleted_at IS NULL;

CREATE TABLE deployment_revision (
    deployment_id   VARCHAR(40)  NOT NULL REFERENCES deployment (id),
    revision        INTEGER      NOT NULL,
    spec            TEXT         NOT NULL,
    change_kind     VARCHAR(20)  NOT NULL,
    reason          TEXT,
    restored_from   INTEGER,
    created_at      BIGINT       NOT NULL,
    created_by      VARCHAR(200) NOT NULL,
    created_by_name VARCHAR(200) NOT NULL,
    PRIMARY KEY (deployment_id, revision)
);
