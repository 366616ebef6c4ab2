-- Jobs: queued, running and finished work (commands, sweeps and their trials), surviving restarts.

CREATE TABLE job (
    id         VARCHAR(40)  NOT NULL PRIMARY KEY,
    kind       VARCHAR(40)  NOT NULL,
    status     VARCHAR(20)  NOT NULL,
    priority   INTEGER      NOT NULL,
    spec       TEXT         NOT NULL,
    run_id     VARCHAR(64),
    parent_id  VARCHAR(40)  REFERENCES job (id),
    attempt    INTEGER      NOT NULL,
    message    TEXT,
    created_at BIGINT       NOT NULL,
    started_at BIGINT,
    ended_at   BIGINT,
    created_by VARCHAR(200) NOT NULL,
    seq        BIGINT       NOT NULL
);

CREATE INDEX job_by_status ON job (status, priority, seq);
CREATE INDEX job_by_parent ON job (parent_id);
