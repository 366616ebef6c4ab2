#!/usr/bin/python3
"""Writes the reference figures of Steward's monitoring statistics as CSV files under
steward-core/src/test/resources/stats/, computed with NumPy and SciPy. Run from anywhere:

    python3 docs/monitoring/fixtures.py

What each file checks (see docs/monitoring/statistics.md):

  mmd_samples.csv, mmd.csv
      The unbiased MMD^2 (Gretton et al. 2012, U-statistic) with the RBF kernel
      k(x, y) = exp(-||x - y||^2 / (2 sigma^2)) and the median-heuristic bandwidth
      sigma = sqrt(median_{i<j} ||z_i - z_j||^2 / 2) over the pooled rows, written out below in
      NumPy (no library here implements it): MaximumMeanDiscrepancy.
  isotonic_samples.csv, isotonic.csv
      Increasing isotonic regression with out_of_bounds="clip", written out below as
      scikit-learn 1.2's IsotonicRegression defines it (scikit-learn is not installed here):
      zero weights dropped, points ordered by (x, y), x values closer than float64's resolution
      (1e-15) to their group's first x pooled (weighted mean of y, summed weights), weighted
      pool-adjacent-violators (adjacent blocks out of order or equal merged), runs of equal fitted
      values trimmed to their ends, predictions by scipy.interpolate.interp1d(kind="linear")
      after clipping to the fitted range: IsotonicRegression.
  calibration_reference.csv, calibration.csv
      One-vs-rest isotonic calibration of 4-class probabilities, renormalised; the class that is
      never the true label keeps its raw probability: ProbabilityCalibration.
  mahalanobis_reference.csv, mahalanobis.csv
      scipy.spatial.distance.mahalanobis(x, mean, VI) with VI the inverse of the sample
      covariance (divisor n - 1) plus Steward's ridge (1e-6 times each variance, 1e-6 for a
      constant column); NaN counts as the column mean: Mahalanobis.

Inputs are rounded to 6 decimals (so the CSV holds them exactly); outputs are written with
repr(), which reads back to the same double.
"""
import csv
import os

import numpy as np
import scipy
from scipy.interpolate import interp1d
from scipy.spatial.distance import mahalanobis

OUT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "steward-core", "src", "test", "resources", "stats")
rng = np.random.default_rng(20260512)


def r6(a):
    return np.round(np.asarray(a, dtype=float), 6)


def fmt(v):
    return repr(float(v))


def row_text(row):
    return " ".join(fmt(v) for v in row)


def write(name, header, rows):
    with open(os.path.join(OUT, name), "w", newline="") as f:
        w = csv.writer(f, lineterminator="\n")
        w.writerow(header)
        w.writerows(rows)


# ---------------------------------------------------------------- MMD
def pooled_sqdist(a, b):
    return ((a[:, None, :] - b[None, :, :]) ** 2).sum(axis=-1)


def median_heuristic(x, y):
    z = np.vstack([x, y])
    d = pooled_sqdist(z, z)[np.triu_indices(len(z), 1)]
    med = np.median(d)
    if med == 0:
        positive = d[d > 0]
        if len(positive) == 0:
            return 1.0
        med = np.median(positive)
    return float(np.sqrt(med / 2))


def mmd2_unbiased(x, y, sigma):
    n, m = len(x), len(y)
    g = 2 * sigma * sigma
    kxx = np.exp(-pooled_sqdist(x, x) / g)
    kyy = np.exp(-pooled_sqdist(y, y) / g)
    kxy = np.exp(-pooled_sqdist(x, y) / g)
    return float((kxx.sum() - np.trace(kxx)) / (n * (n - 1)) + (kyy.sum() - np.trace(kyy)) / (m * (m - 1)) - 2 * kxy.mean())


def correlated(n, rho):
    cov = np.array([[1.0, rho], [rho, 1.0]])
    return rng.multivariate_normal([0.0, 0.0], cov, n)


FIXED_BANDWIDTH = 0.75
mmd_cases = [
    ("same distribution, 2-D", r6(rng.normal(0, 1, (60, 2))), r6(rng.normal(0, 1, (50, 2)))),
    ("mean shift, 3-D", r6(rng.normal(0, 1, (40, 3))), r6(rng.normal(0.5, 1, (45, 3)))),
    ("correlation shift, equal marginals", r6(correlated(200, 0.0)), r6(correlated(200, 0.8))),
    ("one dimension, unequal sizes", r6(rng.normal(0, 1, (30, 1))), r6(rng.normal(0, 2, (70, 1)))),
    ("scale change, 5-D", r6(rng.normal(0, 1, (80, 5))), r6(rng.normal(0, 1.5, (80, 5)))),
    ("mostly duplicate rows (zero median)", np.array([[0.0]] * 18 + [[1.0]] * 2), np.array([[0.0]] * 17 + [[2.0]] * 3)),
    ("all rows identical", np.array([[1.0, 2.0]] * 5), np.array([[1.0, 2.0]] * 4)),
]
samples, results = [], []
for name, x, y in mmd_cases:
    for side, rows in (("x", x), ("y", y)):
        samples.extend([name, side, row_text(row)] for row in rows)
    sigma = median_heuristic(x, y)
    results.append([name, len(x), len(y), x.shape[1], fmt(sigma), fmt(mmd2_unbiased(x, y, sigma)), fmt(FIXED_BANDWIDTH),
                    fmt(mmd2_unbiased(x, y, FIXED_BANDWIDTH))])
write("mmd_samples.csv", ["case", "side", "values"], samples)
write("mmd.csv", ["case", "rows_x", "rows_y", "dimensions", "bandwidth", "mmd2", "fixed_bandwidth", "mmd2_fixed"], results)


# ---------------------------------------------------------------- isotonic regression
RESOLUTION = np.finfo(np.float64).resolution


def pav(y, w):
    """Weighted pool-adjacent-violators, non-decreasing: blocks merged while the previous mean >= the next."""
    means, weights, sizes = [], [], []
    for yi, wi in zip(y, w):
        means.append(yi)
        weights.append(wi)
        sizes.append(1)
        while len(means) > 1 and means[-2] >= means[-1]:
            wt = weights[-2] + weights[-1]
            mean = (means[-2] * weights[-2] + means[-1] * weights[-1]) / wt
            size = sizes[-2] + sizes[-1]
            del means[-2:], weights[-2:], sizes[-2:]
            means.append(mean)
            weights.append(wt)
            sizes.append(size)
    return np.repeat(means, sizes)


def isotonic_fit(x, y, w):
    x, y, w = np.asarray(x, float), np.asarray(y, float), np.asarray(w, float)
    keep = w > 0
    x, y, w = x[keep], y[keep], w[keep]
    order = np.lexsort((y, x))
    x, y, w = x[order], y[order], w[order]
    ux, uy, uw = [], [], []
    cx, cy, cw = x[0], 0.0, 0.0
    for xi, yi, wi in zip(x, y, w):
        if xi - cx >= RESOLUTION:
            ux.append(cx)
            uy.append(cy / cw)
            uw.append(cw)
            cx, cy, cw = xi, yi * wi, wi
        else:
            cy += yi * wi
            cw += wi
    ux.append(cx)
    uy.append(cy / cw)
    uw.append(cw)
    ux = np.array(ux)
    fitted = pav(uy, uw)
    keep = np.ones(len(fitted), dtype=bool)
    keep[1:-1] = np.logical_or(fitted[1:-1] != fitted[:-2], fitted[1:-1] != fitted[2:])
    return ux[keep], fitted[keep]


def isotonic_predict(model, t):
    xs, ys = model
    t = np.asarray(t, float)
    if len(xs) == 1:
        return np.repeat(ys[0], len(t))
    return interp1d(xs, ys, kind="linear", bounds_error=False)(np.clip(t, xs[0], xs[-1]))


def near(v):
    return float(np.nextafter(v, 1.0))


iso_cases = []
x = np.round(rng.uniform(0, 1, 200), 2)
iso_cases.append(("noisy increasing with ties", x, r6(x + rng.normal(0, 0.3, 200)), np.ones(200)))
x = r6(rng.uniform(-5, 5, 150))
iso_cases.append(("weighted, some zero weights", x, r6(np.sin(x) + 0.1 * x + rng.normal(0, 0.4, 150)),
                  np.where(rng.uniform(size=150) < 0.1, 0.0, r6(rng.uniform(0.1, 3, 150)))))
x = r6(rng.uniform(0, 1, 50))
iso_cases.append(("decreasing data pools into one block", x, r6(1 - x), np.ones(50)))
iso_cases.append(("a single distinct x", np.full(7, 0.4), np.array([0, 1, 1, 0, 1, 0, 1.0]), np.ones(7)))
p = r6(rng.uniform(0, 1, 400))
iso_cases.append(("binary labels against probabilities", p, (rng.uniform(size=400) < p ** 2).astype(float), np.ones(400)))
iso_cases.append(("x closer than the resolution pools", np.array([0.1, 0.3, near(0.3), 0.6, near(near(0.6)), 0.9]),
                  np.array([0.0, 1.0, 0.0, 0.2, 0.9, 1.0]), np.ones(6)))
iso_samples, iso_results = [], []
for name, x, y, w in iso_cases:
    iso_samples.extend([name, fmt(a), fmt(b), fmt(c)] for a, b, c in zip(x, y, w))
    model = isotonic_fit(x, y, w)
    lo, hi = float(np.min(x)), float(np.max(x))
    queries = np.concatenate([[lo - 1, lo, hi, hi + 1, (lo + hi) / 2], model[0], r6(rng.uniform(lo, hi, 25))])
    iso_results.extend([name, fmt(q), fmt(v)] for q, v in zip(queries, isotonic_predict(model, queries)))
write("isotonic_samples.csv", ["case", "x", "y", "weight"], iso_samples)
write("isotonic.csv", ["case", "query", "expected"], iso_results)


# ---------------------------------------------------------------- calibration
CLASSES = ["a", "b", "c", "d"]


def softmax(z):
    e = np.exp(z - z.max(axis=1, keepdims=True))
    return e / e.sum(axis=1, keepdims=True)


def calibration_rows(n):
    logits = rng.normal(0, 1.5, (n, 4))
    logits[:, 3] -= 3
    return r6(softmax(logits))


reference = calibration_rows(600)
# True labels drawn from sharpened probabilities of a, b, c only (d is never true).
sharp = reference[:, :3] ** 2
sharp /= sharp.sum(axis=1, keepdims=True)
truth = np.array([rng.choice(3, p=row) for row in sharp])
models = [isotonic_fit(reference[:, c], (truth == c).astype(float), np.ones(len(truth))) for c in range(3)]
queries = np.vstack([calibration_rows(40), [[1.0, 0.0, 0.0, 0.0], [0.25, 0.25, 0.25, 0.25]]])
calibrated = []
for q in queries:
    out = np.array([isotonic_predict(models[c], [q[c]])[0] for c in range(3)] + [q[3]])
    calibrated.append(out / out.sum())
write("calibration_reference.csv", CLASSES + ["truth"], [[fmt(v) for v in row] + [CLASSES[t]] for row, t in zip(reference, truth)])
write("calibration.csv", ["p_" + c for c in CLASSES] + ["expected_" + c for c in CLASSES],
      [[fmt(v) for v in q] + [fmt(v) for v in c] for q, c in zip(queries, calibrated)])


# ---------------------------------------------------------------- Mahalanobis
RIDGE = 1e-6


def mahalanobis_model(rows):
    mean = np.nanmean(rows, axis=0)
    dev = np.where(np.isnan(rows), 0.0, rows - mean)
    cov = dev.T @ dev / (len(rows) - 1)
    var = np.diag(cov).copy()
    cov[np.diag_indices_from(cov)] = var + RIDGE * np.where(var > 0, var, 1.0)
    return mean, np.linalg.inv(cov)


base = rng.normal(0, 1, (300, 2))
collinear = np.column_stack([base, 2 * base[:, 0] - base[:, 1]])
with_nan = r6(rng.multivariate_normal([1, -2, 0.5], [[2, 0.6, 0.1], [0.6, 1, -0.3], [0.1, -0.3, 0.5]], 250))
with_nan[rng.uniform(size=with_nan.shape) < 0.05] = np.nan
maha_cases = [
    ("correlated, 3-D", r6(rng.multivariate_normal([0, 5, -1], [[1, 0.8, 0.2], [0.8, 2, 0.5], [0.2, 0.5, 0.7]], 400))),
    ("collinear columns (singular covariance)", r6(collinear)),
    ("a constant column", np.column_stack([r6(rng.normal(3, 0.5, 100)), np.full(100, 7.0)])),
    ("one column", r6(rng.normal(10, 4, (80, 1)))),
    ("missing values in the reference", with_nan),
    ("5-D on very different scales", r6(rng.normal(0, 1, (500, 5)) * np.array([1e-3, 1, 1e3, 10, 0.1]))),
]
maha_samples, maha_results = [], []
for name, rows in maha_cases:
    maha_samples.extend([name, row_text(row)] for row in rows)
    mean, vi = mahalanobis_model(rows)
    d = rows.shape[1]
    spread = np.nanstd(rows, axis=0)
    spread = np.where(spread > 0, spread, 1.0)
    qs = [mean, r6(mean + spread), r6(mean - 3 * spread)] + [r6(mean + rng.normal(0, 2, d) * spread) for _ in range(12)]
    with_missing = r6(mean + rng.normal(0, 1, d) * spread)
    with_missing[0] = np.nan
    qs.append(with_missing)
    for q in qs:
        filled = np.where(np.isnan(q), mean, q)
        maha_results.append([name, row_text(q), fmt(mahalanobis(filled, mean, vi))])
write("mahalanobis_reference.csv", ["case", "values"], maha_samples)
write("mahalanobis.csv", ["case", "query", "distance"], maha_results)

print("fixtures written to", os.path.normpath(OUT), "with NumPy", np.__version__, "and SciPy", scipy.__version__)
