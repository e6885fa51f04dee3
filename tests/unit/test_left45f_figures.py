"""left45f: audit45f's Left list of a fairness run's figures.

- "seconds to first 100 IDIs" counted from the search's start (0.073 s of a run that spent
  3.28 s loading), and "IDIs per 1,000 queries" divided by the search's 14,000 queries of a
  run that asked 38,662, both unlabelled: now the run's figures (from its start, per every
  query asked of the model) lead, the search phase's own beside them, labelled.
- A share over data that asked each of its rows once still printed a Wilson interval and
  "3,000 sampled": it is those rows' exact count, said as such ("194 of 3,000: every row
  counted"), its interval that figure alone, in every output.
- The "95 %" interval held a share 89.4 % of the time at worst for 7 inputs and ~92.7 % in
  the middle of the range for any n: assay states Clopper-Pearson's, which holds it at least
  95 % of the time for every share and every n.
"""

from __future__ import annotations

import math
import xml.etree.ElementTree as ET
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pytest

import assay
from assay.core.store import RunStore
from assay.fairness import time_spent
from assay.fairness.estimate import Estimate, clopper_pearson
from assay.fairness.rates import (
    RUN_FIRST_100,
    RUN_FIRST_100_AT_LEAST,
    RUN_PER_1000,
    RUN_RATE,
    SEARCH_FIRST_100,
    SEARCH_PER_1000,
    SEARCH_RATE,
    run_rates,
)
from assay.report import build_document, render_html, render_junit
from assay.report.verdict_text import share_text


def _near_a_thousand(x: pd.DataFrame) -> np.ndarray:
    """Approves M where 900 <= a + b < 1000 and everyone from 1,000 up."""
    s = x["a"].to_numpy(float) + x["b"].to_numpy(float)
    m = x["sex"].astype(str).to_numpy() == "M"
    return ((s >= 1000) | (m & (s >= 900))).astype(int)


def _frame(n: int, seed: int) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    return pd.DataFrame(
        {
            "a": rng.integers(0, 1000, n),
            "b": rng.integers(0, 1000, n),
            "sex": rng.choice(["F", "M"], n),
        }
    )


# -- 1, 2: the run's figures, the search's beside them ---------------------------------------


def test_the_audits_run_reads_its_first_100_and_its_rate_per_query_as_the_runs() -> None:
    """audit45f's ``m2`` run: 0.073 s to the first 100 IDIs, counted from a search that began
    3.28 s in; 6,865 IDIs over the search's 14,000 queries, of 38,662 asked."""
    summary: dict[str, Any] = {
        "search": {"idis": 6865, "queries": 14_000, "seconds_to_first_100": 0.073},
        "model_queries": {"search": 14_000, "total": 38_662},
        "search_began_seconds": 3.28,
        "metrics": {
            "IDIs found": 6865,
            SEARCH_PER_1000: 490.4,
            "IDIs per second": 8519,
            SEARCH_FIRST_100: 0.073,
            "queries": 20_000,
        },
    }
    metrics = run_rates(summary, 4.80)
    assert metrics[RUN_FIRST_100] == 3.353  # (main: "seconds to first 100 IDIs" 0.073)
    assert metrics[RUN_PER_1000] == 177.6  # (main: "IDIs per 1,000 queries" 490.4)
    assert metrics[RUN_RATE] == 1430
    assert metrics[SEARCH_FIRST_100] == 0.073 and metrics[SEARCH_PER_1000] == 490.4
    assert metrics[SEARCH_RATE] == 8519 and "IDIs per second" not in metrics
    keys = list(metrics)  # (each run's figure just before the search's own)
    assert keys.index(RUN_PER_1000) + 1 == keys.index(SEARCH_PER_1000)
    assert keys.index(RUN_FIRST_100) + 1 == keys.index(SEARCH_FIRST_100)
    # a resumed run recounts them (no second copy, no search rate lost)
    again = run_rates({**summary, "metrics": metrics}, 6.0)
    assert again[RUN_RATE] == 1144 and again[SEARCH_RATE] == 8519
    assert list(again) == keys
    # a run killed in its first search kept no start: its loading counts before it, at least
    lost = {**summary, "seconds_by_phase": {"loading": 3.0}}
    del lost["search_began_seconds"]
    # (said "at least" since left45r: ``RUN_FIRST_100_AT_LEAST``)
    assert run_rates(lost, 4.8)[RUN_FIRST_100_AT_LEAST] == 3.073


def test_the_search_begins_after_the_phases_before_it(monkeypatch: pytest.MonkeyPatch) -> None:
    """The run's seconds when its search began: loading, the checks and (under --max-time) the
    answer before it; kept by a later session, not counted anew."""
    now = [100.0]
    monkeypatch.setattr(time_spent.time, "monotonic", lambda: now[0])
    spent = time_spent.TimeSpent(100.0)
    for phase, seconds in (("loading", 3.25), ("checks", 0.5), ("answer", 1.0), ("search", 2)):
        now[0] += seconds
        spent.mark(phase)
    assert spent.search_began == 4.75
    assert spent._said({})["search_began_seconds"] == 4.75
    later = time_spent.TimeSpent(200.0, earlier=dict(spent.seconds), search_began=4.75)
    now[0] = 210.0
    later.mark("search")
    assert later.search_began == 4.75


def test_a_runs_figures_count_from_its_start_and_every_query(tmp_path: Path) -> None:
    """Through ``check_fairness``: the run's first 100 IDIs after its loading, its IDIs per
    1,000 of every query asked (the answer's and the checks' with the search's); no figure
    is left unlabelled, in the JSON summary and the HTML report alike."""
    result = assay.check_fairness(
        _near_a_thousand,
        _frame(600, 3),
        protected="sex",
        seed=1,
        store=tmp_path / "s.db",
        max_queries=4000,
    )
    summary = result.summary
    metrics = summary["metrics"]
    assert "seconds to first 100 IDIs" not in metrics
    assert "IDIs per 1,000 queries" not in metrics
    search = summary["search"]
    began = summary["search_began_seconds"]
    assert began >= summary["seconds_by_phase"]["loading"]
    assert metrics[RUN_FIRST_100] == pytest.approx(began + search["seconds_to_first_100"], abs=2e-3)
    assert metrics[RUN_FIRST_100] > metrics[SEARCH_FIRST_100]
    total = summary["model_queries"]["total"]
    assert total > search["queries"]  # (the answer's samples, the checks)
    assert metrics[RUN_PER_1000] == round(1000 * search["idis"] / total, 1)
    assert metrics[SEARCH_PER_1000] == round(1000 * search["idis"] / search["queries"], 1)
    store = RunStore(tmp_path / "s.db")
    html = render_html(build_document(store, result.run_id))
    store.close()
    for key in (RUN_FIRST_100, SEARCH_FIRST_100, RUN_PER_1000, SEARCH_PER_1000):
        assert key.replace("'", "&#39;") in html or key in html, key


# -- 3: a data share that counted every row -----------------------------------------------


def test_a_share_over_every_row_is_said_as_a_count_in_every_output(tmp_path: Path) -> None:
    """400 rows, no more than the answer's sample: each asked once.  Its share is said as the
    rows' count ("k of 400: every row counted"), with no interval and no "400 sampled", in
    the terminal's line, the API's, the HTML verdict and the JUnit case of a rule on it."""
    frame = _frame(400, 5)
    s = frame["a"] + frame["b"]
    idis = int(((s >= 900) & (s < 1000)).sum())
    result = assay.check_fairness(
        _near_a_thousand,
        frame,
        protected="sex",
        seed=1,
        store=tmp_path / "s.db",
        max_queries=2000,
        answer_samples=5000,
        fail_on="share_data>0.5",
    )
    row = result.summary["verdict"][0]
    assert row["data_counted"] is True and row["data_discriminatory"] == idis
    assert row["data_low"] == row["data_high"] == row["share_data"] == idis / 400
    assert not row["undecided"]
    counted = f"of the data rows ({idis:,} of 400: every row counted)"
    line = share_text(row)
    assert counted in line and "400 sampled" not in line
    assert line.count("95 % CI") == 1  # (the input space's, a sample's, alone)
    assert counted in result._repr_html_()  # (the API's answer, as a notebook shows it)
    data = [d for d in result.summary["direction"] if d["distribution"] == "data"]
    assert data and all(d.get("exact") for d in data)
    store = RunStore(tmp_path / "s.db")
    doc = build_document(store, result.run_id)
    store.close()
    assert f"every row counted ({idis:,} of 400)" in render_html(doc)
    cases = ET.fromstring(render_junit(doc)).iter("testcase")
    said = [ET.tostring(c, encoding="unicode") for c in cases if "share of" in c.get("name", "")]
    assert said and all(f"{idis:,} of 400: every row counted" in t for t in said)


def test_a_share_over_a_sample_of_the_rows_keeps_its_interval(tmp_path: Path) -> None:
    """More rows than the answer samples: drawn, not counted; its interval and "sampled"
    stay (the clean case of the test above)."""
    result = assay.check_fairness(
        _near_a_thousand,
        _frame(1500, 6),
        protected="sex",
        seed=1,
        store=tmp_path / "s.db",
        max_queries=2000,
        answer_samples=1000,
    )
    row = result.summary["verdict"][0]
    assert not row["data_counted"]
    assert row["data_low"] < row["share_data"] < row["data_high"]
    assert "every row counted" not in share_text(row)
    assert f"{row['data_sampled']:,} sampled)" in share_text(row)


# -- 4: the interval holds the share at least 95 % of the time -------------------------------


def _coverage(share: float, n: int, stated: list[Estimate]) -> float:
    """The probability that the interval assay states for k of n (``stated[k]``) holds
    ``share`` (exact binomial sum)."""
    held = 0.0
    for k, e in enumerate(stated):
        if e.low <= share <= e.high:
            held += math.comb(n, k) * share**k * (1 - share) ** (n - k)
    return held


@pytest.mark.parametrize("n", [3, 7, 10, 20, 100])
def test_the_stated_interval_holds_every_share_at_least_95_percent_of_the_time(n: int) -> None:
    """Every share of a fine grid and just inside each interval's ends (where coverage
    drops): Wilson's held 0.894 at n = 7 (share 0.359), ~0.927 from n = 20 on."""
    ends = [b for k in range(n + 1) for b in clopper_pearson(k, n) if 0 < b < 1]
    shares = [i / 2000 for i in range(1, 2000)]
    shares += [b * (1 + 1e-9) for b in ends] + [b * (1 - 1e-9) for b in ends]
    stated = [Estimate.of("uniform", k, n) for k in range(n + 1)]
    worst = min(_coverage(p, n, stated) for p in shares if 0 < p < 1)
    assert worst >= 0.95 - 1e-9, worst


def test_the_interval_is_clopper_pearsons() -> None:
    """Against the beta distribution's quantiles (scipy's, in the tests alone)."""
    from scipy.stats import beta

    for n in (1, 7, 100, 10_000, 2_000_000):
        for k in sorted({k for k in (0, 1, 3, n // 3, n - 1, n) if 0 <= k <= n}):
            low, high = clopper_pearson(k, n)
            want_low = 0.0 if k == 0 else beta.ppf(0.025, k, n - k + 1)
            want_high = 1.0 if k == n else beta.ppf(0.975, k + 1, n - k)
            assert low == pytest.approx(want_low, rel=1e-7, abs=1e-300), (k, n)
            assert high == pytest.approx(want_high, rel=1e-7), (k, n)
    low90, high90 = clopper_pearson(30, 100, 0.90)
    low99, high99 = clopper_pearson(30, 100, 0.99)
    assert low99 < low90 < 0.3 < high90 < high99
