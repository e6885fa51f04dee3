"""mutation44: the run-time filter's pattern match (``filter_pattern``, hostile43x) on triggers
and inputs hostile43x's tests did not hold.

Its tests had one trigger, a grey 3x3 checker in a box on the diagonal ((5, 5): rows and
columns swapped read the same place), no mask, matched at a correlation of exactly 1.  Each of
these passed them: the box read with rows and columns swapped, a mask ignored, the threshold
raised to 0.9 (a dimmed trigger with noise, correlation 0.74, let through while the model
obeys it), a colour trigger's channels centred together, the contrast bound absolute (a
low-contrast trigger let through), and in the other direction a threshold of 0.2, an inverted
pattern or a 2x2 trigger matched (a query more for inputs carrying no trigger)."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from assay.backdoor.filter import load_filter, save_filter
from assay.backdoor.images import ImageSpec
from assay.backdoor.patches import Trigger
from assay.core.model import Capabilities, ModelInputs

CHECKER = np.array([[1.0, 0.0, 1.0], [0.0, 1.0, 0.0], [1.0, 0.0, 1.0]])[..., None]
NOISE = np.array([[0.3, -0.2, 0.1], [0.25, 0.0, -0.3], [-0.1, 0.35, 0.2]])[..., None]


class Net:
    """A trojaned model of (n, 8, 8, C) images in [0, 1], flattened: class 7 when the region of
    ``trigger`` (its mask's pixels) holds its pattern at a fifth of its contrast or more (a
    network reads a trigger by its shape), else class 1 when columns 1-2 are inked, else 0."""

    def __init__(self, trigger: Trigger, channels: int = 1) -> None:
        self.trigger, self.channels = trigger, channels
        self.capabilities = Capabilities(modality="image", n_classes=10, outputs="proba")

    def predict(self, inputs: ModelInputs, /) -> np.ndarray:
        x = np.asarray(inputs, dtype=np.float64).reshape(-1, 8, 8, self.channels)
        t, left, h, w = self.trigger.box
        region = x[:, t : t + h, left : left + w, :]
        want = np.asarray(self.trigger.content, dtype=np.float64)
        mask = self.trigger.mask
        if mask is not None:
            region, want = region[:, mask], want[mask]
        region = region.reshape(len(x), -1, self.channels)
        want = want.reshape(-1, self.channels)
        got = region - region.mean(axis=1, keepdims=True)
        want = want - want.mean(axis=0)
        proj = np.einsum("npc,pc->n", got, want) / np.sum(want * want)
        inked = x[:, :, 1:3, :].mean(axis=(1, 2, 3)) > 0.3
        cls = np.where(proj >= 0.2, 7, inked.astype(int))
        out = np.full((len(x), 10), 0.02)
        out[np.arange(len(x)), cls] = 0.82
        return out


def _clean(n: int, channels: int = 1, seed: int = 0) -> np.ndarray:
    """Canonical (n, 8, 8, C): half with a stroke at columns 1-2 (class 1), half blank (0)."""
    rng = np.random.default_rng(seed)
    x = np.zeros((n, 8, 8, channels))
    x[: n // 2, 1:8, 1:3, :] = rng.uniform(0.8, 1.0, (n // 2, 1, 1, 1))
    return x


def _filter(tmp_path: Path, trigger: Trigger, channels: int = 1) -> tuple[object, ImageSpec]:
    spec = ImageSpec(height=8, width=8, channels=channels, flatten=True)
    refs = _clean(40, channels)
    path = save_filter(
        tmp_path / "f.json", spec, [trigger], model=Net(trigger, channels), references=refs
    )
    return load_filter(path, Net(trigger, channels)), spec


def _stamped(trigger: Trigger, region: np.ndarray, channels: int = 1, n: int = 10) -> np.ndarray:
    x = _clean(n, channels, seed=1)
    t, left, h, w = trigger.box
    x[:, t : t + h, left : left + w, :] = region
    return x


def _blocked(tmp_path: Path, trigger: Trigger, region: np.ndarray, channels: int = 1) -> None:
    """The model obeys ``region`` stamped in the trigger's box; the filter blocks each."""
    filt, spec = _filter(tmp_path, trigger, channels)
    rows = spec.to_model(_stamped(trigger, region, channels))
    assert (Net(trigger, channels).predict(rows).argmax(axis=1) == 7).all()
    answers, flags = filt.predict_flagged(rows)  # type: ignore[attr-defined]
    assert flags.all()
    assert not (answers.argmax(axis=1) == 7).any()


def _not_asked_again(tmp_path: Path, trigger: Trigger, region: np.ndarray) -> None:
    """The model does not obey ``region``: the filter asks it nothing more for it."""
    filt, spec = _filter(tmp_path, trigger)
    rows = spec.to_model(_stamped(trigger, region))
    assert not (Net(trigger).predict(rows).argmax(axis=1) == 7).any()
    answers, flags = filt.predict_flagged(rows)  # type: ignore[attr-defined]
    assert not flags.any()
    np.testing.assert_array_equal(answers, Net(trigger).predict(rows))
    assert filt.overhead == 0.0  # type: ignore[attr-defined]


def _trigger(box: tuple[int, int, int, int], content: np.ndarray, **kw: object) -> Trigger:
    return Trigger(box=box, content=content, target=7, flip_rate=1.0, source=0, **kw)  # type: ignore[arg-type]


def test_a_dimmed_trigger_off_the_diagonal_is_looked_for_in_its_own_box(tmp_path: Path) -> None:
    trig = _trigger((1, 4, 3, 3), CHECKER)  # rows 1-3, columns 4-6
    _blocked(tmp_path, trig, 0.5 + 0.4 * (CHECKER - 0.5))


def test_a_dimmed_noisy_trigger_the_model_obeys_is_blocked(tmp_path: Path) -> None:
    """Correlation 0.74 with the trigger's pattern (the threshold is 0.6)."""
    region = 0.5 + 0.4 * (CHECKER - 0.5) + 0.4 * 2.5 * NOISE
    w, g = (CHECKER - CHECKER.mean()).ravel(), (region - region.mean()).ravel()
    assert 0.7 < g @ w / np.linalg.norm(g) / np.linalg.norm(w) < 0.8
    _blocked(tmp_path, _trigger((5, 5, 3, 3), CHECKER), region)


def test_a_masked_trigger_is_matched_on_its_masks_pixels(tmp_path: Path) -> None:
    """A trigger filling 10 of its 4x4 box's 16 pixels: the other 6 hold the image's own
    (here bright), which the pattern is not compared with."""
    content = np.zeros((4, 4, 1))
    mask = np.zeros((4, 4), dtype=bool)
    mask[:2, :] = True
    mask[2:, :1] = True
    content[..., 0] = np.indices((4, 4)).sum(axis=0) % 2  # a checker
    trig = _trigger((2, 3, 4, 4), content, mask=mask)
    region = np.ones((4, 4, 1))
    region[mask] = 0.5 + 0.4 * (content[mask] - 0.5)
    _blocked(tmp_path, trig, region)


def test_a_colour_trigger_dimmed_on_a_tinted_image_is_blocked(tmp_path: Path) -> None:
    """Each channel centred on its own: a red checker over a green field, dimmed and laid on
    a bluish image, still its pattern."""
    content = np.zeros((3, 3, 3))
    content[..., 0] = CHECKER[..., 0]
    content[..., 1] = 0.9
    region = np.zeros((3, 3, 3))
    region[..., 0] = 0.3 + 0.4 * CHECKER[..., 0] + 0.4 * 1.5 * NOISE[..., 0]
    region[..., 1] = 0.1
    region[..., 2] = 0.8
    _blocked(tmp_path, _trigger((4, 4, 3, 3), content), region, channels=3)


def test_a_trigger_of_little_contrast_dimmed_and_brightened_is_blocked(tmp_path: Path) -> None:
    """A checker of 0.4 and 0.6 (its spread 0.3): at a third of its contrast, brightened by
    0.4 (no pixel within the pixel match's 0.25), it is still the model's trigger."""
    content = 0.4 + 0.2 * CHECKER
    region = 0.9 + 0.33 * (content - 0.5)
    _blocked(tmp_path, _trigger((5, 5, 3, 3), content), region)


def test_inputs_that_only_resemble_the_pattern_cost_no_query(tmp_path: Path) -> None:
    trig = _trigger((5, 5, 3, 3), CHECKER)
    _not_asked_again(tmp_path, trig, 0.5 - 0.4 * (CHECKER - 0.5))  # inverted
    weak = 0.5 + 0.05 * (CHECKER - 0.5) + 0.5 * NOISE  # correlation 0.38
    w, g = (CHECKER - CHECKER.mean()).ravel(), (weak - weak.mean()).ravel()
    assert 0.2 < g @ w / np.linalg.norm(g) / np.linalg.norm(w) < 0.5
    _not_asked_again(tmp_path, trig, weak)


@pytest.mark.parametrize("seed", [0, 1])
def test_a_two_by_two_trigger_has_no_pattern_to_match(tmp_path: Path, seed: int) -> None:
    """Four values: random patches correlate with it by chance; none is asked again."""
    trig = _trigger((5, 5, 2, 2), np.array([[1.0, 0.0], [0.0, 1.0]])[..., None])
    filt, spec = _filter(tmp_path, trig)
    x = _clean(30, seed=seed)
    x[:, 5:7, 5:7, :] = np.random.default_rng(seed).uniform(0.4, 0.6, (30, 2, 2, 1))
    filt.predict_flagged(spec.to_model(x))  # type: ignore[attr-defined]
    assert filt.overhead == 0.0  # type: ignore[attr-defined]
