"""Small models trained on the built-in datasets, for demonstrations and quick starts.

Training is deterministic (fixed random states) and takes a few seconds at most.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from assay.errors import UsageError

__all__ = ["BUILTIN_MODELS", "train_builtin"]

BUILTIN_MODELS = ("tree", "forest", "logistic", "mlp")


def make_estimator(kind: str, seed: int = 0) -> Any:
    if kind == "tree":
        from sklearn.tree import DecisionTreeClassifier

        return DecisionTreeClassifier(random_state=seed)
    if kind == "forest":
        from sklearn.ensemble import RandomForestClassifier

        return RandomForestClassifier(n_estimators=50, max_depth=12, random_state=seed, n_jobs=1)
    if kind == "logistic":
        from sklearn.linear_model import LogisticRegression
        from sklearn.pipeline import make_pipeline
        from sklearn.preprocessing import StandardScaler

        return make_pipeline(StandardScaler(), LogisticRegression(max_iter=1000))
    if kind == "mlp":
        from sklearn.neural_network import MLPClassifier
        from sklearn.pipeline import make_pipeline
        from sklearn.preprocessing import StandardScaler

        return make_pipeline(
            StandardScaler(),
            MLPClassifier(hidden_layer_sizes=(32, 16), max_iter=200, random_state=seed),
        )
    raise UsageError(
        f"unknown built-in model {kind!r}; choose one of {', '.join(BUILTIN_MODELS)}",
        argument="MODEL",
    )


def train_builtin(kind: str, X: Any, y: Any, seed: int = 0, categorical: Sequence[int] = ()) -> Any:
    """A fitted estimator of the given kind (warnings about convergence are silenced).

    ``categorical``: indices of columns holding categories (strings): they are one-hot
    encoded in front of the estimator, so the model takes the rows as they are.
    """
    from assay.core.quiet import quiet

    est = make_estimator(kind, seed)
    if categorical:
        from sklearn.compose import ColumnTransformer
        from sklearn.pipeline import make_pipeline
        from sklearn.preprocessing import OneHotEncoder

        encode = ColumnTransformer(
            [("categories", OneHotEncoder(handle_unknown="ignore"), list(categorical))],
            remainder="passthrough",
        )
        est = make_pipeline(encode, est)
    from assay.core.native import one_native_thread

    # (thread-safe: the caller's other threads keep their filters)
    with quiet(r"sklearn\b"), one_native_thread():
        est.fit(X, y)
    return est
