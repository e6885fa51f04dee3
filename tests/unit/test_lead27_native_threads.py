"""The built-in models train with native pools held to one thread (under load, OpenBLAS's
default pool made the 28x28 digits MLP 8x slower, same weights)."""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest
from threadpoolctl import threadpool_info, threadpool_limits

from assay.backdoor.demo import trojaned_digits
from assay.builtin_models import train_builtin
from assay.text.classifiers import train_tfidf


def _blas_threads() -> list[int]:
    return [p["num_threads"] for p in threadpool_info() if p.get("user_api") == "blas"]


@pytest.fixture
def seen(monkeypatch: pytest.MonkeyPatch) -> list[list[int]]:
    """The BLAS pools' sizes while any scikit-learn estimator below fits."""
    from sklearn.linear_model import LogisticRegression
    from sklearn.neural_network import MLPClassifier

    sizes: list[list[int]] = []
    for cls in (MLPClassifier, LogisticRegression):
        original = cls.fit

        def fit(self: Any, *args: Any, _original: Any = original, **kwargs: Any) -> Any:
            sizes.append(_blas_threads())
            return _original(self, *args, **kwargs)

        monkeypatch.setattr(cls, "fit", fit)
    if not _blas_threads():
        pytest.skip("no BLAS pool that threadpoolctl can see")
    return sizes


@pytest.mark.parametrize(
    "train",
    [
        lambda: trojaned_digits(side=8),
        lambda: train_builtin(
            "mlp", np.random.default_rng(0).normal(size=(60, 3)), np.arange(60) % 2
        ),
        lambda: train_tfidf(["good film", "bad film", "not good", "great"] * 5, np.arange(20) % 2),
    ],
    ids=["digits-mlp", "builtin-mlp", "tfidf"],
)
def test_built_in_models_train_on_one_native_thread(seen: list[list[int]], train: Any) -> None:
    with threadpool_limits(limits=2):  # the pool a two-core machine starts with
        train()
        after = _blas_threads()
    assert seen, "no estimator was fitted"
    assert all(size == [1] * len(size) for size in seen), seen
    assert after == [2] * len(after), "the caller's pool size was not restored"
