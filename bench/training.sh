#!/usr/bin/env bash
# Training benchmark: Steward (through the job queue: random forest on penguins, XGBoost on 1 M rows
# of flights-3m, a 12-trial sweep), then scikit-learn 1.2 on the same rows with the same
# hyperparameters (RandomForestClassifier; HistGradientBoostingClassifier, the counterpart of
# XGBoost's hist trees; the same 12-trial grid in one process, 2 at a time with joblib).
# Usage: bench/training.sh   (scikit-learn: apt-get install python3-sklearn; runs with /usr/bin/python3)
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
mvn -B -q -Dstyle.color=never -Dmaven.test.skip=true -pl bench -am install >/dev/null
out="$(mktemp)"
mvn -B -q -Dstyle.color=never -pl bench exec:exec -Dbench="training:$(pwd)/../shared/data" -Dbench.heap=4g \
  | sed 's/\x1b\[[0-9;]*m//g' | grep -v "^[0-9:. ]*\(INFO\|WARN\)" | tee "$out"
flights="$(sed -n 's/^csv for the scikit-learn comparison: //p' "$out")"
penguins="$(sed -n 's/^penguins for the scikit-learn comparison: //p' "$out")"
/usr/bin/python3 - "$penguins" "$flights" <<'PY'
import sys, time, statistics
import numpy as np, pandas as pd, sklearn
from sklearn.model_selection import train_test_split
from sklearn.ensemble import RandomForestClassifier, HistGradientBoostingClassifier
from sklearn.preprocessing import OneHotEncoder
from sklearn.impute import SimpleImputer
from sklearn.compose import ColumnTransformer
from sklearn.pipeline import Pipeline
from sklearn.metrics import accuracy_score, f1_score, roc_auc_score
from joblib import Parallel, delayed
import pickle

def penguin_pipeline(n_trees, max_depth):
    pre = ColumnTransformer([("num", SimpleImputer(strategy="mean"), ["beak_length_mm", "beak_depth_mm", "flipper_length_mm", "body_mass_g"]),
                             ("cat", Pipeline([("imp", SimpleImputer(strategy="most_frequent")), ("hot", OneHotEncoder(handle_unknown="ignore"))]), ["island", "sex"])])
    return Pipeline([("pre", pre), ("rf", RandomForestClassifier(n_estimators=n_trees, max_depth=max_depth, max_features=0.5, min_samples_leaf=1, random_state=42))])

def penguins_run(path, n_trees=100, max_depth=None):
    df = pd.read_csv(path).dropna(subset=["species"])
    x, y = df.drop(columns=["species"]), df["species"]
    xt, xv, yt, yv = train_test_split(x, y, test_size=0.2, stratify=y, random_state=42)
    model = penguin_pipeline(n_trees, max_depth).fit(xt, yt)
    pred = model.predict(xv)
    pickle.dumps(model)
    return f1_score(yv, pred, average="macro"), accuracy_score(yv, pred)

times = []
for _ in range(5):
    start = time.perf_counter(); f1, acc = penguins_run(sys.argv[1]); times.append(time.perf_counter() - start)
print(f"scikit-learn {sklearn.__version__}: random forest, 100 trees, penguins: read + split + fit + predict + pickle, median of 5: {statistics.median(times):.2f} s (all: {', '.join(f'{t:.2f}' for t in times)}); accuracy {acc:.4f}")

times = []
for _ in range(3):
    start = time.perf_counter()
    df = pd.read_csv(sys.argv[2])
    x, y = df[["distance", "hour", "weekday", "month"]].to_numpy(dtype=float), (df["status"] == "on_time").to_numpy()
    xt, xv, yt, yv = train_test_split(x, y, test_size=0.2, random_state=42)
    model = HistGradientBoostingClassifier(max_iter=100, max_depth=6, learning_rate=0.3, early_stopping=False, random_state=42).fit(xt, yt)
    proba = model.predict_proba(xv)[:, 1]
    pickle.dumps(model)
    times.append(time.perf_counter() - start)
print(f"scikit-learn: HistGradientBoosting, 100 iterations of depth 6, flights 1M rows: read + split + fit + predict + pickle, median of 3: {statistics.median(times):.2f} s (all: {', '.join(f'{t:.2f}' for t in times)}); accuracy {accuracy_score(yv, proba > 0.5):.4f}, roc_auc {roc_auc_score(yv, proba):.4f}")

grid = [(n, d) for n in (10, 30, 100) for d in (3, 6, 9, None)]
start = time.perf_counter()
Parallel(n_jobs=2)(delayed(penguins_run)(sys.argv[1], n, d) for n, d in grid)
seconds = time.perf_counter() - start
print(f"scikit-learn: the same 12-trial grid, 2 at a time (joblib): {seconds:.1f} s = {12 / seconds * 60:.1f} trials/min")
PY
rm -rf "$(dirname "$flights")" "$out"
