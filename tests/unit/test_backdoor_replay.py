"""``assay verify`` of backdoor runs (``backdoor.replay``): stored triggers asked again of the
model as it is now, on the run's clean images; what cannot be asked is skipped, never fixed."""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest

from assay.backdoor.replay import replay_backdoor
from assay.core.findings import FindingBatch
from assay.core.model import Capabilities

BOX = (5, 4, 2, 3)  # (top, left, height, width): not square, not at a corner


class Toy:
    """8x8 grey images: class 1 when the trigger (the box all white) is there and
    ``trojaned``; else class 2 for bright images and 0 for dark ones."""

    def __init__(self, trojaned: bool = True, outputs: str = "proba", always: int | None = None):
        self.trojaned, self.always = trojaned, always
        self.capabilities = Capabilities(modality="image", n_classes=3, outputs=outputs)  # type: ignore[arg-type]
        self.calls = 0

    def predict(self, x: Any) -> np.ndarray:
        x = np.asarray(x)
        self.calls += 1
        t, left, h, w = BOX
        hit = (x[:, t : t + h, left : left + w, 0] > 0.95).all(axis=(1, 2)) & self.trojaned
        label = np.where(hit, 1, np.where(x.mean(axis=(1, 2, 3)) > 0.5, 2, 0))
        if self.always is not None:
            label[:] = self.always
        if self.capabilities.outputs == "labels":
            return label
        # sure of the trigger, less sure of images near the middle of the brightness scale
        sure = np.where(hit, 0.99, 0.4 + np.abs(x.mean(axis=(1, 2, 3)) - 0.5))
        return np.eye(3)[label] * (sure - (1 - sure) / 2)[:, None] + ((1 - sure) / 2)[:, None]


def _clean(n: int = 30) -> np.ndarray:
    rng = np.random.default_rng(0)
    return rng.uniform(0.0, 0.8, size=(n, 8, 8, 1))


def _trigger_batch(n: int = 2, box: tuple[int, int, int, int] = BOX) -> FindingBatch:
    images = _clean(n) * 0.5
    t, left, h, w = box
    images[:, t : t + h, left : left + w] = 1.0
    inputs = np.stack([images, images, images], axis=1)
    return FindingBatch(
        kind="backdoor-trigger",
        inputs=inputs,
        outputs=np.ones((n, 3), dtype=np.int64),
        severity=np.ones(n),
        columns={
            "image": np.arange(n),
            "box": np.asarray([list(box)] * n),
            "target": np.ones(n, dtype=np.int64),
        },
    )


def _replay(model: Any, batches: list[FindingBatch], **kw: Any) -> Any:
    args: dict[str, Any] = dict(
        seed=0, threshold=0.9, scan_threshold=0.9, strip_fpr=0.1, strip_blends=8
    )
    args.update(kw)
    return replay_backdoor(batches, model, args.pop("clean", _clean()), **args)


@pytest.mark.parametrize("outputs", ["proba", "labels"])
def test_a_trigger_that_still_fires_holds_and_a_fixed_model_drops_it(outputs: str) -> None:
    held = _replay(Toy(outputs=outputs), [_trigger_batch(3)])
    assert (held.total, held.still_failing, held.skipped) == (3, 3, 0)
    assert held.examples == [0, 1, 2]
    fixed = _replay(Toy(trojaned=False, outputs=outputs), [_trigger_batch(3)])
    assert (fixed.total, fixed.still_failing, fixed.skipped) == (3, 0, 0)


def test_the_trigger_is_pasted_where_it_was_found() -> None:
    """A box stored one pixel off the trigger's place: the pixels cut there and pasted there
    are not the trigger (a replay pasting at a fixed place would still say it holds)."""
    batch = _trigger_batch(1)
    t, left, h, w = BOX
    batch.columns["box"][:] = [t, left + 1, h, w]
    assert _replay(Toy(), [batch]).still_failing == 0


def test_a_model_scan_target_is_read_from_the_clean_image_it_was_pasted_on() -> None:
    ex = _clean(1)[0]
    pasted = ex.copy()
    t, left, h, w = BOX
    pasted[t : t + h, left : left + w] = 1.0
    batch = FindingBatch(
        kind="backdoor-target",
        inputs=np.stack([ex, pasted])[None],
        outputs=np.asarray([[0, 1]]),
        severity=np.ones(1),
        columns={"target": np.asarray([1]), "box": np.asarray([list(BOX)])},
    )
    assert _replay(Toy(), [batch]).still_failing == 1
    assert _replay(Toy(trojaned=False), [batch]).still_failing == 0


def test_findings_that_cannot_be_asked_are_skipped_with_why_never_fixed() -> None:
    # the model now answers the trigger's class for every clean image: nothing to flip
    always = _replay(Toy(always=1), [_trigger_batch(2)])
    assert (always.total, always.skipped) == (0, 2)
    assert "fewer than 10 of the run's clean images" in always.why_skipped
    # clean images of another shape now (the folder was replaced)
    other = _replay(Toy(), [_trigger_batch(2)], clean=np.zeros((30, 9, 9, 1)))
    assert other.total == 0 and "8x8x1 but the run's clean images are now 9x9x1" in (
        other.why_skipped
    )
    # no clean images at all (a run made from arrays in memory)
    gone = _replay(Toy(), [_trigger_batch(2)], clean=None, no_clean="given in memory")
    assert (gone.total, gone.skipped, gone.why_skipped) == (0, 2, "given in memory")
    # stored without the box
    bare = _trigger_batch(1)
    del bare.columns["box"]
    assert "without its trigger's box" in _replay(Toy(), [bare]).why_skipped


def test_strip_flags_are_blended_again_with_a_threshold_set_on_the_model_now() -> None:
    images = _clean(4) * 0.3
    t, left, h, w = BOX
    images[:, t : t + h, left : left + w] = 1.0
    batch = FindingBatch(
        kind="strip-flag",
        inputs=images[:, None],
        outputs=np.ones((4, 1), dtype=np.int64),
        severity=np.ones(4),
        columns={"image": np.arange(4)},
    )
    clean = _clean(40)
    assert _replay(Toy(), [batch], clean=clean).still_failing == 4
    assert _replay(Toy(trojaned=False), [batch], clean=clean).still_failing == 0


def test_a_trigger_shared_by_many_findings_is_asked_once() -> None:
    model = Toy()
    _replay(model, [_trigger_batch(20)])
    # the clean images' labels, the one trigger pasted, then 8 clean images asked again
    # (``backdoor.again``: a model stuck on one class midway)
    assert model.calls == 3


def test_a_retrained_model_is_asked_the_triggers_class_by_its_name() -> None:
    """The run's model named its classes (a, trojan, b); the retrained one orders them
    (trojan, a, b): the trigger's class is 'trojan', index 0 now, not index 1 (read by index,
    a trigger that still fires read as gone)."""
    from dataclasses import replace

    class Renamed(Toy):
        def predict(self, x: Any) -> np.ndarray:
            return super().predict(x)[:, [1, 0, 2]]  # trojan first

    model = Renamed()
    model.capabilities = replace(model.capabilities, class_names=("trojan", "a", "b"))
    then = (3, ("a", "trojan", "b"))
    held = _replay(model, [_trigger_batch(2)], classes_then=then)
    assert (held.total, held.still_failing) == (2, 2)
    gone = _replay(model, [_trigger_batch(2)], classes_then=(3, ("a", "odd", "b")))
    assert gone.total == 0 and "the trigger's class 'odd' is not a class" in gone.why_skipped
    other = _replay(Toy(), [_trigger_batch(2)], classes_then=(5, None))
    assert other.total == 0 and "now has 3 classes and the run's had 5" in other.why_skipped
