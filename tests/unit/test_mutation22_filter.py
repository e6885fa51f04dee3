"""The run-time filter's decisions and its file at the edges a one-token bug would pass
(bench/RESULTS.md, "mutation22"): an input carrying a trigger's pixels is flagged only when the
model answers the trigger's class and something else once refilled; a colour trigger is matched
on every channel; the file says the tolerance and share it was made with, refuses a share of 0,
and boxes are checked against the width of images that are not square; a model with more
classes than the scanned one, or exactly the trigger's class count, is another model."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest

from assay.backdoor.filter import TriggerFilter, load_filter, save_filter
from assay.backdoor.images import ImageSpec
from assay.backdoor.patches import Trigger, trigger_present
from assay.core.model import Capabilities, ModelInputs
from assay.errors import UsageError

CHECKER = np.array([[[1.0], [0.0]], [[0.0], [1.0]]])
TRIGGER = Trigger(box=(5, 5, 2, 2), content=CHECKER, target=7, flip_rate=1.0, source=0)
SPEC = ImageSpec(height=8, width=8, channels=1, flatten=True, range_values=(0.0, 16.0))


class Answers:
    """Over flattened 8x8 rows in 0..16: class 7 for the checker at (5, 5) when ``fires``,
    and always when ``sevens``; else 1 when (5..6, 5..6) is inked, else 0."""

    def __init__(self, *, fires: bool = True, sevens: bool = False, n_classes: int = 10) -> None:
        self.fires, self.sevens = fires, sevens
        self.capabilities = Capabilities(modality="image", n_classes=n_classes, outputs="proba")

    def predict(self, inputs: ModelInputs, /) -> np.ndarray:
        x = np.asarray(inputs, dtype=np.float64).reshape(-1, 8, 8) / 16
        region = x[:, 5:7, 5:7]
        trig = np.all(np.abs(region - CHECKER[..., 0]) < 0.1, axis=(1, 2)) & self.fires
        cls = np.where(trig | self.sevens, 7, (region.mean(axis=(1, 2)) > 0.5).astype(int))
        out = np.full((len(x), 10), 0.02)
        out[np.arange(len(x)), cls] = 0.82
        return out


def _images(n: int) -> np.ndarray:
    """Canonical (n, 8, 8, 1) images: a stroke at columns 1-2 (class 0), the checker pasted."""
    x = np.zeros((n, 8, 8, 1))
    x[:, 1:8, 1:3, 0] = 0.9
    x[:, 5:7, 5:7, :] = CHECKER
    return x


def _clean(n: int) -> np.ndarray:
    x = np.zeros((n, 8, 8, 1))
    x[:, 1:8, 1:3, 0] = 0.9
    return x


def _filter(model: Answers) -> TriggerFilter:
    return TriggerFilter(model, SPEC, [TRIGGER], references=_clean(20))


def test_a_carrier_the_model_answers_the_target_for_anyway_is_not_flagged() -> None:
    """The model answers 7 with the trigger refilled too: nothing to correct, no flag."""
    answers, flags = _filter(Answers(sevens=True)).predict_flagged(SPEC.to_model(_images(4)))
    assert not flags.any()
    assert (answers.argmax(1) == 7).all()


def test_a_carrier_whose_trigger_does_not_fire_is_not_flagged() -> None:
    """The checker's pixels, but the model does not answer 7: its answer stands, no flag."""
    answers, flags = _filter(Answers(fires=False)).predict_flagged(SPEC.to_model(_images(4)))
    assert not flags.any()
    assert (answers.argmax(1) == 0).all()


def test_a_carrier_whose_trigger_fires_is_flagged_and_corrected() -> None:
    answers, flags = _filter(Answers()).predict_flagged(SPEC.to_model(_images(4)))
    assert flags.all() and (answers.argmax(1) == 0).all()


def test_a_colour_trigger_is_matched_on_every_channel() -> None:
    red = Trigger(box=(0, 0, 2, 2), content=np.tile([1.0, 0.0, 0.0], (2, 2, 1)), target=1,
                  flip_rate=1.0, source=0)  # fmt: skip
    white = np.ones((1, 4, 4, 3))
    assert not trigger_present(white, red)[0]
    white[0, :2, :2] = [1.0, 0.0, 0.0]
    assert trigger_present(white, red)[0]


def test_the_file_holds_the_tolerance_and_share_it_matches_with(tmp_path: Path) -> None:
    p = save_filter(tmp_path / "f.json", SPEC, [TRIGGER], model=Answers(), references=_clean(20))
    doc = json.loads(p.read_text(encoding="utf-8"))
    assert (doc["tolerance"], doc["share"]) == (0.25, 0.85)
    filt = load_filter(p, Answers())
    assert (filt.tolerance, filt.share) == (0.25, 0.85)
    doc["share"] = 0
    p.write_text(json.dumps(doc), encoding="utf-8")
    with pytest.raises(UsageError, match="not in"):
        load_filter(p, Answers())


def test_a_box_is_checked_against_the_width_of_images_not_square(tmp_path: Path) -> None:
    """8 rows of 16 columns: a box at column 12 is inside; the same file with 16 rows of 8
    columns is refused."""
    wide = ImageSpec(height=8, width=16, channels=1, flatten=True, range_values=(0.0, 1.0))
    trig = Trigger(box=(0, 12, 2, 2), content=CHECKER, target=1, flip_rate=1.0, source=0)
    p = save_filter(tmp_path / "wide.json", wide, [trig])
    assert load_filter(p, Answers()).triggers[0].box == (0, 12, 2, 2)
    doc = json.loads(p.read_text(encoding="utf-8"))
    doc["spec"]["height"], doc["spec"]["width"] = 16, 8
    p.write_text(json.dumps(doc), encoding="utf-8")
    with pytest.raises(UsageError, match="not inside its 16x8 images"):
        load_filter(p, Answers())


def test_a_model_with_other_class_counts_is_refused(tmp_path: Path) -> None:
    p = save_filter(tmp_path / "f.json", SPEC, [TRIGGER], model=Answers(), references=_clean(20))
    with pytest.raises(UsageError, match="it has 12 classes, the scanned one 10"):
        load_filter(p, Answers(n_classes=12))
    with pytest.raises(UsageError, match="towards class 7, but the model has 7 classes"):
        load_filter(p, Answers(n_classes=7), check_model=False)


class Drifted(Answers):
    """``Answers``, but the first ``k`` images of a call of 12 (the file's probes) answered
    with another class."""

    def __init__(self, k: int) -> None:
        super().__init__()
        self.k = k

    def predict(self, inputs: ModelInputs, /) -> np.ndarray:
        out = super().predict(inputs)
        if len(out) == 12:
            out[: self.k] = out[: self.k, ::-1]
        return out


def test_a_model_answering_two_probes_otherwise_is_another_model(tmp_path: Path) -> None:
    """One probe answered otherwise may be a near tie in float32; two are another model."""
    p = save_filter(tmp_path / "f.json", SPEC, [TRIGGER], model=Answers(), references=_clean(20))
    assert isinstance(load_filter(p, Drifted(1)), TriggerFilter)
    with pytest.raises(UsageError, match="it answers 2 of the file's 12 probe images"):
        load_filter(p, Drifted(2))
