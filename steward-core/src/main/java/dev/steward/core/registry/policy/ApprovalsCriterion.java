package dev.steward.core.registry.policy;

import dev.steward.core.jobs.SpecFields;
import dev.steward.spi.Role;
import dev.steward.spi.registry.ApprovalRecord;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * Human approvals of the candidate for the environment: at least {@code count} approvals by
 * distinct people holding {@code role} on the latest request, none of them rejected it, and with
 * {@code four_eyes} neither the version's creator nor the requester among them (such approvals are
 * refused when given, and never counted).
 */
public final class ApprovalsCriterion implements Criterion {
    public static final String KIND = "approvals";

    private final int count;
    private final Role role;
    private final boolean fourEyes;

    public ApprovalsCriterion(int count, Role role, boolean fourEyes) {
        this.count = count;
        this.role = role;
        this.fourEyes = fourEyes;
    }

    public int count() {
        return count;
    }

    public Role role() {
        return role;
    }

    public boolean fourEyes() {
        return fourEyes;
    }

    /** {@code {count: 1..10, role: deployer, four_eyes: true}}. */
    public static final class Kind extends FieldsKind {
        public Kind() {
            super(KIND, "{count: 1, role: deployer, four_eyes: true}");
        }

        @Override
        Criterion parse(SpecFields f, PolicyContext context) {
            int count = f.optionalLong("count", 1, 10).orElse(1L).intValue();
            Role role = f.optionalText("role", 20).map(r -> {
                try {
                    return Role.parse(r);
                } catch (dev.steward.spi.StewardException e) {
                    throw f.invalid("role", e.getMessage());
                }
            }).orElse(Role.DEPLOYER);
            if (!role.includes(Role.EDITOR)) {
                throw f.invalid("role", "approvers need at least the editor role, not " + role.wireName());
            }
            boolean fourEyes = f.optional("four_eyes").map(v -> {
                if (!v.isBoolean()) {
                    throw f.invalid("four_eyes", "must be true or false");
                }
                return v.asBoolean();
            }).orElse(true);
            return new ApprovalsCriterion(count, role, fourEyes);
        }
    }

    @Override
    public String kind() {
        return KIND;
    }

    @Override
    public String describe() {
        return count + " approval" + (count == 1 ? "" : "s") + " by " + role.wireName() + "s" + (fourEyes ? ", four eyes (not the creator or"
                + " the requester)" : "");
    }

    @Override
    public CriterionResult evaluate(PromotionContext context) {
        String expected = ">= " + count + " approval" + (count == 1 ? "" : "s") + " by " + role.wireName() + (fourEyes ? ", four eyes" : "");
        Optional<PromotionContext.ApprovalState> state = context.approvals();
        if (state.isEmpty()) {
            return new CriterionResult(KIND, describe(), false, "no approval was requested for " + context.environment(), expected, List.of());
        }
        List<CriterionResult.Evidence> evidence = new ArrayList<>();
        evidence.add(new CriterionResult.Evidence("approval_request", state.get().request().id()));
        Set<String> approvers = new LinkedHashSet<>();
        for (ApprovalRecord decision : state.get().decisions()) {
            evidence.add(new CriterionResult.Evidence("approval", decision.id()));
            if (decision.decision().equals(ApprovalRecord.REJECT)) {
                return new CriterionResult(KIND, describe(), false, "rejected by " + decision.actorName() + decision.comment().map(c -> ": " + c)
                        .orElse(""), expected, evidence);
            }
            if (qualifies(decision, context)) {
                approvers.add(decision.actorId());
            }
        }
        return new CriterionResult(KIND, describe(), approvers.size() >= count, approvers.size() + " qualifying approval"
                + (approvers.size() == 1 ? "" : "s"), expected, evidence);
    }

    /** Whether an approval counts: the approver's role, and under four eyes neither the creator nor the requester. */
    public boolean qualifies(ApprovalRecord decision, PromotionContext context) {
        return Role.parse(decision.actorRole()).includes(role) && !(fourEyes && (decision.actorId().equals(context.candidate().version()
                .createdBy()) || decision.actorId().equals(context.approvals().map(a -> a.request().requestedBy()).orElse(""))));
    }
}
