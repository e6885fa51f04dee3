"""audit46b: `assay backdoor`'s figures against independent counts and their stated error rates.

STRIP's threshold is said "set at 1% false positives": that is the rate on average over the
clean sets it could be set on (``k / (n + 1)``); the one threshold a run sets flags a
Beta(k, n + 1 - k) share of new clean images, so its own rate is said with its 95 % bound.
The checks after STRIP's second opinion (common-pattern, class-map, source-class) judge a
count against 8 controls by a Student t bound: 8 controls that all gave the same made its
spread nil and its odds 0 ("odds 0 for clean images").  The bench's targets were met on
point estimates of a few dozen images, their intervals unsaid."""

from __future__ import annotations

import math
import sys
from pathlib import Path
from typing import Any

import numpy as np
import pytest

import assay
from assay.backdoor.class_map import map_words
from assay.backdoor.common_pattern import beyond_controls
from assay.backdoor.strip import strip_rank, strip_rate

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "bench"))

W = np.random.default_rng(5).normal(size=(64, 4))
BOUND_KEY = "false-positive rate of the threshold, 95 % upper bound (this threshold's own)"


def _predict(x: np.ndarray) -> np.ndarray:
    z = np.asarray(x, dtype=np.float64).reshape(len(x), -1) @ W
    z = 0.5 * (z - z.max(axis=1, keepdims=True))
    p = np.exp(z)
    out: np.ndarray = p / p.sum(axis=1, keepdims=True)
    return out


def _strip(tmp_path: Path, n_clean: int, fpr: float) -> Any:
    rng = np.random.default_rng(2)
    return assay.check_backdoor(
        _predict,
        images=rng.random((30, 8, 8)),
        clean=rng.random((n_clean, 8, 8)),
        strategy="strip",
        fpr=fpr,
        n_classes=4,
        seed=0,
        store=tmp_path / "runs.db",
    )


def _beta_95(k: int, n: int) -> float:
    """The 95 % point of Beta(k, n + 1 - k), by my own bisection over the binomial sum
    P(Beta <= u) = P(Binomial(n, u) >= k) (not assay's code)."""
    lo, hi = 0.0, 1.0
    for _ in range(80):
        u = (lo + hi) / 2
        tail = sum(math.comb(n, i) * u**i * (1 - u) ** (n - i) for i in range(k, n + 1))
        lo, hi = (u, hi) if tail < 0.95 else (lo, u)
    return hi


def test_a_threshold_on_few_clean_images_says_its_own_rate_bound(tmp_path: Path) -> None:
    """Before: "set on 10 clean images: about 9% false positives, NOT the 1% asked (the lowest
    rate 10 can set; ...)": on fresh clean digits such a threshold flagged over 18 % in one run
    in five; its own rate is under 25.9 % at 95 % (1 - 0.05^(1/10))."""
    r = _strip(tmp_path, 20, 0.01)
    assert "about 9% false positives, NOT the 1% asked" in r.headline, r.headline
    assert "this threshold's own rate under 25.9% at 95% confidence" in r.headline, r.headline
    m = r.summary["metrics"]
    assert m["false-positive rate of the threshold"] == pytest.approx(1 / 11, abs=1e-4)
    assert m[BOUND_KEY] == pytest.approx(1 - 0.05 ** (1 / 10), abs=1e-4)


def test_a_threshold_at_fpr_says_it_is_the_average_and_its_bound(tmp_path: Path) -> None:
    """Before: "set at 5% false positives on 100 clean images", as if this threshold's."""
    r = _strip(tmp_path, 200, 0.05)
    k = strip_rank(100, 0.05)
    assert k == 5
    said = f"{_beta_95(k, 100):.1%}"
    assert said == "8.9%"
    assert (
        "set at 5% false positives on 100 clean images (on average over clean sets; this "
        f"threshold's own rate under {said} at 95% confidence)"
    ) in r.headline, r.headline
    assert r.summary["metrics"][BOUND_KEY] == pytest.approx(_beta_95(k, 100), abs=1e-4)


@pytest.mark.parametrize(("n", "fpr"), [(10, 0.01), (50, 0.05), (100, 0.01)])
def test_the_bound_holds_one_threshold_in_twenty_over_it(n: int, fpr: float) -> None:
    """Entropies of clean images drawn uniform: a threshold ``T``'s own false-positive rate
    is ``T`` itself.  The average rate is ``strip_rate`` (hostile19c); a given threshold
    exceeds twice it often (8-37 % of draws here), and the bound 5 % of the time."""
    from assay.backdoor.strip import strip_bound, strip_threshold

    rng = np.random.default_rng(1)
    own = np.asarray([strip_threshold(rng.random(n), fpr) for _ in range(20_000)])
    assert own.mean() == pytest.approx(strip_rate(n, fpr), rel=0.03)
    assert np.mean(own > 2 * strip_rate(n, fpr)) > 0.08  # (why the average alone flatters)
    assert np.mean(own > strip_bound(n, fpr)) == pytest.approx(0.05, abs=0.005)
    assert strip_bound(n, fpr) == pytest.approx(_beta_95(strip_rank(n, fpr), n), abs=1e-9)


def test_controls_that_all_gave_the_same_do_not_give_odds_zero() -> None:
    """bd45's all-to-all fake: 24 of 24 moved against 8 controls of 0 read "odds 0 for clean
    images"; now the spread is at least a count's on the 24 images: tiny, never 0."""
    import test_bd45_families as bd45

    record = bd45._run(True, 0)
    row = record["window"]
    assert record["given"] and row["controls"] == [0] * 8, row
    assert 0.0 < row["odds"] < 1e-6, row
    words = map_words(record)
    assert "odds 0 for" not in words and "t bound 2e-09)" in words, words
    assert not bd45._run(False, 0)["given"]


def test_the_controls_bound_holds_its_level_on_an_exchangeable_null() -> None:
    """A pattern from the same null as its 8 controls (9 exchangeable counts of images moved,
    rarely any: Poisson 0.05 on 30 images): the odds stated fall under 1 % at most 1 % of the
    time.  Before, 8 controls of 0 and a count of 1 gave odds 0: 3.6 % of draws."""
    rng = np.random.default_rng(0)
    draws = rng.poisson(0.05, size=(40_000, 9))
    odds = np.asarray([beyond_controls(int(d[0]), d[1:].tolist(), 30) for d in draws])
    assert np.mean(odds < 0.01) <= 0.01


def test_the_bench_says_a_target_met_on_few_images_with_its_interval() -> None:
    """0 of 60 clean images flagged read "met  clean flagged <= 1 %  0.0 % (clean)"; its
    95 % interval reaches 6.0 %: said so."""
    import backdoor as bench

    assert bench.counted(0, 60, 1.0, False) == (
        "0 of 60, 95 % CI 0.0-6.0 %: the interval does not clear the target"
    )
    assert bench.counted(600, 600, 98.0, True) == "600 of 600, 95 % CI 99.4-100.0 %"
    assert bench.counted(0, 0, 1.0, False) == "none counted"


def test_a_model_scan_counts_the_determinism_check_in_its_queries(tmp_path: Path) -> None:
    """Before: "39,816 queries" (headline and metric) of a digits model scan whose model was
    asked 39,834 images: the determinism check's 16 left out (and loading's probe's 2, said
    apart: "after loading the model")."""
    asked = [0]

    def counted(x: np.ndarray) -> np.ndarray:
        asked[0] += len(x)
        return _predict(x)

    r = assay.check_backdoor(
        counted,
        clean=np.random.default_rng(3).random((80, 8, 8)),
        n_classes=4,
        seed=0,
        max_trigger=2,
        store=tmp_path / "runs.db",
    )
    m = r.summary["metrics"]
    check = m["queries asked by the determinism check"]
    assert check > 0 and "classes scanned" in m, m
    assert m["queries"] == asked[0] - 2, (m, asked)  # (loading's probe: its first two images)
    assert f"; {m['queries']:,} queries" in r.headline, r.headline


def test_a_clean_digits_model_is_not_flagged_by_the_source_class_check(tmp_path: Path) -> None:
    """A clean digits MLP (seed 2), 150 of its held-out digits scanned against 200 others:
    7 of the 15 scanned '7's that a refill of one window turns to '3' share the stroke that
    tells a '7' from a '3'; pasted on clean '3's it sent 15 of 18 to '7' against random '7's'
    at most 2: "NOT CLEAN by the source-class check ... odds 5e-06 for clean images", exit 1
    (1 of 8 clean seeds).  Its controls are now picked by the group's own rule: the 3 clean
    '7's a refill turns to '3' send 17."""
    from assay.backdoor.demo import trojaned_digits

    d = trojaned_digits(seed=2, clean=True)
    x = d.clean_images * 16
    p = np.random.default_rng(2).permutation(len(x))
    r = assay.check_backdoor(
        d.model,
        images=x[p[:150]],
        clean=x[p[150:350]],
        seed=2,
        value_range="0,16",
        store=tmp_path / "runs.db",
    )
    assert r.n_findings == 0 and r.passed, r.headline
    assert "the source-class check (" in r.headline, r.headline
    groups = r.summary["second_opinion"]["source"]["groups"]
    # (3 groups by the class a refill turned them to; scan50's scattered ones beside them)
    assert len([g for g in groups if not g.get("wide")]) == 3, groups
    group = next(g for g in groups if (g["class"], g["source"]) == (7, 3))
    # (since bd46 the stroke is skipped before any query: 3 clean '7's hold it, the class's
    # own; asked, its controls picked by the rule send more than the group)
    if "sent" in group:
        assert group["alike"] == 3, group
        assert max(group["alike_controls"]) >= group["sent"] > max(group["controls"]), group
    else:
        assert group["own"] >= 3, group
