"""How bench/backdoor_verdict52b.py reads scan52's pair on a model (the figures of
bench/RESULTS.md's scan52b section rest on it): a class is added only where main names none,
with 3 or more classes found, when its half-rate pixels' robust z is 3 or more AND its duels
lead the best other class's by 0.5."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "bench"))
import backdoor_verdict52b as b


def _rows(k50: list[int], duels: list[float]) -> list[dict[str, Any]]:
    return [
        {"class": c, "k50": k, "dominance": d}
        for c, (k, d) in enumerate(zip(k50, duels, strict=True))
    ]


def test_both_signals_are_needed_and_main_s_suspects_come_first() -> None:
    few = [9, 10, 2, 9, 11]
    assert b.added(_rows(few, [-0.4, 0.1, 0.8, -0.2, 0.2]), []) == [2]
    assert b.added(_rows(few, [-0.4, 0.1, 0.8, -0.2, 0.4]), []) == []  # duels lead by 0.4
    assert b.added(_rows([9, 10, 8, 9, 11], [0, 0, 0.8, 0, 0]), []) == []  # pixels no outlier
    assert b.added(_rows(few, [-0.4, 0.1, 0.8, -0.2, 0.2]), [4]) == []  # main named one
    assert b.added(_rows([9, 2], [-1.0, 1.0]), []) == []  # fewer than 3 classes


def test_a_model_counts_as_named_only_with_its_target_alone(capsys: Any) -> None:
    tro = {"target": 5, "suspects": [], "added": [5], "extra_queries": 10}
    wrong = {"target": 5, "suspects": [], "added": [3], "extra_queries": 10, "name": "w"}
    clean = {"target": None, "suspects": [], "added": [1], "extra_queries": 10, "name": "c"}
    for r in (tro, wrong, clean):
        r.setdefault("name", "t")
    b.report([tro, wrong, clean], "t")
    out = capsys.readouterr().out
    assert "named main 0/2 -> with the pair 1/2" in out
    assert "clean flagged 0/1 -> 1/1" in out and "wrong class added ['w']" in out
