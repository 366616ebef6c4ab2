package dev.steward.server.api;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.annotation.JsonInclude;
import dev.steward.core.data.DatasetService;
import dev.steward.core.data.ImportResult;
import dev.steward.core.data.SchemaDiff;
import dev.steward.core.data.SuiteRegistration;
import dev.steward.core.data.compare.ColumnDrift;
import dev.steward.core.data.compare.DatasetComparison;
import dev.steward.core.data.compare.DriftOptions;
import dev.steward.core.data.validation.SuiteParser;
import dev.steward.core.data.validation.ValidationReport;
import dev.steward.core.stats.MultipleTesting;
import dev.steward.spi.data.ValidationSuiteRecord;
import java.util.OptionalDouble;
import dev.steward.core.data.profile.ProfileView;
import dev.steward.server.http.Access;
import dev.steward.server.http.Authenticator;
import dev.steward.server.http.Json;
import dev.steward.server.http.Requests;
import dev.steward.server.http.Router;
import dev.steward.server.http.Routes;
import dev.steward.spi.ErrorCode;
import dev.steward.spi.StewardException;
import dev.steward.spi.data.ColumnSummary;
import dev.steward.spi.data.DataFormat;
import dev.steward.spi.data.DatasetInfo;
import dev.steward.spi.data.DatasetVersion;
import dev.steward.spi.data.ReadOptions;
import io.javalin.http.Context;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * {@code /api/v1/datasets}: import versions (the request body is the file), list, show schemas
 * and summaries, download the original bytes, diff schemas, compare distributions, quarantine;
 * validation suites and reports; and the subject index.
 */
public final class DatasetRoutes implements Routes {
    private final DatasetService datasets;
    private final Json json;
    private final Path spoolDirectory;
    private final long maxBytes;

    public DatasetRoutes(DatasetService datasets, Json json, Path spoolDirectory, long maxBytes) {
        this.datasets = requireNonNull(datasets, "datasets is null");
        this.json = requireNonNull(json, "json is null");
        this.spoolDirectory = requireNonNull(spoolDirectory, "spoolDirectory is null");
        this.maxBytes = maxBytes;
    }

    record Reason(String reason) {}

    record DatasetView(String name, String createdAt, String createdBy, int versionCount, int latestVersion) {
        static DatasetView of(DatasetInfo d) {
            return new DatasetView(d.name(), Instant.ofEpochMilli(d.createdAt()).toString(), d.createdBy(), d.versionCount(), d.latestVersion());
        }
    }

    @JsonInclude(JsonInclude.Include.NON_ABSENT)
    record ColumnView(String name, String type, boolean nullable, long nullCount, long distinctCount, Optional<String> min,
            Optional<String> max, Double mean, Double stddev, Optional<List<String>> domain) {
        static ColumnView of(ColumnSummary c) {
            return new ColumnView(c.name(), c.type().name().toLowerCase(java.util.Locale.ROOT), c.nullable(), c.nullCount(), c.distinctCount(),
                    c.min(), c.max(), c.mean().isPresent() ? c.mean().getAsDouble() : null,
                    c.stddev().isPresent() ? c.stddev().getAsDouble() : null, c.domain());
        }
    }

    @JsonInclude(JsonInclude.Include.NON_ABSENT)
    record VersionView(String id, String dataset, int version, String sha256, long size, String format, String fileName, long rowCount,
            Optional<String> profileSha256, String status, Optional<String> description, Map<String, String> tags, Optional<String> subjectColumn, String createdAt,
            String createdBy, List<ColumnView> columns) {
        static VersionView of(DatasetVersion v) {
            return new VersionView(v.id(), v.datasetName(), v.version(), v.sha256(), v.size(), v.format().wireName(), v.fileName(),
                    v.rowCount(), v.profileSha256(), v.status(), v.description(), v.tags(), v.subjectColumn(), Instant.ofEpochMilli(v.createdAt()).toString(),
                    v.createdBy(), v.columns().stream().map(ColumnView::of).toList());
        }
    }

    record Imported(boolean created, VersionView version) {}

    record DatasetDetail(DatasetView dataset, List<VersionView> versions) {}

    record ValidateRequest(String suite, Integer suiteVersion) {}

    record SuiteView(String name, int version, String sha256, String createdAt, String createdBy) {
        static SuiteView of(ValidationSuiteRecord s) {
            return new SuiteView(s.name(), s.version(), s.sha256(), Instant.ofEpochMilli(s.createdAt()).toString(), s.createdBy());
        }
    }

    record SuiteDetail(String name, int version, String sha256, String createdAt, String createdBy, String definition) {
        static SuiteDetail of(ValidationSuiteRecord s) {
            return new SuiteDetail(s.name(), s.version(), s.sha256(), Instant.ofEpochMilli(s.createdAt()).toString(), s.createdBy(), s.definition());
        }
    }

    record SuiteCreated(boolean created, String name, int version, String sha256, int checks) {}

    @JsonInclude(JsonInclude.Include.NON_ABSENT)
    record DriftView(String column, String kind, Optional<String> test, OptionalDouble statistic, OptionalDouble pValue,
            @com.fasterxml.jackson.annotation.JsonProperty("adjusted_p_value") OptionalDouble adjustedPValue, boolean drifted, OptionalDouble psi, OptionalDouble jensenShannon, OptionalDouble wasserstein,
            long referenceCount, long currentCount, long referenceMissing, long currentMissing, Optional<String> skipped) {
        static DriftView of(ColumnDrift d) {
            return new DriftView(d.column(), d.kind(), d.test(), d.statistic(), d.pValue(), d.adjustedPValue(), d.drifted(), d.psi(),
                    d.jensenShannon(), d.wasserstein(), d.referenceCount(), d.currentCount(), d.referenceMissing(), d.currentMissing(), d.skipped());
        }
    }

    record ComparisonView(String dataset, int referenceVersion, int currentVersion, String correction, double alpha, int bins,
            int testedColumns, int driftedColumns, boolean drifted, SchemaDiff schema, List<DriftView> columns) {
        static ComparisonView of(DatasetComparison c) {
            return new ComparisonView(c.dataset(), c.referenceVersion(), c.currentVersion(), c.options().correction().wireName(),
                    c.options().alpha(), c.options().bins(), c.testedColumns(), c.driftedColumns(), c.drifted(), c.schema(),
                    c.columns().stream().map(DriftView::of).toList());
        }
    }

    @Override
    public void register(Router router) {
        router.get("/api/v1/datasets", Access.VIEWER, ctx ->
                json.respond(ctx, 200, Map.of("datasets", datasets.list().stream().map(DatasetView::of).toList())));
        router.get("/api/v1/datasets/{name}", Access.VIEWER, ctx -> {
            String name = ctx.pathParam("name");
            json.respond(ctx, 200, new DatasetDetail(DatasetView.of(datasets.dataset(name)),
                    datasets.versions(name).stream().map(VersionView::of).toList()));
        });
        router.post("/api/v1/datasets/{name}/versions", Access.EDITOR, this::importVersion);
        router.get("/api/v1/datasets/{name}/versions/{version}", Access.VIEWER, ctx ->
                json.respond(ctx, 200, VersionView.of(datasets.version(ctx.pathParam("name"), version(ctx)))));
        router.get("/api/v1/datasets/{name}/versions/{version}/download", Access.VIEWER, ctx -> {
            DatasetVersion v = datasets.version(ctx.pathParam("name"), version(ctx));
            InputStream content = datasets.open(v);
            ctx.contentType("application/octet-stream")
                    .header("Content-Length", Long.toString(v.size()))
                    .header("Content-Disposition", "attachment; filename=\"" + v.fileName().replace("\"", "") + "\"")
                    .header("ETag", "\"" + v.sha256() + "\"");
            ctx.result(content);
        });
        router.get("/api/v1/datasets/{name}/versions/{version}/profile", Access.VIEWER, ctx ->
                json.respond(ctx, 200, ProfileView.of(datasets.profile(datasets.version(ctx.pathParam("name"), version(ctx))))));
        router.get("/api/v1/datasets/{name}/profile", Access.VIEWER, ctx -> {
            String list = Requests.query(ctx, "versions").orElseThrow(() -> StewardException.invalid("versions",
                    "'versions' is required: a comma-separated list such as 1,2,3"));
            List<Integer> numbers = new java.util.ArrayList<>();
            for (String part : list.split(",")) {
                numbers.add(listedVersion(part));
            }
            json.respond(ctx, 200, ProfileView.of(datasets.mergedProfile(ctx.pathParam("name"), numbers)));
        });
        router.get("/api/v1/datasets/{name}/diff", Access.VIEWER, ctx -> {
            SchemaDiff diff = datasets.diff(ctx.pathParam("name"), Requests.intQuery(ctx, "from", 0, 1, Integer.MAX_VALUE),
                    Requests.intQuery(ctx, "to", 0, 0, Integer.MAX_VALUE));
            json.respond(ctx, 200, diff);
        });
        router.post("/api/v1/datasets/{name}/versions/{version}/quarantine", Access.EDITOR, ctx -> {
            Reason reason = json.readStrict(ctx.bodyAsBytes(), Reason.class);
            json.respond(ctx, 200, VersionView.of(datasets.quarantine(Authenticator.caller(ctx), ctx.pathParam("name"), version(ctx),
                    reason.reason())));
        });
        router.post("/api/v1/datasets/{name}/versions/{version}/release", Access.EDITOR, ctx -> {
            Reason reason = json.readStrict(ctx.bodyAsBytes(), Reason.class);
            json.respond(ctx, 200, VersionView.of(datasets.release(Authenticator.caller(ctx), ctx.pathParam("name"), version(ctx),
                    reason.reason())));
        });
        router.get("/api/v1/datasets/{name}/compare", Access.VIEWER, ctx -> {
            if (Requests.query(ctx, "reference").isEmpty()) {
                throw StewardException.invalid("reference", "'reference' is required: the version number to compare against");
            }
            json.respond(ctx, 200, ComparisonView.of(datasets.compare(ctx.pathParam("name"),
                    Requests.intQuery(ctx, "reference", 0, 1, Integer.MAX_VALUE), Requests.intQuery(ctx, "current", 0, 0, Integer.MAX_VALUE),
                    driftOptions(ctx))));
        });
        router.post("/api/v1/validation-suites", Access.EDITOR, ctx -> {
            byte[] body = ctx.bodyAsBytes();
            if (body.length > SuiteParser.MAX_DEFINITION_CHARS) {
                throw StewardException.of(ErrorCode.REQUEST_TOO_LARGE, "a suite can be at most " + SuiteParser.MAX_DEFINITION_CHARS + " bytes");
            }
            SuiteRegistration registered = datasets.addSuite(Authenticator.caller(ctx), new String(body, java.nio.charset.StandardCharsets.UTF_8));
            json.respond(ctx, registered.created() ? 201 : 200, new SuiteCreated(registered.created(), registered.record().name(),
                    registered.record().version(), registered.record().sha256(), registered.suite().checks().size()));
        });
        router.get("/api/v1/validation-suites", Access.VIEWER, ctx ->
                json.respond(ctx, 200, Map.of("suites", datasets.suites().stream().map(SuiteView::of).toList())));
        router.get("/api/v1/validation-suites/{name}", Access.VIEWER, ctx -> json.respond(ctx, 200,
                SuiteDetail.of(datasets.suite(ctx.pathParam("name"), Requests.intQuery(ctx, "version", 0, 1, Integer.MAX_VALUE)))));
        router.post("/api/v1/datasets/{name}/versions/{version}/validate", Access.EDITOR, ctx -> {
            ValidateRequest request = json.readStrict(ctx.bodyAsBytes(), ValidateRequest.class);
            if (request.suite() == null || request.suite().isBlank()) {
                throw StewardException.invalid("suite", "'suite' is required: the name of a stored validation suite");
            }
            int suiteVersion = request.suiteVersion() == null ? 0 : request.suiteVersion();
            if (suiteVersion < 0) {
                throw StewardException.invalid("suite_version", "suite_version must be a positive version number (or left out for the latest)");
            }
            ValidationReport report = datasets.validate(Authenticator.caller(ctx), ctx.pathParam("name"), version(ctx), request.suite(), suiteVersion);
            json.respond(ctx, 200, report.toJson());
        });
        router.get("/api/v1/datasets/{name}/versions/{version}/reports", Access.VIEWER, ctx -> json.respond(ctx, 200,
                Map.of("reports", datasets.reports(ctx.pathParam("name"), version(ctx)).stream().map(ValidationReport::toJson).toList())));
        router.get("/api/v1/validation-reports/{id}", Access.VIEWER, ctx ->
                json.respond(ctx, 200, datasets.report(ctx.pathParam("id")).toJson()));
        router.get("/api/v1/dataset-versions/{sha256}", Access.VIEWER, ctx -> json.respond(ctx, 200,
                Map.of("versions", datasets.versionsByDigest(ctx.pathParam("sha256")).stream().map(VersionView::of).toList())));
        // Who holds data about a person is itself personal data: admins only.
        router.get("/api/v1/subjects/{subject}/dataset-versions", Access.ADMIN, ctx -> json.respond(ctx, 200,
                Map.of("versions", datasets.versionsWithSubject(ctx.pathParam("subject")).stream().map(VersionView::of).toList())));
    }

    private void importVersion(Context ctx) throws IOException {
        String name = ctx.pathParam("name");
        String fileName = Requests.query(ctx, "file_name").orElse(name);
        ReadOptions options = new ReadOptions(Requests.query(ctx, "format").map(DataFormat::parse),
                Requests.query(ctx, "delimiter").map(d -> single("delimiter", d)), Requests.query(ctx, "quote").map(q -> single("quote", q)),
                Requests.query(ctx, "header").map(h -> bool("header", h)), Requests.query(ctx, "subject_column"));
        Files.createDirectories(spoolDirectory);
        Path spooled = Files.createTempFile(spoolDirectory, "upload-", ".part");
        try {
            spool(ctx.bodyInputStream(), spooled);
            ImportResult result = datasets.importFile(Authenticator.streamingCaller(ctx), name, spooled, fileName, options,
                    Requests.query(ctx, "description"), Map.of());
            json.respond(ctx, result.created() ? 201 : 200, new Imported(result.created(), VersionView.of(result.version())));
        } finally {
            Files.deleteIfExists(spooled);
        }
    }

    private void spool(InputStream in, Path target) throws IOException {
        long total = 0;
        byte[] buffer = new byte[1 << 16];
        try (OutputStream out = Files.newOutputStream(target)) {
            int n;
            while ((n = in.read(buffer)) != -1) {
                total += n;
                if (total > maxBytes) {
                    throw StewardException.of(ErrorCode.REQUEST_TOO_LARGE, "the file is larger than the limit of " + maxBytes
                            + " bytes; raise server.max-artifact-bytes to accept it");
                }
                out.write(buffer, 0, n);
            }
        }
    }

    private static DriftOptions driftOptions(Context ctx) {
        DriftOptions defaults = DriftOptions.DEFAULTS;
        MultipleTesting correction = defaults.correction();
        Optional<String> correctionText = Requests.query(ctx, "correction");
        if (correctionText.isPresent()) {
            try {
                correction = MultipleTesting.fromWireName(correctionText.get());
            } catch (IllegalArgumentException e) {
                throw StewardException.invalid("correction", e.getMessage());
            }
        }
        double alpha = defaults.alpha();
        Optional<String> alphaText = Requests.query(ctx, "alpha");
        if (alphaText.isPresent()) {
            try {
                alpha = Double.parseDouble(alphaText.get());
            } catch (NumberFormatException e) {
                throw StewardException.invalid("alpha", "alpha must be a number between 0 and 1, such as 0.05");
            }
        }
        List<String> columns = Requests.query(ctx, "columns").map(c -> java.util.Arrays.stream(c.split(",")).map(String::trim)
                .filter(x -> !x.isEmpty()).toList()).orElse(List.of());
        return new DriftOptions(correction, alpha, Requests.intQuery(ctx, "bins", defaults.bins(), 2, 1000), columns);
    }

    private static int version(Context ctx) {
        String text = ctx.pathParam("version");
        if (text.equals("latest")) {
            return 0;
        }
        try {
            int version = Integer.parseInt(text);
            if (version < 1) {
                throw new NumberFormatException();
            }
            return version;
        } catch (NumberFormatException e) {
            throw StewardException.invalid("version", "'" + text + "' is not a version: use 1, 2, ... or latest");
        }
    }

    /** A number of the 'versions' list: 0 and below would mean "the latest" to the service, which in a list is a mistake. */
    private static int listedVersion(String part) {
        try {
            int version = Integer.parseInt(part.trim());
            if (version < 1) {
                throw new NumberFormatException();
            }
            return version;
        } catch (NumberFormatException e) {
            throw StewardException.invalid("versions", "'" + part + "' is not a version number (1, 2, ...)");
        }
    }

    private static char single(String field, String text) {
        String value = text.equals("\\t") || text.equals("tab") ? "\t" : text;
        if (value.length() != 1) {
            throw StewardException.invalid(field, "'" + field + "' must be one character (or \\t for tab), not '" + text + "'");
        }
        return value.charAt(0);
    }

    private static boolean bool(String field, String text) {
        if (text.equalsIgnoreCase("true")) {
            return true;
        }
        if (text.equalsIgnoreCase("false")) {
            return false;
        }
        throw StewardException.invalid(field, "'" + field + "' must be true or false, not '" + text + "'");
    }
}
