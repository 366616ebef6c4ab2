#!/usr/bin/python3
"""Generates metric_fixtures.json: the expected values of Steward's evaluation metrics, computed by
scikit-learn. Run with Debian's python3 (python3-sklearn, python3-numpy):

    /usr/bin/python3 steward-core/src/test/resources/eval/generate_metric_fixtures.py

Labels are encoded 0..k-1; probabilities are rounded to 6 decimals (and rows renormalised before
rounding) so that the fixture holds exactly the numbers scikit-learn saw.
"""
import json
import os
import warnings

import numpy as np
import sklearn
from sklearn import metrics
from sklearn.calibration import calibration_curve
from sklearn.model_selection import KFold, StratifiedKFold

warnings.filterwarnings("ignore")
rng = np.random.default_rng(424242)
out = {"generator": {"sklearn": sklearn.__version__, "numpy": np.__version__}}


def fl(values):
    return [float(v) for v in np.ravel(values)]


def value(f):
    try:
        return {"value": float(f())}
    except ValueError as e:
        return {"error": str(e)}


def proba(n, k, signal, y):
    logits = rng.normal(0, 1, (n, k))
    logits[np.arange(n), y] += signal
    p = np.exp(logits)
    p /= p.sum(axis=1, keepdims=True)
    return np.round(p, 6)


classification = []
def add_classification(name, y_true, y_pred, p, k):
    y_true = np.asarray(y_true)
    y_pred = np.asarray(y_pred)
    labels = list(range(k))
    case = {"name": name, "classes": k, "y_true": y_true.tolist(), "y_pred": y_pred.tolist()}
    r = {}
    r["accuracy"] = value(lambda: metrics.accuracy_score(y_true, y_pred))
    r["balanced_accuracy"] = value(lambda: metrics.balanced_accuracy_score(y_true, y_pred))
    for avg in (["binary"] if k == 2 else []) + ["micro", "macro", "weighted"]:
        r["precision_" + avg] = value(lambda: metrics.precision_score(y_true, y_pred, average=avg, labels=labels, zero_division=0))
        r["recall_" + avg] = value(lambda: metrics.recall_score(y_true, y_pred, average=avg, labels=labels, zero_division=0))
        r["f1_" + avg] = value(lambda: metrics.f1_score(y_true, y_pred, average=avg, labels=labels, zero_division=0))
    r["confusion_matrix"] = metrics.confusion_matrix(y_true, y_pred, labels=labels).tolist()
    if p is not None:
        case["proba"] = [fl(row) for row in p]
        r["log_loss"] = value(lambda: metrics.log_loss(y_true, p, labels=labels))
        if k == 2:
            score = p[:, 1]
            r["roc_auc"] = value(lambda: metrics.roc_auc_score(y_true, score))
            r["average_precision"] = value(lambda: metrics.average_precision_score(y_true, score))
            def pr_auc():
                precision, recall, _ = metrics.precision_recall_curve(y_true, score)
                return metrics.auc(recall, precision)
            r["pr_auc"] = value(pr_auc)
            r["brier"] = value(lambda: metrics.brier_score_loss(y_true, score))
            try:
                prob_true, prob_pred = calibration_curve(y_true, score, n_bins=5)
                r["calibration"] = {"fraction_positive": fl(prob_true), "mean_predicted": fl(prob_pred)}
            except ValueError as e:
                r["calibration"] = {"error": str(e)}
        else:
            r["roc_auc_ovr_macro"] = value(lambda: metrics.roc_auc_score(y_true, p, multi_class="ovr", average="macro", labels=labels))
            r["roc_auc_ovr_weighted"] = value(lambda: metrics.roc_auc_score(y_true, p, multi_class="ovr", average="weighted", labels=labels))
    case["expected"] = r
    classification.append(case)


n = 200
y = rng.integers(0, 2, n)
p = proba(n, 2, 1.2, y)
add_classification("binary", y, p.argmax(axis=1), p, 2)
y = rng.integers(0, 2, 60)
scores = np.round(rng.integers(0, 5, 60) / 4, 6)  # many tied scores
p = np.column_stack([1 - scores, scores])
add_classification("binary with tied scores", y, (scores >= 0.5).astype(int), p, 2)
y = np.array([0, 0, 0, 0, 1, 1])
add_classification("binary, nothing predicted positive", y, np.zeros(6, dtype=int), None, 2)
y = np.ones(10, dtype=int)
p = proba(10, 2, 1.0, y)
add_classification("single class in y_true", y, p.argmax(axis=1), p, 2)
y = rng.integers(0, 3, 300)
p = proba(300, 3, 1.0, y)
add_classification("three classes", y, p.argmax(axis=1), p, 3)
y = np.array([0] * 50 + [1] * 8 + [2] * 2 + [3] * 40)
p = proba(100, 4, 0.8, y)
add_classification("four imbalanced classes", y, p.argmax(axis=1), p, 4)
p = np.array([[1.0, 0.0], [0.0, 1.0], [0.5, 0.5]])
add_classification("probabilities of exactly 0 and 1", [0, 0, 1], [0, 1, 0], p, 2)
out["classification"] = classification

regression = []
def add_regression(name, y_true, y_pred):
    y_true = np.asarray(y_true, dtype=float)
    y_pred = np.asarray(y_pred, dtype=float)
    r = {
        "mse": value(lambda: metrics.mean_squared_error(y_true, y_pred)),
        "rmse": value(lambda: metrics.mean_squared_error(y_true, y_pred, squared=False)),
        "mae": value(lambda: metrics.mean_absolute_error(y_true, y_pred)),
        "r2": value(lambda: metrics.r2_score(y_true, y_pred)),
        "mape": value(lambda: metrics.mean_absolute_percentage_error(y_true, y_pred)),
        "explained_variance": value(lambda: metrics.explained_variance_score(y_true, y_pred)),
    }
    regression.append({"name": name, "y_true": fl(y_true), "y_pred": fl(y_pred), "expected": r})


t = np.round(rng.normal(4200, 800, 150), 3)
add_regression("body mass like", t, np.round(t + rng.normal(0, 300, 150), 3))
add_regression("perfect prediction", [1.0, 2.0, 3.0], [1.0, 2.0, 3.0])
add_regression("constant truth, wrong prediction", [5.0, 5.0, 5.0], [4.0, 5.0, 6.0])
add_regression("constant truth, right prediction", [5.0, 5.0, 5.0], [5.0, 5.0, 5.0])
add_regression("zeros in the truth", [0.0, 1.0, -2.0, 0.0], [0.5, 1.0, -1.0, -0.1])
add_regression("single value", [3.0], [2.5])
out["regression"] = regression

folds = []
for name, labels, k in [("balanced", rng.integers(0, 2, 23), 5), ("imbalanced three classes", np.array([0] * 17 + [1] * 9 + [2] * 6), 4),
                         ("classes in order of first appearance", np.array([2, 2, 0, 1, 0, 2, 1, 1, 0, 2, 0, 1]), 3)]:
    kfold = np.empty(len(labels), dtype=int)
    for f, (_, test) in enumerate(KFold(n_splits=k).split(labels)):
        kfold[test] = f
    stratified = np.empty(len(labels), dtype=int)
    for f, (_, test) in enumerate(StratifiedKFold(n_splits=k).split(np.zeros(len(labels)), labels)):
        stratified[test] = f
    folds.append({"name": name, "labels": labels.tolist(), "folds": k, "kfold": kfold.tolist(), "stratified": stratified.tolist()})
out["folds"] = folds

path = os.path.join(os.path.dirname(os.path.abspath(__file__)), "metric_fixtures.json")
with open(path, "w") as f:
    json.dump(out, f, separators=(",", ":"))
print("wrote", path)
