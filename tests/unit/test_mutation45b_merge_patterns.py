"""The units' common-pattern checks merged (``backdoor.second_view.merge_patterns``, a scan
split into units): mutation45b found every part of it unwatched (SV4-SV7 survived the
forty-third session's tests, which ran no scan in units).  A class given in one unit is
given by the run (SV4: "given": False, a trojan's units passed); a unit whose check was not
asked adds nothing to what was asked (SV5); a class given in two units is told by the
likelier one (SV6); the queries short are every unit's (SV7: one unit's share, "raise
--max-queries by" a unit's need where the run needs it in each)."""

from __future__ import annotations

from typing import Any

from assay.backdoor.common_pattern import pattern_not_asked
from assay.backdoor.second_view import describe_units, merge_opinions, merge_patterns


def _asked(given: list[int], odds: float, flagged: list[int]) -> dict[str, Any]:
    row = {"images": 5, "only": 9, "fresh": 60, "only_back": 0, "odds": odds, "controls": [0]}
    return {
        "given": bool(given), "classes": given, "tested": 1, "flagged": flagged,
        "queries": 1_100, "per_class": {"2": row},
    }  # fmt: skip


def test_a_class_given_in_one_unit_is_given_by_the_run() -> None:
    merged = merge_patterns([_asked([2], 0.004, [1, 3]), _asked([], 0.3, [])])
    assert merged["given"] and merged["classes"] == [2], merged
    assert merged["flagged"] == [1, 3] and merged["queries"] == 2_200


def test_a_unit_not_asked_adds_nothing_asked_and_the_likeliest_unit_tells() -> None:
    skipped = {"skipped": "the query budget left 300 of the 1,100 it needs", "short": 800}
    merged = merge_patterns([_asked([2], 0.004, [1]), _asked([2], 0.001, [7]), skipped])
    assert merged["units"] == 2 and merged["tested"] == 2, merged
    assert merged["per_class"]["2"]["odds"] == 0.001, merged  # (the likelier of the two)
    # each unit has a third of the run's budget: the run needs 800 more in each of the 3
    assert merged["short"] == 2_400, merged
    said = pattern_not_asked(merged)
    assert said is not None and "raise --max-queries by 2,400 or more" in said, said


def test_the_units_headline_says_the_merged_check() -> None:
    # (SV8: the words of the units' STRIP opinions alone, a given pattern left unsaid)
    opinions = [
        {"given": False, "flagged": [], "unconfirmed": 4, "sampled": 4, "low": 0,
         "queries": 100, "pattern": _asked([2], 0.004, [1, 3])},
        {"given": False, "flagged": [], "unconfirmed": 4, "sampled": 4, "low": 0,
         "queries": 100, "pattern": _asked([], 0.3, [])},
    ]  # fmt: skip
    merged = merge_opinions(opinions)
    assert merged is not None
    words = describe_units(merged, lambda c: f"class_{c}")
    assert "nothing more than clean images show" in words, words
    assert (
        "; NOT CLEAN by the common-pattern check (2,200 queries): the 5 images answered "
        "class_2 share a pattern" in words
    ), words
