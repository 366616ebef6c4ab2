-- Garbage collection asks, for a batch of blob digests, which ones the metadata refers to.

CREATE INDEX artifact_file_by_sha256 ON artifact_file (sha256);
CREATE INDEX dataset_version_by_profile ON dataset_version (profile_sha256);
