"""left45r: left45f's Left list — the text and backdoor rates over the whole run, and a
fairness headline's estimate over data it could count.

- ``assay text``'s "errors per 1,000 queries" divided by the search's queries alone (575 of a
  run whose classifiers were asked 625: its determinism checks and loading left out): now
  per every query the run asked, the search's own beside it, labelled.
- ``assay backdoor``'s "queries per image (mean)" was each image's own scan's, unlabelled
  (21.6 where the run asked 55.9 per image), and its "queries in all" left out the
  determinism check's: the run's figures per image now, the scans' own labelled.
"""

from __future__ import annotations

import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pytest

import assay
from assay.backdoor.run_rates import IN_ALL, RUN_QUERIES, RUN_SECONDS, SCAN_QUERIES
from assay.core.store import RunStore
from assay.report import build_document, render_html, render_junit
from assay.text.summary import RUN_PER_1000, RUN_RATE, SEARCH_PER_1000, SEARCH_RATE

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "integration"))

GRAMMAR = (
    's -> subj "was" q "."\n'
    'subj -> "the food" | "the pasta" | "the service" | "the wine" | "our table"\n'
    'q -> "good" | "great" | "bad" | "fine" | "okay" | "very" q\n'
)


class _Asked:
    """A classifier that writes how many sentences each call asked (in a file: the search
    may ask it in a worker process)."""

    def __init__(self, log: Path, answer: Any) -> None:
        self.log, self.answer = log, answer
        self.classes_ = ["neg", "pos"]

    def __call__(self, batch: Sequence[str]) -> list[str]:
        with self.log.open("a") as f:
            f.write(f"{len(batch)}\n")
        return [self.answer(s) for s in batch]


def _neg(s: str) -> str:
    return "neg" if "great" in s or "bad" in s else "pos"


def _pos(s: str) -> str:
    return "pos"


def test_text_errors_per_1000_queries_count_every_query_the_classifiers_were_asked(
    tmp_path: Path,
) -> None:
    log = tmp_path / "asked.log"
    panel = [_Asked(log, _neg), _Asked(tmp_path / "other.log", _pos)]
    r = assay.check_text(
        panel, names=["neg", "pos"], grammar=GRAMMAR, max_queries=2000, seed=1,
        store=tmp_path / "r.db",
    )  # fmt: skip
    asked = sum(int(x) for x in log.read_text().split())  # (mine: 625, the search's 575)
    m = r.summary["metrics"]
    errors = m["errors found (distinct failing sentences)"]
    assert errors > 0 and asked > r.progress["queries"]
    assert r.summary["model_queries"]["total"] == asked
    # main: "errors per 1,000 queries" 400.0 = 230 / 575 (the search's alone)
    assert m[RUN_PER_1000] == pytest.approx(1000 * errors / asked, abs=1e-6), m
    assert m[SEARCH_PER_1000] == pytest.approx(1000 * errors / r.progress["queries"], abs=1e-6)
    assert m[RUN_PER_1000] < m[SEARCH_PER_1000]
    # per wall-clock second from the run's start; the search's own beside it, labelled
    assert m[RUN_RATE] == pytest.approx(errors / m["wall-clock seconds"], rel=2e-3)
    assert m[SEARCH_RATE] is not None and m[SEARCH_RATE] >= m[RUN_RATE]
    html = render_html(build_document(RunStore(r.store), r.run_id))
    said = f'{RUN_PER_1000}</td><td class="num">{m[RUN_PER_1000]:,.1f}'.replace(".0<", "<")
    assert SEARCH_PER_1000 in html and said.removesuffix(".0") in html, said


def test_backdoor_per_image_figures_are_the_runs_and_the_scans_own_are_labelled(
    tmp_path: Path,
) -> None:
    from bd31_setups import poisoned_sets

    model, scan, clean = poisoned_sets(0, 20, slice(0, 6), 0, clean_model=False)
    counted = [0]

    def answer(x: np.ndarray) -> np.ndarray:
        x = np.asarray(x)
        counted[0] += len(x)
        return model.predict_proba(x.reshape(len(x), -1))

    r = assay.check_backdoor(
        answer, images=scan, clean=clean, value_range="0,16", seed=0, store=tmp_path / "r.db"
    )
    m = r.summary["metrics"]
    own = sum(int(row["queries"]) for row in r.summary["rows"])
    check = m["queries asked by the determinism check"]
    assert check > 0
    # every query after loading (the first-answer check's, a couple of images, left out)
    in_all = r.progress["queries"] + check
    assert 0 <= counted[0] - in_all <= 4
    assert m[IN_ALL] == in_all  # (main: the scan's alone, the check's 16 left out)
    assert f"; {in_all:,} queries in all, {own:,} of them by the images' own scans" in r.headline
    assert m[SCAN_QUERIES] == round(own / 20, 2)
    assert "queries per image (mean)" not in m  # (main: the scans' own, unlabelled)
    assert m[RUN_QUERIES] == round(in_all / 20, 2)
    assert m[RUN_SECONDS] == pytest.approx(m["wall-clock seconds"] / 20, rel=2e-3)
    assert m[RUN_SECONDS] > m["seconds per image of its own scan only (mean)"]


# -- 2: the headline's estimate over data it could count --------------------------------------


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


def test_the_headlines_estimate_over_data_it_could_count_counts_each_row_once(
    tmp_path: Path,
) -> None:
    """400 rows and a budget that samples more: main drew them with replacement (about 63 %
    of the rows met, some several times) and gave a sample's interval; now each row once,
    the share their count, said so in the headline, the API and the reports."""
    frame = _frame(400, 5)
    s = frame["a"] + frame["b"]
    idis = int(((s >= 900) & (s < 1000)).sum())
    result = assay.check_fairness(
        _near_a_thousand, frame, protected="sex", seed=1, store=tmp_path / "s.db",
        max_queries=6000, estimate="data",
    )  # fmt: skip
    (e,) = [e for e in result.summary["estimates"] if e["distribution"] == "data"]
    assert (e["discriminatory"], e["sampled"]) == (idis, 400), e  # (main: 1,000s of draws)
    assert e["counted"] is True and e["low"] == e["high"] == e["share"] == idis / 400
    said = f"({idis:,} of 400: every row counted, data)"
    assert said in result.headline and "CI" not in result.headline.split(said)[0][-40:]
    assert "every row counted" in e["text"] and "CI" not in e["text"]
    assert any(f"{idis:,} of 400: every row counted" in t for t in result._estimates_text())
    table = result.tables()["estimates"]
    row = table[table["distribution"] == "data"].iloc[0]
    assert bool(row["counted"]) and row["low"] == row["high"]
    store = RunStore(tmp_path / "s.db")
    doc = build_document(store, result.run_id)
    store.close()
    assert said in render_html(doc)
    assert said in render_junit(doc).replace("&#x27;", "'")


def test_an_estimate_over_more_rows_than_it_samples_keeps_its_interval(tmp_path: Path) -> None:
    frame = _frame(3000, 5)
    result = assay.check_fairness(
        _near_a_thousand, frame, protected="sex", seed=1, store=tmp_path / "s.db",
        max_queries=1500, estimate="data",
    )  # fmt: skip
    (e,) = [e for e in result.summary["estimates"] if e["distribution"] == "data"]
    assert e["sampled"] < 3000 and not e.get("counted")
    assert e["low"] < e["share"] < e["high"]
    assert "95 % CI" in result.headline and "every row counted" not in result.headline


# -- 3: a resumed run's first 100 IDIs, whichever session found them ---------------------------


def test_a_search_keeps_when_it_began_at_once_for_the_session_that_resumes_it(
    tmp_path: Path,
) -> None:
    """The first session's search began 4 s in (loading 3 s, checks 1 s) and was killed in
    it: main kept nothing (its figure counted the loading alone, 3.073 s, unlabelled as a
    lower bound); now the run's budget holds each session's search start at once."""
    import time

    from assay.core.store import new_run_id
    from assay.fairness.finish import session_clock
    from assay.fairness.time_spent import SEARCHES, TimeSpent

    store = RunStore(tmp_path / "r.db")
    run_id = new_run_id("fairness")
    store.create_run(
        run_id=run_id, technique="fairness", seed=1, command="t", config={"budget": {}},
        model={}, versions={},
    )  # fmt: skip
    now = time.monotonic()
    first = TimeSpent(now, earlier={"loading": 3.0, "checks": 1.0})
    first.begin_search(store, run_id)  # (then killed: nothing else recorded)
    budget = store.get_run(run_id).config["budget"]
    assert budget["search_began_seconds"] == pytest.approx(4.0, abs=0.05)
    (kept,) = budget[SEARCHES]
    assert kept[0] == pytest.approx(4.0, abs=0.05) and kept[1] == 0.0
    # the resume reads it (its summary, a killed search's checkpoint, has none)
    record = store.get_run(run_id)
    again = session_clock(record, time.monotonic(), store)
    assert again.search_began == pytest.approx(4.0, abs=0.05)
    again.seconds = {"loading": 5.0, "checks": 1.0, "search": 2.5}  # (its own loading: 2 s)
    again.begin_search(store, run_id, engine=2.5)
    starts = store.get_run(run_id).config["budget"][SEARCHES]
    assert len(starts) == 2 and starts[1][1] == 2.5 and starts[1][0] >= 8.5
    store.close()


def test_the_runs_first_100_counts_from_the_search_that_found_the_100th() -> None:
    from assay.fairness.rates import RUN_FIRST_100, RUN_FIRST_100_AT_LEAST, first_100, run_rates

    searches = [[4.0, 0.0], [10.0, 2.5]]  # (session 2 began its search 10 s in, 2.5 s searched)
    assert first_100(0.073, 3.0, searches) == (4.073, False)  # (found in the first session)
    assert first_100(3.0, 3.0, searches) == (10.5, False)  # (in the second: its own loading)
    assert first_100(3.0, 3.0, None) == (6.0, True)  # (no starts kept: a lower bound)
    summary: dict[str, Any] = {
        "search": {"idis": 500, "queries": 1000, "seconds_to_first_100": 3.0},
        "model_queries": {"total": 2000},
        "seconds_by_phase": {"loading": 3.0},
        "sessions": 2,
        "metrics": {"IDIs found": 500},
    }
    # main: "seconds to first 100 IDIs (wall clock from the run's start)": 6.0, said as exact
    lost = run_rates(summary, 20.0)
    assert lost[RUN_FIRST_100_AT_LEAST] == 6.0 and RUN_FIRST_100 not in lost
    kept = run_rates({**summary, "search_sessions": searches}, 20.0)
    assert kept[RUN_FIRST_100] == 10.5 and RUN_FIRST_100_AT_LEAST not in kept
