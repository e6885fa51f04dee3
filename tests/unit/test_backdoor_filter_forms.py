"""The run-time filter in serving code: inputs in another form than the scan's are refused
(never silently misread), a filter file is checked against the model it is loaded around,
a broken file is named, and concurrent calls keep each thread's flags."""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np
import pytest

from assay.backdoor.filter import TriggerFilter, load_filter, save_filter
from assay.backdoor.images import ImageSpec
from assay.backdoor.patches import Trigger
from assay.core.model import Capabilities, ModelInputs
from assay.errors import UsageError

RED = np.array([1.0, 0.0, 0.0])
TRIGGER = Trigger(
    box=(5, 5, 2, 2), content=np.tile(RED, (2, 2, 1)), target=7, flip_rate=1.0, source=0
)


class Toy:
    """A trojaned model over NCHW images in ``scale`` units: a red 2x2 patch at (5, 5) sends
    an image to 7, else the class is its mean brightness in tenths (plus ``shift``)."""

    def __init__(self, shift: int = 0, scale: float = 1.0) -> None:
        self.shift, self.scale = shift, scale
        self.capabilities = Capabilities(modality="image", n_classes=10, outputs="proba")
        self.calls = 0

    def predict(self, inputs: ModelInputs, /) -> np.ndarray:
        self.calls += 1
        x = np.asarray(inputs, dtype=np.float64).transpose(0, 2, 3, 1) / self.scale
        patch = x[:, 5:7, 5:7, :]
        red = np.all(np.abs(patch - RED) < 0.1, axis=(1, 2, 3))
        cls = np.where(
            red, 7, (np.floor(x.mean(axis=(1, 2, 3)) * 10).astype(int) + self.shift) % 10
        )
        out = np.full((len(x), 10), 0.01)
        out[np.arange(len(x)), cls] = 0.91
        return out


def _spec(lo: float = 0.0, hi: float = 1.0) -> ImageSpec:
    return ImageSpec(
        height=8, width=8, channels=3, layout="nchw", range_values=(lo, hi), dtype="float32"
    )


def _images(n: int, seed: int, poisoned: bool) -> np.ndarray:
    """Canonical (n, 8, 8, 3) greys of brightness 0.3-0.5, the trigger pasted when asked."""
    rng = np.random.default_rng(seed)
    x = np.repeat(rng.uniform(0.3, 0.5, (n, 8, 8, 1)), 3, axis=3)
    if poisoned:
        x[:, 5:7, 5:7, :] = RED
    return x


def _nchw(x: np.ndarray, scale: float = 1.0) -> np.ndarray:
    return np.ascontiguousarray(x.transpose(0, 3, 1, 2) * scale).astype(np.float32)


@pytest.fixture()
def saved(tmp_path: Path) -> Path:
    return save_filter(tmp_path / "f.json", _spec(), [TRIGGER], model=Toy())


def test_the_filter_blocks_the_trigger_in_the_scanned_form_batch_of_one_too(saved: Path) -> None:
    filt = load_filter(saved, Toy())
    out = filt.predict(_nchw(_images(20, 1, True)))
    assert filt.last_flags.all() and not (out.argmax(1) == 7).any()
    one = filt.predict(_nchw(_images(1, 2, True)))
    assert filt.last_flags.tolist() == [True] and one.argmax(1)[0] != 7
    filt.predict(_nchw(_images(20, 3, False)))
    assert not filt.last_flags.any()


@pytest.mark.parametrize(
    ("form", "said"),
    [
        (lambda x: (_nchw(x) * 255).astype(np.uint8), "divide by 255"),
        # hostile43b: 16-bit pixels were told to "divide by 255" (still out of range)
        (lambda x: (_nchw(x) * 65535).astype(np.uint16), "divide by 65535"),
        (lambda x: x.astype(np.float32), "another axis order"),  # NHWC to an NCHW model
        (lambda x: _nchw(x)[0], "without its batch axis"),
        (lambda x: _nchw(x).reshape(len(x), -1), "in another shape"),
        (lambda x: np.array([["a"] * 192] * len(x)), "not numbers"),
    ],
)
def test_inputs_in_another_form_are_refused_naming_the_file(
    saved: Path, form: Callable[[np.ndarray], np.ndarray], said: str
) -> None:
    filt = load_filter(saved, Toy())
    with pytest.raises(UsageError, match=said) as err:
        filt.predict(form(_images(4, 1, True)))
    assert str(saved) in str(err.value) and "(n, 3, 8, 8)" in str(err.value)


def test_unit_pixels_for_a_model_scanned_in_0_255_are_refused(tmp_path: Path) -> None:
    p = save_filter(tmp_path / "f.json", _spec(0, 255), [TRIGGER], model=Toy(scale=255))
    filt = load_filter(p, Toy(scale=255))
    filt.predict(_nchw(_images(4, 1, True), 255))
    assert filt.last_flags.all()
    with pytest.raises(UsageError, match=r"0\.\.1 pixels"):
        filt.predict(_nchw(_images(4, 1, True)))
    black = np.zeros((2, 3, 8, 8), dtype=np.float32)  # a blank frame is a 0..255 image too
    assert len(filt.predict(black)) == 2


def test_a_filter_loaded_around_another_model_is_refused(saved: Path) -> None:
    with pytest.raises(UsageError, match="exported for another model") as err:
        load_filter(saved, Toy(shift=3))
    assert str(saved) in str(err.value)
    other = Toy(shift=3)
    other.capabilities = Capabilities(modality="image", n_classes=5, outputs="proba")
    with pytest.raises(UsageError, match="5 classes, the scanned one 10"):
        load_filter(saved, other)
    assert isinstance(load_filter(saved, Toy(shift=3), check_model=False), TriggerFilter)
    with pytest.raises(UsageError, match="wraps an assay Model"):
        load_filter(saved, object())  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("edit", "said"),
    [
        (lambda t, d: t[: len(t) // 2], "cannot read the filter"),
        (lambda t, d: "[1, 2]", "not an assay-backdoor-filter"),
        (lambda t, d: json.dumps({**d, "version": 4}), "version 4"),
        (
            lambda t, d: json.dumps({k: v for k, v in d.items() if k != "tolerance"}),
            "'tolerance' is missing",
        ),
        (
            lambda t, d: json.dumps({**d, "triggers": [{**d["triggers"][0], "box": [7, 7, 2, 2]}]}),
            "not inside",
        ),
        (lambda t, d: json.dumps({**d, "triggers": None}), "cannot read the filter"),
    ],
)
def test_a_broken_filter_file_is_a_usage_error_naming_it(
    saved: Path, edit: Callable[[str, Any], str], said: str
) -> None:
    text = saved.read_text(encoding="utf-8")
    bad = saved.with_name("bad.json")
    bad.write_text(edit(text, json.loads(text)), encoding="utf-8")
    with pytest.raises(UsageError, match=said) as err:
        load_filter(bad, Toy())
    assert str(bad) in str(err.value)


def test_concurrent_calls_keep_each_threads_flags_and_count_every_input(saved: Path) -> None:
    filt = load_filter(saved, Toy())
    wrong: list[str] = []
    start = threading.Barrier(8)

    def serve(k: int) -> None:
        start.wait()
        for i in range(30):
            poisoned = (k + i) % 2 == 0
            n = 1 + (k % 3)
            out = filt.predict(_nchw(_images(n, 100 * k + i, poisoned)))
            time.sleep(0.0005)  # a server logs the answer before it reads the flags
            if filt.last_flags.tolist() != [poisoned] * n or len(out) != n:
                wrong.append(f"thread {k} call {i}: {filt.last_flags.tolist()}")

    threads = [threading.Thread(target=serve, args=(k,)) for k in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert wrong == []
    inputs = sum(30 * (1 + k % 3) for k in range(8))
    assert filt.inputs == inputs
    carriers = sum((1 + k % 3) * sum((k + i) % 2 == 0 for i in range(30)) for k in range(8))
    assert filt.queries == inputs + carriers
    assert filt.overhead == pytest.approx(carriers / inputs)


def test_the_printed_line_says_an_empty_filter_blocks_nothing_and_both_overheads() -> None:
    from types import SimpleNamespace

    from assay.cli.backdoor_cmd import filter_line

    empty = SimpleNamespace(
        triggers=[], filter_path="f.json", filter_overhead=0.0, filter_overhead_clean=0.0
    )
    assert "blocks nothing" in filter_line(empty)
    one = SimpleNamespace(
        triggers=[TRIGGER], filter_path="f.json", filter_overhead=0.5, filter_overhead_clean=0.01
    )
    line = filter_line(one)
    assert "0.500 on the scanned images" in line and "0.010 on the clean images" in line


def test_json_output_names_the_filter_and_its_overheads(tmp_path: Path) -> None:
    """``--json``: stdout carries the result alone; the filter line goes to stderr, so the
    file and what it costs are in the result."""
    from typer.testing import CliRunner

    from assay.cli.app import app, register

    register()
    path = tmp_path / "f.json"
    args = ["backdoor", "--demo", "--json", "--export-filter", str(path)]
    result = CliRunner().invoke(app, [*args, "--store", str(tmp_path / "runs.db")])
    assert result.exit_code == 0, result.output  # a demo that found its trigger
    made = json.loads(result.stdout)["exports"]["filter"]
    assert made["path"] == str(path) and made["triggers"] >= 1 and path.is_file()
    assert 0 < made["overhead_scanned"] <= 1 and made["overhead_clean"] is not None


def test_a_version_1_file_without_the_models_answers_still_loads(saved: Path) -> None:
    data = json.loads(saved.read_text(encoding="utf-8"))
    data["version"] = 1
    del data["model"]
    old = saved.with_name("v1.json")
    old.write_text(json.dumps(data), encoding="utf-8")
    assert isinstance(load_filter(old, Toy(shift=3)), TriggerFilter)  # nothing to check against
    filt = load_filter(old, Toy())
    filt.predict(_nchw(_images(3, 1, True)))
    assert filt.last_flags.all()


def test_flags_read_on_another_thread_come_with_the_answers(saved: Path) -> None:
    """``await loop.run_in_executor(None, filt.predict, x)`` calls on a worker thread: the
    event loop's thread must get the flags with the answers, not its own (empty) last call."""
    import asyncio

    filt = load_filter(saved, Toy())

    async def serve() -> tuple[np.ndarray, np.ndarray]:
        loop = asyncio.get_running_loop()
        return await loop.run_in_executor(None, filt.predict_flagged, _nchw(_images(5, 4, True)))

    answers, flags = asyncio.run(serve())
    assert flags.tolist() == [True] * 5 and not (answers.argmax(1) == 7).any()
    assert filt.last_flags.tolist() == []  # this thread made no call


def test_a_model_answering_labels_only_is_checked_by_its_labels(tmp_path: Path) -> None:
    class Labels(Toy):
        def __init__(self, shift: int = 0) -> None:
            super().__init__(shift)
            self.capabilities = Capabilities(modality="image", n_classes=10, outputs="labels")

        def predict(self, inputs: ModelInputs, /) -> np.ndarray:
            return np.asarray(super().predict(inputs).argmax(1))

    p = save_filter(tmp_path / "f.json", _spec(), [TRIGGER], model=Labels())
    filt = load_filter(p, Labels())
    assert not (filt.predict(_nchw(_images(4, 1, True))) == 7).any() and filt.last_flags.all()
    with pytest.raises(UsageError, match="probe images with another class"):
        load_filter(p, Labels(shift=3))
