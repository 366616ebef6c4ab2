package dev.steward.core.registry;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.steward.core.audit.AuditLog;
import dev.steward.core.data.DatasetService;
import dev.steward.core.tracking.Page;
import dev.steward.core.tracking.PageToken;
import dev.steward.core.training.ModelPackage;
import dev.steward.core.training.StoredPackage;
import dev.steward.core.util.Ids;
import dev.steward.core.webhooks.EventPublisher;
import dev.steward.core.webhooks.EventType;
import dev.steward.spi.Caller;
import dev.steward.spi.ErrorCode;
import dev.steward.spi.StewardException;
import dev.steward.spi.artifact.ArtifactRef;
import dev.steward.spi.artifact.ArtifactStore;
import dev.steward.spi.data.DatasetVersion;
import dev.steward.spi.registry.AliasRecord;
import dev.steward.spi.registry.EnvironmentRecord;
import dev.steward.spi.registry.ModelVersionRecord;
import dev.steward.spi.registry.PromotionRecord;
import dev.steward.spi.registry.RegisteredModelRecord;
import dev.steward.spi.registry.RegistryQuery;
import dev.steward.spi.registry.RegistryRepository;
import dev.steward.spi.store.MetadataStore;
import dev.steward.spi.store.StoreTransaction;
import java.io.IOException;
import java.io.InputStream;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * The model registry: registered models, their numbered versions (each pointing at a model
 * package by content digest), tags, aliases, environments and revocation; model URIs resolve
 * here. Promotions, policies and approvals are {@link PromotionService}'s. Every change is
 * audited in its own transaction and published to webhook subscribers from the same one.
 * Thread-safe.
 */
public final class RegistryService {
    static final ObjectMapper JSON = new ObjectMapper();
    private static final int DEFAULT_MODEL_RESULTS = 100;
    private static final int DEFAULT_VERSION_RESULTS = 10_000;
    private static final int MAX_RESULTS = 10_000;
    private static final int MAX_ENVIRONMENTS = 100;

    private final MetadataStore store;
    private final ArtifactStore artifacts;
    private final DatasetService datasets;
    private final AuditLog audit;
    private final EventPublisher events;
    private final Clock clock;

    public RegistryService(MetadataStore store, ArtifactStore artifacts, DatasetService datasets, AuditLog audit, EventPublisher events,
            Clock clock) {
        this.store = requireNonNull(store, "store is null");
        this.artifacts = requireNonNull(artifacts, "artifacts is null");
        this.datasets = requireNonNull(datasets, "datasets is null");
        this.audit = requireNonNull(audit, "audit is null");
        this.events = requireNonNull(events, "events is null");
        this.clock = requireNonNull(clock, "clock is null");
    }

    /** Where a version came from: {@code kind} run / onnx / mlflow, the URI it was registered from, its run. */
    public record Source(String kind, String uri, Optional<String> runId) {
        public Source {
            requireNonNull(kind, "kind is null");
            requireNonNull(uri, "uri is null");
            requireNonNull(runId, "runId is null");
        }
    }

    /** A model with what lists show next to it: its aliases and which version holds each environment. */
    public record ModelDetails(RegisteredModelRecord model, List<AliasRecord> aliases, Map<String, Integer> holders) {
        public ModelDetails {
            aliases = List.copyOf(aliases);
            holders = Map.copyOf(holders);
        }
    }

    /** A version with its aliases and the environments it holds. */
    public record VersionDetails(ModelVersionRecord version, List<String> aliases, List<String> environments) {
        public VersionDetails {
            aliases = List.copyOf(aliases);
            environments = List.copyOf(environments);
        }

        /** MLflow's stage: Production or Staging when it holds that environment, Archived, else None. */
        public String stage() {
            if (environments.contains("production")) {
                return "Production";
            }
            if (environments.contains("staging")) {
                return "Staging";
            }
            return version.archived() ? "Archived" : "None";
        }
    }

    // ---- registered models -------------------------------------------------------------------

    public ModelDetails createModel(Caller caller, String name, Optional<String> description, Map<String, String> tags) {
        requireNonNull(caller, "caller is null");
        ModelNames.model(name);
        description.ifPresent(d -> ModelNames.text("description", d));
        tags.forEach(ModelNames::tag);
        long now = clock.millis();
        RegisteredModelRecord model = new RegisteredModelRecord(Ids.randomHex("rm_", 8), name, description, tags, now, caller.actor().name(), now);
        store.write(tx -> {
            repo(tx).insertModel(model);
            audit.record(tx, caller, "registered_model.create", "registered_model", model.id(), Map.of("name", name));
            events.publish(tx, EventType.REGISTERED_MODEL_CREATED, "registered_model", name, data(caller).put("name", name));
            return null;
        });
        return details(model);
    }

    public ModelDetails model(String name) {
        return details(find(name));
    }

    RegisteredModelRecord find(String name) {
        ModelNames.model(name);
        return store.read(tx -> repo(tx).findModel(name)).orElseThrow(() -> notFoundModel(name));
    }

    private ModelDetails details(RegisteredModelRecord model) {
        return store.read(tx -> new ModelDetails(model, repo(tx).aliases(model.id()), repo(tx).holders(model.id())));
    }

    public ModelDetails renameModel(Caller caller, String name, String newName) {
        requireNonNull(caller, "caller is null");
        ModelNames.model(newName);
        RegisteredModelRecord model = find(name);
        store.write(tx -> {
            repo(tx).updateModel(model.id(), newName, model.description(), clock.millis());
            audit.record(tx, caller, "registered_model.rename", "registered_model", model.id(), Map.of("from", name, "to", newName));
            return null;
        });
        return model(newName);
    }

    public ModelDetails updateModel(Caller caller, String name, Optional<String> description) {
        requireNonNull(caller, "caller is null");
        description.ifPresent(d -> ModelNames.text("description", d));
        RegisteredModelRecord model = find(name);
        store.write(tx -> {
            repo(tx).updateModel(model.id(), name, description, clock.millis());
            audit.record(tx, caller, "registered_model.update", "registered_model", model.id(), Map.of("name", name, "description_sha256",
                    dev.steward.core.util.Digests.sha256Hex(description.orElse(""))));
            return null;
        });
        return model(name);
    }

    /** Deletes a model and its versions (kept for lineage, but no longer found); refused while a version holds an environment. */
    public void deleteModel(Caller caller, String name) {
        requireNonNull(caller, "caller is null");
        RegisteredModelRecord model = find(name);
        store.write(tx -> {
            Map<String, Integer> holders = repo(tx).holders(model.id());
            if (!holders.isEmpty()) {
                throw StewardException.invalidState("Registered Model (name=" + name + ") cannot be deleted: version(s) " + holders
                        + " hold environments; roll back or archive them first");
            }
            repo(tx).deleteModel(model.id(), clock.millis());
            audit.record(tx, caller, "registered_model.delete", "registered_model", model.id(), Map.of("name", name));
            events.publish(tx, EventType.REGISTERED_MODEL_DELETED, "registered_model", name, data(caller).put("name", name));
            return null;
        });
    }

    public void setModelTag(Caller caller, String name, String key, String value) {
        ModelNames.tag(key, value);
        RegisteredModelRecord model = find(name);
        store.write(tx -> {
            repo(tx).putModelTag(model.id(), key, value);
            audit.record(tx, caller, "registered_model.tag", "registered_model", model.id(), Map.of("key", key));
            return null;
        });
    }

    public void deleteModelTag(Caller caller, String name, String key) {
        RegisteredModelRecord model = find(name);
        store.write(tx -> {
            if (!repo(tx).deleteModelTag(model.id(), key)) {
                throw StewardException.notFound("Registered Model (name=" + name + ") has no tag '" + key + "'");
            }
            audit.record(tx, caller, "registered_model.untag", "registered_model", model.id(), Map.of("key", key));
            return null;
        });
    }

    public Page<ModelDetails> searchModels(String filter, List<String> orderBy, Integer maxResults, String pageToken) {
        int limit = limit(maxResults, DEFAULT_MODEL_RESULTS);
        int offset = PageToken.offset(pageToken);
        RegistryQuery query = new RegistryQuery(RegistryFilterParser.models(filter), RegistryFilterParser.order(orderBy, false), limit + 1,
                offset);
        return store.read(tx -> {
            List<RegisteredModelRecord> found = repo(tx).searchModels(query);
            List<RegisteredModelRecord> page = found.subList(0, Math.min(limit, found.size()));
            List<String> ids = page.stream().map(RegisteredModelRecord::id).toList();
            Map<String, List<AliasRecord>> aliases = repo(tx).aliases(ids);
            Map<String, Map<String, Integer>> holders = repo(tx).holders(ids);
            List<ModelDetails> items = page.stream().map(m -> new ModelDetails(m, aliases.getOrDefault(m.id(), List.of()),
                    holders.getOrDefault(m.id(), Map.of()))).toList();
            return new Page<>(items, found.size() > limit ? Optional.of(PageToken.of(offset + limit)) : Optional.empty());
        });
    }

    // ---- versions ----------------------------------------------------------------------------

    /**
     * Registers a package as the next version of {@code name} (creating the model when
     * {@code createModel} and it does not exist). The package's blobs must already be stored;
     * the version refers to them from this transaction on.
     */
    public VersionDetails registerPackage(Caller caller, String name, StoredPackage pkg, Source source, Map<String, String> tags,
            Optional<String> description, boolean createModel) {
        requireNonNull(pkg, "pkg is null");
        JsonNode manifest = pkg.manifest();
        List<String> training = trainingDatasets(manifest);
        ObjectNode signature = JSON.createObjectNode();
        signature.set("inputs", manifest.path("inputs"));
        signature.set("outputs", manifest.path("outputs"));
        return register(caller, name, ModelVersionRecord.READY, Optional.empty(), source, Optional.of(new ModelVersionRecord.PackageInfo(
                pkg.manifestBlob().sha256(), pkg.modelDigest(), pkg.onnxBlob().size())), Optional.of(manifest.path("task").asText()),
                write(signature), write(manifest.path("classes").isArray() ? manifest.get("classes") : JSON.createArrayNode()),
                write(manifest.path("metrics").isObject() ? manifest.get("metrics") : JSON.createObjectNode()), tags, description, createModel,
                training);
    }

    /** Records a version that cannot be served (e.g. an MLflow model in a pickle flavor), with the reason. */
    public VersionDetails registerFailed(Caller caller, String name, Source source, String message, Map<String, String> tags,
            Optional<String> description, boolean createModel) {
        return register(caller, name, ModelVersionRecord.FAILED, Optional.of(message), source, Optional.empty(), Optional.empty(), "{}", "[]", "{}",
                tags, description, createModel, List.of());
    }

    private VersionDetails register(Caller caller, String name, String status, Optional<String> message, Source source,
            Optional<ModelVersionRecord.PackageInfo> pkg, Optional<String> task, String signature, String classes, String metrics,
            Map<String, String> tags, Optional<String> description, boolean createModel, List<String> training) {
        requireNonNull(caller, "caller is null");
        ModelNames.model(name);
        tags.forEach(ModelNames::tag);
        description.ifPresent(d -> ModelNames.text("description", d));
        ModelNames.text("source", source.uri());
        long now = clock.millis();
        ModelVersionRecord created = store.write(tx -> {
            RegistryRepository repo = repo(tx);
            RegisteredModelRecord model = repo.findModel(name).orElse(null);
            if (model == null) {
                if (!createModel) {
                    throw notFoundModel(name);
                }
                model = new RegisteredModelRecord(Ids.randomHex("rm_", 8), name, Optional.empty(), Map.of(), now, caller.actor().name(), now);
                repo.insertModel(model);
                audit.record(tx, caller, "registered_model.create", "registered_model", model.id(), Map.of("name", name));
                events.publish(tx, EventType.REGISTERED_MODEL_CREATED, "registered_model", name, data(caller).put("name", name));
            }
            int number = repo.nextVersion(model.id());
            ModelVersionRecord version = new ModelVersionRecord(model.id(), name, number, status, message, source.uri(), source.kind(),
                    source.runId(), pkg, task, signature, classes, metrics, new ModelVersionRecord.Notes(description, Optional.empty(),
                    Optional.empty()), false, now, caller.actor().id(), caller.actor().name(), now, Optional.empty(), tags);
            repo.insertVersion(version, training);
            repo.updateModel(model.id(), model.name(), model.description(), now);
            Map<String, String> details = new TreeMap<>();
            details.put("name", name);
            details.put("version", Integer.toString(number));
            details.put("status", status);
            details.put("source", source.uri());
            source.runId().ifPresent(r -> details.put("run_id", r));
            pkg.ifPresent(p -> {
                details.put("manifest_sha256", p.manifestSha256());
                details.put("model_digest", p.modelDigest());
            });
            auditVersion(audit, tx, caller, "model_version.create", model.id(), name, number, details);
            ObjectNode payload = data(caller).put("name", name).put("version", number).put("status", status).put("source", source.uri());
            pkg.ifPresent(p -> payload.put("model_digest", p.modelDigest()));
            events.publish(tx, EventType.MODEL_VERSION_CREATED, "model_version", versionId(name, number), payload);
            return version;
        });
        return new VersionDetails(created, List.of(), List.of());
    }

    /** The dataset versions a package's manifest says it was trained on, checked against their digests. */
    private List<String> trainingDatasets(JsonNode manifest) {
        List<String> ids = new ArrayList<>();
        for (JsonNode entry : manifest.path("training_data")) {
            if (!entry.path("dataset").isTextual() || !entry.path("version").canConvertToInt()) {
                continue;
            }
            DatasetVersion version;
            try {
                version = datasets.version(entry.get("dataset").asText(), entry.get("version").asInt());
            } catch (StewardException e) {
                if (e.code() == ErrorCode.RESOURCE_DOES_NOT_EXIST) {
                    continue; // trained on data of another installation: recorded in the manifest only
                }
                throw e;
            }
            if (entry.path("sha256").asText(version.sha256()).equals(version.sha256())) {
                ids.add(version.id());
            }
        }
        return ids;
    }

    public VersionDetails version(String name, int number) {
        RegisteredModelRecord model = find(name);
        return store.read(tx -> details(tx, repo(tx).findVersion(model.id(), number).orElseThrow(() -> notFoundVersion(name, number))));
    }

    /** Live versions of a model, newest first. */
    public List<VersionDetails> versions(String name) {
        RegisteredModelRecord model = find(name);
        return store.read(tx -> {
            Map<String, Integer> holders = repo(tx).holders(model.id());
            List<AliasRecord> aliases = repo(tx).aliases(model.id());
            return repo(tx).versions(model.id()).stream().map(v -> details(v, aliases, holders)).toList();
        });
    }

    /** The live versions of each model of a page (newest first), read at once. */
    public Map<String, List<VersionDetails>> versionsOf(List<ModelDetails> models) {
        Map<String, List<ModelVersionRecord>> versions = store.read(tx -> repo(tx).versions(models.stream().map(m -> m.model().id()).toList()));
        Map<String, List<VersionDetails>> byName = new java.util.LinkedHashMap<>();
        for (ModelDetails model : models) {
            byName.put(model.model().name(), versions.getOrDefault(model.model().id(), List.of()).stream()
                    .map(v -> details(v, model.aliases(), model.holders())).toList());
        }
        return byName;
    }

    private VersionDetails details(StoreTransaction tx, ModelVersionRecord version) {
        return details(version, repo(tx).aliases(version.modelId()), repo(tx).holders(version.modelId()));
    }

    static VersionDetails details(ModelVersionRecord version, List<AliasRecord> aliases, Map<String, Integer> holders) {
        return new VersionDetails(version, aliases.stream().filter(a -> a.version() == version.version()).map(AliasRecord::alias).toList(),
                holders.entrySet().stream().filter(e -> e.getValue() == version.version()).map(Map.Entry::getKey).sorted().toList());
    }

    public Page<VersionDetails> searchVersions(String filter, List<String> orderBy, Integer maxResults, String pageToken) {
        int limit = limit(maxResults, DEFAULT_VERSION_RESULTS);
        int offset = PageToken.offset(pageToken);
        RegistryQuery query = new RegistryQuery(RegistryFilterParser.versions(filter), RegistryFilterParser.order(orderBy, true), limit + 1,
                offset);
        return store.read(tx -> {
            List<ModelVersionRecord> found = repo(tx).searchVersions(query);
            List<ModelVersionRecord> page = found.subList(0, Math.min(limit, found.size()));
            List<String> ids = page.stream().map(ModelVersionRecord::modelId).distinct().toList();
            Map<String, List<AliasRecord>> aliases = repo(tx).aliases(ids);
            Map<String, Map<String, Integer>> holders = repo(tx).holders(ids);
            List<VersionDetails> items = page.stream().map(v -> details(v, aliases.getOrDefault(v.modelId(), List.of()),
                    holders.getOrDefault(v.modelId(), Map.of()))).toList();
            return new Page<>(items, found.size() > limit ? Optional.of(PageToken.of(offset + limit)) : Optional.empty());
        });
    }

    /** Changes what people wrote about a version; an absent field stays as it was. */
    public VersionDetails updateVersion(Caller caller, String name, int number, ModelVersionRecord.Notes changes) {
        requireNonNull(caller, "caller is null");
        changes.description().ifPresent(d -> ModelNames.text("description", d));
        changes.intendedUse().ifPresent(d -> ModelNames.text("intended_use", d));
        changes.limitations().ifPresent(d -> ModelNames.text("limitations", d));
        RegisteredModelRecord model = find(name);
        return store.write(tx -> {
            ModelVersionRecord version = repo(tx).findVersion(model.id(), number).orElseThrow(() -> notFoundVersion(name, number));
            ModelVersionRecord.Notes notes = version.notes();
            ModelVersionRecord updated = version.withNotes(new ModelVersionRecord.Notes(
                    changes.description().or(notes::description), changes.intendedUse().or(notes::intendedUse),
                    changes.limitations().or(notes::limitations)), clock.millis());
            repo(tx).updateVersion(updated);
            auditVersion(audit, tx, caller, "model_version.update", model.id(), name, number, Map.of());
            events.publish(tx, EventType.MODEL_VERSION_UPDATED, "model_version", versionId(name, number), data(caller).put("name", name)
                    .put("version", number));
            return details(tx, updated);
        });
    }

    /** Deletes a version (kept for lineage); refused while it holds an environment. */
    public void deleteVersion(Caller caller, String name, int number) {
        requireNonNull(caller, "caller is null");
        RegisteredModelRecord model = find(name);
        store.write(tx -> {
            ModelVersionRecord version = repo(tx).findVersion(model.id(), number).orElseThrow(() -> notFoundVersion(name, number));
            List<String> held = details(tx, version).environments();
            if (!held.isEmpty()) {
                throw StewardException.invalidState("Model Version (name=" + name + ", version=" + number + ") holds " + held
                        + "; roll back or promote another version first");
            }
            repo(tx).deleteVersion(model.id(), number, clock.millis());
            auditVersion(audit, tx, caller, "model_version.delete", model.id(), name, number, Map.of());
            events.publish(tx, EventType.MODEL_VERSION_DELETED, "model_version", versionId(name, number), data(caller).put("name", name)
                    .put("version", number));
            return null;
        });
    }

    public void setVersionTag(Caller caller, String name, int number, String key, String value) {
        ModelNames.tag(key, value);
        RegisteredModelRecord model = find(name);
        store.write(tx -> {
            repo(tx).findVersion(model.id(), number).orElseThrow(() -> notFoundVersion(name, number));
            repo(tx).putVersionTag(model.id(), number, key, value);
            auditVersion(audit, tx, caller, "model_version.tag", model.id(), name, number, Map.of("key", key));
            return null;
        });
    }

    public void deleteVersionTag(Caller caller, String name, int number, String key) {
        RegisteredModelRecord model = find(name);
        store.write(tx -> {
            repo(tx).findVersion(model.id(), number).orElseThrow(() -> notFoundVersion(name, number));
            if (!repo(tx).deleteVersionTag(model.id(), number, key)) {
                throw StewardException.notFound("Model Version (name=" + name + ", version=" + number + ") has no tag '" + key + "'");
            }
            auditVersion(audit, tx, caller, "model_version.untag", model.id(), name, number, Map.of("key", key));
            return null;
        });
    }

    /** Archives a version (MLflow's stage Archived) or brings it back; an archived version leaves the environments it held. */
    public VersionDetails archive(Caller caller, String name, int number, boolean archived) {
        requireNonNull(caller, "caller is null");
        RegisteredModelRecord model = find(name);
        return store.write(tx -> {
            ModelVersionRecord version = repo(tx).findVersion(model.id(), number).orElseThrow(() -> notFoundVersion(name, number));
            ModelVersionRecord updated = version.withArchived(archived, clock.millis());
            repo(tx).updateVersion(updated);
            if (archived) {
                clearEnvironments(tx, caller, version, "archived");
            }
            auditVersion(audit, tx, caller, archived ? "model_version.archive" : "model_version.unarchive", model.id(), name, number, Map.of());
            return details(tx, updated);
        });
    }

    /**
     * Revokes a version for good: it keeps its history but is never promoted or served again; it
     * leaves every environment it held and loses its aliases (a rollback then finds the version
     * before it), all audited with the reason.
     */
    public VersionDetails revoke(Caller caller, String name, int number, String reason) {
        requireNonNull(caller, "caller is null");
        if (reason == null || reason.isBlank()) {
            throw StewardException.invalid("reason", "a revocation needs a reason; it is shown wherever the version appears");
        }
        ModelNames.text("reason", reason);
        RegisteredModelRecord model = find(name);
        return store.write(tx -> {
            ModelVersionRecord version = repo(tx).findVersion(model.id(), number).orElseThrow(() -> notFoundVersion(name, number));
            if (version.status().equals(ModelVersionRecord.REVOKED)) {
                throw StewardException.invalidState("Model Version (name=" + name + ", version=" + number + ") is already revoked: "
                        + version.revocation().map(ModelVersionRecord.Revocation::reason).orElse(""));
            }
            ModelVersionRecord revoked = version.revoked(new ModelVersionRecord.Revocation(clock.millis(), caller.actor().name(), reason));
            repo(tx).updateVersion(revoked);
            List<String> left = clearEnvironments(tx, caller, version, "revoked: " + reason);
            List<String> aliases = new ArrayList<>();
            for (AliasRecord alias : repo(tx).aliases(model.id())) {
                if (alias.version() == number) {
                    repo(tx).deleteAlias(model.id(), alias.alias());
                    aliases.add(alias.alias());
                }
            }
            Map<String, String> details = new TreeMap<>();
            details.put("name", name);
            details.put("version", Integer.toString(number));
            details.put("reason", reason);
            details.put("environments_left", String.join(",", left));
            details.put("aliases_removed", String.join(",", aliases));
            auditVersion(audit, tx, caller, "model_version.revoke", model.id(), name, number, details);
            events.publish(tx, EventType.MODEL_VERSION_REVOKED, "model_version", versionId(name, number), data(caller).put("name", name)
                    .put("version", number).put("reason", reason).set("environments_left", JSON.valueToTree(left)));
            return details(tx, revoked);
        });
    }

    /** Removes a version from the environments it holds, recording each as a {@code clear} in their history. */
    private List<String> clearEnvironments(StoreTransaction tx, Caller caller, ModelVersionRecord version, String reason) {
        List<String> left = new ArrayList<>();
        repo(tx).holders(version.modelId()).forEach((environment, holder) -> {
            if (holder == version.version()) {
                repo(tx).removeHolder(version.modelId(), environment);
                repo(tx).deleteAlias(version.modelId(), environment);
                repo(tx).insertPromotion(new PromotionRecord(Ids.randomHex("pro_", 8), version.modelId(), Optional.empty(), environment,
                        PromotionRecord.CLEAR, Optional.of(holder), Optional.empty(), Optional.of(reason), clock.millis(), caller.actor().id(),
                        caller.actor().name()));
                left.add(environment);
            }
        });
        return left;
    }

    // ---- aliases -----------------------------------------------------------------------------

    /** Points an alias at a version; the names of environments are managed by promotions. */
    public VersionDetails setAlias(Caller caller, String name, String alias, int number) {
        requireNonNull(caller, "caller is null");
        ModelNames.alias(alias);
        RegisteredModelRecord model = find(name);
        return store.write(tx -> {
            if (repo(tx).findEnvironment(alias).isPresent()) {
                throw StewardException.invalid("alias", "'" + alias + "' is an environment: its alias moves with promotions"
                        + " (steward models promote " + name + " --version " + number + " --to " + alias + ")");
            }
            ModelVersionRecord version = repo(tx).findVersion(model.id(), number).orElseThrow(() -> notFoundVersion(name, number));
            if (!version.ready()) {
                throw StewardException.invalidState("Model Version (name=" + name + ", version=" + number + ") is " + version.status()
                        + version.statusMessage().map(m -> " (" + m + ")").orElse("") + ": only ready versions take aliases").withField("version");
            }
            repo(tx).setAlias(new AliasRecord(model.id(), alias, number, clock.millis(), caller.actor().name()));
            auditVersion(audit, tx, caller, "model_version.alias_set", model.id(), name, number, Map.of("alias", alias));
            events.publish(tx, EventType.MODEL_VERSION_ALIAS_SET, "model_version", versionId(name, number), data(caller).put("name", name)
                    .put("version", number).put("alias", alias));
            return details(tx, version);
        });
    }

    public void deleteAlias(Caller caller, String name, String alias) {
        requireNonNull(caller, "caller is null");
        ModelNames.alias(alias);
        RegisteredModelRecord model = find(name);
        store.write(tx -> {
            if (repo(tx).findEnvironment(alias).isPresent()) {
                throw StewardException.invalid("alias", "'" + alias + "' is an environment: roll it back instead (steward models rollback)");
            }
            int version = repo(tx).aliases(model.id()).stream().filter(a -> a.alias().equals(alias)).findFirst()
                    .orElseThrow(() -> notFoundAlias(name, alias)).version();
            repo(tx).deleteAlias(model.id(), alias);
            auditVersion(audit, tx, caller, "model_version.alias_delete", model.id(), name, version, Map.of("alias", alias));
            events.publish(tx, EventType.MODEL_VERSION_ALIAS_DELETED, "model_version", versionId(name, version), data(caller).put("name", name)
                    .put("version", version).put("alias", alias));
            return null;
        });
    }

    /** The version an alias, or else an environment, names. */
    public VersionDetails byAlias(String name, String alias) {
        RegisteredModelRecord model = find(name);
        return store.read(tx -> {
            Optional<Integer> number = repo(tx).aliases(model.id()).stream().filter(a -> a.alias().equals(alias)).map(AliasRecord::version)
                    .findFirst().or(() -> Optional.ofNullable(repo(tx).holders(model.id()).get(alias)));
            if (number.isEmpty()) {
                if (repo(tx).findEnvironment(alias).isPresent()) {
                    throw StewardException.notFound("no version of Registered Model (name=" + name + ") holds environment '" + alias + "'");
                }
                throw notFoundAlias(name, alias);
            }
            return details(tx, repo(tx).findVersion(model.id(), number.get()).orElseThrow(() -> notFoundVersion(name, number.get())));
        });
    }

    /** A registered version named by a {@code models:/} URI (a {@code runs:/} URI names no registered version). */
    public VersionDetails resolve(ModelUri.Registered uri) {
        if (uri.version().isPresent()) {
            return version(uri.name(), uri.version().get());
        }
        return byAlias(uri.name(), uri.alias().orElseThrow());
    }

    /** The package a ready version points at, read and checked. */
    public StoredPackage packageOf(ModelVersionRecord version) {
        ModelVersionRecord.PackageInfo info = version.pkg().orElseThrow(() -> StewardException.invalidState("Model Version (name="
                + version.modelName() + ", version=" + version.version() + ") has no servable package: " + version.statusMessage().orElse(
                version.status())));
        byte[] manifest;
        try (InputStream in = artifacts.open(info.manifestSha256())) {
            manifest = in.readAllBytes();
        } catch (IOException e) {
            throw StewardException.internal("reading the manifest of " + versionId(version.modelName(), version.version()), e);
        }
        ArtifactRef onnx = artifacts.stat(info.modelDigest()).orElseThrow(() -> StewardException.of(ErrorCode.DATA_CORRUPTED,
                "the ONNX graph " + info.modelDigest() + " of " + versionId(version.modelName(), version.version()) + " is missing from the"
                        + " artifact store"));
        return new StoredPackage(new ArtifactRef(info.manifestSha256(), manifest.length), onnx, ModelPackage.readManifest(manifest));
    }

    // ---- environments ------------------------------------------------------------------------

    public List<EnvironmentRecord> environments() {
        return store.read(tx -> repo(tx).environments());
    }

    public EnvironmentRecord environment(String name) {
        ModelNames.environment(name);
        return store.read(tx -> repo(tx).findEnvironment(name)).orElseThrow(() -> StewardException.notFound("no environment named '" + name
                + "'; the environments are " + environments().stream().map(EnvironmentRecord::name).toList()));
    }

    public EnvironmentRecord createEnvironment(Caller caller, String name, Optional<String> description) {
        requireNonNull(caller, "caller is null");
        ModelNames.environment(name);
        description.ifPresent(d -> ModelNames.text("description", d));
        EnvironmentRecord environment = new EnvironmentRecord(name, description, clock.millis(), caller.actor().name());
        store.write(tx -> {
            if (repo(tx).environments().size() >= MAX_ENVIRONMENTS) {
                throw StewardException.invalid("name", "at most " + MAX_ENVIRONMENTS + " environments can be declared");
            }
            repo(tx).insertEnvironment(environment);
            audit.record(tx, caller, "environment.create", "environment", name, Map.of());
            return null;
        });
        return environment;
    }

    // ---- shared helpers ----------------------------------------------------------------------

    /**
     * Audits a change to a version under its registered model (object type {@code registered_model},
     * the model's id), so that one query tells a model's whole story in order; the details name the
     * model and version.
     */
    static void auditVersion(AuditLog audit, StoreTransaction tx, Caller caller, String action, String modelId, String name, int version,
            Map<String, String> details) {
        Map<String, String> all = new TreeMap<>(details);
        all.put("name", name);
        all.put("version", Integer.toString(version));
        audit.record(tx, caller, action, "registered_model", modelId, all);
    }

    static RegistryRepository repo(StoreTransaction tx) {
        return tx.repository(RegistryRepository.class);
    }

    /** The audit object id of a version: {@code name/version}. */
    static String versionId(String name, int version) {
        return name + "/" + version;
    }

    static ObjectNode data(Caller caller) {
        ObjectNode data = JSON.createObjectNode();
        data.putObject("actor").put("id", caller.actor().id()).put("name", caller.actor().name());
        return data;
    }

    static String write(Object value) {
        try {
            return JSON.writeValueAsString(value);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("writing JSON", e);
        }
    }

    static JsonNode read(String json) {
        try {
            return JSON.readTree(json);
        } catch (JsonProcessingException e) {
            throw StewardException.of(ErrorCode.DATA_CORRUPTED, "a stored registry document is not JSON: " + e.getOriginalMessage());
        }
    }

    private static int limit(Integer maxResults, int defaultValue) {
        if (maxResults == null) {
            return defaultValue;
        }
        if (maxResults < 1 || maxResults > MAX_RESULTS) {
            throw StewardException.invalid("max_results", "Invalid value " + maxResults + " for parameter 'max_results' supplied. It must be"
                    + " between 1 and " + MAX_RESULTS + ".");
        }
        return maxResults;
    }

    static StewardException notFoundModel(String name) {
        return StewardException.notFound("Registered Model with name=" + name + " not found");
    }

    static StewardException notFoundVersion(String name, int version) {
        return StewardException.notFound("Model Version (name=" + name + ", version=" + version + ") not found");
    }

    static StewardException notFoundAlias(String name, String alias) {
        return StewardException.notFound("Registered model alias " + alias + " not found (model " + name + ")");
    }
}
