-- Feedback on predictions and the human review queue. A feedback row is one fact about one row
-- of an answered request (kind 'truth': a label or a value; kind 'reward'), stored with what it
-- was joined to (version, arm, what was predicted, whether the label was right, the error), so
-- that live figures are sums over this table. At most one fact of each kind per request row: a
-- duplicate is refused by the primary key (INSERT ... ON CONFLICT DO NOTHING).
-- A review row is a classification row answered as abstained, with its inputs as JSON, open until
-- someone labels it. Times are epoch milliseconds.

CREATE TABLE feedback (
    deployment      VARCHAR(200)     NOT NULL,
    request_id      VARCHAR(200)     NOT NULL,
    row_index       INTEGER          NOT NULL,
    kind            VARCHAR(10)      NOT NULL,
    model           VARCHAR(200)     NOT NULL,
    version         INTEGER          NOT NULL,
    revision        INTEGER          NOT NULL,
    arm             VARCHAR(100)     NOT NULL,
    predicted_label TEXT,
    predicted_value DOUBLE PRECISION,
    label           TEXT,
    value           DOUBLE PRECISION,
    reward          DOUBLE PRECISION,
    correct         SMALLINT,
    abs_error       DOUBLE PRECISION,
    abstained       SMALLINT         NOT NULL,
    source          VARCHAR(10)      NOT NULL,
    predicted_at    BIGINT           NOT NULL,
    created_at      BIGINT           NOT NULL,
    created_by      VARCHAR(200)     NOT NULL,
    PRIMARY KEY (deployment, request_id, row_index, kind)
);

CREATE INDEX feedback_by_version ON feedback (deployment, model, version);

CREATE TABLE review (
    id               VARCHAR(40)      NOT NULL PRIMARY KEY,
    deployment       VARCHAR(200)     NOT NULL,
    request_id       VARCHAR(200)     NOT NULL,
    row_index        INTEGER          NOT NULL,
    revision         INTEGER          NOT NULL,
    model            VARCHAR(200)     NOT NULL,
    version          INTEGER          NOT NULL,
    arm              VARCHAR(100)     NOT NULL,
    predicted_label  TEXT             NOT NULL,
    confidence       DOUBLE PRECISION,
    inputs           TEXT             NOT NULL,
    predicted_at     BIGINT           NOT NULL,
    created_at       BIGINT           NOT NULL,
    status           VARCHAR(10)      NOT NULL,
    label            TEXT,
    labelled_at      BIGINT,
    labelled_by      VARCHAR(200),
    labelled_by_name VARCHAR(200),
    UNIQUE (deployment, request_id, row_index)
);

CREATE INDEX review_by_status ON review (deployment, status, created_at);
