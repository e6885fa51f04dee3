"""The natural-feature check's sources (``inputscan._natural``): with ``NATURAL_BY_CONTENT``
(on), the class's image whose content in the box is nearest to the candidate's is asked in
turn with those drawn nearest outside it (mutation39: no test read the switch; the case it
guards, a clean 28x28 '9''s loop, is a bench figure, bd38)."""

from __future__ import annotations

import numpy as np

from assay.backdoor.inputscan import _natural

BOX = (2, 2, 2, 2)
LABEL = 7


def _with(outside: float, inside: float) -> np.ndarray:
    x = np.full((8, 8, 1), outside)
    x[2:4, 2:4, 0] = inside
    return x


def _model(x: np.ndarray) -> np.ndarray:
    """LABEL when the box is bright, else 0."""
    return np.where(np.asarray(x)[:, 2:4, 2:4, 0].mean(axis=(1, 2)) > 0.5, LABEL, 0)


def test_the_source_carrying_the_feature_in_the_box_is_asked() -> None:
    """Two sources of three: the two drawn nearest outside the box hold background in it
    (pasted, they send nothing to LABEL); the third, drawn otherwise, holds the candidate's
    bright feature there (0.85 against 1.0: no copy) and sends every image there: the box
    is the class's own feature (True).  Read outside alone, it is never asked (False)."""
    image = _with(0.3, 1.0)
    pool = np.stack([_with(0.3, 0.0), _with(0.35, 0.0), _with(0.9, 0.85)])
    chosen = np.zeros((6, 8, 8, 1))
    natural = _natural(BOX, LABEL, 1.0, _model, pool, np.full(3, LABEL), chosen, n_sources=2,
                       margin=0.5, need=1, image=image)  # fmt: skip
    assert natural is True
