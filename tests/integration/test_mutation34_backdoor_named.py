"""``assay verify`` of a backdoor run against a model giving one class to every image names
that class as the model does (mutation34: mutant BR3, the class said by its index, survived
hostile33's test, whose model names its classes 0-9)."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

import numpy as np
import pytest

import assay

sys.path.insert(0, str(Path(__file__).parent))
from bd31_setups import poisoned_sets, scanned  # isort: skip
from test_hostile33_verify_one_class import _OneClass  # isort: skip

NAMES = ["zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine"]


class _Named:
    """The trojaned digits model, its classes named in words."""

    def __init__(self, inner: Any) -> None:
        self.inner, self.classes_ = inner, NAMES

    def predict_proba(self, x: np.ndarray) -> np.ndarray:
        flat = np.asarray(x, dtype=np.float64).reshape(len(x), -1)
        return np.asarray(self.inner.predict_proba(flat))


@pytest.mark.slow
def test_a_backdoor_fix_of_one_named_class_is_said_by_its_name(tmp_path: Path) -> None:
    trojan, scan, clean = poisoned_sets(0, 30, slice(0, 10), 0, clean_model=False)
    np.save(tmp_path / "scan.npy", scan)
    np.save(tmp_path / "clean.npy", clean)
    store = tmp_path / "runs.db"
    files: Any = (_Named(trojan), str(tmp_path / "scan.npy"), str(tmp_path / "clean.npy"))
    run = scanned(files, store)  # (files: verify pastes on the run's clean images)
    assert not run.passed and "class seven" in run.headline, run.headline
    every = assay.verify_run(run.run_id, store=store, model=_OneClass(NAMES))
    assert every.total and not every.still_failing and not every.passed
    assert every.untested.startswith("the model gave the same class (three) "), every.untested
