"""Does the fairness answer find planted regions, name who is favoured in each, and do its
stated shares inside hold the truth?  Models over a, b (0-999), c (0-99) and sex, whose
outcome is a + b >= 1,200 except inside planted boxes (each 0.5 % of the space) where it
is the sex (one value favoured per box); ``noisy``: one box of 9 % in which only c % 3 == 0
discriminates (the truth inside a rule is then between 0 and 1).  Every figure is checked
against the truth counted exactly over the grid, over many seeds, through
``fairness.verdict.answer`` (the answer's own code, its sample of 20,000 inputs).

    python bench/regions_planted.py --seeds 30
    python bench/regions_planted.py --models noisy --seeds 80

Run it with ``PYTHONPATH`` on a checkout before and after to compare (audit48r in
bench/RESULTS.md).
"""

from __future__ import annotations

import argparse
from typing import Any

import numpy as np

from assay.core.rng import generator
from assay.fairness.schema import Feature, Schema
from assay.fairness.verdict import answer
from assay.models import load_model

SCHEMA = Schema(
    (
        Feature("a", "integer", 0, 999),
        Feature("b", "integer", 0, 999),
        Feature("c", "integer", 0, 99),
        Feature("sex", "integer", 0, 1, value_labels=("F", "M")),
    ),
    protected=("sex",),
)
Box = tuple[int, int, int, int]
BOX: Box = (400, 499, 600, 649)
BOX2: Box = (100, 199, 800, 849)
WIDE: Box = (300, 599, 200, 499)
MODELS: dict[str, dict[Box, int]] = {
    "planted_m": {BOX: 1},
    "planted_f": {BOX: 0},
    "opposite": {BOX: 1, BOX2: 0},
    "clean": {},
    "noisy": {WIDE: 1},
}


def _model(name: str) -> Any:
    boxes = MODELS[name]

    def predict(rows: np.ndarray) -> np.ndarray:
        x = np.asarray(rows, dtype=np.float64)
        out = (x[:, 0] + x[:, 1] >= 1_200).astype(np.int64)
        for (a0, a1, b0, b1), value in boxes.items():
            inside = (x[:, 0] >= a0) & (x[:, 0] <= a1) & (x[:, 1] >= b0) & (x[:, 1] <= b1)
            if name == "noisy":
                inside &= x[:, 2] % 3 == 0
            out = np.where(inside, (x[:, 3] == value).astype(np.int64), out)
        return out

    return load_model(predict, outputs="labels", n_classes=2)


def _truth(name: str, cond: dict[str, list[float]], box: Box) -> tuple[float, float, float]:
    """The rule's mass of IDIs of ``box``, its volume (both over a x b x c, exactly), and
    the box's own IDI mass."""
    a = cond.get("a", [0, 999])
    b = cond.get("b", [0, 999])
    c = np.arange(int(cond.get("c", [0, 99])[0]), int(cond.get("c", [0, 99])[1]) + 1)
    na = max(0.0, min(a[1], box[1]) - max(a[0], box[0]) + 1)
    nb = max(0.0, min(b[1], box[3]) - max(b[0], box[2]) + 1)
    hit = (c % 3 == 0) if name == "noisy" else np.ones(len(c), dtype=bool)
    mass = na * nb * hit.sum()
    volume = (a[1] - a[0] + 1) * (b[1] - b[0] + 1) * len(c)
    own = (box[1] - box[0] + 1) * (box[3] - box[2] + 1) * (34 if name == "noisy" else 100)
    return mass, volume, own


def run(name: str, seeds: range) -> dict[str, int]:
    model = _model(name)
    boxes = MODELS[name]
    out = {"runs": 0, "top_p_r_08": 0, "every_box_found": 0, "rules": 0, "covered": 0}
    out |= {"direction_right": 0, "direction_named": 0, "regions_on_clean": 0}
    for seed in seeds:
        got = answer(
            SCHEMA, model, generator(seed, 1), samples=20_000, class_names=("deny", "approve")
        )
        out["runs"] += 1
        regions = got["regions"]
        found = set()
        for r in regions:
            mass = sum(_truth(name, r["conditions"], box)[0] for box in boxes)
            volume = _truth(name, r["conditions"], BOX)[1]
            out["rules"] += 1
            out["covered"] += bool(r["share_inside_low"] <= mass / volume <= r["share_inside_high"])
            for box, value in boxes.items():
                m, v, own = _truth(name, r["conditions"], box)
                # who the rule says is favoured inside it (none said before audit48r)
                said = r.get("direction") or [{"value": "", "favoured_in": 0}]
                favoured = str(max(said, key=lambda d: d["favoured_in"] or 0)["value"])
                if m / v >= 0.8 * (0.34 if name == "noisy" else 1) and m / own >= 0.8:
                    found.add(box)
                    if r is regions[0]:
                        out["top_p_r_08"] += 1
                    out["direction_right"] += favoured.startswith("FM"[value])
        out["every_box_found"] += bool(boxes) and found == set(boxes)
        out["regions_on_clean"] += not boxes and bool(regions)
        sampled = [d for d in got["direction"] if d["distribution"] == "uniform" and d["idis"]]
        out["direction_named"] += bool(sampled)
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--models", default="planted_m,planted_f,opposite,clean")
    parser.add_argument("--seeds", type=int, default=30)
    args = parser.parse_args()
    for name in args.models.split(","):
        print(name, run(name, range(1, args.seeds + 1)))


if __name__ == "__main__":
    main()
