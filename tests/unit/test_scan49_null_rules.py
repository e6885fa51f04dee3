"""How bench/backdoor_null.py counts a verdict rule's named targets and flagged clean models
(the figures of bench/RESULTS.md's scan49 section rest on it)."""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path
from types import ModuleType
from typing import Any

BENCH = Path(__file__).resolve().parents[2] / "bench"


def _null() -> ModuleType:
    sys.path.insert(0, str(BENCH))
    spec = importlib.util.spec_from_file_location("bench_null", BENCH / "backdoor_null.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _row(c: int, flip: float, here_p90: float, m50: float) -> dict[str, Any]:
    return {"class": c, "flip": flip, "here_p90": here_p90, "m50": m50}


def _model(target: int | None, suspects: list[int], rows: list[dict[str, Any]]) -> dict[str, Any]:
    return {"target": target, "suspects": suspects, "rows": rows}


def test_a_target_counts_only_when_said_alone() -> None:
    b = _null()
    results = [
        _model(3, [3], [_row(3, 1.0, 0.2, 9.0)]),
        _model(4, [4, 1], [_row(4, 1.0, 0.2, 9.0), _row(1, 1.0, 0.2, 9.0)]),
        _model(5, [], [_row(5, 1.0, 0.2, 9.0)]),
        _model(None, [1], [_row(1, 1.0, 0.2, 9.0)]),
        _model(None, [], []),
    ]
    said = b.counted(results, lambda r: list(r["suspects"]))
    assert said == "named 1/3, clean flagged 1/2"


def test_the_gate_clears_a_suspect_natural_ink_reaches_as_well() -> None:
    b = _null()
    results = [
        _model(3, [3], [_row(3, 1.0, 0.5, 9.0)]),  # excess 0.5: kept
        _model(None, [1], [_row(1, 0.98, 0.95, 9.0)]),  # excess 0.03: cleared
    ]
    assert b.counted(results, b.gate("here_p90", 0.1)) == "named 1/1, clean flagged 0/1"
    assert b.counted(results, b.gate("here_p90", 0.6)) == "named 0/1, clean flagged 0/1"


def test_the_route_adds_a_class_far_beyond_the_models_others() -> None:
    b = _null()
    rows = [_row(c, 1.0, 0.3, 5.0 + 0.1 * c) for c in range(6)] + [_row(7, 1.0, 0.3, 20.0)]
    results = [_model(7, [], rows), _model(None, [], [_row(c, 1.0, 0.3, 5.0) for c in range(6)])]
    stat = b.STATS["m50"]
    assert b.counted(results, b.route(stat, 3.0)) == "named 1/1, clean flagged 0/1"
    # fewer than three classes reached: the scan's own suspects alone
    assert b.route(stat, 3.0)(_model(None, [], rows[:2])) == []
