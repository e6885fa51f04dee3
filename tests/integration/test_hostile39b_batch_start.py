"""hostile39b: a model whose answer to an input depends on the batch it comes in, and on
which nothing was found, passed unwarned (exit 0): the start's determinism checks asked one
batch twice, alike, and the end's re-check needs findings.  The start's checks of all three
techniques now ask the same inputs again in two other batches (``core.asked_apart``), and
a third time as the first only when answers changed: a random model is told from one that
depends on its batch, and each is named as what it is."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np
import pytest

import assay
from assay.core.rerun_caveats import summary_caveats
from assay.text.recheck import record_recheck


def _changed(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    return np.asarray(a != b).reshape(len(a), -1).any(axis=1)


def _by_batch(x: Any) -> np.ndarray:
    """Above the batch's own mean (a scaler fitted at predict time)."""
    v = np.asarray(x, dtype=float).reshape(len(x), -1)[:, 0]
    return (v > v.mean()).astype(np.int64)


def test_the_rounds_tell_a_random_model_from_one_that_depends_on_its_batch() -> None:
    from assay.core.asked_apart import ask_rounds  # (here: the others run on main too)

    rows = np.arange(40, dtype=float).reshape(20, 2)
    asked: list[int] = []

    def per_input(x: np.ndarray) -> np.ndarray:
        asked.append(len(x))
        return (x[:, 0] > 15).astype(np.int64)

    steady = ask_rounds(per_input, rows, _changed)
    assert steady.deterministic and steady.batch_bound == 0
    assert asked == [20, 10, 10] and steady.queries == 40  # (the two rounds asked before)

    bound = ask_rounds(_by_batch, rows, _changed)
    assert bound.deterministic and bound.batch_bound > 0 and bound.queries == 60

    rng = np.random.default_rng(0)
    random = ask_rounds(lambda x: rng.integers(0, 2, len(x)), rows, _changed)
    assert not random.deterministic and random.batch_bound == 0


def _fair_by_batch(X: Any) -> np.ndarray:
    """Ignores sex (nothing to find), but standardises age and fnlwgt by the batch."""
    X = np.asarray(X, dtype=float)
    Z = (X - X.mean(axis=0)) / (X.std(axis=0) + 1e-9)
    return (Z[:, 0] + Z[:, 2] > 0).astype(np.int64)


def _fair(X: Any) -> np.ndarray:
    return (np.asarray(X, dtype=float)[:, 0] > 4).astype(np.int64)


@pytest.mark.parametrize("model", [_fair_by_batch, _fair], ids=["batch", "input"])
def test_a_fair_looking_model_that_depends_on_its_batch_is_warned_of(
    tmp_path: Path, model: Any
) -> None:
    result = assay.check_fairness(
        model, dataset="adult", protected="sex", max_queries=3000, seed=1, store=tmp_path / "r.db"
    )
    assert "no discriminatory input found" in result.headline  # (on main: no word, a pass)
    assert "NOTHING WAS TESTED" not in result.headline
    det = result.summary["determinism"]
    assert det["deterministic"] is True and det["changed"] == 0
    said = [w for w in result.warnings if "depends on the batch it comes in" in w]
    if model is _fair:
        assert det["batch_changed"] == 0 and said == []
        assert summary_caveats(result.summary) == []
        return
    assert det["batch_changed"] > 0
    assert len(said) == 1 and "finding none does not show the model is fair" in said[0]
    assert "depend on the batch they are asked in" in result.headline
    assert summary_caveats(result.summary)


def _images() -> dict[str, Any]:
    rng = np.random.default_rng(0)
    return {"images": rng.random((4, 8, 8)), "clean": rng.random((12, 8, 8))}


def test_the_backdoor_check_warns_of_a_model_that_depends_on_its_batch(tmp_path: Path) -> None:
    def by_batch(x: Any) -> np.ndarray:
        """Its probabilities from each image's brightness against the batch's."""
        m = np.asarray(x, dtype=float).reshape(len(x), -1).mean(axis=1)
        p = 1 / (1 + np.exp(-20 * (m - m.mean())))
        return np.column_stack([1 - p, p])

    result = assay.check_backdoor(
        by_batch, **_images(), input_shape="8,8", classes=2, seed=1, store=tmp_path / "r.db"
    )
    probe = result.summary["determinism"]["probe"]
    assert probe["changed"] == 0 and probe["batch_changed"] > 0, probe
    assert probe["queries"] == 24 and probe["calls"] == 4
    warned = result.summary["warnings"]
    assert any("depends on the batch it comes in" in w for w in warned), warned
    assert summary_caveats(result.summary)


class _Store:
    """The two calls ``record_recheck`` makes of a store, nothing else."""

    def __init__(self) -> None:
        self.summary: dict[str, Any] = {"headline": "h"}

    def get_run(self, run_id: str) -> Any:
        return type("R", (), {"summary": self.summary})()

    def count_findings(self, run_id: str) -> int:
        return 0

    def checkpoint(self, run_id: str, *, summary: dict[str, Any]) -> None:
        self.summary = summary


def test_text_names_a_classifier_that_depends_on_its_batch_as_such() -> None:
    store = _Store()
    probed = {"sentences": 32, "changed": 0, "batch_changed": 5, "classifiers": ["m.py:a"]}
    record_recheck(store, "r", None, call_timeout=None, probed=probed)  # type: ignore[arg-type]
    (said,) = store.summary["warnings"]
    assert said.startswith("m.py:a answers a sentence depending on the batch it comes in")
    assert "not deterministic" not in store.summary["headline"]


def test_texts_third_round_comes_from_the_recheck_s_reserve() -> None:
    """(Found on the way: 615 queries asked of --max-queries 600 before the reserve paid
    for the probe's third round.)"""
    from assay.text.recheck import extra_probe_queries, plan

    the_plan = plan(600, loading=2)
    assert (the_plan.probe, the_plan.reserve) == (15, 30)
    extra = extra_probe_queries({"queries": 45}, the_plan.probe)
    assert extra == 15 and extra_probe_queries({"queries": 30}, 15) == 0
    search = the_plan.search_budget()
    assert search is not None
    limit = the_plan.recheck_limit(search, extra)
    assert 2 + 3 * the_plan.probe + search + limit == 600


def test_the_scans_images_asked_again_are_put_down_to_the_batch_when_it_was_seen() -> None:
    """(Before: "its answers changed during the scan (a served model redeployed ...)".)"""
    from assay.backdoor.again import moved_since_probe

    asked = {"images": 4, "changed": 3}
    probe = {"images": 8, "changed": 0, "batch_changed": 3}
    said = moved_since_probe({"determinism": {"probe": probe}, "asked_again": asked})
    assert said is not None and "depends on the batch it comes in" in said
    assert "redeployed" not in said
    steady = {"images": 8, "changed": 0, "batch_changed": 0}
    said = moved_since_probe({"determinism": {"probe": steady}, "asked_again": asked})
    assert said is not None and "redeployed" in said
