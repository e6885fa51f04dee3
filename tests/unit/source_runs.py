"""The source-class check (``backdoor.source_class``) as the scan asks it, in the tests of its
fake scenes: the model's queries counted, every scanned image unconfirmed, the check's own
generator from ``seed + 1``."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np

from assay.backdoor.source_class import source_class

Model = Callable[[np.ndarray], np.ndarray]
Windows = dict[int, list[tuple[tuple[int, int, int, int], int]]]


def counted(model: Model) -> tuple[Model, list[int]]:
    """``model`` counting the inputs it is asked (in the list's one item)."""
    asked = [0]

    def counting(x: np.ndarray) -> np.ndarray:
        asked[0] += len(x)
        out: np.ndarray = model(x)
        return out

    return counting, asked


def asked_source_class(
    model: Model, scanned: np.ndarray, windows: Windows, clean: np.ndarray, seed: int
) -> tuple[dict[str, Any], int]:
    """The check's record for ``scanned`` (each unconfirmed; ``windows``: where the patch
    scan's refill moved each, and to which class) against ``clean``, and the queries it
    asked."""
    counting, asked = counted(model)
    record = source_class(
        scanned,
        model(scanned),
        list(range(len(scanned))),
        windows,
        clean,
        model(clean),
        counting,
        np.random.default_rng(seed + 1),
        lambda: asked[0],
    )
    return record, asked[0]


def bounded_record(**row: Any) -> dict[str, Any]:
    """A check's record whose first of six groups the clean images of its source class
    bounded (scan51's 28x28 clean twin's: 14 '3's sending 10 of the 10 clean '9's counted,
    every control 4, odds 0.003 against the line 0.002), ``row`` changed or added to it."""
    first: dict[str, Any] = {
        "box": [0, 7, 20, 20],
        "class": 3,
        "source": 9,
        "images": 14,
        "fresh": 10,
        "sent": 10,
        "controls": [4] * 8,
        "odds": 0.003,
        **row,
    }
    others: list[dict[str, Any]] = [{"box": [8, 7, 20, 20], "class": 3, "images": 3}] * 5
    return {"given": False, "groups": [first, *others], "flagged": [], "queries": 550}
