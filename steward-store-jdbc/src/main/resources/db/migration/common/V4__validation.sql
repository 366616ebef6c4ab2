-- The options a dataset version was imported with (so that it can be read again the same way),
-- versioned validation suites, and the reports of running them on dataset versions.

ALTER TABLE dataset_version ADD COLUMN csv_delimiter VARCHAR(1);
ALTER TABLE dataset_version ADD COLUMN csv_quote VARCHAR(1);
ALTER TABLE dataset_version ADD COLUMN csv_header SMALLINT;

CREATE TABLE validation_suite (
    name       VARCHAR(200) NOT NULL,
    version    INTEGER      NOT NULL,
    sha256     VARCHAR(64)  NOT NULL,
    definition TEXT         NOT NULL,
    created_at BIGINT       NOT NULL,
    created_by VARCHAR(200) NOT NULL,
    PRIMARY KEY (name, version),
    UNIQUE (name, sha256)
);

CREATE TABLE validation_report (
    id            VARCHAR(40)  NOT NULL PRIMARY KEY,
    version_id    VARCHAR(40)  NOT NULL REFERENCES dataset_version (id),
    suite_name    VARCHAR(200) NOT NULL,
    suite_version INTEGER      NOT NULL,
    passed        SMALLINT     NOT NULL,
    report        TEXT         NOT NULL,
    created_at    BIGINT       NOT NULL,
    created_by    VARCHAR(200) NOT NULL,
    FOREIGN KEY (suite_name, suite_version) REFERENCES validation_suite (name, version)
);

CREATE INDEX validation_report_by_version ON validation_report (version_id, created_at);
