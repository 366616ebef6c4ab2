#!/usr/bin/python3
"""Generates drift_fixtures.json: the expected results of Steward's drift statistics, computed by
SciPy and NumPy. Run with Debian's python3 (python3-scipy, python3-numpy):

    /usr/bin/python3 steward-core/src/test/resources/stats/generate_drift_fixtures.py

SciPy 1.10 (Debian 12) has no false_discovery_control, so the Benjamini-Hochberg adjustment is
written out below exactly as SciPy 1.11 defines it.
"""
import json
import os

import numpy as np
import scipy
from scipy import stats
from scipy.spatial.distance import jensenshannon

rng = np.random.default_rng(20261124)
out = {"generator": {"scipy": scipy.__version__, "numpy": np.__version__}}


def linear(spec):
    """Large samples both sides can build bit for bit: offset + scale * (i / n)."""
    return spec["offset"] + spec["scale"] * (np.arange(spec["n"]) / spec["n"])


def sample(values):
    return [float(v) for v in values]


def normal(loc, scale, size):
    """Normal draws rounded to 6 decimals, so the fixture file stays small and exact."""
    return np.round(rng.normal(loc, scale, size), 6)


# Two-sample Kolmogorov-Smirnov, ks_2samp(method='auto').
ks = []
def add_ks(name, a, b, spec_a=None, spec_b=None):
    r = stats.ks_2samp(a, b)
    case = {"name": name, "statistic": float(r.statistic), "pvalue": float(r.pvalue)}
    if spec_a is None:
        case["a"], case["b"] = sample(a), sample(b)
    else:
        case["a_linear"], case["b_linear"] = spec_a, spec_b
    ks.append(case)

add_ks("equal sizes, shifted normals", normal(0, 1, 60), normal(0.5, 1, 60))
add_ks("unequal sizes", normal(0, 1, 80), normal(0.3, 1.2, 125))
add_ks("integers with many ties", rng.integers(0, 6, 300).astype(float), rng.integers(0, 7, 200).astype(float))
same = normal(0, 1, 40)
add_ks("identical samples", same, same.copy())
add_ks("tiny samples", [1.0, 2.0, 3.0], [1.5, 2.5, 3.5, 4.5])
add_ks("disjoint samples", np.round(rng.uniform(0, 1, 30), 6), np.round(rng.uniform(2, 3, 45), 6))
add_ks("exact at the size limit", normal(0, 1, 2000), normal(0.05, 1, 3000))
add_ks("one large and one small sample", normal(0, 1, 12000), normal(0.4, 1, 30))
add_ks("large, small shift", normal(0, 1, 11000), normal(0.02, 1, 10500))
add_ks("large, clear shift", normal(0, 1, 10001), normal(0.1, 1, 10001))
for name, sa, sb in [
        ("linear, Pelz-Good region", {"n": 600000, "offset": 0.0, "scale": 1.0}, {"n": 400000, "offset": 0.001, "scale": 1.0}),
        ("linear, Durbin region", {"n": 30000, "offset": 0.0, "scale": 1.0}, {"n": 20000, "offset": 0.004, "scale": 1.0}),
        ("linear, Smirnov tail", {"n": 50000, "offset": 0.0, "scale": 1.0}, {"n": 40000, "offset": 0.02, "scale": 1.0}),
        ("linear, beyond a million", {"n": 3000000, "offset": 0.0, "scale": 1.0}, {"n": 2500000, "offset": 0.0008, "scale": 1.001})]:
    add_ks(name, linear(sa), linear(sb), sa, sb)
out["ks_2samp"] = ks

# The one-sample two-sided Kolmogorov distribution behind the asymptotic p-values.
kstwo = []
for n in [1, 2, 5, 20, 100, 140, 141, 500, 5000, 60000, 100000, 100001, 250000, 1000000, 2000000]:
    for x in [1e-4, 0.001, 0.003, 0.01, 0.02, 0.05, 0.1, 0.2, 0.3, 0.5, 0.6, 0.95]:
        kstwo.append({"n": n, "x": x, "sf": float(stats.kstwo.sf(x, n))})
    for t in [0.6, 0.9, 1.5, 3.0]:
        x = t / n
        if x < 1:
            kstwo.append({"n": n, "x": x, "sf": float(stats.kstwo.sf(x, n))})
out["kstwo_sf"] = kstwo

# Chi-squared test of a 2 x k contingency table.
chi = []
for name, a, b in [
        ("two categories (Yates)", [30, 70], [45, 55]),
        ("three categories", [120, 90, 40], [100, 110, 60]),
        ("six categories, large counts", [5000, 4000, 3000, 2000, 1000, 500], [5100, 3900, 3200, 1800, 1100, 400]),
        ("strong shift, tiny p-value", [900, 50, 50], [50, 900, 50]),
        ("one category", [10], [20]),
        ("small counts", [1, 0, 3, 2], [0, 2, 1, 4])]:
    r = stats.chi2_contingency(np.array([a, b]))
    chi.append({"name": name, "a": a, "b": b, "statistic": float(r[0]), "pvalue": float(r[1]), "dof": int(r[2])})
out["chi2_contingency"] = chi

# Binned distances: quantile bins of the reference, PSI and Jensen-Shannon distance (base 2).
EPS = 1e-4
def psi(ref_counts, cur_counts):
    p = np.asarray(ref_counts, dtype=float) / np.sum(ref_counts)
    q = np.asarray(cur_counts, dtype=float) / np.sum(cur_counts)
    p = np.where(p == 0, EPS, p)
    q = np.where(q == 0, EPS, q)
    return float(np.sum((q - p) * np.log(q / p)))

binned = []
for name, ref, cur in [
        ("normal, shifted", normal(0, 1, 500), normal(0.3, 1.1, 400)),
        ("integers with ties", rng.integers(0, 4, 300).astype(float), rng.integers(0, 6, 350).astype(float)),
        ("identical", np.arange(100.0), np.arange(100.0))]:
    edges = np.unique(np.quantile(np.sort(ref), np.arange(1, 10) / 10))
    rc = np.bincount(np.searchsorted(edges, ref, side="right"), minlength=len(edges) + 1)
    cc = np.bincount(np.searchsorted(edges, cur, side="right"), minlength=len(edges) + 1)
    binned.append({"name": name, "reference": sample(ref), "current": sample(cur), "bins": 10,
                   "edges": sample(edges), "reference_counts": rc.tolist(), "current_counts": cc.tolist(),
                   "psi": psi(rc, cc), "jensenshannon": float(jensenshannon(rc, cc, base=2))})
for name, rc, cc in [("categories", [50, 30, 20, 0], [40, 30, 20, 10]), ("disjoint", [10, 0], [0, 10])]:
    binned.append({"name": name, "reference_counts": rc, "current_counts": cc,
                   "psi": psi(rc, cc), "jensenshannon": float(jensenshannon(rc, cc, base=2))})
out["binned"] = binned

# Wasserstein-1, raw and divided by the reference's population standard deviation.
wasserstein = []
for name, ref, cur in [
        ("normal, shifted", normal(0, 2, 700), normal(0.5, 2, 300)),
        ("integers with ties", rng.integers(0, 5, 200).astype(float), rng.integers(1, 6, 250).astype(float)),
        ("one value each", [3.0], [5.0])]:
    d = stats.wasserstein_distance(ref, cur)
    std = float(np.std(ref))
    wasserstein.append({"name": name, "reference": sample(ref), "current": sample(cur), "distance": float(d),
                        "reference_std": std, "normalized": float(d / std) if std > 0 else None})
out["wasserstein"] = wasserstein

# Multiple-testing corrections.
def bh(ps):
    ps = np.asarray(ps, dtype=float)
    m = ps.size
    order = np.argsort(ps)
    sorted_ps = ps[order] * (m / np.arange(1, m + 1))
    sorted_ps = np.minimum.accumulate(sorted_ps[::-1])[::-1]
    adjusted = np.empty(m)
    adjusted[order] = np.clip(sorted_ps, 0, 1)
    return adjusted

corrections = []
for ps in [[0.01, 0.04, 0.03, 0.2, 0.5], [0.001, 0.001, 0.8, 0.049, 0.9, 0.0002, 0.3], [0.7]]:
    corrections.append({"p": ps, "bonferroni": sample(np.minimum(np.asarray(ps) * len(ps), 1.0)), "bh": sample(bh(ps))})
out["corrections"] = corrections

path = os.path.join(os.path.dirname(os.path.abspath(__file__)), "drift_fixtures.json")
with open(path, "w") as f:
    json.dump(out, f, separators=(",", ":"))
print("wrote", path)
