package dev.steward.core.registry.policy;

import java.util.List;
import java.util.Optional;

/** A parsed promotion policy: the criteria a promotion must pass on top of the safety criteria. */
public record Policy(List<Criterion> criteria, Optional<String> description) {
    public Policy {
        criteria = List.copyOf(criteria);
    }

    /** The approvals the policy requires, if it requires any (approvals are checked when given, for four eyes). */
    public Optional<ApprovalsCriterion> approvals() {
        return criteria.stream().filter(ApprovalsCriterion.class::isInstance).map(ApprovalsCriterion.class::cast).findFirst();
    }
}
