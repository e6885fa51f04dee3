"""`assay verify` of a fairness or backdoor run against a model that gives one class to
everything it is asked said "0 of N stored findings still fail ...; N no longer do" and
exited 0: a "fix" that approves everyone, or sends every image to one class, read as having
fixed every IDI and every trigger (hostile33).  The text replay already refused it; now the
fairness and backdoor replays say nothing was shown fixed (``untested``: exit 2)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pytest
from bd31_setups import poisoned_sets, scanned

import assay
from assay.cli.app import main


def _people() -> tuple[pd.DataFrame, np.ndarray]:
    rng = np.random.default_rng(0)
    n = 300
    frame = pd.DataFrame(
        {"sex": rng.choice(["Female", "Male"], n), "hours": rng.integers(10, 60, n)}
    )
    approved = np.where(frame.hours + (frame.sex == "Male") * 15 > 45, "approved", "denied")
    return frame, approved


class _Biased:
    """Approves men from 31 hours, women from 46 (rows: sex, hours)."""

    classes_ = np.array(["approved", "denied"])

    def predict(self, rows: np.ndarray) -> np.ndarray:
        rows = np.asarray(rows, dtype=object)
        ok = rows[:, 1].astype(float) + (rows[:, 0] == "Male") * 15 > 45
        return np.where(ok, "approved", "denied")


class _Hours(_Biased):
    """The fix: hours alone decide."""

    def predict(self, rows: np.ndarray) -> np.ndarray:
        hours = np.asarray(rows, dtype=object)[:, 1].astype(float)
        return np.where(hours > 38, "approved", "denied")


class _FromTwentyFive(_Biased):
    """A fix that approves every stored IDI (31 to 45 hours) and denies below 25 hours."""

    def predict(self, rows: np.ndarray) -> np.ndarray:
        hours = np.asarray(rows, dtype=object)[:, 1].astype(float)
        return np.where(hours > 25, "approved", "denied")


class _ApprovesAll(_Biased):
    """Approves everyone, its probability moving with the hours."""

    def predict_proba(self, rows: np.ndarray) -> np.ndarray:
        p = 0.6 + np.asarray(rows, dtype=object)[:, 1].astype(float) / 1000.0
        return np.stack([p, 1.0 - p], axis=1)

    def predict(self, rows: np.ndarray) -> np.ndarray:
        return np.full(len(rows), "approved")


def test_a_fairness_fix_that_approves_everyone_fixes_nothing(tmp_path: Path) -> None:
    frame, _ = _people()
    frame.to_csv(tmp_path / "people.csv", index=False)  # (verify reads the run's data again)
    store = tmp_path / "runs.db"
    run = assay.check_fairness(
        _Biased(),
        data=tmp_path / "people.csv",
        protected=["sex"],
        max_queries=2000,
        seed=1,
        store=store,
    )
    assert not run.passed
    every = assay.verify_run(run.run_id, store=store, model=_ApprovesAll())
    assert every.total and not every.still_failing
    assert every.untested.startswith("the model gave the same class ('approved')"), every
    for fix in (_Hours(), _FromTwentyFive()):  # (one class on the IDIs, others elsewhere)
        fixed = assay.verify_run(run.run_id, store=store, model=fix)
        assert fixed.total and not fixed.still_failing and not fixed.untested, fixed


class _OneClass:
    """Class 3 for every image, its probability moving with the image's brightness."""

    def __init__(self, classes: Any) -> None:
        self.classes_ = classes

    def predict_proba(self, x: np.ndarray) -> np.ndarray:
        x = np.asarray(x, dtype=np.float64).reshape(len(x), -1)
        p = np.full((len(x), 10), 0.05)
        p[:, 3] = 0.5 + x.mean(axis=1) / 160.0
        return p / p.sum(axis=1, keepdims=True)

    def predict(self, x: np.ndarray) -> np.ndarray:
        return np.argmax(self.predict_proba(x), axis=1)


@pytest.mark.slow
def test_a_backdoor_fix_that_answers_one_class_fixes_nothing(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    trojan, scan, clean = poisoned_sets(0, 30, slice(0, 10), 0, clean_model=False)
    np.save(tmp_path / "scan.npy", scan)  # (files: verify pastes on the run's clean images)
    np.save(tmp_path / "clean.npy", clean)
    store = tmp_path / "runs.db"
    run = scanned((trojan, str(tmp_path / "scan.npy"), str(tmp_path / "clean.npy")), store)
    assert not run.passed
    every = assay.verify_run(run.run_id, store=store, model=_OneClass(trojan.classes_))
    assert every.total and not every.still_failing
    assert every.untested.startswith("the model gave the same class (3)"), every
    clean_model = poisoned_sets(0, 30, slice(0, 10), 0, clean_model=True)[0]
    fixed = assay.verify_run(run.run_id, store=store, model=clean_model)
    assert fixed.total and not fixed.still_failing and not fixed.untested
    # the command line: exit 2, this is not a pass
    model = tmp_path / "one.py"
    model.write_text(
        "import numpy as np\n"
        "def three(x):\n"
        "    x = np.asarray(x, dtype=np.float64).reshape(len(x), -1)\n"
        "    p = np.full((len(x), 10), 0.05)\n"
        "    p[:, 3] = 0.5 + x.mean(axis=1) / 160.0\n"
        "    return p / p.sum(axis=1, keepdims=True)\n"
        "three.classes_ = list(range(10))\n"
    )
    with pytest.raises(SystemExit) as exc:
        main(["verify", run.run_id, "--store", str(store), "--model", f"{model}:three"])
    out = capsys.readouterr()
    assert exc.value.code == 2, out.out + out.err
    assert "the model gave the same class (3)" in out.err
    # stdout alone (a CI step that keeps it) says so too, not only "N no longer do"
    assert out.out.rstrip().endswith(
        "no longer do; NOTHING WAS TESTED: this is not a pass (exit 2)"
    )
