"""The baseline of bench/serving.sh: a minimal Flask app answering one penguin with scikit-learn's
predict_proba, served by gunicorn. The model is the pipeline bench/training.sh compares Steward's
training with (mean imputation, most-frequent imputation and one-hot encoding of the categories, a
random forest of 100 trees considering half the features at each split), fitted when a worker
starts on PENGUINS (the same CSV Steward trains on)."""
import os

import pandas as pd
from flask import Flask, jsonify, request
from sklearn.compose import ColumnTransformer
from sklearn.ensemble import RandomForestClassifier
from sklearn.impute import SimpleImputer
from sklearn.pipeline import Pipeline
from sklearn.preprocessing import OneHotEncoder

NUMERIC = ["beak_length_mm", "beak_depth_mm", "flipper_length_mm", "body_mass_g"]
CATEGORICAL = ["island", "sex"]

frame = pd.read_csv(os.environ["PENGUINS"]).dropna(subset=["species"])
model = Pipeline([
    ("pre", ColumnTransformer([
        ("num", SimpleImputer(strategy="mean"), NUMERIC),
        ("cat", Pipeline([("imp", SimpleImputer(strategy="most_frequent")), ("hot", OneHotEncoder(handle_unknown="ignore"))]), CATEGORICAL)])),
    ("rf", RandomForestClassifier(n_estimators=100, max_features=0.5, min_samples_leaf=1, random_state=42)),
]).fit(frame[NUMERIC + CATEGORICAL], frame["species"])
classes = list(model.classes_)

app = Flask(__name__)


@app.post("/predict")
def predict():
    rows = pd.DataFrame(request.get_json()["records"], columns=NUMERIC + CATEGORICAL)
    probabilities = model.predict_proba(rows)
    return jsonify({"predictions": [{"label": classes[p.argmax()], "probabilities": dict(zip(classes, p.tolist()))} for p in probabilities]})
