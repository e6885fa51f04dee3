"""The compiled refinement's learned heap order (``kernel._bucket``, ``kernel._learned``,
``ensemble._LEARN``).

Each box taken from the heap is filed in a bucket (how deep zero lies in its margin's bounds,
and its mass); what its depth-first pass decided, per step, teaches the bucket's rate, and a
box put back in the heap is keyed by its mass times its bucket's rate.  Any order must be as
certain: at every stage the bounds hold the brute-force share and in the end equal it; the
heap's masses stay the boxes' masses; the rates are learned (the table fills) and shared when
the heaps are dealt anew."""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest
from test_exact49_heap_order import _stages
from test_fairness_exact_settle import _disc_rows, _flat, _model

from assay.fairness.exact import ensemble, kernel


def test_a_box_is_filed_by_the_depth_of_zero_and_its_mass() -> None:
    # zero in the middle of alpha 0's range: the last depth bucket; mass 2^-7: bucket 2
    bd, bm = kernel._bucket(2.0**-7, np.array([-1.0, 0.5]), np.array([1.0, 2.0]), 1e-9)
    assert (bd, bm) == (kernel._ND - 1, 2)
    # zero just inside an end: the first depth bucket; the whole domain: mass bucket 0
    assert kernel._bucket(1.0, np.array([-0.01, 0.5]), np.array([1.99, 2.0]), 1e-9) == (0, 0)
    # a tiny box goes to the last mass bucket, not past it
    assert kernel._bucket(1e-300, np.array([-1.0]), np.array([3.0]), 1e-9)[1] == kernel._NM - 1


def test_the_rate_starts_at_its_prior_and_follows_what_was_decided() -> None:
    learn = np.zeros((2, kernel._ND, kernel._NM))
    first, deep = kernel._learned(learn, 0, 3), kernel._learned(learn, kernel._ND - 1, 3)
    assert first > deep > 0.0  # the prior: zero deep inside ranks lower
    learn[0, kernel._ND - 1, 3], learn[1, kernel._ND - 1, 3] = 99 * 0.5, 99
    assert kernel._learned(learn, kernel._ND - 1, 3) > first  # taught otherwise
    assert kernel._learned(learn, kernel._ND - 1, 3) == pytest.approx(0.5, abs=0.01)


def _learned_stages(kind: str, learn: bool) -> list[list[float]]:
    saved = ensemble._LEARN
    ensemble._LEARN = learn
    try:
        return _stages(kind, ensemble._BETA)
    finally:
        ensemble._LEARN = saved


@pytest.mark.parametrize("kind", ["boosting", "forest"])
def test_the_learned_order_holds_the_brute_force_share(kind: str) -> None:
    if not kernel.COMPILED:
        pytest.skip("numba is not installed (the optional extra assay[exact])")
    truth = float(_disc_rows(_model(kind)).mean())
    assert 0.0 < truth < 0.5
    runs = {learn: _learned_stages(kind, learn) for learn in (False, True)}
    for learn, stages in runs.items():
        for low, high in stages:
            assert low - 1e-12 <= truth <= high + 1e-12, (learn, low, truth, high)
        assert stages[-1][0] == pytest.approx(truth, abs=1e-12)
        assert stages[-1][1] == pytest.approx(truth, abs=1e-12)


def _heap(kind: str, calls: int, learn: bool = True) -> Any:
    flat = _flat(_model(kind))
    k = ensemble._KernelArrays.of(flat)
    root = np.zeros((1, 2, flat.n_features), dtype=np.int16)
    root[0, 1] = flat.n_atoms
    mass = ensemble._mass(flat, root[:, 0].astype(np.int64), root[:, 1].astype(np.int64))
    saved = ensemble._LEARN, ensemble._CALL_STEPS, ensemble._SETTLE_PIECES
    ensemble._LEARN, ensemble._CALL_STEPS, ensemble._SETTLE_PIECES = learn, 40, 0
    try:
        heap = ensemble._Heap(flat, k, root, mass, 50, 10**6, counted=True)
        heap.run(float("inf"), 0.0, calls)
    finally:
        ensemble._LEARN, ensemble._CALL_STEPS, ensemble._SETTLE_PIECES = saved
    return flat, heap


@pytest.mark.parametrize("kind", ["boosting", "forest"])
def test_the_heap_keeps_masses_learns_and_shares_its_rates(kind: str) -> None:
    if not kernel.COMPILED:
        pytest.skip("numba is not installed (the optional extra assay[exact])")
    flat, heap = _heap(kind, 3)
    n = heap.n_heap
    assert n > 20
    box = heap.h_box[:n].astype(np.int64)
    masses = ensemble._mass(flat, box[:, 0], box[:, 1])
    np.testing.assert_allclose(heap.h_m[:n], masses, rtol=1e-12, atol=0)
    keys = heap.h_p[:n]
    parent = (np.arange(1, n) - 1) // 2
    assert np.all(keys[1:] <= keys[parent])  # a max-heap on the keys
    assert np.all(keys <= masses * (1 + 1e-12)) and np.all(keys >= 0.0)
    # every box taken taught its bucket once
    assert heap.learn[1].sum() > 0 and np.all(heap.learn[0] <= heap.learn[1] + 1e-12)
    # the order is the learned one: not the fixed order's keys
    fixed = _heap(kind, 3, learn=False)[1]
    assert not np.array_equal(fixed.h_p[: fixed.n_heap], keys)
    # dealt anew, the heaps share what was learned (the rates kept)
    dealt = ensemble._deal([heap], 2, 10**6)
    rate = heap.learn[0] / np.maximum(heap.learn[1], 1e-300)
    for h in dealt:
        np.testing.assert_allclose(h.learn[0] / np.maximum(h.learn[1], 1e-300), rate)
