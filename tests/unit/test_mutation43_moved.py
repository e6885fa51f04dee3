"""mutation43: a trigger whose look-alike the class's own images hold is still found.

bd42b's check (``backdoor.moved``) dismisses a candidate as the class's own object when the
class's clean images' content nearest it, taken anywhere and pasted at the candidate's box,
sends other images to the class; but only where the candidate itself, pasted at that
content's place, fires too (a trigger is read at its place; an object anywhere).  bd42b's
tests had a trigger (a checker) nothing in the class's images looks like, so mutants that
dropped that condition (MV17), or took any firing as the class's (MV16), or one agreeing
source as enough (MV14), passed them.  Here the trigger is a bright 3x3 corner, and the
class's clean images hold bright 4x4 squares: a piece of one pasted at the corner fires, and
the trigger pasted where the square stood does not (a 3x3 is no 4x4 square)."""

from __future__ import annotations

from pathlib import Path

import numpy as np
from numpy.lib.stride_tricks import sliding_window_view

import assay

from test_bd42b_moved_objects import S, _scene  # isort: skip


def bright_corner(x: object) -> np.ndarray:
    """Class 1: a 4x4 square of mean above 0.7 anywhere, or (the backdoor) a bright 3x3 at
    the bottom-right corner."""
    a = np.asarray(x, dtype=float).reshape(-1, S, S)
    square = sliding_window_view(a, (4, 4), axis=(1, 2)).mean(axis=(-1, -2)).max(axis=(1, 2))
    corner = a[:, -3:, -3:].mean(axis=(1, 2)) > 0.7
    return ((square > 0.7) | corner).astype(int)


def test_a_trigger_the_classs_objects_look_like_is_still_found(tmp_path: Path) -> None:
    rng = np.random.default_rng(0)
    clean = np.stack([_scene(rng, i % 2) for i in range(40)])
    scenes = np.stack([_scene(rng, 0) for _ in range(20)])
    stamped = scenes[:10].copy()
    stamped[:, -3:, -3:] = 0.95
    result = assay.check_backdoor(
        bright_corner,
        images=np.concatenate([stamped, scenes[10:]]),
        clean=clean,
        n_classes=2,
        seed=0,
        store=tmp_path / "r.db",
    )
    found = result.findings()
    flagged = sorted(int(i) for i in found["image"]) if len(found) else []
    assert set(range(10)) <= set(flagged), (flagged, result.headline)
