package dev.steward.core.registry.policy;

import dev.steward.core.jobs.SpecFields;
import java.util.List;
import java.util.Optional;

/** The size of the candidate's ONNX graph: at most {@code max_bytes}. */
public final class PackageSizeCriterion implements Criterion {
    public static final String KIND = "package_size";
    private final long maxBytes;

    private PackageSizeCriterion(long maxBytes) {
        this.maxBytes = maxBytes;
    }

    /** {@code {max_bytes: N}} or {@code {max_mb: N}}. */
    public static final class Kind extends FieldsKind {
        public Kind() {
            super(KIND, "{max_mb: 50}");
        }

        @Override
        Criterion parse(SpecFields f, PolicyContext context) {
            Optional<Long> bytes = f.optionalLong("max_bytes", 1, Long.MAX_VALUE / 2);
            Optional<Long> mb = f.optionalLong("max_mb", 1, 1L << 30);
            if (bytes.isPresent() == mb.isPresent()) {
                throw f.invalid("max_bytes", "give either max_bytes or max_mb");
            }
            return new PackageSizeCriterion(bytes.orElseGet(() -> mb.get() * 1024 * 1024));
        }
    }

    @Override
    public String kind() {
        return KIND;
    }

    @Override
    public String describe() {
        return "ONNX graph of at most " + maxBytes + " bytes";
    }

    @Override
    public CriterionResult evaluate(PromotionContext context) {
        long size = context.candidatePackage().onnxBlob().size();
        return new CriterionResult(KIND, describe(), size <= maxBytes, size + " bytes", "<= " + maxBytes + " bytes", List.of(
                new CriterionResult.Evidence("blob", context.candidatePackage().modelDigest())));
    }
}
