"""The compiled refinement's heap order (``kernel._priority``, ``ensemble._BETA``).

An undecided box whose margin's bounds hold zero deep inside yields its place in the heap to
boxes a few cuts may decide.  Any order must be as certain: at every stage the bounds hold the
brute-force share and in the end equal it, whatever ``_BETA``; the heap's masses stay the
boxes' masses (its keys are a second array), and the keys really differ from the masses (else
these tests would test the old order only)."""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest
from test_fairness_exact_settle import _disc_rows, _flat, _model, _settle_stages

from assay.fairness.exact import ensemble, kernel


def test_a_box_deep_undecided_yields_its_place() -> None:
    lows, highs = np.array([-1.0, 0.5]), np.array([1.0, 2.0])  # zero in the middle of alpha 0
    assert kernel._priority(2.0, lows, highs, 1e-9, 0.0) == 2.0  # the mass alone
    assert kernel._priority(2.0, lows, highs, 1e-9, 0.9) == pytest.approx(0.2)
    # zero near an end of the range: yields little; both alphas decided: not at all
    near = kernel._priority(2.0, np.array([-0.1, 0.5]), np.array([1.9, 2.0]), 1e-9, 0.9)
    assert near == pytest.approx(2.0 * (1 - 0.9 * 0.1))
    assert kernel._priority(2.0, np.array([0.1, 0.5]), np.array([1.0, 2.0]), 1e-9, 0.9) == 2.0
    # the widest straddle of the alphas counts
    both = kernel._priority(1.0, np.array([-1.0, -3.0]), np.array([3.0, 1.0]), 1e-9, 0.5)
    assert both == pytest.approx(1.0 - 0.5 * 0.5)


def _stages(kind: str, beta: float) -> list[list[float]]:
    """``_settle_stages``'s bounds (after 1, 4, 20 and all calls of 5 boxes), with ``_BETA`` =
    ``beta``."""
    saved = ensemble._BETA
    ensemble._BETA = beta
    try:
        return [stage[:2] for stage in _settle_stages(kind, 64)]
    finally:
        ensemble._BETA = saved


@pytest.mark.parametrize("kind", ["boosting", "forest"])
def test_any_heap_order_holds_the_brute_force_share(kind: str) -> None:
    if not kernel.COMPILED:
        pytest.skip("numba is not installed (the optional extra assay[exact])")
    truth = float(_disc_rows(_model(kind)).mean())
    assert 0.0 < truth < 0.5
    runs = {beta: _stages(kind, beta) for beta in (0.0, 0.9, 0.999)}
    for beta, stages in runs.items():
        for low, high in stages:
            assert low - 1e-12 <= truth <= high + 1e-12, (beta, low, truth, high)
        assert stages[-1][0] == pytest.approx(truth, abs=1e-12)
        assert stages[-1][1] == pytest.approx(truth, abs=1e-12)
    # the order changed what was decided first
    assert runs[0.0][:3] != runs[0.999][:3]


def _heap(kind: str, beta: float, calls: int) -> Any:
    flat = _flat(_model(kind))
    k = ensemble._KernelArrays.of(flat)
    root = np.zeros((1, 2, flat.n_features), dtype=np.int16)
    root[0, 1] = flat.n_atoms
    mass = ensemble._mass(flat, root[:, 0].astype(np.int64), root[:, 1].astype(np.int64))
    saved = ensemble._BETA, ensemble._CALL_STEPS, ensemble._SETTLE_PIECES
    # no box settled at once: the small models' boxes are, and the heap would empty
    ensemble._BETA, ensemble._CALL_STEPS, ensemble._SETTLE_PIECES = beta, 40, 0
    try:
        heap = ensemble._Heap(flat, k, root, mass, 50, 10**6, counted=True)
        heap.run(float("inf"), 0.0, calls)
    finally:
        ensemble._BETA, ensemble._CALL_STEPS, ensemble._SETTLE_PIECES = saved
    return flat, heap


@pytest.mark.parametrize("kind", ["boosting", "forest"])
def test_the_heap_keeps_masses_and_orders_on_its_keys(kind: str) -> None:
    if not kernel.COMPILED:
        pytest.skip("numba is not installed (the optional extra assay[exact])")
    flat, heap = _heap(kind, 0.9, 3)
    n = heap.n_heap
    assert n > 20
    box = heap.h_box[:n].astype(np.int64)
    masses = ensemble._mass(flat, box[:, 0], box[:, 1])
    np.testing.assert_allclose(heap.h_m[:n], masses, rtol=1e-12, atol=0)
    keys = heap.h_p[:n]
    assert np.all(keys <= masses * (1 + 1e-12)) and np.all(keys >= 0.1 * masses * (1 - 1e-12))
    assert np.any(keys < 0.99 * masses)  # some boxes yielded their place
    parent = (np.arange(1, n) - 1) // 2
    assert np.all(keys[1:] <= keys[parent])  # a max-heap on the keys
    # with no yielding, the keys are the masses
    flat, heap = _heap(kind, 0.0, 3)
    np.testing.assert_array_equal(heap.h_p[: heap.n_heap], heap.h_m[: heap.n_heap])
