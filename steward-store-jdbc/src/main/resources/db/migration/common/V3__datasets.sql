-- Datasets: immutable, content-addressed versions with their schema and exact column summaries,
-- and the index of data subjects per version. Times are epoch milliseconds.

CREATE TABLE dataset (
    name       VARCHAR(200) NOT NULL PRIMARY KEY,
    created_at BIGINT       NOT NULL,
    created_by VARCHAR(200) NOT NULL
);

CREATE TABLE dataset_version (
    id             VARCHAR(40)  NOT NULL PRIMARY KEY,
    dataset_name   VARCHAR(200) NOT NULL REFERENCES dataset (name),
    version        INTEGER      NOT NULL,
    sha256         VARCHAR(64)  NOT NULL,
    size           BIGINT       NOT NULL,
    format         VARCHAR(20)  NOT NULL,
    file_name      VARCHAR(500) NOT NULL,
    row_count      BIGINT       NOT NULL,
    profile_sha256 VARCHAR(64),
    description    TEXT,
    subject_column VARCHAR(500),
    status         VARCHAR(20)  NOT NULL,
    created_at     BIGINT       NOT NULL,
    created_by     VARCHAR(200) NOT NULL,
    UNIQUE (dataset_name, version),
    UNIQUE (dataset_name, sha256)
);

CREATE INDEX dataset_version_by_digest ON dataset_version (sha256);

CREATE TABLE dataset_version_tag (
    version_id VARCHAR(40)  NOT NULL REFERENCES dataset_version (id),
    tag_key    VARCHAR(250) NOT NULL,
    tag_value  TEXT         NOT NULL,
    PRIMARY KEY (version_id, tag_key)
);

CREATE TABLE dataset_column (
    version_id     VARCHAR(40)      NOT NULL REFERENCES dataset_version (id),
    position       INTEGER          NOT NULL,
    name           VARCHAR(500)     NOT NULL,
    column_type    VARCHAR(20)      NOT NULL,
    nullable       SMALLINT         NOT NULL,
    null_count     BIGINT           NOT NULL,
    distinct_count BIGINT           NOT NULL,
    min_value      TEXT,
    max_value      TEXT,
    mean           DOUBLE PRECISION,
    stddev         DOUBLE PRECISION,
    has_domain     SMALLINT         NOT NULL,
    PRIMARY KEY (version_id, position)
);

CREATE TABLE dataset_column_value (
    version_id VARCHAR(40) NOT NULL,
    position   INTEGER     NOT NULL,
    value      TEXT        NOT NULL,
    PRIMARY KEY (version_id, position, value),
    FOREIGN KEY (version_id, position) REFERENCES dataset_column (version_id, position)
);

-- Which versions hold data about which subject: exact, for the right to be forgotten.
CREATE TABLE dataset_subject (
    subject_id VARCHAR(500) NOT NULL,
    version_id VARCHAR(40)  NOT NULL REFERENCES dataset_version (id),
    PRIMARY KEY (subject_id, version_id)
);

CREATE INDEX dataset_subject_by_version ON dataset_subject (version_id);
