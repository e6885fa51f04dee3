"""scan51's class-map gates at exactly a third: a window moving exactly a third of its fresh
bases is given (``class_map``: ``score * MOVED_OF >= fresh``), and a replayed flag holds when
its pattern still moves exactly a third of the clean images it is pasted on
(``replay._class_map``, the check's own gate, not half as before scan51) (mutation52)."""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest
from test_mutation46_class_map import _check, _own, _shifted

import assay.backdoor.replay as replay
from assay.backdoor.class_map import MOVED_OF, PER_CLASS


@pytest.mark.parametrize(("moved", "given"), [(4, False), (5, True)])
def test_a_window_moving_exactly_a_third_of_its_fresh_bases_is_given(
    moved: int, given: bool
) -> None:
    calls = [0]

    def fresh_moved(x: np.ndarray) -> np.ndarray:
        calls[0] += 1
        if calls[0] == 1:  # (the screen: every class moved)
            return _shifted(x)
        out = _own(x)
        if calls[0] == 2:  # (the fresh bases: the first ``moved`` of them; controls none)
            out[:moved] = (out[:moved] + 1) % 5
        return out

    r = _check(fresh_moved)
    row = r["windows"][0]
    assert (row["score"], row["fresh"], max(row["controls"])) == (moved, 15, 0)
    assert moved * MOVED_OF >= row["fresh"] or not given
    assert r["given"] is given, r


class _Replayer:
    def __init__(self, moved: int) -> None:
        rng = np.random.default_rng(0)
        self.own = np.repeat(np.arange(5), 4)
        self.clean = rng.uniform(0.0, 0.3, (len(self.own), 6, 6, 1))
        self.moved = moved

    def clean_labels(self) -> np.ndarray:
        return self.own

    def labels(self, x: np.ndarray) -> np.ndarray:
        assert len(x) == 5 * PER_CLASS
        out = np.repeat(np.arange(5), PER_CLASS)
        out[: self.moved] = (out[: self.moved] + 1) % 5
        return out


@pytest.mark.parametrize(("moved", "holds"), [(4, False), (5, True), (8, True)])
def test_a_replayed_flag_holds_at_a_third_of_the_clean_images_moved(
    monkeypatch: Any, moved: int, holds: bool
) -> None:
    pattern = np.full((2, 2, 1), 1.0)
    monkeypatch.setattr(replay, "window_pattern", lambda images, batch: (pattern, (3, 3, 2, 2)))
    got = replay._class_map(np.zeros((2, 6, 6, 1)), None, _Replayer(moved))  # type: ignore[arg-type]
    assert got == [holds, holds]
