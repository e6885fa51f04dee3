"""``assay show``'s and the HTML header's queries (hostile41f): the model's total beside the
search's count only when it is more (mutation42: ``>=`` passed every test)."""

from __future__ import annotations

from assay.report._text import queries_text


def test_the_total_is_said_only_when_more_queries_were_asked() -> None:
    assert queries_text({"queries": 3000}, {"model_queries": {"total": 3000}}) == "3,000"
    assert queries_text({"queries": 3000}, {"model_queries": {"total": 11146}}) == (
        "3,000 (11,146 asked of the model in all)"
    )
    assert queries_text({"queries": 3000}, {}) == "3,000"
    assert queries_text({"queries": True}, {}) is None  # (not a count)
