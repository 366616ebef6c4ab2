#!/usr/bin/env python3
"""Expected sample sizes of Steward's release gates, from the formulas of ease.ml/ci.

Source: C. Renggli, B. Karlas, B. Ding, F. Liu, K. Schawinski, W. Wu, C. Zhang, "Continuous
Integration of Machine Learning Models with ease.ml/ci: Towards a Rigorous Yet Practical
Treatment", MLSys 2019 (section 3: Hoeffding estimators and adaptivity; section 4: Bennett's
inequality under a bound on the disagreement).

Run it from the repository root with plain python3 (standard library only):

    python3 docs/gates/sample_sizes.py > steward-core/src/test/resources/gates/sample-sizes.csv

It first checks itself against the figures the paper and its reference implementation publish,
and stops with an error if one does not come out:

    Hoeffding, one variable, eps = 0.01, 1 - delta = 0.9999   "more than 46K"      46,052
      ... 32 non-adaptive steps                               "63K"                63,381
      ... 32 fully adaptive steps                             "156,955"           156,956
    n > 0.8 +/- 0.05, 1 - delta = 0.9999, 32 full steps       "6,279"               6,279
    n - o > 0.02 +/- 0.02, delta = 0.002, H = 7 (section 5)   "44,268"             44,269
      ... fully adaptive                                      "58K"                58,799
    n - o > 0.1 +/- 0.1, 0.99, full, 32 (reference notebook)  5496                  5,496
    Bennett, p = 0.1, eps = 0.01, 1 - delta = 0.9999, 32 steps
      ... non-adaptive                                        "29K"                29,048
      ... fully adaptive                                      "67K"                67,706

(the paper rounds some figures down and some up; a sample size must be rounded up, so ours may
exceed a published one by one row). Then it prints, as CSV, the sizes SampleSizes.plan must give:
the paper's conditions F1 to F5 for every tolerance of its Figure 2 (0.1, 0.05, 0.025, 0.01),
reliabilities 0.99, 0.999 and 0.9999, the three adaptivities and H = 32, with and without a bound
on the disagreement, and further conditions with other coefficients and clause counts. One row
per clause; `required` and `labelled` repeat the plan's totals on every row of a condition.

The formulas (docs/gates.md explains them):
  delta = 1 - reliability, split evenly over the K clauses and over the histories of the
  adaptivity (H for none and hybrid, 2^H for full).
  Hoeffding, for a clause with k variables and coefficients c_v:
      N = (sum |c_v|)^2 * ln(k * K * histories / delta) / (2 eps^2)
  which is the paper's recursion n(EXP1 + EXP2, eps, delta) = max(n(EXP1, eps1, delta/2),
  n(EXP2, eps2, delta/2)) with eps1 + eps2 = eps chosen optimally (eps_v proportional to |c_v|).
  Bennett, for c * (n - o) when d <= p is known (given, or implied by a clause c' * d < A, p = A/c'):
      N = ln(2 * K * histories / delta) / (p * h(eps / |c| / p)),  h(u) = (1 + u) ln(1 + u) - u
  which for the paper's two-clause condition d < A /\ n - o > C is its (ln H - ln(delta/4)) / (p h(eps/p)).
  Sizes are rounded up (forgiving 1e-9 of floating-point noise, as the Java code does).
"""

import csv
import math
import sys

LOG_HISTORIES = {"none": math.log, "hybrid": math.log, "full": lambda h: h * math.log(2)}


def h(u):
    return (1 + u) * math.log1p(u) - u


def ceil_rows(x):
    return max(1, math.ceil(x - 1e-9))


class Clause:
    """A clause: coefficients {variable: c}, '<' or '>', threshold, tolerance."""

    def __init__(self, coefficients, comparison, threshold, tolerance):
        self.coefficients = coefficients
        self.comparison = comparison
        self.threshold = threshold
        self.tolerance = tolerance

    def needs_labels(self):
        return any(v in ("n", "o") for v in self.coefficients)

    def is_accuracy_difference(self):
        c = self.coefficients
        return len(c) == 2 and "n" in c and "o" in c and c["n"] == -c["o"]

    def implied_bound(self):
        c = self.coefficients
        if list(c) == ["d"] and c["d"] > 0 and self.comparison == "<" and self.threshold > 0:
            return min(1.0, self.threshold / c["d"])
        return None


def log_share(k_clauses, adaptivity, steps, delta):
    """ln(K * histories / delta)."""
    return math.log(k_clauses) + LOG_HISTORIES[adaptivity](steps) - math.log(delta)


def hoeffding(clause, share):
    total = sum(abs(c) for c in clause.coefficients.values())
    k = len(clause.coefficients)
    return ceil_rows(total * total * (math.log(k) + share) / (2 * clause.tolerance ** 2))


def bennett(clause, share, p):
    eps = clause.tolerance / abs(clause.coefficients["n"])
    return ceil_rows((math.log(2) + share) / (p * h(eps / p)))


def plan(clauses, reliability, adaptivity, steps, bound=None):
    delta = 1 - reliability
    share = log_share(len(clauses), adaptivity, steps, delta)
    bounds = [b for b in [bound] + [c.implied_bound() for c in clauses] if b is not None]
    p = min(bounds) if bounds else None
    sizes = []
    for clause in clauses:
        hoeff = hoeffding(clause, share)
        benn = bennett(clause, share, p) if p is not None and clause.is_accuracy_difference() else None
        if benn is not None and benn < hoeff:
            sizes.append((hoeff, benn, benn, "bennett"))
        else:
            sizes.append((hoeff, benn, hoeff, "hoeffding"))
    required = max(s[2] for s in sizes)
    labelled = max([s[2] for s, c in zip(sizes, clauses) if c.needs_labels()], default=0)
    return sizes, required, labelled


def clause(terms, comparison, threshold, tolerance):
    return Clause(dict(terms), comparison, threshold, tolerance)


def text(clauses_and_texts):
    return " /\\ ".join(t for _, t in clauses_and_texts)


def fmt(x):
    return repr(x) if isinstance(x, float) else str(x)


def published_checks():
    """The figures of the paper and of the reference implementation's notebook (labelled rows)."""
    def one(tol, threshold=0.8):
        return [clause([("n", 1)], ">", threshold, tol)]

    diff_02 = [clause([("n", 1), ("o", -1)], ">", 0.02, 0.02)]
    f5 = [clause([("d", 1)], "<", 0.1, 0.01), clause([("n", 1), ("o", -1)], ">", 0.02, 0.01)]
    figures = [
        ("Hoeffding, one variable, 46K", plan(one(0.01), 0.9999, "none", 1)[2], 46_000, 47_000),
        ("Hoeffding, 32 non-adaptive steps, 63K", plan(one(0.01), 0.9999, "none", 32)[2], 63_000, 64_000),
        ("Hoeffding, 32 fully adaptive steps, 156,955", plan(one(0.01), 0.9999, "full", 32)[2], 156_955, 156_956),
        ("n > 0.8 +/- 0.05, full, 32: 6,279", plan(one(0.05), 0.9999, "full", 32)[2], 6_279, 6_279),
        ("section 5, H = 7: 44,268", plan(diff_02, 0.998, "none", 7)[2], 44_268, 44_269),
        ("section 5, H = 7, fully adaptive: 58K", plan(diff_02, 0.998, "full", 7)[2], 58_000, 59_000),
        ("reference notebook: 5496", plan([clause([("n", 1), ("o", -1)], ">", 0.1, 0.1)], 0.99, "full", 32)[2], 5_496, 5_496),
        ("Bennett, 32 non-adaptive steps: 29K", plan(f5, 0.9999, "none", 32)[2], 29_000, 30_000),
        ("Bennett, 32 fully adaptive steps: 67K", plan(f5, 0.9999, "full", 32)[2], 67_000, 68_000),
    ]
    for name, value, low, high in figures:
        if not low <= value <= high:
            sys.exit(f"{name}: computed {value}, published figure needs {low}..{high}")


def cases():
    """(condition text, clauses, bound) to tabulate."""
    out = []
    for tol in (0.1, 0.05, 0.025, 0.01):
        t = repr(tol)
        f1 = [(clause([("n", 1)], ">", 0.8, tol), f"n > 0.8 +/- {t}")]
        f2 = [(clause([("n", 1), ("o", -1)], ">", 0.02, tol), f"n - o > 0.02 +/- {t}")]
        f4 = [(clause([("d", 1)], "<", 0.1, tol), f"d < 0.1 +/- {t}")]
        f5 = f4 + f2
        out += [(f1, None), (f2, None), (f4, None), (f5, None), (f2, 0.1), (f2, 0.25)]
    out += [
        ([(clause([("o", 1.1), ("n", -1)], "<", 0.01, 0.01), "1.1 * o - n < 0.01 +/- 0.01")], None),
        ([(clause([("n", 1), ("o", -1.05)], ">", 0.0, 0.02), "n - 1.05*o > 0 +/- 0.02")], 0.1),
        ([(clause([("n", 1), ("o", -1.1)], ">", 0.01, 0.01), "n - 1.1 * o > 0.01 +/- 0.01"),
          (clause([("d", 1)], "<", 0.1, 0.01), "d < 0.1 +/- 0.01")], None),
        ([(clause([("n", 2), ("o", -2)], ">", 0.04, 0.02), "2 * n - 2 * o > 0.04 +/- 0.02")], 0.05),
        ([(clause([("o", -1), ("n", 1)], ">", -0.01, 0.01), "-o + n > -0.01 +/- 0.01")], 0.2),
        ([(clause([("d", 2)], "<", 0.3, 0.02), "2*d < 0.3 +/- 0.02"),
          (clause([("n", 1), ("o", -1)], ">", 0.0, 0.01), "n - o > 0 +/- 0.01"),
          (clause([("n", 1)], ">", 0.7, 0.02), "n > 0.7 +/- 0.02")], None),
        ([(clause([("n", 1), ("o", -1)], ">", 0.1, 0.1), "n - o > 0.1 +/- 0.1")], None),
        ([(clause([("n", 1), ("d", -0.5)], ">", 0.6, 0.03), "n - 0.5 * d > 0.6 +/- 0.03")], 0.1),
        ([(clause([("d", 1)], ">", 0.01, 0.005), "d > 0.01 +/- 0.005")], None),
    ]
    return out


def main():
    published_checks()
    writer = csv.writer(sys.stdout, lineterminator="\n")
    writer.writerow(["condition", "reliability", "adaptivity", "steps", "bound", "clause",
                     "hoeffding", "bennett", "chosen", "method", "required", "labelled"])
    for condition, bound in cases():
        clauses = [c for c, _ in condition]
        condition_text = text(condition)
        assert "," not in condition_text
        for reliability in (0.99, 0.999, 0.9999):
            for adaptivity in ("none", "hybrid", "full"):
                sizes, required, labelled = plan(clauses, reliability, adaptivity, 32, bound)
                for index, (hoeff, benn, chosen, method) in enumerate(sizes):
                    writer.writerow([condition_text, fmt(reliability), adaptivity, 32,
                                     "" if bound is None else fmt(bound), index, hoeff,
                                     "" if benn is None else benn, chosen, method, required, labelled])


if __name__ == "__main__":
    main()
