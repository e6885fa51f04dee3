"""The text and backdoor commands under a tight --max-time: loading counted in the budget, a
budget spent by loading or by a slow model is no model failure, a hung first call gives up when
the time is spent.  Each asserts on the wall clock (a run's seconds, a command ending within
a bound, a budget running out at a given point): named apart from test_text_backdoor_hostile
(which runs beside the rest in `make test`) so that these run in the rest (ci38b)."""

from __future__ import annotations

import json
import time
from pathlib import Path

import pytest
from test_text_backdoor_hostile import GRAMMAR, _backdoor, _cli, _text


def test_text_max_time_counts_loading_the_classifiers(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """The CLI loaded the classifiers before the run's clock started: a classifier that takes
    2 s to load ran 2 s past --max-time, and errors per second left the loading out."""
    (tmp_path / "slow.py").write_text(
        "import time\nimport numpy as np\ntime.sleep(1.0)\n\n"
        "def f(X):\n    return np.array([0 if 'not' in s.split() else 1 for s in X])\n\n"
        "def g(X):\n    return np.array([0 if 'bad' in s.split() else 1 for s in X])\n\n"
        "f.classes_ = g.classes_ = ['neg', 'pos']\n"
    )
    (tmp_path / "g.cfg").write_text(GRAMMAR)
    code, out, err = _cli(
        capsys,
        "text",
        f"{tmp_path / 'slow.py'}:f",
        f"{tmp_path / 'slow.py'}:g",
        "--grammar",
        str(tmp_path / "g.cfg"),
        "--max-time",
        "4",  # (a loaded machine's imports and the 1 s load stay well within it)
        "--seed",
        "1",
        "--store",
        str(tmp_path / "runs.db"),
        "--json",
    )
    assert code == 1, (out, err)
    metrics = json.loads(out)["summary"]["metrics"]
    seconds = metrics["wall-clock seconds"]
    assert 1.0 <= seconds <= 4.0 * 1.15, seconds
    errors = metrics["errors found (distinct failing sentences)"]
    assert metrics["errors per second"] == pytest.approx(errors / seconds, rel=0.02)


def test_loading_that_takes_the_whole_time_budget_is_no_model_failure(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """With loading counted in --max-time, a budget spent by loading left the first call no
    time: 'the model failed: it did not answer its first call' (exit 3).  It is a budget
    too small to test anything: exit 2 before a run is created."""
    (tmp_path / "slow.py").write_text(
        "import time\nimport numpy as np\ntime.sleep(1.5)\n\n"
        "def f(X):\n    return np.array([0 if 'not' in s.split() else 1 for s in X])\n\n"
        "f.classes_ = ['neg', 'pos']\n"
    )
    (tmp_path / "g.cfg").write_text(GRAMMAR)
    code, out, err = _cli(
        capsys,
        "text",
        f"{tmp_path / 'slow.py'}:f",
        "--oracle",
        "invariance",
        "--grammar",
        str(tmp_path / "g.cfg"),
        "--max-time",
        "1",
        "--store",
        str(tmp_path / "runs.db"),
    )
    assert code == 2 and "--max-time" in err and "loading took" in err, (out, err)
    assert not (tmp_path / "runs.db").exists()


@pytest.mark.parametrize("slow_from_call", [1, 2])
def test_a_slow_model_under_a_tight_time_budget_is_no_model_failure(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], slow_from_call: int
) -> None:
    """A model slower than the whole --max-time (from its loading probe, or from the
    search's first call after a quick probe) exited 3, 'the model failed: it did not answer
    its first call'.  It answers, slowly: the budget was too small to test anything (exit 2,
    'raise --max-time'); a hung model is --call-timeout's."""
    (tmp_path / "slow.py").write_text(
        "import time\nimport numpy as np\ncalls = [0]\n\n"
        "def f(X):\n    calls[0] += 1\n"
        f"    if calls[0] >= {slow_from_call}:\n        time.sleep(3)\n"
        "    X = np.asarray(X, dtype=float)\n    return (X[:, 0] > 40).astype(int)\n"
    )
    code, out, err = _cli(
        capsys, "fairness", f"{tmp_path / 'slow.py'}:f", "--dataset", "adult", "--protected",
        "sex", "--max-time", "1.5", "--store", str(tmp_path / "runs.db"),
    )  # fmt: skip
    assert code == 2, (out, err)
    assert "model failed" not in err and "nothing was tested" in err, err
    assert "--max-time" in err


@pytest.mark.parametrize("technique", ["text", "backdoor"])
def test_a_model_hanging_on_its_first_call_gives_up_when_max_time_is_spent(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], technique: str
) -> None:
    """Loading calls the model once (a probe); under --max-time that call gives up when the
    run's time is up (it waited for --call-timeout's 60 s), the budget named.  Exit 2: the
    budget ended before anything was tested (hung or only slow, nothing tells within it)."""
    began = time.monotonic()
    if technique == "text":
        code, _, err = _text(tmp_path, capsys, ["hangs"], "--max-time", "2")
    else:
        code, _, err = _backdoor(tmp_path, capsys, "hangs", "--max-time", "2")
    assert code == 2 and "nothing was tested" in err, err
    assert "--max-time" in err and "Traceback" not in err
    # well under the 60 s --call-timeout it used to wait for (a loaded CI machine takes up
    # to ~20 s to start the command and load the model)
    assert time.monotonic() - began < 45, err
