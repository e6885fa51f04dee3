"""Where the exact analysis probes between an encoder's codes (``fairness.exact.compose``,
left44m's midpoints), at the edges mutation45 found no test at: a continuous feature whose
codes are one apart (the midpoint is no integer), a wide integer feature whose codes are
three apart (the midpoint is no integer, the probe must be), a feature no encoder reads."""

from __future__ import annotations

from types import SimpleNamespace

import numpy as np

from assay.fairness.exact.compose import PROBED_BETWEEN, probe_points


def _feature(kind: str, lo: float, hi: float) -> SimpleNamespace:
    return SimpleNamespace(kind=kind, encoded_low=lo, known_high=hi)


def test_a_continuous_features_codes_one_apart_are_probed_between() -> None:
    # codes 0, 1, ..., 32: the 33 evenly spaced points are all codes; the encoder's unknown
    # value is answered only between them, at 0.5, 1.5, ...
    points = probe_points(_feature("continuous", 0, 32), None, np.arange(33.0))
    off = np.unique(points[points != np.round(points)])
    assert off.tolist() == [k + 0.5 for k in range(32)], off


def test_a_wide_integer_features_midpoints_are_integers() -> None:
    # codes 0, 3, ..., 96: between each two, an integer (1, not 1.5)
    points = probe_points(_feature("wide", 0, 96), None, np.arange(0.0, 97.0, 3.0))
    assert np.all(points == np.round(points)), points
    assert set(range(1, 96, 3)) <= set(points.astype(int).tolist())


def test_a_feature_no_encoder_reads_is_probed_at_its_points_and_data_alone() -> None:
    column = np.array([2.25, 7.5])
    points = probe_points(_feature("continuous", 0, 32), column, None)
    assert len(points) == PROBED_BETWEEN + len(column), points
