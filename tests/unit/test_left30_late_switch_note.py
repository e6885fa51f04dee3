"""left30 (mutation29's Left): a fairness run under ``--max-time`` alone whose
``--optimize auto`` turned query-efficient after several timed rounds keeps auto in its
rerun command (left29b); its rerun note also advises ``--max-queries N`` in place of the
time budget, and now says that such a run settles its mode on its first round (a query
budget: auto decides at once), not after the rounds this one timed."""

from __future__ import annotations

from assay.core.runinfo import _pinned, rerun_note

COMMAND = "assay fairness m.skops --data d.csv --protected sex --max-time 600 --seed 3"
CONFIG = {"optimize": "auto", "budget": {"max_time": 600.0}}


def _summary(rounds: int) -> dict[str, object]:
    return {
        "search": {
            "optimize": "queries",
            "optimize_switched": True,
            "optimize_switched_round": rounds,
        },
        "metrics": {"queries": 6_042},
    }


def test_the_query_budget_advice_says_its_switch_comes_elsewhere() -> None:
    late = _summary(6)
    note = rerun_note(CONFIG, COMMAND, summary=late) or ""
    assert "--max-queries 6042 in place of the time budget gives a run" in note
    assert (
        "a run given --max-queries in place of the time budget settles its mode on its "
        "first round" in note
    )
    assert "not after the 6 this run timed" in note
    assert "--optimize" not in _pinned(COMMAND, CONFIG, late)  # (auto kept: left29b)
    api = rerun_note(CONFIG, "assay.check_fairness(...)", summary=late) or ""
    assert "a run given max_queries in place of the time budget" in api
    assert "optimize='auto' decides at once" in api


def test_a_first_round_switch_is_pinned_and_not_said() -> None:
    first = _summary(1)
    note = rerun_note(CONFIG, COMMAND, summary=first) or ""
    assert "settles its mode" not in note
    assert _pinned(COMMAND, CONFIG, first).endswith(" --optimize time-then-queries")
