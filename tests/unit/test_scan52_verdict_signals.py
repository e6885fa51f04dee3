"""How bench/backdoor_verdict52.py reads a verdict signal against a model's other classes and
counts a route (the figures of bench/RESULTS.md's scan52 section rest on it)."""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path
from types import ModuleType
from typing import Any

import numpy as np

BENCH = Path(__file__).resolve().parents[2] / "bench"


def _bench() -> ModuleType:
    sys.path.insert(0, str(BENCH))
    spec = importlib.util.spec_from_file_location(
        "bench_verdict52", BENCH / "backdoor_verdict52.py"
    )
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _row(c: int, **signals: float) -> dict[str, Any]:
    return {"class": c, **signals}


def _model(target: int | None, suspects: list[int], rows: list[dict[str, Any]]) -> dict[str, Any]:
    return {"target": target, "suspects": suspects, "rows": rows}


def test_the_gap_is_to_the_best_other_class_and_turned_for_lower_signals() -> None:
    b = _bench()
    b.SIGNALS = ("agree", "k90")
    r = _model(
        2, [], [_row(0, agree=0.5, k90=9), _row(1, agree=0.6, k90=8), _row(2, agree=0.9, k90=3)]
    )
    b.with_z([r])
    gaps = [round(x["gap_agree"], 6) for x in r["rows"]]
    assert gaps == [-0.4, -0.3, 0.3]
    # fewer effective pixels is the trigger-like side: the class needing 3 against 8 leads by 5
    assert r["rows"][2]["gap_k90"] == 5.0
    assert r["rows"][0]["gap_k90"] == -6.0
    assert r["rows"][2]["z_k90"] > 0 > r["rows"][0]["z_k90"]


def test_a_route_names_a_target_only_alone_and_flags_a_clean_model_on_any_class() -> None:
    b = _bench()
    b.SIGNALS = ("agree",)
    rows = [_row(0, agree=0.5), _row(1, agree=0.55), _row(2, agree=0.95)]
    results = [
        _model(2, [], [dict(x) for x in rows]),  # the route adds the target: named
        _model(2, [1], [dict(x) for x in rows]),  # a suspect beside it: not named
        _model(None, [], [dict(x) for x in rows]),  # a clean model with the same rows: flagged
        _model(None, [], [_row(0, agree=0.5), _row(1, agree=0.6)]),  # fewer than 3 classes
    ]
    b.with_z(results)
    assert b.counted(results, b.route("agree", 0.3, "gap")) == "1/2, 1/2"
    assert b.counted(results, b.route("agree", 0.5, "gap")) == "0/2, 0/2"
    assert b.counted(results, b.main_rule) == "0/2, 0/2"


def test_two_routes_together_add_only_the_classes_both_add() -> None:
    b = _bench()
    b.SIGNALS = ("agree", "dominance")
    r = _model(
        None,
        [5],
        [
            _row(0, agree=0.9, dominance=0.0),
            _row(1, agree=0.1, dominance=0.9),
            _row(2, agree=0.2, dominance=0.1),
            _row(5, agree=0.2, dominance=0.2),
        ],
    )
    b.with_z([r])
    a, d = b.route("agree", 0.3, "gap"), b.route("dominance", 0.3, "gap")
    assert a(r) == [0, 5] and d(r) == [1, 5]
    assert b.both(a, d)(r) == [5]


def test_the_non_digit_bases_are_blank_noise_and_each_digit_shuffled() -> None:
    b = _bench()
    held = np.random.default_rng(0).random((70, 8, 8, 1))
    based = b.bases(held, np.random.default_rng(1))
    assert based["blank"].shape == (1, 8, 8, 1) and not based["blank"].any()
    assert based["noise"].shape == (b.BASES, 8, 8, 1)
    shuffled = based["shuffled"]
    assert shuffled.shape == (b.BASES, 8, 8, 1)
    for i in range(b.BASES):  # the same pixels, in another order
        assert np.array_equal(np.sort(shuffled[i].ravel()), np.sort(held[i].ravel()))
        assert not np.array_equal(shuffled[i], held[i])


def test_the_restarts_place_agreement_is_their_boxes_mean_pairwise_overlap() -> None:
    b = _bench()
    row = {"class": 1, "places": [[0, 0, 2, 2], [0, 0, 2, 2], [0, 1, 2, 2]]}
    b.derive([_model(None, [], [row])])
    # two identical boxes (1.0) and twice a box moved by one column (2 of 6 pixels: 1/3)
    assert abs(row["place"] - (1.0 + 1 / 3 + 1 / 3) / 3) < 1e-12
    lone = {"class": 2, "places": [[0, 0, 2, 2]]}
    b.derive([_model(None, [], [lone])])
    assert lone["place"] != lone["place"]  # no pair: not a number
