"""mutation46b: mutation46's surviving mutants of the fairness answer's samples
(``fairness.verdict``): a data share said as "every row counted" only when the answer's own
draw reached every row once (not when ``--max-time`` cut it, not over the estimate's kept
rows beside a fresh permutation that may draw them again), and a region's share inside with
its 95 % interval."""

from __future__ import annotations

import time
from typing import Any

import numpy as np

from assay.core.model import Capabilities
from assay.fairness.encoded import EncodedModel
from assay.fairness.estimate import EstimateSearch, clopper_pearson
from assay.fairness.kept import KeptSamples
from assay.fairness.schema import Feature, Schema
from assay.fairness.verdict import MIN_ANSWER_SAMPLE, answer

SCHEMA = Schema(
    features=(
        Feature("age", "integer", low=0, high=9999),
        Feature("sex", "categorical", categories=("F", "M")),
    ),
    protected=("sex",),
)
ROWS = 3000
IDIS = 900  # (ages 0-2,999 whose last digit is under 3)


class Young:
    """Men whose age ends in 0, 1 or 2 get the favourable label: 900 of the 3,000 rows are
    discriminatory, whichever sex they hold."""

    capabilities = Capabilities(modality="tabular", n_classes=2, outputs="labels")

    def predict(self, x: Any, /) -> np.ndarray:
        rows = np.asarray(x)
        out: np.ndarray = ((rows[:, 0].astype(float) % 10 < 3) & (rows[:, 1] == "M")).astype(int)
        return out


class Under2000:
    """Men under 2,000 get the favourable label: a region, ``age < 2000``, to learn."""

    capabilities = Young.capabilities

    def predict(self, x: Any, /) -> np.ndarray:
        rows = np.asarray(x)
        out: np.ndarray = ((rows[:, 0].astype(float) < 2000) & (rows[:, 1] == "M")).astype(int)
        return out


def _data() -> np.ndarray:
    out: np.ndarray = SCHEMA.encode(np.array([[i, "F"] for i in range(ROWS)], dtype=object))
    return out


def _answer(**kw: Any) -> dict[str, Any]:
    return answer(
        SCHEMA,
        EncodedModel(SCHEMA, Young()),
        np.random.default_rng(4),
        data=_data(),
        samples=5000,
        regions=False,
        **kw,
    )


def test_an_answer_cut_by_its_deadline_does_not_say_every_row_counted() -> None:
    """VE6: the data draw asks each of the 3,000 rows once (5,000 samples), but a deadline
    already passed cuts it at its first 500: a sample of the rows, its interval kept, not
    "every row counted" (which the mutant said: 11.2 % "counted" of 500 rows)."""
    got = _answer(deadline=time.monotonic())
    (v,) = got["verdict"]
    assert v["data_sampled"] == MIN_ANSWER_SAMPLE < ROWS
    assert v["data_counted"] is False
    assert (v["data_low"], v["data_high"]) == clopper_pearson(v["data_discriminatory"], 500)
    assert v["data_low"] < v["share_data"] < v["data_high"]
    assert any("data rows of 3,000" in c for c in got["analysis"]["cut_by_time"])
    data = [d for d in got["direction"] if d["distribution"] == "data"]
    assert data and not any(d.get("exact") for d in data)
    # uncut, the same answer counts every row
    (whole,) = _answer()["verdict"]
    assert whole["data_counted"] is True and whole["data_sampled"] == ROWS
    assert whole["data_discriminatory"] == IDIS


def test_a_count_of_every_row_does_not_reuse_the_estimates_kept_rows() -> None:
    """VE5: the estimate kept the first 500 data rows it drew; the answer counting every row
    draws its own permutation of all 3,000 (each once), not those 500 and 2,500 more that
    may be the same rows again (the mutant: about 400 rows twice, as many never asked)."""
    keep = KeptSamples(5000)
    search = EstimateSearch(
        SCHEMA,
        EncodedModel(SCHEMA, Young()),
        np.random.default_rng(3),
        distributions=("data",),
        data=_data(),
        first_batch=500,
        keep=keep,
    )
    search.step()
    assert keep.count("data") == 500 and keep.count("uniform") == 0
    got = _answer(kept=keep)
    (v,) = got["verdict"]
    assert v["data_counted"] is True and v["data_sampled"] == ROWS
    assert v["data_discriminatory"] == IDIS and v["share_data"] == IDIS / ROWS
    assert got["analysis"]["reused_from_estimate"] == 0


def test_a_regions_share_inside_has_its_95_percent_interval() -> None:
    """VE12: a rule's share inside, over the held-out rows it holds and the fresh inputs
    drawn inside it, with Clopper-Pearson's 95 % interval (the mutant's was 50 %)."""
    got = answer(
        SCHEMA,
        EncodedModel(SCHEMA, Under2000()),
        np.random.default_rng(5),
        samples=4000,
        regions=True,
    )
    checked = [r for r in got["regions"] if r.get("drawn_inside")]
    assert checked, got["regions"]
    for r in checked:
        m = r["drawn_inside"] + r["held_out_rows_inside"]
        k = round(r["share_inside"] * m)
        assert (r["share_inside_low"], r["share_inside_high"]) == clopper_pearson(k, m)
        assert r["share_inside_high"] - r["share_inside_low"] > 0
