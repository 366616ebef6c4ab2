-- Foundation: the audit chain and API tokens. Times are milliseconds since the epoch (UTC).

CREATE TABLE audit_event (
    seq            BIGINT       NOT NULL PRIMARY KEY,
    event_time     BIGINT       NOT NULL,
    actor_id       VARCHAR(200) NOT NULL,
    actor_name     VARCHAR(200) NOT NULL,
    action         VARCHAR(100) NOT NULL,
    object_type    VARCHAR(100) NOT NULL,
    object_id      VARCHAR(500) NOT NULL,
    request_digest VARCHAR(64)  NOT NULL,
    details        TEXT         NOT NULL,
    prev_hash      VARCHAR(64)  NOT NULL,
    hash           VARCHAR(64)  NOT NULL
);

CREATE INDEX audit_event_object ON audit_event (object_type, object_id, seq);
CREATE INDEX audit_event_action ON audit_event (action, seq);
CREATE INDEX audit_event_actor ON audit_event (actor_id, seq);
CREATE INDEX audit_event_time ON audit_event (event_time);

-- The last link of the chain, one row. Appenders lock it, so the chain grows one event at a time
-- even with several server replicas on PostgreSQL; a head ahead of the last event shows deletions.
CREATE TABLE audit_head (
    id   INTEGER     NOT NULL PRIMARY KEY CHECK (id = 1),
    seq  BIGINT      NOT NULL,
    hash VARCHAR(64) NOT NULL
);

INSERT INTO audit_head (id, seq, hash) VALUES (1, 0, '0000000000000000000000000000000000000000000000000000000000000000');

CREATE TABLE api_token (
    id          VARCHAR(64)  NOT NULL PRIMARY KEY,
    name        VARCHAR(200) NOT NULL,
    role        VARCHAR(20)  NOT NULL,
    secret_hash VARCHAR(64)  NOT NULL UNIQUE,
    created_at  BIGINT       NOT NULL,
    created_by  VARCHAR(200) NOT NULL,
    revoked_at  BIGINT
);
