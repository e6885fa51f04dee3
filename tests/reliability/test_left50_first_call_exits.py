"""A model that exits (``sys.exit``, ``os._exit``) on its very FIRST call is a model that
exits, said of the function by its name, exit 3: it was taken for one refusing a numpy array,
asked again as a DataFrame, and a model exiting on that one call only passed (exit 0, "no
discriminatory input found")."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pytest
import test_model_exits as exits

import assay
from assay.errors import ModelError
from assay.models.callable import from_callable

FIRST = """
import os, sys

import numpy as np
import pandas as pd

calls = []


def _answer(x, leave):
    calls.append(1)
    if len(calls) == 1:
        leave(int(os.environ["EXIT_CODE"]))
    t = x if isinstance(x, pd.DataFrame) else pd.DataFrame(x)
    return (t.iloc[:, 0].astype(float) > 40).astype(int).to_numpy()


def by_sys(x):
    return _answer(x, sys.exit)


def by_os(x):
    return _answer(x, os._exit)
"""


work = exits.work  # (its fixture: m.py's models, g.cfg, the data)


@pytest.fixture(scope="module")
def first(work: Path) -> Path:
    (work / "first.py").write_text(FIRST)
    return work


_FAIRNESS = ("fairness", "--data", "people.csv", "--protected", "sex", "--max-queries", "300")


@pytest.mark.parametrize("how", ["sys", "os"])
def test_a_function_exiting_on_its_first_call_only_is_no_pass(
    first: Path, tmp_path: Path, how: str
) -> None:
    rc, out = exits._run(first, tmp_path, _FAIRNESS[0], f"first.py:by_{how}", *_FAIRNESS[1:])
    assert rc == 3, out  # (main: exit 0, "no discriminatory input found")
    said = "sys.exit(0)" if how == "sys" else "os._exit(0)"
    assert f"the function first.py:by_{how} called {said}" in out, out
    assert "on its first call" in out
    assert "DataFrame" not in out and "Traceback" not in out and "No run was made" in out


@pytest.mark.parametrize(
    "args",
    [
        ("text", "m.py:text", "m.py:text_plain", "--grammar", "g.cfg", "--max-queries", "100"),
        ("backdoor", "m.py:image", "--images", "scan.npy", "--clean", "clean.npy",
         "--input-shape", "8,8"),
    ],
    ids=["text", "backdoor"],
)  # fmt: skip
def test_text_and_image_functions_exiting_first_are_named(
    work: Path, tmp_path: Path, args: tuple[str, ...]
) -> None:
    rc, out = exits._run(work, tmp_path, *args, after=0)
    assert rc == 3, out
    assert "m.py:" in out and "called os._exit(0) on its first call" in out, out
    assert "Traceback" not in out


class _ExitsFirst:
    def __init__(self) -> None:
        self.forms: list[str] = []

    def __call__(self, x: Any) -> np.ndarray:
        self.forms.append(type(x).__name__)
        if len(self.forms) == 1:
            raise SystemExit(0)
        t = x if isinstance(x, pd.DataFrame) else pd.DataFrame(x)
        return (t.iloc[:, 0].astype(float) > 40).astype(int).to_numpy()


def test_check_fairness_says_the_function_exited_and_asks_it_nothing_more(
    tmp_path: Path,
) -> None:
    rng = np.random.default_rng(0)
    df = pd.DataFrame(
        {
            "age": rng.integers(18, 70, 120),
            "income": rng.normal(50, 10, 120),
            "gender": rng.choice(["f", "m"], 120),
        }
    )
    fn = _ExitsFirst()
    with pytest.raises(ModelError, match=r"_ExitsFirst called sys\.exit\(0\).* on its first call"):
        assay.check_fairness(
            fn, data=df, protected="gender", max_queries=50, store=tmp_path / "s.db"
        )
    assert fn.forms == ["ndarray"]  # (main: asked again as a DataFrame, passed True)


def test_a_function_exiting_when_given_the_dataframe_is_said_to_exit() -> None:
    forms: list[str] = []

    def refuses_then_exits(x: Any) -> np.ndarray:
        forms.append(type(x).__name__)
        if isinstance(x, np.ndarray):
            raise TypeError("give me a DataFrame")
        raise SystemExit(2)

    rows = np.column_stack([np.arange(20.0), np.arange(20.0)])
    with pytest.raises(ModelError) as caught:
        from_callable(refuses_then_exits, probe=rows, columns=("a", "b"))
    said = str(caught.value)
    assert "refuses_then_exits called sys.exit(2)" in said, said  # (main: "failed on a
    assert "failed on a pandas DataFrame" not in said, said  # pandas DataFrame ... too")
    assert forms == ["ndarray", "DataFrame"]
