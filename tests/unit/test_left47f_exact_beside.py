"""left47f: a share counted exactly is never said beside a sample's interval as if the two
were one figure.

Before, ``assay demo``'s headline said "estimated share 5.87 % (95 % CI 5.39 % to 6.38 %,
data)" and its answer "6.19 % of the data rows (exact)": nothing said which stands, and one
sample's 95 % interval in 20 misses the exact share (a share outside its interval, read side
by side).  Its retraining's note said the 'before' share, every data row counted, "differs
from the run's estimate because it comes from another random sample; the two intervals
overlap": a count is no sample and has no interval.  Now the headline says, of each estimate
the answer has an exact figure for, where the exact share falls (the interval is the
sample's), and the note says the count is the figure."""

from __future__ import annotations

from typing import Any

import pytest

from assay.core.display import estimate_text
from assay.fairness.estimate import Estimate
from assay.fairness.exact_beside import ESTIMATES_TITLE, exact_figure, relate_estimates
from assay.fairness.retrain import _before_versus_headline


def _estimate(distribution: str, k: int, n: int) -> dict[str, Any]:
    return Estimate.of(distribution, k, n).to_json()


def _row(**extra: Any) -> dict[str, Any]:
    row = {
        "attribute": "sex", "basis": "exact", "share_uniform": 0.0019651817,
        "uniform_low": 0.0015, "uniform_high": 0.0021, "share_data": 0.0619167661758,
        "data_low": 0.0548, "data_high": 0.0613, "data_counted": False,
        "exact_uniform_low": 0.0019651817, "exact_uniform_high": 0.0019651817,
        "exact_data_low": 0.0619167661758, "exact_data_high": 0.0619167661758,
    }  # fmt: skip
    return {**row, **extra}


def _summary(estimates: list[dict[str, Any]], rows: list[dict[str, Any]]) -> dict[str, Any]:
    head = "1,893,538 discriminatory inputs found for sex in 4,585,978 queries"
    headline = "; ".join([head, *(estimate_text(e) for e in estimates)]) + "; in all, ..."
    section = {"title": ESTIMATES_TITLE, "text": "Inputs sampled at random."}
    return {"headline": headline, "estimates": estimates, "verdict": rows, "sections": [section]}


def test_a_sample_interval_missing_the_exact_share_says_the_exact_share_stands() -> None:
    data = _estimate("data", 493, 8929)  # 5.52 % (5.06 % to 6.02 %): misses 6.19 %
    assert data["high"] < 0.0619
    uniform = _estimate("uniform", 368, 192812)  # 0.19 % (0.17 % to 0.21 %): holds 0.20 %
    summary = _summary([uniform, data], [_row()])
    relate_estimates(summary)
    headline = summary["headline"]
    # main: "estimated share 5.52 % (95 % CI 5.06 % to 6.02 %, data)" and nothing more
    assert (
        "estimated share 5.52 % (95 % CI 5.06 % to 6.02 %, data; of a sample: counted over "
        "every data row by reading the trees, the answer's exact share is 6.19 %, outside this "
        "interval, as one sample's 95 % interval in 20 may be: the exact share stands)"
    ) in headline
    assert (
        "(95 % CI 0.17 % to 0.21 %, uniform; of a sample: read exactly from the trees, the "
        "answer's exact share is 0.20 %, inside this interval)"
    ) in headline
    assert headline.endswith("; in all, ...")
    assert "the exact share is the figure" in summary["sections"][0]["text"]
    again = dict(summary)
    relate_estimates(again)  # (said once: a later checkpoint's answer adds nothing twice)
    assert again["headline"] == headline


def test_no_relation_is_said_without_an_exact_share_or_of_several_attributes() -> None:
    data = _estimate("data", 493, 8929)
    for rows in (
        [_row(basis="sampled", exact_data_low=None, exact_data_high=None)],  # a sample's
        [_row(basis="bounded", exact_data_low=0.05, exact_data_high=0.07)],  # a range
        [_row(), _row(attribute="race")],  # the estimate is of both together
    ):
        summary = _summary([data], rows)
        before = summary["headline"]
        relate_estimates(summary)
        assert summary["headline"] == before
        assert summary["sections"][0]["text"] == "Inputs sampled at random."


def test_a_counted_data_share_is_exact_and_a_bounded_one_is_not() -> None:
    counted = _row(basis="sampled", data_counted=True, exact_data_low=None)
    assert exact_figure(counted, "data") == (0.0619167661758, "counted over every data row")
    assert exact_figure(_row(basis="bounded", exact_data_low=0.05), "data") is None
    assert exact_figure(_row(basis="bounded"), "uniform") is None


@pytest.mark.parametrize("k", [493, 553])  # the run's sample: misses 6.19 %, or holds it
def test_the_retrainings_counted_before_share_is_the_figure(k: int) -> None:
    before = Estimate.of("data", 2800, 45222, counted=True)
    run = _estimate("data", k, 8929)
    said = _before_versus_headline([run], before)
    # main: "... because it comes from another random sample; the two intervals overlap."
    assert "another random sample" not in said and "intervals overlap" not in said
    counts = "(6.19 % (2,800 of 45,222: every row counted)) counts every data row: it is the"
    assert f"{counts} figure" in said and "a random sample of 8,929 rows" in said
    inside = run["low"] <= before.share <= run["high"]
    assert inside == (k == 553)
    assert ("its 95 % interval holds the count." in said) == inside
    assert ("misses the count, as one such interval in 20 may: the count stands." in said) != (
        inside
    )
