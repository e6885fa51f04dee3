"""left39 (hostile39b's Left): the exact answer read only "deterministic" from the start's
flip check, so a model whose answers depend on the batch (``batch_changed``: alike when its
own batch is asked again, otherwise in two other batches) had every input of a small domain
asked once and its figures given as exact, one draw of the batches' answers.  It is now
sampled, as a model that answers a repeated input otherwise is (``UNSTEADY``).  Fails on
main (``summary["exact"]`` held the enumerated figures)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np

import assay


def _batch_standardised(X: np.ndarray) -> np.ndarray:
    """Favours sex == 1 above the batch's mean x: each batch standardised by its own mean."""
    X = np.asarray(X, dtype=float)
    z = (X[:, 0] - X[:, 0].mean()) / (X[:, 0].std() + 1e-9)
    return (z + 1.5 * X[:, 1] > 1.0).astype(np.int64)


def _run(tmp_path: Path, **kw: Any) -> Any:
    """The model checked on a domain of 20 inputs (``x`` 0-9, ``sex``)."""
    rng = np.random.default_rng(0)
    rows = np.column_stack([rng.integers(0, 10, 200), rng.integers(0, 2, 200)])
    rows[:2, 0] = [0, 9]
    lines = "\n".join(",".join(map(str, r)) for r in rows)
    (tmp_path / "small.csv").write_text(f"x,sex\n{lines}\n")
    return assay.check_fairness(
        _batch_standardised,
        data=str(tmp_path / "small.csv"),
        protected="sex",
        max_queries=3000,
        seed=1,
        store=str(tmp_path / "runs.db"),
        **kw,
    )


def test_a_batch_dependent_model_is_sampled_not_enumerated(tmp_path: Path) -> None:
    result = _run(tmp_path)
    det = result.summary["determinism"]
    assert det["deterministic"] is True and det["batch_changed"] > 0, det
    assert result.summary["exact"] == []  # (main: the 20 inputs enumerated, said exact)
    assert [v["basis"] for v in result.summary["verdict"]] == ["sampled"]


def test_steady_reads_the_batch_too() -> None:
    from assay.fairness.determinism import steady

    assert steady({"deterministic": True, "batch_changed": 0}) is True
    assert steady({"deterministic": True, "batch_changed": 3}) is False
    assert steady({"deterministic": False, "batch_changed": 0}) is False
    assert steady({"deterministic": None}) is None
    assert steady(None) is True  # (a run stored before the check was)


def test_the_exact_entrys_reason_names_the_batch(tmp_path: Path) -> None:
    """left40 (left39's Left): asked for an exact answer (``exact=True``), the reason the
    figures are sampled named a repeated input answered otherwise, the wording of a random
    model, where this model answers alike in its own batch (main: that wording)."""
    result = _run(tmp_path, exact=True)
    (entry,) = result.summary["exact"]
    assert entry["status"] == "unavailable" and "sampling instead" in entry["reason"], entry
    assert "depend on the batch they are asked in" in entry["reason"]
    assert "repeated input otherwise" not in entry["reason"]
