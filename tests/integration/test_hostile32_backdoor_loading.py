"""A backdoor scan's loading, as a new user meets it.

``--call-timeout`` bounds loading's probe calls too: a model that hung on the two clean
images loading asks it was waited on for the default 60 s whatever ``--call-timeout`` said,
and the error then said "did not answer within 60 s (--call-timeout)" of a run given
``--call-timeout 3`` (text and fairness honoured it; ``check_backdoor(call_timeout=)`` did
not either).  And a folder of PNG files read without Pillow (``make demo`` installs
``assay[onnx]`` only) ended in an internal error, exit 5 with a traceback in a log, from
the size check made before any image is decoded: it is a usage error naming the extra."""

from __future__ import annotations

import sys
import threading
import time
from pathlib import Path

import numpy as np
import pytest
from typer.testing import CliRunner

from assay.backdoor.api import check_backdoor
from assay.cli.app import app, register
from assay.core.store import RunStore
from assay.errors import ModelError

register()
RELEASE = threading.Event()  # set at the end: no thread is left waiting


def hangs(images: np.ndarray) -> np.ndarray:
    RELEASE.wait(40)
    out = np.zeros((len(images), 10))
    out[:, 3] = 1.0
    return out


hangs.classes_ = list(range(10))  # type: ignore[attr-defined]


@pytest.fixture(autouse=True)
def _release() -> object:
    RELEASE.clear()
    yield None
    RELEASE.set()


def _images(n: int, seed: int) -> np.ndarray:
    return np.random.default_rng(seed).random((n, 8, 8)).astype(np.float32)


def test_the_api_stops_a_model_hung_while_loading_at_its_call_timeout(tmp_path: Path) -> None:
    started = time.monotonic()
    with pytest.raises(ModelError, match=r"within 1\.5 s"):
        check_backdoor(
            hangs,
            images=_images(12, 1),
            clean=_images(20, 2),
            n_classes=10,
            call_timeout=1.5,
            seed=0,
            store=RunStore(tmp_path / "runs.db"),
        )
    assert time.monotonic() - started < 20


def test_the_command_line_says_the_timeout_it_was_given(tmp_path: Path) -> None:
    np.save(tmp_path / "images.npy", _images(12, 1))
    np.save(tmp_path / "clean.npy", _images(20, 2))
    (tmp_path / "net.py").write_text(
        "import time\nimport numpy as np\n"
        "def hangs(x):\n    time.sleep(30)\n    return np.zeros((len(x), 10))\n",
        encoding="utf-8",
    )
    started = time.monotonic()
    result = CliRunner().invoke(
        app,
        [
            "backdoor",
            f"{tmp_path}/net.py:hangs",
            "--images",
            str(tmp_path / "images.npy"),
            "--clean",
            str(tmp_path / "clean.npy"),
            "--classes",
            "10",
            "--call-timeout",
            "2",
            "--store",
            str(tmp_path / "runs.db"),
        ],
    )
    assert result.exit_code == 3, result.output
    assert "within 2 s" in result.output, result.output
    assert "No run was made" in result.output, result.output
    assert time.monotonic() - started < 25


def test_a_png_folder_without_pillow_is_a_usage_error_naming_the_extra(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from PIL import Image

    for name in ("images", "clean"):
        (tmp_path / name).mkdir()
        for i, a in enumerate(_images(12, 3 if name == "images" else 4)):
            Image.fromarray((a * 255).astype(np.uint8)).save(tmp_path / name / f"{i:02d}.png")
    monkeypatch.setitem(sys.modules, "PIL", None)  # as a venv without assay[image]
    result = CliRunner().invoke(
        app,
        [
            "backdoor",
            "builtin-free.py:f",
            "--images",
            str(tmp_path / "images"),
            "--clean",
            str(tmp_path / "clean"),
            "--store",
            str(tmp_path / "runs.db"),
        ],
    )
    assert result.exit_code == 2, result.output
    assert "needs Pillow" in result.output and "assay[image]" in result.output, result.output
    assert "internal error" not in result.output, result.output
