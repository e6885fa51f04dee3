"""audit48r: where, how bad, for whom -- the sampled regions and the direction, measured on
planted models whose truth is known.

- A bias planted in one box of 0.5 % of the space (a 400-499, b 600-649 of 1,000 x 1,000)
  came back as a rule cut at the bins' edges (a sixty-fourth of each range): "a 406-499 and
  b 609-639" (recall 0.58) or "a 390-499 and b 593-655" (precision 0.72), never both >= 0.8
  in 30 seeds.  The rule's ranges are now set at the rows' own values.
- Two boxes favouring opposite values were learned as one rule spanning both (7 %
  discriminatory inside) in most seeds; the attribute's direction read "the M variant gets
  'approve' in 51.38 % of 181 sampled IDIs", as if M were favoured.  Both are found now, each
  with who is favoured inside it, and an even split is said as no value shown favoured.
- "in 100.00 % of 3 sampled IDIs" named a favoured value on a sample no better than a coin.
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

import numpy as np
import pytest

from assay.core.rng import generator
from assay.fairness.verdict import answer
from assay.models import load_model
from assay.report.verdict_text import favoured_text

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "bench"))

from regions_planted import BOX, BOX2, SCHEMA  # isort: skip  # (the bench's planted models)


def _inside(x: np.ndarray, box: tuple[int, int, int, int]) -> np.ndarray:
    return (x[:, 0] >= box[0]) & (x[:, 0] <= box[1]) & (x[:, 1] >= box[2]) & (x[:, 1] <= box[3])


def _model(favoured: dict[tuple[int, int, int, int], int]) -> Any:
    """Approved when a + b >= 1,200, whatever the sex; inside each planted box, approved
    when sex is the box's favoured value (1: M, 0: F); no box: a clean model."""

    def predict(rows: np.ndarray) -> np.ndarray:
        x = np.asarray(rows, dtype=np.float64)
        out = (x[:, 0] + x[:, 1] >= 1_200).astype(np.int64)
        for box, value in favoured.items():
            out = np.where(_inside(x, box), (x[:, 3] == value).astype(np.int64), out)
        return out

    return load_model(predict, outputs="labels", n_classes=2)


def _answer(model: Any, seed: int) -> dict[str, Any]:
    return answer(
        SCHEMA, model, generator(seed, 1), samples=20_000, class_names=("deny", "approve")
    )


def _against(rule: dict[str, Any], box: tuple[int, int, int, int]) -> tuple[float, float]:
    """The rule's precision and recall against ``box`` over the (a, b, c) grid, exactly."""
    cond = rule["conditions"]
    a_lo, a_hi = cond.get("a", [0, 999])
    b_lo, b_hi = cond.get("b", [0, 999])
    c_lo, c_hi = cond.get("c", [0, 99])
    assert set(cond) <= {"a", "b", "c"}, rule["rule"]
    a = max(0.0, min(a_hi, box[1]) - max(a_lo, box[0]) + 1)
    b = max(0.0, min(b_hi, box[3]) - max(b_lo, box[2]) + 1)
    c = (c_hi - c_lo + 1) / 100
    both = a * b * c
    precision = both / ((a_hi - a_lo + 1) * (b_hi - b_lo + 1) * c)
    recall = both / ((box[1] - box[0] + 1) * (box[3] - box[2] + 1))
    return precision, recall


@pytest.mark.parametrize("seed", [1, 2, 3, 4])
@pytest.mark.parametrize("favoured", [1, 0])
def test_a_small_planted_box_is_the_top_rule_with_its_direction(seed: int, favoured: int) -> None:
    got = _answer(_model({BOX: favoured}), seed)
    top = got["regions"][0]
    precision, recall = _against(top, BOX)
    assert precision >= 0.8 and recall >= 0.8, (top["rule"], precision, recall)
    # the stated share inside holds the rule's true one (every input of BOX is an IDI)
    assert top["share_inside_low"] <= precision <= top["share_inside_high"]
    want = "MF"[1 - favoured]
    inside = {d["value"][0]: d["favoured_in"] for d in top["direction"]}
    assert inside[want] == 1.0 and inside["MF"[favoured]] == 0.0
    overall = [d for d in got["direction"] if d["distribution"] == "uniform"]
    assert max(overall, key=lambda d: d["favoured_in"])["value"][0] == want
    assert "not told apart" not in favoured_text(overall, "approve", "IDIs")


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_two_boxes_favouring_opposite_values_are_both_found_each_with_its_own(seed: int) -> None:
    got = _answer(_model({BOX: 1, BOX2: 0}), seed)
    found = {}
    for r in got["regions"]:
        for box, who in ((BOX, "M"), (BOX2, "F")):
            precision, recall = _against(r, box)
            if precision >= 0.8 and recall >= 0.8:
                inside = {d["value"][0]: d["favoured_in"] for d in r["direction"]}
                found[who] = max(inside, key=lambda v: inside[v])
    assert found == {"M": "M", "F": "F"}, [r["rule"] for r in got["regions"]]
    # the attribute's direction, near even, names no value as favoured
    overall = [d for d in got["direction"] if d["distribution"] == "uniform"]
    said = favoured_text(overall, "approve", "IDIs")
    assert "not told apart" in said and "shows no value favoured overall" in said, said


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_a_clean_model_gets_no_region_and_no_direction(seed: int) -> None:
    got = _answer(_model({}), seed)
    assert got["regions"] == []
    assert all(not d["idis"] for d in got["direction"])
    assert got["verdict"][0]["share_uniform"] == 0.0


def test_a_handful_of_idis_names_no_favoured_value() -> None:
    rows = [
        {"value": "F", "favoured_in": 0.0, "favoured_low": 0.0, "favoured_high": 0.7076},
        {"value": "M", "favoured_in": 1.0, "favoured_low": 0.2924, "favoured_high": 1.0},
    ]
    said = favoured_text(rows, "approve", "3 sampled IDIs")
    assert said.startswith("the M variant gets 'approve' in 100.00 % of 3 sampled IDIs")
    assert "not told apart from the F variant's 0.00 %" in said
    # six of six is no coin: said as it is
    rows[0]["favoured_high"], rows[1]["favoured_low"] = 0.4593, 0.5407
    assert favoured_text(rows, "approve", "6 sampled IDIs") == (
        "the M variant gets 'approve' in 100.00 % of 6 sampled IDIs"
    )


def test_the_sampled_direction_carries_its_interval() -> None:
    got = _answer(_model({BOX: 1}), 1)
    rows = [d for d in got["direction"] if d["distribution"] == "uniform"]
    m = next(d for d in rows if d["value"].startswith("M"))
    n = m["idis"]
    assert n > 50 and m["favoured_count"] == n
    assert m["favoured_high"] == 1.0 and m["favoured_low"] == pytest.approx(0.025 ** (1 / n))


def test_a_rule_learned_from_few_data_rows_counts_them() -> None:
    """The uniform sample meets no IDI (a 0.04 % corner), the data rows crowd there: the
    rules are learned from them, and a rule holding fewer data rows than the answer would
    draw inside it counts each once (it read "61.20 %, 95 % CI 58.11 % to 64.33 % on 1
    held-out data rows and 1,000 data rows drawn inside it" of 5 rows, 3 of them IDIs)."""

    def predict(rows: np.ndarray) -> np.ndarray:
        x = np.asarray(rows, dtype=np.float64)
        out = (x[:, 0] + x[:, 1] >= 1_200).astype(np.int64)
        inside = (x[:, 0] < 20) & (x[:, 1] < 20) & (x[:, 2] % 3 == 0)
        return np.where(inside, (x[:, 3] == 1).astype(np.int64), out)

    rng = np.random.default_rng(0)
    n = 3_000
    ab = [rng.integers(0, 60, n), rng.integers(0, 60, n)]
    data = np.column_stack([*ab, rng.integers(0, 100, n), rng.integers(0, 2, n)])
    data = data.astype(np.float64)
    flipped = data.copy()
    flipped[:, 3] = 1 - flipped[:, 3]
    disc = predict(data) != predict(flipped)
    model = load_model(predict, outputs="labels", n_classes=2)
    got = answer(
        SCHEMA, model, generator(1, 1), data=data, samples=20_000, class_names=("deny", "approve")
    )
    assert got["regions"] and all(r["sample"] == "data" for r in got["regions"])
    from assay.fairness.regions import Rule

    counted = 0
    for r in got["regions"]:
        cond = {SCHEMA.index(k): (float(v[0]), float(v[1])) for k, v in r["conditions"].items()}
        inside = Rule(cond).contains(data)
        if inside.sum() < 1_000:  # (the answer draws 1,000 inside a rule)
            counted += 1
            truth = float(disc[inside].mean())
            assert r["rows_counted"] == int(inside.sum()) and r["drawn_inside"] == 0
            assert r["share_inside"] == r["share_inside_low"] == r["share_inside_high"] == truth
            n_idis = int((inside & disc).sum())
            assert all(d["idis"] == n_idis for d in r["direction"])
    assert counted >= 1
