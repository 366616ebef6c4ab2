package dev.steward.spi.data;

import java.util.Collection;
import java.util.List;
import java.util.Optional;

/** Storage of datasets, their versions, column summaries and the data subject index. */
public interface DatasetRepository {
    Optional<DatasetInfo> findDataset(String name);

    void insertDataset(String name, long time, String createdBy);

    List<DatasetInfo> listDatasets();

    /** The next version number of a dataset: 1 for the first. */
    int nextVersion(String name);

    void insertVersion(DatasetVersion version);

    Optional<DatasetVersion> findVersion(String name, int version);

    Optional<DatasetVersion> findVersionById(String id);

    /** Versions with these bytes, in any dataset. */
    List<DatasetVersion> findVersionsByDigest(String sha256);

    List<DatasetVersion> listVersions(String name);

    void setVersionStatus(String id, String status);

    void insertSubjects(String versionId, Collection<String> subjectIds);

    /** Ids of the versions whose subject column contains this subject. */
    List<String> versionsWithSubject(String subjectId);

    long subjectCount(String versionId);
}
