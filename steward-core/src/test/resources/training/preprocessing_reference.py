"""Prints the reference values of PreprocessorTest with scikit-learn (Debian's python3-sklearn 1.2.1).

Usage: /usr/bin/python3 preprocessing_reference.py
"""
import numpy as np
from sklearn.impute import SimpleImputer
from sklearn.preprocessing import KBinsDiscretizer, StandardScaler, MinMaxScaler, OneHotEncoder

x = np.array([3.0, 1.0, np.nan, 7.0, 2.0, 2.0, 10.0, np.nan, 5.0]).reshape(-1, 1)
for strategy in ("mean", "median", "most_frequent"):
    print(strategy, SimpleImputer(strategy=strategy).fit(x).statistics_.tolist())
imputed = SimpleImputer(strategy="mean").fit_transform(x)
print("standardized", StandardScaler().fit_transform(imputed).ravel().tolist())
print("min_max", MinMaxScaler().fit_transform(imputed).ravel().tolist())
bins = KBinsDiscretizer(n_bins=4, encode="ordinal", strategy="quantile").fit(imputed)
print("quantile edges", bins.bin_edges_[0].tolist())
print("buckets", bins.transform(imputed).ravel().tolist())
colours = np.array(["red", "blue", "", "red", "green", "blue", "blue"], dtype=object).reshape(-1, 1)
filled = SimpleImputer(strategy="most_frequent", missing_values="").fit(colours)
print("most frequent colour", filled.statistics_.tolist())
hot = OneHotEncoder(handle_unknown="ignore").fit(filled.transform(colours))
print("categories", hot.categories_[0].tolist())
print("unknown", hot.transform(np.array([["purple"]], dtype=object)).toarray().tolist())
