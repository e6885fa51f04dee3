"""A text run made from Python says its headline in the caller's keywords in the result
object (``result.headline``, its ``repr`` and its notebook HTML), as its JSON report does
(hostile49): the result said "59 of --max-queries 1,500 went unasked" and "a larger
max_queries or --floor" where the report said "max_queries", and no report or result said
``floor`` (``check_text``'s keyword) at all."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

import pytest

import assay
from assay.core.store import RunStore
from assay.report.document import build_document

pytestmark = pytest.mark.filterwarnings("ignore::assay.AssayWarning")

GOOD = ("great", "good", "excellent", "love", "amazing", "delicious")


def biased(sentences: Sequence[str]) -> list[str]:
    """Approves praise, unless it names Maria: an invariance bug over names."""
    return [
        "approved" if "Maria" not in s and any(w in s.lower() for w in GOOD) else "denied"
        for s in sentences
    ]


def test_a_text_results_headline_is_in_the_callers_keywords_as_its_report_is(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("ASSAY_TEXT_WORKER", "inline")
    db = tmp_path / "t.db"
    result = assay.check_text(
        [biased], grammar="builtin:names", oracle="invariance", max_queries=1500, seed=2, store=db
    )
    assert result.n_findings > 0  # the planted bug is found
    said = result.headline
    assert "went unasked" in said and "of max_queries 1,500" in said
    assert "--" not in said, said
    assert "--" not in repr(result) and "--" not in result._repr_html_()
    failed = result.not_a_pass
    assert failed is not None and "--floor" not in failed[1] and "floor" in failed[1]
    with RunStore(db) as store:
        doc = build_document(store, result.run_id)
    assert doc["headline"] in said  # the report's and the object's words agree
    assert "--" not in doc["headline"]
