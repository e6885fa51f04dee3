"""A model's KeyboardInterrupt on its very first call is never taken as "does not accept a
numpy array" (asked again as a DataFrame); a real Ctrl-C there ends the call."""

from __future__ import annotations

import signal
from typing import Any

import numpy as np
import pandas as pd
import pytest

import assay
from assay.errors import ModelError
from assay.models.callable import from_callable

_COLUMNS = ("age", "income")


def _rows() -> np.ndarray:
    rng = np.random.default_rng(0)
    return np.column_stack([rng.integers(18, 70, 20), rng.normal(50, 10, 20)]).astype(float)


class _FirstCall:
    """Answers every call (array or DataFrame) but the first, which does ``first``."""

    def __init__(self, first: str) -> None:
        self.first = first
        self.forms: list[str] = []

    def __call__(self, x: Any) -> np.ndarray:
        self.forms.append(type(x).__name__)
        if len(self.forms) == 1:
            if self.first == "raise":
                raise KeyboardInterrupt
            if self.first == "sigint":
                signal.raise_signal(signal.SIGINT)
            if self.first == "refuse":
                raise TypeError("give me a DataFrame")
        table = x if isinstance(x, pd.DataFrame) else pd.DataFrame(x)
        return (table.iloc[:, 0].astype(float) > 40).astype(int).to_numpy()


def test_a_models_own_keyboard_interrupt_on_its_first_call_is_its_failure_not_a_retry() -> None:
    fn = _FirstCall("raise")
    with pytest.raises(ModelError, match="raised KeyboardInterrupt from its own code"):
        from_callable(fn, probe=_rows(), columns=_COLUMNS)
    assert fn.forms == ["ndarray"]  # (main asked again as a DataFrame, and went on)


def test_a_real_ctrl_c_in_the_first_call_ends_it() -> None:
    fn = _FirstCall("sigint")
    with pytest.raises(KeyboardInterrupt) as caught:
        from_callable(fn, probe=_rows(), columns=_COLUMNS)
    assert not isinstance(caught.value, ModelError)
    assert fn.forms == ["ndarray"]


def test_a_function_refusing_the_array_is_still_given_a_dataframe() -> None:
    fn = _FirstCall("refuse")
    model = from_callable(fn, probe=_rows(), columns=_COLUMNS)
    assert fn.forms == ["ndarray", "DataFrame"]
    assert list(model.predict(_rows()[:3])) == [int(v > 40) for v in _rows()[:3, 0]]


def test_check_fairness_stops_on_the_models_own_interrupt(tmp_path: Any) -> None:
    rng = np.random.default_rng(0)
    df = pd.DataFrame(
        {
            "age": rng.integers(18, 70, 120),
            "income": rng.normal(50, 10, 120),
            "gender": rng.choice(["f", "m"], 120),
        }
    )
    fn = _FirstCall("raise")
    with pytest.raises(ModelError, match="KeyboardInterrupt"):
        assay.check_fairness(
            fn, data=df, protected="gender", max_queries=50, store=tmp_path / "s.db"
        )
    assert fn.forms == ["ndarray"]
