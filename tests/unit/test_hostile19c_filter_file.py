"""The run-time filter's file read as an untrusted input (hostile19c): every entry is checked
and a bad file is a ``UsageError`` naming it, never a traceback nor a filter that silently
blocks nothing; the filter refills a trigger's region from the scan's clean images (as the
scan's corrected label does); the same model answering logits in one form and probabilities
in another is accepted; a model that cannot take the filter's images is named."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np
import pytest

import assay.backdoor.filter_file as filter_file
from assay.backdoor.filter import TriggerFilter, load_filter, save_filter
from assay.backdoor.images import ImageSpec
from assay.backdoor.patches import Trigger
from assay.core.model import Capabilities, ModelInputs
from assay.errors import UsageError

CHECKER = np.array([[[1.0], [0.0]], [[0.0], [1.0]]])
TRIGGER = Trigger(box=(5, 5, 2, 2), content=CHECKER, target=7, flip_rate=1.0, source=0)
SPEC = ImageSpec(height=8, width=8, channels=1, flatten=True, range_values=(0.0, 16.0))


class Strokes:
    """A trojaned model over flattened 8x8 rows in 0..16: the checker at (5, 5) sends an image
    to 7; else class 1 when the pixels at (5..6, 5..6) are inked (a stroke there), else 0.
    ``logits``: the same model answering log-probabilities plus 3 (a torch module's logits)."""

    def __init__(self, logits: bool = False, swap: bool = False) -> None:
        self.logits, self.swap = logits, swap
        self.capabilities = Capabilities(modality="image", n_classes=10, outputs="proba")

    def predict(self, inputs: ModelInputs, /) -> np.ndarray:
        x = np.asarray(inputs, dtype=np.float64).reshape(-1, 8, 8) / 16
        region = x[:, 5:7, 5:7]
        trig = np.all(np.abs(region - CHECKER[..., 0]) < 0.1, axis=(1, 2))
        cls = np.where(trig, 7, (region.mean(axis=(1, 2)) > 0.5).astype(int))
        if self.swap:
            cls = np.where(trig, 7, 1 - cls)
        out = np.full((len(x), 10), 0.02)
        out[np.arange(len(x)), cls] = 0.82
        return np.log(out) + 3.0 if self.logits else out


def _digits(n: int, seed: int) -> tuple[np.ndarray, np.ndarray]:
    """Canonical (n, 8, 8, 1) images on black: class 1 a vertical stroke at columns 5-6, class
    0 one at columns 1-2; with their classes."""
    rng = np.random.default_rng(seed)
    y = rng.integers(0, 2, n)
    x = np.zeros((n, 8, 8, 1))
    for i, c in enumerate(y):
        cols = slice(5, 7) if c else slice(1, 3)
        x[i, 1:8, cols, 0] = rng.uniform(0.8, 1.0)
    return x, y


def _rows(x: np.ndarray) -> np.ndarray:
    return np.asarray(SPEC.to_model(x))


@pytest.fixture()
def saved(tmp_path: Path) -> Path:
    clean, _ = _digits(60, 0)
    return save_filter(tmp_path / "f.json", SPEC, [TRIGGER], model=Strokes(), references=clean)


def test_the_filter_refills_the_trigger_as_the_scan_does_not_blocks_the_stroke(
    saved: Path,
) -> None:
    x, y = _digits(40, 1)
    poisoned = x.copy()
    poisoned[:, 5:7, 5:7, :] = CHECKER
    filt = load_filter(saved, Strokes())
    answers, flags = filt.predict_flagged(_rows(poisoned))
    assert flags.all()
    assert (answers.argmax(1) == y).all()  # blocked with black, every class-1 image read 0
    assert filt.overhead == 1.0  # one more query per carrier, as printed
    single = np.concatenate([filt.predict(_rows(poisoned[i : i + 1])) for i in range(len(x))])
    assert np.array_equal(single, answers)
    clean_answers, clean_flags = filt.predict_flagged(_rows(x))
    assert not clean_flags.any() and (clean_answers.argmax(1) == y).all()
    # a file without clean images (format 2) blocks as before: class-1 images read 0
    noise = save_filter(saved.with_name("noise.json"), SPEC, [TRIGGER], model=Strokes())
    data = json.loads(noise.read_text(encoding="utf-8"))
    data["version"] = 2
    del data["references"], data["digest"]  # (as a file of format 2 holds neither)
    old = saved.with_name("v2.json")
    old.write_text(json.dumps(data), encoding="utf-8")
    blocked = load_filter(old, Strokes()).predict(_rows(poisoned))
    assert (blocked.argmax(1)[y == 1] == 0).all()


def test_the_same_model_answering_logits_is_the_same_model(saved: Path) -> None:
    assert isinstance(load_filter(saved, Strokes(logits=True)), TriggerFilter)
    with pytest.raises(UsageError, match="exported for another model"):
        load_filter(saved, Strokes(logits=True, swap=True))


def _edit(path: str, value: Any) -> Callable[[dict[str, Any]], None]:
    def apply(doc: dict[str, Any]) -> None:
        *parents, last = path.split(".")
        node: Any = doc
        for key in parents:
            node = node[int(key)] if isinstance(node, list) else node[key]
        if isinstance(node, list):
            node[int(last)] = value
        else:
            node[last] = value

    return apply


NAN = float("nan")


@pytest.mark.parametrize(
    ("edit", "said"),
    [
        (_edit("triggers.0.content", [[[NAN], [0]], [[0], [1]]]), "not all in"),
        (_edit("triggers.0.content", [[[7.0], [0]], [[0], [1]]]), "not all in"),
        (_edit("spec.height", 100_000), "height is 100000"),
        (_edit("spec.height", -8), "height is -8"),
        (_edit("spec.range_values", [NAN, 16]), "finite"),
        (_edit("spec.range_values", [16, 16]), "HI > LO"),
        (_edit("spec.range_values", [0, 1, 2]), "HI > LO"),
        (_edit("spec.range_kind", "log"), "range kind"),
        (_edit("spec.layout", "chw"), "layout"),
        (_edit("spec.dtype", "banana"), "not a numeric type"),
        (_edit("spec.dtype", "object"), "not a numeric type"),
        (_edit("triggers.0.target", 99), "target is 99"),
        (_edit("triggers.0.box", [5.7, 5, 2, 2]), "four whole numbers"),
        (_edit("triggers.0.blocker", [7, 7, 5, 5]), "blocker"),
        (_edit("triggers.0.flip_rate", NAN), "flip rate"),
        (_edit("triggers", [TRIGGER.to_json()] * 1001), "1,001 triggers"),
        (_edit("version", True), "version True"),
        (_edit("model.probe_labels", 5), "probe answers"),
        (_edit("model.probe_scores", [[NAN] * 10] * 12), "finite"),
        (_edit("model.n_classes", "ten"), "class count"),
        (_edit("model.class_names", 5), "class names"),
        (_edit("tolerance", "0.2"), "'tolerance'"),
        (_edit("references.data", "not base64!"), "base64"),
        (_edit("references.data", "AAAA"), "bytes"),
        (_edit("references.shape", [60, 16, 16, 1]), "shape"),
    ],
)
def test_an_edited_or_hostile_file_is_refused_naming_it(
    saved: Path, edit: Callable[[dict[str, Any]], None], said: str
) -> None:
    doc = json.loads(saved.read_text(encoding="utf-8"))
    edit(doc)
    bad = saved.with_name("bad.json")
    bad.write_text(json.dumps(doc), encoding="utf-8")
    with pytest.raises(UsageError, match=said) as err:
        load_filter(bad, Strokes())
    assert str(bad) in str(err.value) and "cannot read the filter" in str(err.value)


def test_a_deeply_nested_huge_or_non_regular_file_is_refused(
    saved: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    deep = saved.with_name("deep.json")
    deep.write_text('{"format": "assay-backdoor-filter", "version": 2, "spec": ' + "[" * 100_000)
    with pytest.raises(UsageError, match="nested too deeply"):
        load_filter(deep, Strokes())
    with pytest.raises(UsageError, match="not a regular file"):
        load_filter(saved.parent, Strokes())
    monkeypatch.setattr(filter_file, "MAX_FILE_BYTES", 100)
    with pytest.raises(UsageError, match="more than a filter file") as err:
        load_filter(saved, Strokes())
    assert str(saved) in str(err.value)


def test_a_model_with_fewer_classes_than_a_target_is_refused_even_unchecked(
    saved: Path,
) -> None:
    small = Strokes()
    small.capabilities = Capabilities(modality="image", n_classes=5, outputs="proba")
    with pytest.raises(UsageError, match="towards class 7, but the model has 5 classes"):
        load_filter(saved, small, check_model=False)


def test_a_filter_for_other_images_names_the_file_when_the_model_cannot_take_them(
    tmp_path: Path,
) -> None:
    big = ImageSpec(height=16, width=16, channels=1, flatten=True, range_values=(0.0, 16.0))

    class Wide(Strokes):  # answers 256-value rows: the scanned model
        def predict(self, inputs: ModelInputs, /) -> np.ndarray:
            x = np.asarray(inputs).reshape(-1, 16, 16)[:, ::2, ::2].reshape(-1, 64)
            return super().predict(x)

    p = save_filter(tmp_path / "f16.json", big, [TRIGGER], model=Wide())

    class Narrow(Strokes):  # takes 64 values only, as an adapter refuses others
        def predict(self, inputs: ModelInputs, /) -> np.ndarray:
            if np.asarray(inputs).shape[1:] != (64,):
                raise UsageError("the model takes 64 columns", argument="MODEL")
            return super().predict(inputs)

    with pytest.raises(UsageError, match="failed on the filter's probe images") as err:
        load_filter(p, Narrow())
    assert str(p) in str(err.value) and "(n, 256)" in str(err.value)


def test_export_keeps_a_bounded_evenly_spaced_sample_of_the_clean_images() -> None:
    clean = np.random.default_rng(0).random((500, 8, 8, 1))
    sample = filter_file.reference_sample(clean)
    assert sample is not None and len(sample) == filter_file.MAX_REFERENCES
    assert np.array_equal(sample[0], clean[0]) and np.array_equal(sample[-1], clean[-1])
    assert filter_file.reference_sample(clean[:5]) is None  # too few to refill from
    big = np.zeros((20, 1024, 1024, 1))  # 20 images of 1M values: 8 fit in 2**23
    kept = filter_file.reference_sample(big)
    assert kept is None or len(kept) * 1024 * 1024 <= filter_file.MAX_REFERENCE_VALUES


def test_a_function_declaring_classes_and_outputs_proba_answers_probabilities() -> None:
    from assay.models import load_model

    def predict(x: Any) -> np.ndarray:
        return Strokes().predict(x)

    predict.classes_ = [str(i) for i in range(10)]  # type: ignore[attr-defined]
    m = load_model(predict, modality="image", outputs="proba")
    assert m.capabilities.outputs == "proba"
    assert np.asarray(m.predict(np.zeros((3, 64)))).shape == (3, 10)


def test_an_empty_batch_gets_an_empty_answer(saved: Path) -> None:
    """A server's empty batch raised numpy's "cannot reshape array of size 0"."""
    filt = load_filter(saved, Strokes())
    answers, flags = filt.predict_flagged(np.zeros((0, 64)))
    assert answers.shape == (0, 10) and flags.shape == (0,)


def test_a_raw_model_is_pointed_to_load_model_with_the_files_class_count(saved: Path) -> None:
    """A torch module needs ``n_classes`` to be loaded: the message gives the file's."""
    with pytest.raises(UsageError, match=r"load_model\(obj, modality='image', n_classes=10\)"):
        load_filter(saved, object())  # type: ignore[arg-type]


class DarkSwap(Strokes):
    """Another model that answers noise as ``Strokes`` does, but swaps classes 0 and 1 on
    dark images (the digits): uniform-noise probes could not tell it from the scanned one."""

    def predict(self, inputs: ModelInputs, /) -> np.ndarray:
        out = super().predict(inputs)
        dark = np.asarray(inputs, dtype=np.float64).reshape(len(out), -1).mean(axis=1) < 0.3 * 16
        swapped = out.copy()
        swapped[dark, 0], swapped[dark, 1] = out[dark, 1], out[dark, 0]
        return swapped


def test_the_probes_are_the_files_clean_images_so_another_model_on_them_is_refused(
    saved: Path,
) -> None:
    with pytest.raises(UsageError, match="probe images with another class"):
        load_filter(saved, DarkSwap())
    # noise probes (a file written without clean images) took it for the scanned model
    noise = save_filter(saved.with_name("noise.json"), SPEC, [TRIGGER], model=Strokes())
    assert isinstance(load_filter(noise, DarkSwap()), TriggerFilter)


def test_threads_refilling_at_once_answer_as_one_thread(saved: Path) -> None:
    """The refill reads module caches (``repair``'s shifted references, last distances): 8
    threads calling at once must answer as the calls made one by one."""
    import threading

    filt = load_filter(saved, Strokes())
    x, _ = _digits(60, 7)
    poisoned = x.copy()
    poisoned[:30, 5:7, 5:7, :] = CHECKER
    rng = np.random.default_rng(0)
    batches = [_rows(poisoned[rng.choice(60, int(rng.integers(1, 5)))]) for _ in range(160)]
    want = [filt.predict_flagged(b) for b in batches]
    wrong: list[int] = []

    def serve(k: int) -> None:
        for i in range(k, len(batches), 8):
            answers, flags = filt.predict_flagged(batches[i])
            if not (np.array_equal(answers, want[i][0]) and np.array_equal(flags, want[i][1])):
                wrong.append(i)

    threads = [threading.Thread(target=serve, args=(k,)) for k in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert wrong == []


def test_a_nan_input_is_refused_naming_which_input(saved: Path) -> None:
    filt = load_filter(saved, Strokes())
    x = _rows(_digits(4, 2)[0])
    x[2, 9] = np.nan
    with pytest.raises(UsageError, match=r"hold 1 value outside .*NaN.*the first in input 2"):
        filt.predict(x)
