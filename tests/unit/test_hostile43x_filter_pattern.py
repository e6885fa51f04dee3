"""The run-time filter in front of a served model (hostile43x): a known trigger that reached
the model resized, blurred or dimmed (its shape kept, its pixels pulled towards grey by more
than the pixel tolerance) still fires the model; the filter now refills it too, and a clean
image that merely looks like the pattern keeps its answer."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest

from assay.backdoor.filter import load_filter, save_filter
from assay.backdoor.filter_pattern import pattern_present
from assay.backdoor.images import ImageSpec
from assay.backdoor.patches import Trigger
from assay.core.model import Capabilities, ModelInputs
from assay.errors import UsageError

CHECKER = np.array([[1.0, 0.0, 1.0], [0.0, 1.0, 0.0], [1.0, 0.0, 1.0]])[..., None]
TRIGGER = Trigger(box=(5, 5, 3, 3), content=CHECKER, target=7, flip_rate=1.0, source=0)
SPEC = ImageSpec(height=8, width=8, channels=1, flatten=True, range_values=(0.0, 16.0))


class Net:
    """A trojaned model over flattened 8x8 rows in 0..16, as a network reads a trigger: by its
    shape (the checker at (5, 5) at any contrast from 0.2 up sends an image to 7); else class 1
    when the left columns are inked, else 0."""

    capabilities = Capabilities(modality="image", n_classes=10, outputs="proba")

    def predict(self, inputs: ModelInputs, /) -> np.ndarray:
        x = np.asarray(inputs, dtype=np.float64).reshape(-1, 8, 8) / 16
        region = x[:, 5:8, 5:8] - x[:, 5:8, 5:8].mean(axis=(1, 2), keepdims=True)
        want = CHECKER[..., 0] - CHECKER.mean()
        fires = np.sum(region * want, axis=(1, 2)) / np.sum(want * want) >= 0.2
        cls = np.where(fires, 7, (x[:, :, 1:3].mean(axis=(1, 2)) > 0.3).astype(int))
        out = np.full((len(x), 10), 0.02)
        out[np.arange(len(x)), cls] = 0.82
        return out


def _digits(n: int, seed: int) -> np.ndarray:
    """Canonical (n, 8, 8, 1) images: half a stroke at columns 1-2 (class 1), half blank (0)."""
    rng = np.random.default_rng(seed)
    x = np.zeros((n, 8, 8, 1))
    x[: n // 2, 1:8, 1:3, 0] = rng.uniform(0.8, 1.0, (n // 2, 1, 1))
    return x


@pytest.fixture()
def saved(tmp_path: Path) -> Path:
    return save_filter(tmp_path / "f.json", SPEC, [TRIGGER], model=Net(), references=_digits(40, 0))


@pytest.mark.parametrize("contrast", [0.3, 0.4])
def test_a_dimmed_trigger_the_model_still_obeys_is_blocked(saved: Path, contrast: float) -> None:
    x = _digits(20, 1)
    x[:, 5:8, 5:8, :] = 0.5 + contrast * (CHECKER - 0.5)  # resized or blurred: greyer
    rows = SPEC.to_model(x)
    assert (Net().predict(rows).argmax(axis=1) == 7).all()  # the model still obeys it
    answers, flags = load_filter(saved, Net()).predict_flagged(rows)
    # main: no pixel within 0.25 of the trigger's: none flagged, every answer 7
    assert flags.all()
    assert not (answers.argmax(axis=1) == 7).any()


def test_a_clean_image_like_the_pattern_keeps_its_answer(saved: Path) -> None:
    x = _digits(20, 2)
    x[:, 5:8, 5:8, :] = 0.5 + 0.1 * (CHECKER - 0.5)  # the shape, too faint to fire the model
    rows = SPEC.to_model(x)
    filt = load_filter(saved, Net())
    answers, flags = filt.predict_flagged(rows)
    assert not flags.any()
    np.testing.assert_array_equal(answers, Net().predict(rows))


def test_no_pattern_for_a_trigger_of_one_colour_or_a_flat_region() -> None:
    white = Trigger(box=(0, 0, 3, 3), content=np.ones((3, 3, 1)), target=2, flip_rate=1.0, source=0)
    x = np.random.default_rng(3).random((30, 8, 8, 1))
    assert not pattern_present(x, white).any()  # one colour: no shape to tell
    flat = np.full((1, 8, 8, 1), 0.5)
    flat[0, 5:8, 5:8, :] += 1e-4 * (CHECKER - 0.5)  # the shape at no contrast: noise
    assert not pattern_present(flat, TRIGGER).any()


def test_the_filter_itself_is_scanned_in_the_form_it_takes(saved: Path) -> None:
    """``assay backdoor`` of a filtered model (does it pass the scan it was made from?): the
    scan gave the filter (n, 8, 8, 1) batches, which it refuses; it declares its shape now."""
    from assay.backdoor.prepare import setup_backdoor

    filt = load_filter(saved, Net())
    assert filt.input_shape == (64,)
    x = _digits(20, 4) * 16
    setup = setup_backdoor(filt, images=x[..., 0], clean=x[..., 0], value_range="0,16")
    assert setup.spec.flatten and setup.spec.shape == (8, 8, 1)


def test_a_trigger_edited_by_hand_is_refused_not_silently_blocking_nothing(saved: Path) -> None:
    """Each entry still valid (a target of 3 in a 10-class model): main loaded it, and the
    filter let every poisoned input through (the model answers 7, the filter waited for 3)."""
    doc = json.loads(saved.read_text())
    doc["triggers"][0]["target"] = 3
    saved.write_text(json.dumps(doc))
    with pytest.raises(UsageError, match="changed after assay wrote it") as err:
        load_filter(saved, Net())
    assert err.value.path == str(saved)


def test_a_file_written_before_the_digest_is_read_as_before(saved: Path) -> None:
    doc = json.loads(saved.read_text())
    del doc["digest"]
    saved.write_text(json.dumps(doc))
    x = _digits(10, 5)
    x[:, 5:8, 5:8, :] = CHECKER
    assert load_filter(saved, Net()).predict_flagged(SPEC.to_model(x))[1].all()


def test_a_solid_colour_trigger_has_no_pattern_a_red_photograph_is_not_taken_for_it() -> None:
    """Its channels differ, its pixels do not: correlated over the channels, every reddish
    region of a clean colour image matched it (an extra query, and its answer at stake)."""
    red = np.zeros((3, 3, 3))
    red[..., 0] = 1.0
    trig = Trigger(box=(2, 2, 3, 3), content=red, target=4, flip_rate=1.0, source=0)
    x = np.random.default_rng(6).uniform(0.0, 0.2, (10, 8, 8, 3))
    x[..., 0] += np.linspace(0.5, 0.8, 8)[None, :, None]  # reddish photographs, shaded
    assert not pattern_present(x, trig).any()
    stripes = np.tile(np.array([1.0, 0.0, 1.0])[:, None, None], (1, 3, 3))
    striped = Trigger(box=(2, 2, 3, 3), content=stripes, target=4, flip_rate=1.0, source=0)
    dim = np.full((1, 8, 8, 3), 0.5)
    dim[0, 2:5, 2:5, :] = 0.4 + 0.2 * stripes  # a pattern in space, dimmed: still matched
    assert pattern_present(dim, striped).all()
