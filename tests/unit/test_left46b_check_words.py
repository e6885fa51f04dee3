"""left46b (applied with ``words_patch.diff``): the class-map and source-class checks' odds
said as what their 8 controls support beside the t bound they decide by (they printed "odds
2e-09 for clean images" beside 8 controls that all scored 0, where 8 controls say 1 in 9 at
best by their count)."""

from __future__ import annotations

import test_bd45_families as bd45

from assay.backdoor.class_map import map_words
from assay.backdoor.source_class import source_words


def test_a_given_class_map_window_says_what_its_controls_support() -> None:
    r = bd45._run(True, 0)
    row = r["window"]
    assert r["given"] and row["controls"] == [0] * 8, row
    words = map_words(r)
    assert "for clean images): a trigger" not in words, words  # main: "odds 2e-09 for ..."
    assert (
        f"at most 0: beyond all 8 (their count alone says 1 in 9 at best for clean images); "
        f"t bound {row['odds']:.1g})" in words
    ), words


def test_a_given_source_class_group_says_what_its_controls_support() -> None:
    r = bd45._source_run(trojan=True)
    row = r["group"]
    assert r["given"] and max(row["controls"]) < row["sent"], row
    words = source_words(r)
    assert f"odds {row['odds']:.1g} for clean images" not in words, words
    assert "beyond all 8 (their count alone says 1 in 9 at best for clean images); t bound" in (
        words
    ), words
