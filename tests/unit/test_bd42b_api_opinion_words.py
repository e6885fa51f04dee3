"""An API run's advice to turn the second opinion off names the keyword (bd42's Left 4).

A tight ``max_queries`` left no room for STRIP's second opinion: the run is not a pass and
says how to pass on patch triggers alone.  An API caller was told "give --no-second-opinion"
(the command line's switch) where ``max_queries`` beside it was already in the caller's
terms; now "give second_opinion=False", as the report of the run says it too."""

from __future__ import annotations

from pathlib import Path

import pytest

from assay.core.callers_prose import in_callers_terms
from assay.report.document import build_document

from test_bd42_second_opinion import TIGHT, _api  # isort: skip
from test_bd41_second_opinion import clean_model  # isort: skip


def test_an_api_runs_skip_advice_names_second_opinion_false(tmp_path: Path) -> None:
    r = _api(tmp_path, clean_model, max_queries=int(TIGHT))
    assert r.not_a_pass is not None, r.headline
    why = r.not_a_pass[1]
    assert "give second_opinion=False to pass" in why, why
    assert "--no-second-opinion" not in why and "raise max_queries by" in why, why
    assert "second_opinion=False" in r.headline and "--no-" not in r.headline, r.headline


@pytest.mark.parametrize(
    ("command", "said"),
    [
        ("assay.check_backdoor(model, ...)", "give second_opinion=False to pass"),
        ("assay backdoor m.onnx --images a.npy", "give --no-second-opinion to pass"),
    ],
)
def test_the_switch_is_said_in_the_callers_terms(command: str, said: str) -> None:
    text = "raise --max-queries by 40 or more, or give --no-second-opinion to pass on patches"
    assert said in in_callers_terms(text, command)


def test_a_report_of_an_api_run_says_the_keyword(tmp_path: Path) -> None:
    r = _api(tmp_path, clean_model, max_queries=int(TIGHT))
    from assay.core.store import RunStore

    with RunStore(tmp_path / "runs.db") as store:
        doc = build_document(store, r.run_id)
    text = str(doc)
    assert "second_opinion=False" in text and "--no-second-opinion" not in text
    assert "raise max_queries by" in text and "--max-queries" not in text  # (main: both)
