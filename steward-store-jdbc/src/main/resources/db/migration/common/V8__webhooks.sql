-- Webhooks: subscriptions, the events they receive and the outbox of deliveries. Deliveries are
-- written in the transaction of the change they report and claimed by the server sending them
-- with an owner and a lease, as jobs are (V6), so a restart or a dead replica loses none.

CREATE TABLE webhook_subscription (
    id             VARCHAR(40)   NOT NULL PRIMARY KEY,
    url            VARCHAR(2000) NOT NULL,
    description    VARCHAR(1000) NOT NULL,
    -- Kept in clear: it is the key deliveries are signed with, not a credential presented to Steward.
    secret         VARCHAR(300)  NOT NULL,
    created_at     BIGINT        NOT NULL,
    created_by     VARCHAR(200)  NOT NULL,
    deactivated_at BIGINT
);

-- One row per event type a subscription receives; '*' stands for every type.
CREATE TABLE webhook_subscription_event (
    subscription_id VARCHAR(40)  NOT NULL REFERENCES webhook_subscription (id),
    event_type      VARCHAR(100) NOT NULL,
    PRIMARY KEY (subscription_id, event_type)
);

CREATE INDEX webhook_subscription_event_by_type ON webhook_subscription_event (event_type);

-- An event is stored once, however many subscriptions receive it; payload is the body as sent.
CREATE TABLE webhook_event (
    id          VARCHAR(40)  NOT NULL PRIMARY KEY,
    event_type  VARCHAR(100) NOT NULL,
    object_type VARCHAR(100) NOT NULL,
    object_id   VARCHAR(500) NOT NULL,
    payload     TEXT         NOT NULL,
    created_at  BIGINT       NOT NULL
);

-- seq is the store-wide queue order: a subscription's first pending delivery (lowest seq) is the
-- only one of its deliveries that may be sent.
CREATE TABLE webhook_delivery (
    id              VARCHAR(40)  NOT NULL PRIMARY KEY,
    subscription_id VARCHAR(40)  NOT NULL REFERENCES webhook_subscription (id),
    event_id        VARCHAR(40)  NOT NULL REFERENCES webhook_event (id),
    seq             BIGINT       NOT NULL UNIQUE,
    status          VARCHAR(20)  NOT NULL,
    attempts        INTEGER      NOT NULL,
    created_at      BIGINT       NOT NULL,
    next_attempt_at BIGINT       NOT NULL,
    ended_at        BIGINT,
    owner           VARCHAR(200),
    lease_until     BIGINT
);

CREATE INDEX webhook_delivery_queue ON webhook_delivery (status, subscription_id, seq);
CREATE INDEX webhook_delivery_by_subscription ON webhook_delivery (subscription_id, seq);
CREATE INDEX webhook_delivery_by_owner ON webhook_delivery (owner, status);

CREATE TABLE webhook_attempt (
    delivery_id VARCHAR(40)   NOT NULL REFERENCES webhook_delivery (id),
    attempt     INTEGER       NOT NULL,
    started_at  BIGINT        NOT NULL,
    duration_ms BIGINT        NOT NULL,
    http_status INTEGER,
    error       VARCHAR(1000),
    PRIMARY KEY (delivery_id, attempt)
);
