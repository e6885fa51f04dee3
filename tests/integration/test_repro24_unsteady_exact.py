"""A nondeterministic model's answer is not called exact (repro24).

A small domain is answered exactly by asking the model every input of it once.  A model
whose flip check had just seen it answer a repeated input otherwise (5 % of its answers
flipped at random, none depending on sex) got "sex: share 8.33 % of the input space
(exact)": one draw of its answers, which the next run draws otherwise, read as exact (and,
drawn as no change, it would have been certified zero).  Its answer is now sampled, and with
``--exact`` it says why."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

import assay


def _frame() -> pd.DataFrame:
    rng = np.random.default_rng(2)
    return pd.DataFrame(
        {"a": rng.integers(0, 6, 200), "b": rng.integers(0, 6, 200), "sex": rng.integers(0, 2, 200)}
    )


def _steady(rows: np.ndarray) -> np.ndarray:
    x = np.asarray(rows, dtype=float)
    return ((x[:, 0] + x[:, 1] + 3 * x[:, 2]) > 6).astype(np.int64)


def _run(tmp_path: Path, model: object, **kw: object) -> Any:
    return assay.check_fairness(
        model,
        data=_frame(),
        protected="sex",
        max_queries=400,
        seed=1,
        store=tmp_path / "runs.db",
        **kw,  # type: ignore[arg-type]
    )


def _basis(tmp_path: Path, model: object, **kw: object) -> dict[str, object]:
    verdict: dict[str, object] = _run(tmp_path, model, **kw).summary["verdict"][0]
    return verdict


def test_a_steady_models_small_domain_is_exact(tmp_path: Path) -> None:
    assert _basis(tmp_path, _steady)["basis"] == "exact"


def test_a_model_that_answers_twice_differently_is_sampled(tmp_path: Path) -> None:
    calls = [0]

    def flaky(rows: np.ndarray) -> np.ndarray:  # every other call answers the other class
        calls[0] += 1
        return _steady(rows) ^ (calls[0] % 2)

    assert _basis(tmp_path, flaky)["basis"] == "sampled"
    calls[0] = 0
    verdict = _basis(tmp_path, flaky, exact=True)
    assert verdict["basis"] == "sampled" and not verdict["certificate"]
    runs = assay.RunStore(tmp_path / "runs.db", read_only=True).list_runs(1)
    assert "one draw of its answers" in str(runs[0].summary)


def test_an_enumeration_says_whether_the_run_checked_the_model(tmp_path: Path) -> None:
    """With the determinism check off, an enumerated answer said "(the run checks that it
    answers a repeated input alike)": it had not."""

    def said(**kw: object) -> str:
        return " ".join(_run(tmp_path, _steady, **kw).summary["exact"][0]["assumptions"])

    assert "the run checks that it answers a repeated input alike" in said()
    off = said(determinism_check=False)
    assert "not checked" in off and "the run checks" not in off
