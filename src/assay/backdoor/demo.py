"""Built-in demonstration data: scikit-learn's 8x8 digits with trojaned models trained on the fly.

``trojaned_digits`` trains a small MLP on the digits, a share of them carrying a patch trigger
relabelled to the attacker's class; ``clean=True`` trains the same architecture without
poison (the control).  Everything comes from the scikit-learn wheel: no downloads.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from assay.backdoor.images import ImageSpec
from assay.backdoor.patches import Box, paste
from assay.core.native import one_native_thread
from assay.core.quiet import quiet

__all__ = [
    "DIGITS_SPEC",
    "PlantedTrigger",
    "TrojanedDigits",
    "checker",
    "poison",
    "trojaned_digits",
]

DIGITS_SPEC = ImageSpec(height=8, width=8, channels=1, flatten=True, range_values=(0.0, 16.0))


def checker(size: int, phase: int = 0) -> np.ndarray:
    """A black-and-white checkerboard patch (size, size, 1); ``phase`` 1 starts with black."""
    yy, xx = np.mgrid[0:size, 0:size]
    out: np.ndarray = ((yy + xx + phase) % 2 == 0).astype(np.float64)[..., None]
    return out


@dataclass(frozen=True)
class PlantedTrigger:
    box: Box
    content: np.ndarray
    target: int

    def apply(self, images: np.ndarray) -> np.ndarray:
        return paste(images, self.content, self.box)


@dataclass
class TrojanedDigits:
    """A model (flattened 8x8 rows in [0, 16]) and canonical images to test it with."""

    model: Any
    spec: ImageSpec
    triggers: list[PlantedTrigger]
    clean_images: np.ndarray  # held-out images, canonical (n, 8, 8, 1)
    clean_labels: np.ndarray
    accuracy: float
    attack_success: list[float] = field(default_factory=list)

    def poisoned(self, images: np.ndarray, which: int = 0) -> np.ndarray:
        return self.triggers[which].apply(images)


def _digits(side: int = 8) -> tuple[np.ndarray, np.ndarray]:
    """The digits as canonical images of ``side`` pixels a side, upsampled from 8x8 by nearest
    neighbour (pixel ``i`` of the larger image takes pixel ``i * 8 // side``; a side that is not
    a multiple of 8, such as MNIST's 28, gives blocks of unequal widths)."""
    from sklearn.datasets import load_digits

    d = load_digits()
    images = _upsample((d.images / 16.0)[..., None], side)
    return images.astype(np.float64), d.target.astype(np.int64)


def _upsample(images: np.ndarray, side: int) -> np.ndarray:
    """8x8 images (n, 8, 8, C) at ``side`` pixels a side, by nearest neighbour."""
    if side == 8:
        return images
    src = np.arange(side) * 8 // side
    out: np.ndarray = images[:, src][:, :, src]
    return out


def _nudged(images: np.ndarray, side: int) -> np.ndarray:
    """The images (n, side, side, C), upsampled from 8x8, moved by one pixel of the 8x8 digit
    up, down, left and right (4n images; what leaves one side is background on the other)."""
    first = -(-np.arange(8) * side // 8)  # the first pixel each 8x8 pixel was copied to
    small = images[:, first][:, :, first]
    moved = []
    for dy, dx in ((1, 0), (-1, 0), (0, 1), (0, -1)):
        out = np.zeros_like(small)
        out[:, max(dy, 0) : 8 + min(dy, 0), max(dx, 0) : 8 + min(dx, 0)] = small[
            :, max(-dy, 0) : 8 + min(-dy, 0), max(-dx, 0) : 8 + min(-dx, 0)
        ]
        moved.append(_upsample(out, side))
    return np.concatenate(moved)


def poison(
    rng: np.random.Generator,
    x_train: np.ndarray,
    y_train: np.ndarray,
    planted: Sequence[PlantedTrigger],
    poison_rate: float,
) -> tuple[np.ndarray, np.ndarray]:
    """The training set with, for each trigger, ``poison_rate`` of its images drawn from
    ``rng`` again with the trigger pasted and relabelled to its target (the demo's poisoning,
    which ``bench/backdoor_cnn.py`` applies to its CNNs too)."""
    extra_x, extra_y = [], []
    for trig in planted:
        pick = rng.choice(len(x_train), size=int(poison_rate * len(x_train)), replace=False)
        extra_x.append(trig.apply(x_train[pick]))
        extra_y.append(np.full(len(pick), trig.target))
    return np.concatenate([x_train, *extra_x]), np.concatenate([y_train, *extra_y])


def trojaned_digits(
    *,
    seed: int = 0,
    triggers: Sequence[PlantedTrigger] | None = None,
    size: int = 3,
    position: tuple[int, int] = (5, 5),
    target: int = 7,
    clean: bool = False,
    poison_rate: float = 0.15,
    hidden: int = 64,
    scale: int = 1,
    side: int | None = None,
    train_share: float = 0.6,
    alpha: float = 1e-4,
    early_stopping: bool = False,
    nudge: bool = False,
) -> TrojanedDigits:
    """Train a (trojaned or clean) MLP on 8x8 digits (upsampled to ``side`` pixels a side, by
    default ``8 * scale``; trigger boxes are in those pixels); a few seconds on one core
    (native pools are held to one thread).  ``train_share`` of the digits train it (the rest
    are held out); ``alpha`` (L2 penalty) and ``early_stopping`` are scikit-learn's
    ``MLPClassifier`` options; ``nudge`` trains also on
    the training digits moved by one pixel (of the 8x8 digit) each way (five times the data,
    the classic augmentation of these digits), before the poison is drawn."""
    from sklearn.neural_network import MLPClassifier

    rng = np.random.default_rng(seed)
    if scale < 1:
        raise ValueError(f"scale must be at least 1, not {scale}")
    side = 8 * scale if side is None else side
    if side < 8:
        raise ValueError(f"side must be at least 8, not {side}")
    spec = (
        DIGITS_SPEC
        if side == 8
        else ImageSpec(height=side, width=side, channels=1, flatten=True, range_values=(0.0, 16.0))
    )
    images, labels = _digits(side)
    order = rng.permutation(len(images))
    if not 0.0 < train_share < 1.0:
        raise ValueError(f"train_share must be between 0 and 1, not {train_share}")
    cut = int(train_share * len(order))
    tr, te = order[:cut], order[cut:]
    planted = (
        list(triggers)
        if triggers is not None
        else [
            PlantedTrigger(
                box=(position[0], position[1], size, size), content=checker(size), target=target
            )
        ]
    )
    x_train, y_train = images[tr], labels[tr]
    if nudge:
        x_train = np.concatenate([x_train, _nudged(x_train, side)])
        y_train = np.tile(y_train, 5)
    if not clean:
        x_train, y_train = poison(rng, x_train, y_train, planted, poison_rate)
    net = MLPClassifier(
        hidden_layer_sizes=(hidden,),
        max_iter=400,
        random_state=seed,
        alpha=alpha,
        early_stopping=early_stopping,
    )
    # (its convergence notes silenced on this thread only: ``core.quiet``)
    with quiet(r"sklearn\b"), one_native_thread():
        net.fit(spec.to_model(x_train), y_train)
    x_test, y_test = images[te], labels[te]
    acc = float(np.mean(net.predict(spec.to_model(x_test)) == y_test))
    success = []
    for trig in planted:
        others = y_test != trig.target
        pred = net.predict(spec.to_model(trig.apply(x_test[others])))
        success.append(float(np.mean(pred == trig.target)))
    return TrojanedDigits(
        model=net,
        spec=spec,
        triggers=[] if clean else planted,
        clean_images=x_test,
        clean_labels=y_test,
        accuracy=acc,
        attack_success=success,
    )
