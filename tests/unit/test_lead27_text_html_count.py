"""The text report's table said "200 distinct minimal failing sentences (showing up to 50)"
under a headline of 860: the summary keeps the 200 found most often.  Now it says how many
it shows of how many there are."""

from __future__ import annotations

from typing import Any

from assay.report.text_html import render_text_section


def _doc(kept: int, total: int) -> dict[str, Any]:
    minimal = [
        {"sentence": f"s{i}", "original": f"s{i}", "count": 1, "margin": -0.5, "outputs": []}
        for i in range(kept)
    ]
    text = {"oracle": "differential", "classifiers": [], "minimal": minimal}
    text["distinct_minimal"] = total
    return {"run": {"technique": "text", "summary": {"text": text}}}


def test_the_table_says_how_many_it_shows_of_how_many() -> None:
    html = render_text_section(_doc(200, 860))
    assert "The 50 found most often of 860 distinct minimal failing sentences" in html
    assert "200 distinct" not in html


def test_a_table_showing_every_sentence_says_their_number() -> None:
    html = render_text_section(_doc(7, 7))
    assert "7 distinct minimal failing sentences, most often found first" in html
