"""An API run's rerun call names each keyword the caller gave other than its default, and
none it left out (mutation39: words38's ``shown_call`` tested on fairness alone, and on a
number for ``keep_findings``)."""

from __future__ import annotations

from pathlib import Path

import numpy as np
from test_hostile37_backdoor_api_forms import predict
from test_words38_notebook_words import _frame, _model

import assay

FAKES = Path(__file__).resolve().parents[1] / "fixtures" / "text_fakes.py"
PAIR = [f"{FAKES}:lexicon", f"{FAKES}:negation_blind"]


def test_a_backdoor_call_names_filter_images_false_and_keep_findings_all(tmp_path: Path) -> None:
    rng = np.random.default_rng(0)
    np.save(tmp_path / "images.npy", rng.random((6, 8, 8)) * 16)
    np.save(tmp_path / "clean.npy", rng.random((24, 8, 8)) * 16)
    r = assay.check_backdoor(
        predict, images=str(tmp_path / "images.npy"), clean=str(tmp_path / "clean.npy"),
        input_shape=(8, 8), value_range=(0, 16), n_classes=4, max_queries=400, seed=0,
        store=tmp_path / "b.db", filter_images=False, export_filter=tmp_path / "f.json",
        keep_findings="all",
    )  # fmt: skip
    assert (
        f"max_queries=400, export_filter={str(tmp_path / 'f.json')!r}, filter_images=False, "
        "keep_findings='all', store=" in r.command
    ), r.command


def test_a_fairness_call_names_answer_false_and_exact_time(tmp_path: Path) -> None:
    r = assay.check_fairness(
        _model, _frame(), protected="sex", max_queries=300, seed=1, store=tmp_path / "f.db",
        answer=False, exact_time=5, keep_findings="all",
    )  # fmt: skip
    assert "max_queries=300, exact_time=5, answer=False, keep_findings='all', store=" in (
        r.command
    ), r.command


def test_a_text_call_without_a_budget_names_none(tmp_path: Path) -> None:
    """No budget given: the default's 20,000 queries asked, and the call names none (as
    typed: its rerun gets the default of its day)."""
    r = assay.check_text(
        PAIR, grammar="builtin:reviews", seed=1, store=tmp_path / "t.db", keep_findings="all"
    )
    assert r.summary["model_queries"]["max_queries"] == 20_000
    assert r.command == (
        f"assay.check_text({PAIR!r}, grammar='builtin:reviews', keep_findings='all', "
        f"store={str(tmp_path / 't.db')!r}, seed=1)"
    )
