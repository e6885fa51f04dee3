"""``--call-timeout`` bounds one classifier call of a text or backdoor run too (it was
fairness's only: a classifier slower than the fixed 60 s could not be tested at all, and the
message named an option those commands refused)."""

from __future__ import annotations

import time
from collections.abc import Sequence
from pathlib import Path

import numpy as np
import pytest

from assay.backdoor.api import check_backdoor
from assay.core.store import RunStore
from assay.errors import ModelError, UsageError
from assay.text.api import check_text

GRAMMAR = 'S -> "the food is" ADJ\nADJ -> "good" | "bad" | "fine"\n'


def slow_text(texts: Sequence[str]) -> np.ndarray:
    time.sleep(0.6)
    return np.array([[0.2, 0.8] if "good" in t else [0.7, 0.3] for t in texts])


slow_text.classes_ = ["neg", "pos"]  # type: ignore[attr-defined]


def quick_text(texts: Sequence[str]) -> np.ndarray:
    return np.array([[0.2, 0.8] if "bad" in t else [0.7, 0.3] for t in texts])


quick_text.classes_ = ["neg", "pos"]  # type: ignore[attr-defined]


def _text(tmp_path: Path, call_timeout: float) -> object:
    (tmp_path / "g.txt").write_text(GRAMMAR)
    return check_text(
        [slow_text, quick_text],
        grammar=str(tmp_path / "g.txt"),
        max_queries=10,
        seed=1,
        call_timeout=call_timeout,
        store=RunStore(tmp_path / "runs.db"),
    )


def test_a_text_call_longer_than_the_timeout_is_a_model_failure(tmp_path: Path) -> None:
    with pytest.raises(ModelError, match=r"\(call_timeout\)"):
        _text(tmp_path, 0.2)


def test_a_text_run_of_a_slow_classifier_within_the_timeout_ends(tmp_path: Path) -> None:
    r = _text(tmp_path, 30.0)
    assert r.status == "completed" and r.n_findings > 0, r  # type: ignore[attr-defined]
    record = RunStore(tmp_path / "runs.db").list_runs()[0]
    assert record.config["budget"]["call_timeout"] == 30.0  # resumed with it


def test_a_backdoor_call_timeout_is_checked_and_stored(tmp_path: Path) -> None:
    rng = np.random.default_rng(0)
    clean = rng.random((40, 8, 8, 1))

    def model(x: np.ndarray) -> np.ndarray:
        flat = np.asarray(x, dtype=np.float64).reshape(len(x), -1)
        return flat[:, :12].reshape(len(x), 3, 4).sum(axis=2).argmax(1)

    model.classes_ = [0, 1, 2]  # type: ignore[attr-defined]
    with pytest.raises(UsageError, match=r"call.timeout"):
        check_backdoor(model, clean=clean, max_queries=100, call_timeout=0, seed=1)
    store = RunStore(tmp_path / "runs.db")
    check_backdoor(
        model, images=clean[:3], clean=clean, max_queries=300, call_timeout=7.5, seed=1,
        store=store,
    )  # fmt: skip
    assert store.list_runs()[0].config["budget"]["call_timeout"] == 7.5


def test_a_run_failed_by_slow_calls_resumes_with_a_longer_timeout(tmp_path: Path) -> None:
    """The resume line of a run a call timeout ended gives a longer --call-timeout (resumed
    with its own, it failed the same way), and `assay resume --call-timeout` takes it."""
    import re

    from typer.testing import CliRunner

    from assay.cli.app import app, register

    register()
    runner = CliRunner()
    (tmp_path / "g.txt").write_text(GRAMMAR)
    (tmp_path / "clf.py").write_text(
        "import time\nimport numpy as np\nCALLS = [0]\n\n"
        # (loading's probe, its first call, answered at once: --call-timeout bounds loading
        # too, and the run must exist to be resumed)
        "def slow(texts):\n    CALLS[0] += 1\n    time.sleep(0.6 if CALLS[0] > 1 else 0)\n"
        "    return np.array([[0.2, 0.8] if 'good' in t else [0.7, 0.3] for t in texts])\n\n"
        "slow.classes_ = ['neg', 'pos']\n\n"
        "def quick(texts):\n"
        "    return np.array([[0.2, 0.8] if 'bad' in t else [0.7, 0.3] for t in texts])\n\n"
        "quick.classes_ = ['neg', 'pos']\n"
    )
    store = str(tmp_path / "runs.db")
    args = [
        "text", f"{tmp_path / 'clf.py'}:slow", f"{tmp_path / 'clf.py'}:quick",
        "--grammar", str(tmp_path / "g.txt"), "--max-queries", "10", "--seed", "1",
        "--call-timeout", "0.2", "--store", store,
    ]  # fmt: skip
    got = runner.invoke(app, args)
    assert got.exit_code == 3, got.output
    line = re.search(r"continue with: (assay resume \S+ .*)", got.output)
    assert line and "--call-timeout 0.8" in line.group(1), got.output
    run = line.group(1).split()[2]
    got = runner.invoke(app, ["resume", run, "--store", store, "--call-timeout", "0"])
    assert got.exit_code == 2 and "call-timeout" in got.output, got.output
    got = runner.invoke(app, ["resume", run, "--store", store, "--call-timeout", "30"])
    assert got.exit_code == 1, got.output  # the run ended, its disagreements found
    assert RunStore(store).get_run(run).config["budget"]["call_timeout"] == 30.0
