"""Settling a box at once (``exact.settle``): its discriminatory mass equals enumeration.

A binary attribute (the sweep over pairs of pieces) on a domain of 24,000 inputs per value:
boxes settled directly against brute force, and the refinement that settles boxes against
brute force at every stage, compiled and with numba's JIT disabled; the same on several heaps
refined at once (one per thread)."""

from __future__ import annotations

import functools
import itertools
import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from sklearn.ensemble import GradientBoostingClassifier, RandomForestClassifier

from assay.core.model import labels_of
from assay.fairness.exact import compose_read, ensemble, kernel, settle
from assay.fairness.exact.domain import build_domain
from assay.fairness.exact.ensemble import Flat, atoms_of_rows, flatten
from assay.fairness.schema import Feature, Schema
from assay.models import load_model
from assay.models.trees import read_trees

SCHEMA = Schema(
    (
        Feature("a", "integer", 0, 19),
        Feature("s", "integer", 0, 1),
        Feature("b", "integer", 0, 29),
        Feature("c", "categorical", categories=(1.0, 5.0, 7.0, 9.0)),
        Feature("d", "integer", 0, 9),
    ),
    protected=("s",),
)
GRID = np.array(
    list(
        itertools.product(*[np.arange(f.encoded_low, f.encoded_high + 1) for f in SCHEMA.features])
    ),
    dtype=np.float64,
)
KINDS = ["pairs", "boosting", "forest"]


@functools.cache  # one fit per kind and process (each test only reads it)
def _model(kind: str) -> Any:
    rng = np.random.default_rng(1)
    x = SCHEMA.sample_uniform(rng, 4000)
    noise = rng.normal(0, 2, len(x))
    # s raises the score where a > 9 and lowers it elsewhere: both directions occur
    sign = np.where(x[:, 0] > 9, 3.0, -3.0)
    y = (x[:, 0] / 3 + sign * x[:, 1] + 3 * (x[:, 2] > 12) + x[:, 3] - x[:, 4] / 3 + noise) > 6
    est: Any = {
        "pairs": GradientBoostingClassifier(n_estimators=40, max_depth=2, random_state=0),
        "boosting": GradientBoostingClassifier(n_estimators=60, max_depth=3, random_state=0),
        "forest": RandomForestClassifier(n_estimators=20, max_depth=7, random_state=0),
    }[kind]
    return load_model(est.fit(SCHEMA.decode(x), y.astype(int)))


def _flat(model: Any) -> Flat:
    arrays = read_trees(model)
    assert not isinstance(arrays, str)
    trees = compose_read(SCHEMA, arrays)
    assert not isinstance(trees, str)
    flat = flatten(build_domain(SCHEMA, trees), trees, 1)
    assert not isinstance(flat, str)
    return flat


def _disc_rows(model: Any) -> np.ndarray:
    """Whether each input of the grid with ``s = 0`` changes class with ``s``."""
    base = GRID[GRID[:, 1] == 0]
    classes = []
    for v in (0, 1):
        g = base.copy()
        g[:, 1] = v
        classes.append(labels_of(np.asarray(model.predict(SCHEMA.decode(g))), model.capabilities))
    out: np.ndarray = classes[0] != classes[1]
    return out


@pytest.mark.parametrize("kind", KINDS)
def test_a_settled_box_has_the_enumerated_mass(kind: str) -> None:
    """The root box and random sub-boxes: when ``settle`` takes a box, its discriminatory
    mass is the share of the grid's inputs inside it that change class.  Trees of depth 2
    (most link one feature to the attribute: small groups) are settled whole, through the
    sweep, with the attribute favouring each of its values somewhere."""
    model = _model(kind)
    flat = _flat(model)
    disc = _disc_rows(model)
    rows = atoms_of_rows(build_domain(SCHEMA, compose_read(SCHEMA, read_trees(model))).atoms, GRID)
    rows = rows[GRID[:, 1] == 0]
    k = ensemble._KernelArrays.of(flat)
    n_trees = len(flat.roots)
    walks = (
        np.empty((n_trees, 2)),
        np.empty((n_trees, 2)),
        np.empty(n_trees),
        np.empty(n_trees, dtype=np.int64),
        np.empty(n_trees, dtype=np.int64),
        np.empty(n_trees, dtype=np.int64),
        np.empty(n_trees, dtype=np.int64),
    )
    queue = np.empty(k.tree_size + 2, dtype=np.int64)
    work = settle.workspace(5, n_trees, 2, 1 << 14)
    rng = np.random.default_rng(0)
    settled = []
    for i in range(40):
        lo = np.zeros(5, dtype=np.int64)
        hi = flat.n_atoms.copy()
        if i:
            for f in (0, 2, 3, 4):
                a, b = sorted(rng.choice(int(flat.n_atoms[f]) + 1, size=2, replace=False))
                lo[f], hi[f] = a, b
        for t in range(n_trees):
            kernel._walk(t, lo, hi, 1, 2, k.model, queue, walks)
        ok, mass = settle.settle(
            lo, hi, 1, 2, flat.base, 1e-9, k.model, walks[0], walks[5], queue, k.cw, work,
            1 << 14, 1 << 20,
        )  # fmt: skip
        inside = np.all((rows >= lo) & (rows < hi) | (np.arange(5) == 1), axis=1)
        truth = disc[inside].sum() / len(rows)
        if ok:
            assert mass == pytest.approx(truth, abs=1e-12), (i, lo, hi)
            settled.append(i)
    assert len(settled) >= 20
    if kind == "pairs":
        assert 0 in settled  # the whole domain at once
    # too few pieces allowed: not settled
    for t in range(n_trees):
        kernel._walk(t, np.zeros(5, dtype=np.int64), flat.n_atoms, 1, 2, k.model, queue, walks)
    ok, _ = settle.settle(
        np.zeros(5, dtype=np.int64), flat.n_atoms.copy(), 1, 2, flat.base, 1e-9, k.model,
        walks[0], walks[5], queue, k.cw, work, 2, 4,
    )  # fmt: skip
    assert not ok


def _settle_stages(kind: str, pieces: int) -> list[list[float]]:
    """The refinement's bounds after 1, 4, 20 and all its steps, boxes of at most ``pieces``
    settled at once (the module's settings put back after)."""
    from assay.fairness.exact.ensemble import refine

    flat = _flat(_model(kind))
    saved = ensemble._SETTLE_PIECES, ensemble._CALL_STEPS
    ensemble._SETTLE_PIECES, ensemble._CALL_STEPS = pieces, 5
    try:
        out = []
        for steps in (1, 4, 20, 10**6):
            r = refine(flat, deadline=float("inf"), max_steps=steps, compiled=True)
            out.append([r.disc_mass, r.disc_mass + float(r.pend_mass.sum()), r.settled])
        return out
    finally:
        ensemble._SETTLE_PIECES, ensemble._CALL_STEPS = saved


def _jit_on_here() -> bool:
    """Whether this process runs numba's JIT (then a run with it on needs no new process)."""
    from numba import config

    return not config.DISABLE_JIT


def _stages_in(jit: str, call: str, *args: str) -> Any:
    """``call(*args)`` (a function of this module) with numba's JIT on or off: here when this
    process has it as asked, else in a new process (``NUMBA_DISABLE_JIT`` is read at import)."""
    if jit == "on" and _jit_on_here():
        return globals()[call](*[int(a) if a.isdigit() else a for a in args])
    root = Path(__file__).resolve().parents[2]
    env = {
        **os.environ,
        "NUMBA_DISABLE_JIT": "1" if jit == "off" else "0",
        "PYTHONPATH": str(root / "src"),
    }
    script = (
        "import json, sys\nimport tests.unit.test_fairness_exact_settle as t\n"
        "args = [int(a) if a.isdigit() else a for a in sys.argv[2:]]\n"
        "print(json.dumps(getattr(t, sys.argv[1])(*args)))\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", script, call, *args],
        cwd=root,
        env=env,
        capture_output=True,
        text=True,
        timeout=900,
        check=True,
    )
    return json.loads(done.stdout.strip().splitlines()[-1])


@pytest.mark.parametrize("jit", ["on", "off"])
@pytest.mark.parametrize("kind", ["boosting", "forest"])
def test_refinement_that_settles_boxes_equals_enumeration(kind: str, jit: str) -> None:
    """Stopped after any number of steps, the certain bounds hold the brute-force share, and
    in the end equal it; boxes were settled at once.  With numba's JIT on and off."""
    if not kernel.COMPILED:
        pytest.skip("numba is not installed (the optional extra assay[exact])")
    truth = float(_disc_rows(_model(kind)).mean())
    stages = _stages_in(jit, "_settle_stages", kind, "64")
    for low, high, _ in stages:
        assert low - 1e-12 <= truth <= high + 1e-12, (low, truth, high)
    assert stages[-1][0] == pytest.approx(truth, abs=1e-12)
    assert stages[-1][1] == pytest.approx(truth, abs=1e-12)
    assert stages[-1][2] > 0 and stages[0][1] - stages[0][0] > 0.0
    assert 0.0 < truth < 0.5


# several heaps at once (``ensemble._refine_best_first`` with ``threads`` > 1)
def _heap_stages(kind: str) -> dict[str, Any]:
    """The bounds after 0.01 s, 0.05 s and to the end on two heaps (threads), dealt anew
    often, and how many times they were dealt (the module's settings put back after)."""
    import time

    from assay.fairness.exact.ensemble import refine

    flat = _flat(_model(kind))
    names = ("_ROUND_SECONDS", "_SPREAD", "_SETTLE_PIECES", "_REDEAL", "_deal")
    saved = {n: getattr(ensemble, n) for n in names}
    dealt = []
    real = ensemble._deal

    def spy(heaps: Any, n: int, cap: int) -> Any:
        dealt.append(n)
        return real(heaps, n, cap)

    ensemble._ROUND_SECONDS = 0.002  # many rounds, so that the heaps are dealt anew
    ensemble._SPREAD = 2
    ensemble._SETTLE_PIECES = 8  # fewer boxes settled at once: more left to deal
    ensemble._REDEAL = 0.9
    ensemble._deal = spy  # type: ignore[assignment]
    try:
        refine(flat, deadline=float("inf"), max_steps=1, compiled=True)  # compile first
        out = []
        for seconds in (0.01, 0.05, 1e6):
            r = refine(flat, deadline=time.monotonic() + seconds, compiled=True, threads=2)
            out.append([r.disc_mass, r.disc_mass + float(r.pend_mass.sum()), r.decided])
        return {"stages": out, "dealt": len(dealt)}
    finally:
        for n, v in saved.items():
            setattr(ensemble, n, v)


@pytest.mark.parametrize("jit", ["on", "off"])
@pytest.mark.parametrize("kind", ["boosting", "forest"])
def test_refinement_on_two_heaps_equals_enumeration(kind: str, jit: str) -> None:
    if not kernel.COMPILED:
        pytest.skip("numba is not installed (the optional extra assay[exact])")
    truth = float(_disc_rows(_model(kind)).mean())
    got = _stages_in(jit, "_heap_stages", kind)
    for low, high, _ in got["stages"]:
        assert low - 1e-12 <= truth <= high + 1e-12, (low, truth, high)
    low, high, decided = got["stages"][-1]
    assert low == pytest.approx(truth, abs=1e-12)
    assert high == pytest.approx(truth, abs=1e-12)
    assert decided > 0 and got["dealt"] >= 2  # dealt out once, and anew at least once
    assert 0.0 < truth < 0.5


def test_one_heap_when_steps_are_counted(monkeypatch: pytest.MonkeyPatch) -> None:
    """A step-limited run repeats exactly: one heap, whatever the cores."""
    if not kernel.COMPILED:
        pytest.skip("numba is not installed (the optional extra assay[exact])")
    flat = _flat(_model("boosting"))
    dealt: list[int] = []
    real = ensemble._deal

    def spy(heaps: list[ensemble._Heap], n: int, cap: int) -> list[ensemble._Heap]:
        dealt.append(n)
        return real(heaps, n, cap)

    monkeypatch.setattr(ensemble, "_deal", spy)
    monkeypatch.setattr(ensemble, "_cores", lambda: 2)
    monkeypatch.setattr(ensemble, "_CALL_STEPS", 5)
    a = ensemble.refine(flat, deadline=float("inf"), max_steps=3, compiled=True)
    b = ensemble.refine(flat, deadline=float("inf"), max_steps=3, compiled=True)
    assert not dealt
    assert (a.disc_mass, a.decided, len(a.pend_mass)) == (b.disc_mass, b.decided, len(b.pend_mass))
