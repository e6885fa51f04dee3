"""A text run bounded by ``max_time`` alone makes its determinism checks whole and says no
query budget held them.  Timed (a run ended by ``max_time=3.0``): named apart from
test_text_check_budget (which runs beside the rest in `make test`) so that it runs in the
rest (ci39)."""

from __future__ import annotations

from pathlib import Path

from test_text_check_budget import _run, sent  # noqa: F401  (the fixture)

from assay.text.recheck import PROBE


def test_a_time_budget_alone_makes_the_whole_checks_and_says_no_budget_held_them(
    tmp_path: Path,
    sent: list[str],  # noqa: F811
) -> None:
    r = _run(tmp_path, "time", max_time=3.0)
    det = r.summary["determinism"]
    assert det["within_budget"] is False and det["probe"]["sentences"] == PROBE
    assert len(sent) == r.progress["queries"] + det["queries"]
    section = next(s for s in r.summary["sections"] if s["title"] == "Determinism")
    assert "with no query budget to count them in" in section["text"]
