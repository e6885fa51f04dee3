"""The backdoor scan's determinism check (mutation26): its size within a tenth of the query
budget, the scan's budget less what it asked, a budget too small for it said, and a model
too slow for it said as a slow model."""

from __future__ import annotations

import time
from typing import Any

import numpy as np

from assay.backdoor.steadiness import check_steadiness, probe_size, scan_budget
from assay.models import load_model


def steady(x: Any) -> np.ndarray:
    return (np.asarray(x).reshape(len(x), -1).mean(axis=1) > 0.5).astype(np.int64)


IMAGES = np.random.default_rng(0).random((12, 4, 4))


def _check(
    model: Any, max_queries: int | None, max_time: float | None = None, **load: Any
) -> dict[str, Any]:
    return check_steadiness(
        load_model(model, **{"n_classes": 2, "outputs": "labels", **load}),
        IMAGES,
        enabled=True,
        max_queries=max_queries,
        call_timeout=None,
        max_time=max_time,
    )


def test_the_check_asks_twice_within_a_tenth_of_the_budget() -> None:
    assert probe_size(12, None) == 8
    assert probe_size(3, None) == 3
    assert probe_size(12, 60) == 3  # 6 queries: a tenth of 60
    check = _check(steady, 60)
    assert (check["images"], check["queries"], check["within_budget"]) == (3, 6, True)
    assert _check(steady, None)["within_budget"] is False
    assert scan_budget(60, check) == 54
    assert scan_budget(None, check) is None
    assert scan_budget(5, {"queries": 16}) == 1


def test_a_budget_too_small_for_the_check_says_so() -> None:
    assert probe_size(12, 19) == 0
    check = _check(steady, 19)
    assert "too small" in check["off"], check
    assert scan_budget(19, check) == 19


def test_a_model_too_slow_for_the_check_is_said_slow_not_untested() -> None:
    def slow(x: Any) -> np.ndarray:
        time.sleep(0.8)
        return steady(x)

    check = _check(slow, None, max_time=0.1)
    assert "time budget" in check["skipped"] and "nothing was tested" not in check["skipped"]


def test_one_changed_probability_of_three_is_an_image_answered_otherwise() -> None:
    calls = [0]

    def swapping(x: Any) -> np.ndarray:
        calls[0] += 1
        p = np.tile([0.2, 0.3, 0.5], (len(x), 1))
        return p[:, [0, 2, 1]] if calls[0] % 2 == 0 else p  # the first class's alike

    check = _check(swapping, None, n_classes=3, outputs="proba")
    assert (check["images"], check["changed"]) == (8, 8), check
