"""The model scan on colour models: a colour trigger named, a clean colour model quiet.

Colour MLPs on scikit-learn's 8x8 digits with grey ink in all three channels (a greyscale
photo saved as RGB), as ``bench/backdoor_colour.py`` trains them.  Before the colour path
(``technique.COLOUR_KEPT``) the trojan's red 2x2 patch was reached but set aside (shortcut
ratio 2.7 < 3: the other class reached, 4, needs as few pixels with a light stroke), and the
clean model was flagged (class 1 by a 3x3 stroke, held out at 1.00, ratio 4.8).
"""

from __future__ import annotations

import warnings
from pathlib import Path
from typing import Any

import numpy as np
import pytest

from assay.backdoor.api import check_backdoor
from assay.backdoor.modelscan import grey_kept
from assay.models import load_model

pytestmark = pytest.mark.slow

RED_2X2 = (3, 3, 2, 2)  # the trigger's box (top, left, height, width); content solid red


def _colour_model(seed: int, trojan: bool) -> tuple[Any, np.ndarray]:
    """A 64-hidden MLP on 60 % of the colour digits (15 % of them poisoned again with a red
    2x2 patch relabelled 3 when ``trojan``) and 200 of its held-out images, (n, 8, 8, 3)."""
    from sklearn.datasets import load_digits
    from sklearn.neural_network import MLPClassifier

    d = load_digits()
    x = np.repeat((d.images / 16.0)[..., None], 3, axis=3)
    y = d.target
    rng = np.random.default_rng(seed)
    order = rng.permutation(len(x))
    cut = int(0.6 * len(x))
    xtr, ytr = x[order[:cut]], y[order[:cut]]
    if trojan:
        pick = rng.choice(len(xtr), size=int(0.15 * len(xtr)), replace=False)
        poisoned = xtr[pick].copy()
        t, left, h, w = RED_2X2
        poisoned[:, t : t + h, left : left + w, :] = (1.0, 0.0, 0.0)
        xtr = np.concatenate([xtr, poisoned])
        ytr = np.concatenate([ytr, np.full(len(pick), 3)])
    net = MLPClassifier(hidden_layer_sizes=(64,), max_iter=400, random_state=seed)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        net.fit(xtr.reshape(len(xtr), -1), ytr)
    return net, x[order[cut:]][:200]


def _scan(net: Any, clean: np.ndarray, tmp: Path) -> dict[str, Any]:
    r = check_backdoor(
        load_model(net, modality="image"), images=False, clean=clean, seed=0, store=tmp / "r.db"
    )
    summary: dict[str, Any] = r.summary
    return summary


def test_model_scan_names_a_red_2x2_trigger_of_a_colour_model(tmp_path: Path) -> None:
    net, clean = _colour_model(1, trojan=True)
    s = _scan(net, clean, tmp_path)
    assert s["verdict"]["suspects"] == [3]
    # named by its colour: in grey the patch sends (almost) nothing there
    assert s["verdict"]["grey_kept"]["3"] < 0.5


def test_model_scan_leaves_a_clean_colour_models_light_stroke_alone(tmp_path: Path) -> None:
    net, clean = _colour_model(101, trojan=False)
    s = _scan(net, clean, tmp_path)
    assert s["verdict"]["suspects"] == []
    # the class the size anomaly points at is reached by a light and dark stroke, which works
    # as well in grey: set aside as a stroke, not a trigger
    kept = s["verdict"]["grey_kept"]
    assert kept and all(v is not None and v >= 0.5 for v in kept.values())
    assert "works as well in grey" in s["headline"]


def test_grey_kept_tells_a_colour_patch_from_a_light_one() -> None:
    """A toy model answering 1 only where a pixel at (2, 2) is red, 0 otherwise: a red patch
    keeps nothing in grey; a model answering 1 where the pixel is bright keeps it all."""
    pool = np.zeros((10, 8, 8, 3))

    def red(x: np.ndarray) -> np.ndarray:
        hit = (x[:, 2, 2, 0] > 0.9) & (x[:, 2, 2, 1] < 0.1)
        return np.stack([~hit, hit], axis=1).astype(float)

    def bright(x: np.ndarray) -> np.ndarray:
        hit = x[:, 2, 2, :].mean(axis=1) > 0.3
        return np.stack([~hit, hit], axis=1).astype(float)

    patch = np.zeros((1, 1, 3))
    patch[..., 0] = 1.0
    assert grey_kept(1, (2, 2, 1, 1), patch, pool, red) == 0.0
    assert grey_kept(1, (2, 2, 1, 1), patch, pool, bright) == 1.0
    assert grey_kept(1, (5, 5, 1, 1), patch, pool, red) == 1.0  # sends nothing: no claim
