-- The model registry: registered models and their numbered versions (each pointing at a model
-- package by content digest), aliases, environments with the history of what was promoted to
-- them, promotion policies (versioned), the reports of every promotion attempt with their
-- evidence, and approvals. Times are epoch milliseconds. Models and versions are deleted softly
-- (deleted_at), so that lineage stays exact; a deleted model's name can be used again.

CREATE TABLE environment (
    name        VARCHAR(100) NOT NULL PRIMARY KEY,
    description TEXT,
    created_at  BIGINT       NOT NULL,
    created_by  VARCHAR(200) NOT NULL
);

INSERT INTO environment (name, description, created_at, created_by) VALUES
    ('staging', 'pre-production: where candidates are tried', 0, 'system'),
    ('production', 'what serves users', 0, 'system');

CREATE TABLE registered_model (
    id          VARCHAR(40)  NOT NULL PRIMARY KEY,
    name        VARCHAR(200) NOT NULL,
    description TEXT,
    created_at  BIGINT       NOT NULL,
    created_by  VARCHAR(200) NOT NULL,
    updated_at  BIGINT       NOT NULL,
    deleted_at  BIGINT
);

CREATE UNIQUE INDEX registered_model_by_name ON registered_model (name) WHERE deleted_at IS NULL;
CREATE INDEX registered_model_by_update ON registered_model (updated_at);

CREATE TABLE registered_model_tag (
    model_id  VARCHAR(40)  NOT NULL REFERENCES registered_model (id),
    tag_key   VARCHAR(250) NOT NULL,
    tag_value TEXT         NOT NULL,
    PRIMARY KEY (model_id, tag_key)
);

CREATE INDEX registered_model_tag_by_key ON registered_model_tag (tag_key);

CREATE TABLE model_version (
    model_id        VARCHAR(40)  NOT NULL REFERENCES registered_model (id),
    version         INTEGER      NOT NULL,
    status          VARCHAR(20)  NOT NULL,
    status_message  TEXT,
    source          TEXT         NOT NULL,
    source_kind     VARCHAR(20)  NOT NULL,
    run_id          VARCHAR(64),
    manifest_sha256 VARCHAR(64),
    model_digest    VARCHAR(64),
    package_size    BIGINT,
    task            VARCHAR(40),
    signature       TEXT,
    classes         TEXT,
    metrics         TEXT,
    description     TEXT,
    intended_use    TEXT,
    limitations     TEXT,
    archived        SMALLINT     NOT NULL,
    created_at      BIGINT       NOT NULL,
    created_by      VARCHAR(200) NOT NULL,
    created_by_name VARCHAR(200) NOT NULL,
    updated_at      BIGINT       NOT NULL,
    revoked_at      BIGINT,
    revoked_by      VARCHAR(200),
    revoke_reason   TEXT,
    deleted_at      BIGINT,
    PRIMARY KEY (model_id, version)
);

CREATE INDEX model_version_by_run ON model_version (run_id);
CREATE INDEX model_version_by_manifest ON model_version (manifest_sha256);
CREATE INDEX model_version_by_digest ON model_version (model_digest);

CREATE TABLE model_version_tag (
    model_id  VARCHAR(40)  NOT NULL,
    version   INTEGER      NOT NULL,
    tag_key   VARCHAR(250) NOT NULL,
    tag_value TEXT         NOT NULL,
    PRIMARY KEY (model_id, version, tag_key),
    FOREIGN KEY (model_id, version) REFERENCES model_version (model_id, version)
);

CREATE INDEX model_version_tag_by_key ON model_version_tag (tag_key);

-- The dataset versions a model version was trained on (from its package's manifest): lineage in
-- both directions without reading manifests.
CREATE TABLE model_version_dataset (
    model_id           VARCHAR(40) NOT NULL,
    version            INTEGER     NOT NULL,
    dataset_version_id VARCHAR(40) NOT NULL REFERENCES dataset_version (id),
    PRIMARY KEY (model_id, version, dataset_version_id),
    FOREIGN KEY (model_id, version) REFERENCES model_version (model_id, version)
);

CREATE INDEX model_version_dataset_by_dataset ON model_version_dataset (dataset_version_id);

CREATE TABLE model_alias (
    model_id   VARCHAR(40)  NOT NULL REFERENCES registered_model (id),
    alias      VARCHAR(255) NOT NULL,
    version    INTEGER      NOT NULL,
    updated_at BIGINT       NOT NULL,
    updated_by VARCHAR(200) NOT NULL,
    PRIMARY KEY (model_id, alias),
    FOREIGN KEY (model_id, version) REFERENCES model_version (model_id, version)
);

-- Which version holds each environment now; the history is in promotion.
CREATE TABLE model_environment (
    model_id     VARCHAR(40)  NOT NULL REFERENCES registered_model (id),
    environment  VARCHAR(100) NOT NULL REFERENCES environment (name),
    version      INTEGER      NOT NULL,
    promotion_id VARCHAR(40)  NOT NULL,
    PRIMARY KEY (model_id, environment),
    FOREIGN KEY (model_id, version) REFERENCES model_version (model_id, version)
);

CREATE TABLE promotion (
    id               VARCHAR(40)  NOT NULL PRIMARY KEY,
    model_id         VARCHAR(40)  NOT NULL REFERENCES registered_model (id),
    version          INTEGER,
    environment      VARCHAR(100) NOT NULL REFERENCES environment (name),
    action           VARCHAR(20)  NOT NULL,
    previous_version INTEGER,
    report_id        VARCHAR(40),
    reason           TEXT,
    created_at       BIGINT       NOT NULL,
    created_by       VARCHAR(200) NOT NULL,
    created_by_name  VARCHAR(200) NOT NULL,
    seq              BIGINT       NOT NULL
);

CREATE INDEX promotion_by_environment ON promotion (model_id, environment, seq);
CREATE INDEX promotion_by_version ON promotion (model_id, version);

CREATE TABLE promotion_policy (
    model_id    VARCHAR(40)  NOT NULL REFERENCES registered_model (id),
    environment VARCHAR(100) NOT NULL REFERENCES environment (name),
    revision    INTEGER      NOT NULL,
    definition  TEXT         NOT NULL,
    sha256      VARCHAR(64)  NOT NULL,
    created_at  BIGINT       NOT NULL,
    created_by  VARCHAR(200) NOT NULL,
    PRIMARY KEY (model_id, environment, revision)
);

CREATE TABLE promotion_report (
    id              VARCHAR(40)  NOT NULL PRIMARY KEY,
    model_id        VARCHAR(40)  NOT NULL REFERENCES registered_model (id),
    version         INTEGER      NOT NULL,
    environment     VARCHAR(100) NOT NULL REFERENCES environment (name),
    policy_revision INTEGER,
    passed          SMALLINT     NOT NULL,
    promoted        SMALLINT     NOT NULL,
    override_reason TEXT,
    report          TEXT         NOT NULL,
    created_at      BIGINT       NOT NULL,
    created_by      VARCHAR(200) NOT NULL,
    created_by_name VARCHAR(200) NOT NULL
);

CREATE INDEX promotion_report_by_version ON promotion_report (model_id, version, created_at);

CREATE TABLE approval_request (
    id                VARCHAR(40)  NOT NULL PRIMARY KEY,
    model_id          VARCHAR(40)  NOT NULL REFERENCES registered_model (id),
    version           INTEGER      NOT NULL,
    environment       VARCHAR(100) NOT NULL REFERENCES environment (name),
    comment           TEXT,
    requested_by      VARCHAR(200) NOT NULL,
    requested_by_name VARCHAR(200) NOT NULL,
    created_at        BIGINT       NOT NULL,
    FOREIGN KEY (model_id, version) REFERENCES model_version (model_id, version)
);

CREATE INDEX approval_request_by_version ON approval_request (model_id, version, environment, created_at);

CREATE TABLE approval (
    id         VARCHAR(40)  NOT NULL PRIMARY KEY,
    request_id VARCHAR(40)  NOT NULL REFERENCES approval_request (id),
    decision   VARCHAR(20)  NOT NULL,
    comment    TEXT,
    actor_id   VARCHAR(200) NOT NULL,
    actor_name VARCHAR(200) NOT NULL,
    actor_role VARCHAR(20)  NOT NULL,
    created_at BIGINT       NOT NULL
);

CREATE INDEX approval_by_request ON approval (request_id, created_at);

-- Evaluations of a model (by digest) on a dataset version, kept as evidence and reused: the same
-- graph on the same bytes always scores the same.
CREATE TABLE model_evaluation (
    model_digest       VARCHAR(64) NOT NULL,
    dataset_version_id VARCHAR(40) NOT NULL REFERENCES dataset_version (id),
    run_id             VARCHAR(64) NOT NULL,
    metrics            TEXT        NOT NULL,
    created_at         BIGINT      NOT NULL,
    PRIMARY KEY (model_digest, dataset_version_id)
);

-- Lineage from a dataset version to the runs that read it.
CREATE INDEX run_input_by_dataset_version ON run_input (steward_version_id);
