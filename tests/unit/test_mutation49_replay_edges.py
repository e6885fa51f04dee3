"""mutation49: a replayed source-class or class-map flag holds at the check's own "at least
half" (``backdoor.replay``, left48b), and too few clean images of its source class say so."""

from __future__ import annotations

from types import SimpleNamespace
from typing import Any

import numpy as np

from assay.backdoor.replay import SOURCE_FEWEST, _class_map, _source


def _image(ident: int, label: int) -> np.ndarray:
    x = np.zeros((4, 4, 1))
    x[3, 3, 0] = ident / 100.0
    x[3, 0, 0] = label / 10.0
    return x


class _Fake:
    """Clean images whose label is their pixel (3, 0); the window at (0, 0, 2, 2) pasted
    full turns an image with an even id to ``to(label)``."""

    def __init__(self, labels: list[int], to: Any) -> None:
        self.clean = np.stack([_image(i, c) for i, c in enumerate(labels)])
        self.to = to

    def clean_labels(self) -> np.ndarray:
        return self.labels(self.clean)

    def labels(self, x: np.ndarray) -> np.ndarray:
        own = np.rint(x[:, 3, 0, 0] * 10).astype(int)
        ids = np.rint(x[:, 3, 3, 0] * 100).astype(int)
        fired = (x[:, 0:2, 0:2, 0] > 0.9).all(axis=(1, 2)) & (ids % 2 == 0)
        out: np.ndarray = np.where(fired, self.to(own), own)
        return out

    def target_now(self, c: int) -> int:
        return c


def _Replayer(labels: list[int], to: Any) -> Any:
    return _Fake(labels, to)


def _flags(k: int = 3) -> tuple[np.ndarray, Any]:
    images = np.stack([_image(50 + i, 3) for i in range(k)])
    images[:, 0:2, 0:2, 0] = 1.0
    batch = SimpleNamespace(
        columns={"box": np.array([[0, 0, 2, 2]] * k), "source": np.array([3] * k)},
        outputs=np.array([[7]] * k),
    )
    return images, batch


def test_a_source_flag_sending_exactly_half_still_holds() -> None:
    # (RE4, RE5) 5 of 10 clean 3s sent to 7: the check's "at least half": still holds
    images, batch = _flags()
    replayer = _Replayer([3] * 10 + [1] * 4, lambda own: np.where(own == 3, 7, own))
    assert _source(images, batch, replayer) == [True] * 3
    never = _Replayer([3] * 10 + [1] * 4, lambda own: own)
    assert _source(images, batch, never) == [False] * 3


def test_too_few_clean_images_of_the_source_class_are_said() -> None:
    # (RE6) fewer than the check's fewest: said, never a verdict
    images, batch = _flags()
    replayer = _Replayer(
        [3] * (SOURCE_FEWEST - 1) + [1] * 4, lambda own: np.where(own == 3, 7, own)
    )
    said = _source(images, batch, replayer)
    assert said == [f"fewer than {SOURCE_FEWEST} of the run's clean images are in its source "
                    "class as the model answers now"] * 3  # fmt: skip


def test_a_class_map_flag_moving_exactly_half_still_holds() -> None:
    # (RE10) 3 of 6 bases moved off their class, 0 <-> 1: at least half, still holds
    images, batch = _flags()
    replayer = _Replayer([0, 0, 0, 1, 1, 1], lambda own: 1 - own)
    assert _class_map(images, batch, replayer) == [True] * 3
    assert _class_map(images, batch, _Replayer([0, 0, 0, 1, 1, 1], lambda own: own)) == [False] * 3
