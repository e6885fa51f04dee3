"""left28: assay silences a library's warnings (scikit-learn's convergence notes while a
built-in model trains, ...) without touching the warning filters of the caller's other
threads (``core.quiet``).

Before, ``warnings.catch_warnings`` did it: while a run trained a model on a worker thread,
every warning of the program's main thread was ignored, and when the main thread entered
``catch_warnings`` of its own meanwhile (pytest does around each test; many libraries do),
the two restores crossed and left "ignore every warning" in the process for good.
"""

from __future__ import annotations

import threading
import warnings
from typing import Any

import numpy as np
import pytest

from assay.builtin_models import train_builtin
from assay.core.quiet import quiet


def _from_sklearn(text: str) -> None:
    """A warning as scikit-learn's own code issues it (its module's name)."""
    warnings.warn_explicit(text, UserWarning, "sklearn/x.py", 1, module="sklearn.linear_model")


class _HeldRows:
    """Rows whose first conversion to an array (inside the model's ``fit``) says so and
    waits for ``go``: the training thread is then held inside its silenced block."""

    def __init__(self, rows: np.ndarray) -> None:
        self.rows = rows
        self.inside, self.go = threading.Event(), threading.Event()

    def __array__(self, dtype: Any = None, copy: Any = None) -> np.ndarray:
        if not self.inside.is_set():
            self.inside.set()
            assert self.go.wait(30)
        return self.rows if dtype is None else self.rows.astype(dtype)

    def __len__(self) -> int:
        return len(self.rows)

    @property
    def shape(self) -> tuple[int, ...]:
        return self.rows.shape


def test_a_model_trained_on_another_thread_leaves_the_callers_warnings_alone() -> None:
    rng = np.random.default_rng(0)
    rows = rng.random((200, 4))
    held = _HeldRows(rows)
    labels = (rows[:, 0] > 0.5).astype(int)
    train_builtin("logistic", rows, labels)  # (the libraries' imports add filters of their own)
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # the caller's filters: every warning an error
        before = list(warnings.filters)
        worker = threading.Thread(target=train_builtin, args=("logistic", held, labels))
        worker.start()
        assert held.inside.wait(30)
        # the model trains, silenced: the caller's warnings are still its own
        with pytest.raises(UserWarning):
            _from_sklearn("the caller's own, while the model trains")
        with warnings.catch_warnings():  # the caller's (pytest's, a library's) meanwhile
            held.go.set()
            worker.join(30)
        assert not worker.is_alive()
        with pytest.raises(UserWarning):
            warnings.warn("the caller's own, after", UserWarning, stacklevel=1)
        with pytest.raises(UserWarning):
            _from_sklearn("the caller's own, after")
        # no filter ignoring anything was left (scikit-learn's own catch_warnings, around
        # the conversion held here, may leave its 'error' on ComplexWarning: its race)
        left = [f for f in warnings.filters if "assay.quiet" not in repr(f[3])]
        assert [f for f in left if f[0] == "ignore" and f not in before] == []


def test_quiet_silences_only_its_own_thread() -> None:
    entered, done = threading.Event(), threading.Event()
    seen: list[str] = []

    def silenced() -> None:
        with quiet(r"sklearn\b"):
            _from_sklearn("assay's own, silenced")  # an error without quiet
            seen.append("silenced")
            entered.set()
            assert done.wait(30)

    with warnings.catch_warnings():
        warnings.simplefilter("error")
        thread = threading.Thread(target=silenced)
        thread.start()
        assert entered.wait(30)
        with pytest.raises(UserWarning):  # another thread's, from the same module: not
            _from_sklearn("the caller's")
        done.set()
        thread.join(30)
    assert seen == ["silenced"]


def test_quiet_leaves_no_filter_behind() -> None:
    before = list(warnings.filters)
    with quiet(r"torch\b", DeprecationWarning):
        assert len(warnings.filters) == len(before) + 1
    assert warnings.filters == before


def test_a_model_whose_fit_copies_the_filters_to_its_workers_trains() -> None:
    """scikit-learn's ``Parallel`` (a ColumnTransformer's) gives its workers the filters of
    the thread that called it, reading each one's module as a compiled pattern's: ours has
    a pattern's shape (a plain object failed: "module must be a string")."""
    rng = np.random.default_rng(1)
    rows = np.empty((80, 2), dtype=object)
    rows[:, 0], rows[:, 1] = rng.choice(["a", "b"], 80), rng.random(80)
    labels = (rows[:, 1].astype(float) > 0.5).astype(int)
    model = train_builtin("logistic", rows, labels, categorical=[0])
    assert model.predict(rows).shape == (80,)
