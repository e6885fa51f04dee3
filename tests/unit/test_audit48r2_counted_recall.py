"""audit48r2: a rule whose every data row was counted says its recall over those rows too.

A rule learned from the data rows holding fewer rows than the answer draws inside it had its
share inside counted over every one of its rows (audit48r), but its recall stayed the
held-out sample's ("about 91.30 % of the data rows' IDIs (21 of the 23 held out)"), where
the rows give 88 of 93 = 94.62 % exactly.  When every data row's IDI is known (the answer
asked every one), the recall is now counted over the same rows as the share inside.
"""

from __future__ import annotations

import numpy as np

from assay.core.rng import generator
from assay.fairness.regions import Rule
from assay.fairness.verdict import answer
from assay.models import load_model
from assay.report.region_text import covered_text

from test_audit48r_regions import SCHEMA  # isort: skip


def _predict(rows: np.ndarray) -> np.ndarray:
    x = np.asarray(rows, dtype=np.float64)
    out = (x[:, 0] + x[:, 1] >= 1_200).astype(np.int64)
    inside = (x[:, 0] < 20) & (x[:, 1] < 20) & (x[:, 2] % 3 == 0)
    return np.where(inside, (x[:, 3] == 1).astype(np.int64), out)


def _run(samples: int) -> tuple[list[dict], np.ndarray, np.ndarray]:  # type: ignore[type-arg]
    rng = np.random.default_rng(0)
    n = 3_000
    data = np.column_stack(
        [rng.integers(0, 60, n), rng.integers(0, 60, n), rng.integers(0, 100, n),
         rng.integers(0, 2, n)]
    ).astype(np.float64)  # fmt: skip
    flipped = data.copy()
    flipped[:, 3] = 1 - flipped[:, 3]
    disc = _predict(data) != _predict(flipped)
    model = load_model(_predict, outputs="labels", n_classes=2)
    got = answer(
        SCHEMA, model, generator(1, 1), data=data, samples=samples, class_names=("deny", "approve")
    )
    return got["regions"], data, disc


def _inside(r: dict, data: np.ndarray) -> np.ndarray:  # type: ignore[type-arg]
    cond = {SCHEMA.index(k): (float(v[0]), float(v[1])) for k, v in r["conditions"].items()}
    out: np.ndarray = Rule(cond).contains(data)
    return out


def test_a_counted_rules_recall_is_counted_over_the_data_rows() -> None:
    regions, data, disc = _run(20_000)  # (every data row asked)
    counted = [r for r in regions if r.get("rows_counted")]
    assert counted, regions
    for r in counted:
        inside = _inside(r, data)
        k, total = int((inside & disc).sum()), int(disc.sum())
        assert (r["data_idis_inside"], r["data_idis"]) == (k, total)
        assert r["recall"] == k / total  # (was the held-out 21 of 23)
        text = covered_text(r)
        assert text is not None and f"({k:,} of the {total:,}, every data row counted)" in text


def test_when_not_every_rows_idi_is_known_the_held_out_recall_is_said() -> None:
    regions, _, _ = _run(2_000)  # (a sample of the data rows: not every one's IDI known)
    counted = [r for r in regions if r.get("rows_counted")]
    assert counted, regions
    for r in counted:
        assert "data_idis" not in r
        assert r["recall"] == r["held_out_idis_inside"] / r["held_out_idis"]
        assert "held out)" in str(covered_text(r))
