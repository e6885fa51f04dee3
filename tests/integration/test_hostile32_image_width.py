"""Images that do not fit a model's flat input were refused naming the images' path as the
argument: "argument array: images are 8x8x1 (64 values) but the model takes 4 values per
input" in Python (arrays given), "argument suspects.npz: ..." on the command line.  The
argument is the one given (``images``, ``--images``; ``clean`` for a model scan)."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from sklearn.linear_model import LogisticRegression
from typer.testing import CliRunner

import assay
from assay.cli.app import app, register

register()


def _model() -> LogisticRegression:
    rng = np.random.default_rng(0)
    return LogisticRegression(max_iter=200).fit(rng.random((40, 4)), np.arange(40) % 3)


@pytest.mark.parametrize("scan", ["inputs", "model"])
def test_the_api_names_the_argument_not_array(tmp_path: Path, scan: str) -> None:
    rng = np.random.default_rng(1)
    images = rng.random((5, 8, 8)) if scan == "inputs" else None
    with pytest.raises(assay.UsageError, match="64 values") as caught:
        assay.check_backdoor(
            _model(), images=images, clean=rng.random((12, 8, 8)), store=tmp_path / "r.db"
        )
    assert caught.value.argument == ("images" if scan == "inputs" else "clean")


def test_the_command_line_names_the_option(tmp_path: Path) -> None:
    import skops.io as sio

    rng = np.random.default_rng(1)
    sio.dump(_model(), tmp_path / "table.skops")
    np.save(tmp_path / "images.npy", rng.random((5, 8, 8)))
    np.save(tmp_path / "clean.npy", rng.random((12, 8, 8)))
    result = CliRunner().invoke(
        app,
        [
            "backdoor", str(tmp_path / "table.skops"), "--images", str(tmp_path / "images.npy"),
            "--clean", str(tmp_path / "clean.npy"), "--store", str(tmp_path / "r.db"),
        ],
    )  # fmt: skip
    said = " ".join(result.output.split())
    assert result.exit_code == 2, said
    assert "argument --images: images are 8x8x1 (64 values)" in said, said
