"""A NumPy integer is a whole number for every whole-number argument of the API functions
(as it was for ``seed`` alone): accepted, kept and printed as a plain ``int``; a bool
(``np.True_`` too), a float or a string is refused before anything is loaded."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import numpy as np
import pytest

import assay
from assay.core.store import RunStore

GRAMMAR = 'S -> "the" N "is" A\nN -> "room" | "view"\nA -> "good" | "not bad"\n'


def biased(x: Any) -> np.ndarray:
    x = np.asarray(x, dtype=np.float64)
    return ((x[:, 0] > 30) | ((x[:, 2] == 1) & (x[:, 0] > 20))).astype(np.int64)


def _frame() -> Any:
    import pandas as pd

    rng = np.random.default_rng(0)
    n = 400
    X = np.column_stack([rng.integers(0, 50, n), rng.integers(0, 10, n), rng.integers(0, 2, n)])
    return pd.DataFrame(X, columns=["x", "z", "sex"])


def good(texts: Any) -> list[int]:
    return [int("good" in t) for t in texts]


def not_bad(texts: Any) -> list[int]:
    return [int("bad" not in t) for t in texts]


good.classes_ = not_bad.classes_ = ["neg", "pos"]  # type: ignore[attr-defined]


def brightness(x: Any) -> np.ndarray:
    return (np.asarray(x).reshape(len(x), -1).mean(axis=1) > 0.5).astype(np.int64)


def _images() -> dict[str, Any]:
    rng = np.random.default_rng(0)
    return {"images": rng.random((4, 8, 8)), "clean": rng.random((12, 8, 8))}


def fairness_call(store: Path, **kw: Any) -> Any:
    return assay.check_fairness(
        biased, data=_frame(), protected="sex", seed=np.int64(1), store=store, **kw
    )


def text_call(store: Path, **kw: Any) -> Any:
    return assay.check_text([good, not_bad], grammar=GRAMMAR, seed=1, store=store, **kw)


def backdoor_call(store: Path, **kw: Any) -> Any:
    kw = {"classes": 2, **kw}
    return assay.check_backdoor(
        brightness, **_images(), input_shape="8,8", seed=1, store=store, **kw
    )


CASES = {
    "fairness": (
        fairness_call,
        {
            "max_queries": 3000,
            "units": 2,
            "keep_findings": 50,
            "answer_samples": 500,
        },
    ),
    "text": (
        text_call,
        {"max_queries": 200, "units": 2, "keep_findings": 20, "max_depth": 6, "batch": 16},
    ),
    "backdoor": (
        backdoor_call,
        {
            "max_queries": 50_000,
            "keep_findings": 20,
            "n_verify": 5,
            "blends": 4,
            "blocker": 2,
            "classes": 2,
            "max_queries_per_image": 20_000,
        },
    ),
}


@pytest.mark.parametrize("technique", sorted(CASES))
def test_numpy_integers_are_whole_numbers(technique: str, tmp_path: Path) -> None:
    call, given = CASES[technique]
    types = (np.int64, np.int32, np.uint16)
    numpy_given = {k: types[i % 3](v) for i, (k, v) in enumerate(given.items())}
    result = call(tmp_path / "r.db", **numpy_given)
    assert "np." not in result.command and "int64" not in result.command, result.command
    (record,) = RunStore(tmp_path / "r.db").list_runs()
    budget = record.config.get("budget") or {}
    assert budget.get("max_queries", given["max_queries"]) == given["max_queries"]
    assert type(budget.get("max_queries", 0)) is int
    json.dumps(record.config)  # nothing NumPy kept
    assert record.config["keep_findings"] == str(given["keep_findings"])


REFUSED = [True, np.True_, 1.5, np.float64(2.0), "3"]


@pytest.mark.parametrize("technique", sorted(CASES))
@pytest.mark.parametrize("value", REFUSED, ids=repr)
def test_a_bool_a_float_or_a_string_is_refused(technique: str, value: Any, tmp_path: Path) -> None:
    call, given = CASES[technique]
    for name in given:
        if name == "keep_findings" and isinstance(value, str):
            continue  # ("3" and "all": a number of witnesses in words is accepted)
        if name == "classes" and isinstance(value, str):
            continue  # (class names)
        with pytest.raises(assay.UsageError) as caught:
            call(tmp_path / "r.db", **{**given, name: value})
        assert name in str(caught.value) or "classes" in str(caught.value), (name, caught.value)
    assert not (tmp_path / "r.db").exists() or not RunStore(tmp_path / "r.db").list_runs()
