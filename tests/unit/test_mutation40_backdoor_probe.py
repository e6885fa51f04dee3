"""mutation40: the backdoor scan's determinism check (``backdoor.steadiness``) on a model
bound to its batch, each of its parts apart.

hostile39b's test ran one whole scan and read the summary's probe and warnings: the check's
budget for two rounds only (the third cut: "could not be made"), the halves by position, float
noise taken for the batch, the section without the warning and the terminal's line without
the count passed it."""

from __future__ import annotations

from typing import Any

import numpy as np

from assay.backdoor.steadiness import check_line, record_steadiness, steadiness
from assay.models import load_model

IMAGES = np.random.default_rng(0).random((8, 4, 4))


class _Store:
    def __init__(self) -> None:
        self.summary: dict[str, Any] = {"headline": "h"}

    def get_run(self, run_id: str) -> Any:
        return type("R", (), {"summary": self.summary})()

    def checkpoint(self, run_id: str, *, summary: dict[str, Any]) -> None:
        self.summary = summary


def _model(answer: Any) -> Any:
    return load_model(answer, n_classes=2, outputs="proba")


def _by_batch(x: Any) -> np.ndarray:
    m = np.asarray(x, dtype=float).reshape(len(x), -1).mean(axis=1)
    p = 1 / (1 + np.exp(-20 * (m - m.mean())))
    return np.column_stack([1 - p, p])


def test_a_batch_bound_model_is_asked_three_times_within_the_check_s_own_budget() -> None:
    check = steadiness(_model(_by_batch), IMAGES, call_timeout=None, max_time=None)
    assert "skipped" not in check, check
    assert check["changed"] == 0 and check["batch_changed"] > 0
    assert check["queries"] == 24 and check["calls"] == 4


def test_the_second_round_asks_the_brightest_images_first() -> None:
    asked: list[np.ndarray] = []

    def steady(x: Any) -> np.ndarray:
        x = np.asarray(x, dtype=float)
        asked.append(x.reshape(len(x), -1).mean(axis=1))
        p = (x.reshape(len(x), -1).mean(axis=1) > 0.5).astype(float)
        return np.column_stack([1 - p, p])

    check = steadiness(_model(steady), IMAGES, call_timeout=None, max_time=None)
    assert check["calls"] == 3 and check["batch_changed"] == 0
    _, upper, lower = asked
    assert min(upper) >= max(lower) and list(upper) == sorted(upper, reverse=True)


def test_float_noise_between_batches_is_not_the_batch() -> None:
    def noisy(x: Any) -> np.ndarray:
        x = np.asarray(x, dtype=float)
        p = 0.3 + 0.4 * (x.reshape(len(x), -1).mean(axis=1) > 0.5) + (5e-6 if len(x) < 8 else 0)
        return np.column_stack([1 - p, p])

    check = steadiness(_model(noisy), IMAGES, call_timeout=None, max_time=None)
    assert check["calls"] == 4  # (answers moved: the first batch asked again, alike)
    assert check["changed"] == 0 and check["batch_changed"] == 0


def test_the_warning_is_in_the_section_the_warnings_and_the_terminal_s_line() -> None:
    store = _Store()
    check = {"images": 8, "changed": 0, "batch_changed": 3, "queries": 24, "calls": 4}
    record_steadiness(store, "r", check)  # type: ignore[arg-type]
    (section,) = [s for s in store.summary["sections"] if s["title"] == "Determinism"]
    assert "The model's answer to an image depends on the batch it comes in" in section["text"]
    assert any("depends on the batch it comes in" in w for w in store.summary["warnings"])
    line = check_line(store.summary)
    assert line is not None and "0 answered otherwise, 3 only in other batches" in line
