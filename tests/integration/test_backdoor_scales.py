"""Pixel values on the wrong scale: images of 0..255 read as 0..1 were clipped to white and
every one of 20 clean-looking images "carried a confirmed trigger" (exit 1); a clean set on
another scale than the images to scan did the same."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from assay.cli.app import main
from assay.errors import UsageError

MODEL = """\
import numpy as np

def quarters(X):
    X = np.asarray(X, dtype=float).reshape(len(X), 8, 8)
    q = [X[:, :4, :4], X[:, :4, 4:], X[:, 4:, :4], X[:, 4:, 4:]]
    return np.stack([v.sum(axis=(1, 2)) for v in q], axis=1).argmax(axis=1)

quarters.classes_ = [0, 1, 2, 3]
"""


def _arrays(tmp_path: Path) -> tuple[Path, Path, Path]:
    rng = np.random.default_rng(0)
    (tmp_path / "m.py").write_text(MODEL)
    unit, wide = tmp_path / "unit.npy", tmp_path / "wide.npy"
    np.save(unit, rng.random((20, 8, 8)).astype(np.float32))
    np.save(wide, (rng.random((20, 8, 8)) * 255).astype(np.float32))
    return tmp_path / "m.py", unit, wide


def _cli(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str]:
    with pytest.raises(SystemExit) as exc:
        main(list(args))
    code = exc.value.code
    return (code if isinstance(code, int) else 1), capsys.readouterr().err


@pytest.mark.parametrize("extra", [[], ["--range", "0,255"]])
def test_images_outside_the_models_range_or_on_two_scales_are_refused(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], extra: list[str]
) -> None:
    model, unit, wide = _arrays(tmp_path)
    code, err = _cli(
        capsys,
        "backdoor",
        f"{model}:quarters",
        "--images",
        str(wide),
        "--clean",
        str(unit),
        "--input-shape",
        "8,8",
        "--store",
        str(tmp_path / "r.db"),
        "--seed",
        "1",
        *extra,
    )
    assert code == 2, err
    if extra:  # the clean images (0..1) are all under 8 % of 0..255: said of them first
        assert ("not on the same scale" in err or "under 8 %" in err) and "--clean" in err
    else:
        assert "outside the range the model takes (0 to 1)" in err and "wide.npy" in err
        assert "--range" in err


def test_the_api_refuses_arrays_outside_the_range(tmp_path: Path) -> None:
    from assay.backdoor.api import setup_backdoor

    def quarters(x: np.ndarray) -> np.ndarray:
        v = np.asarray(x, dtype=float).reshape(len(x), 8, 8)
        return (v[:, :4].sum(axis=(1, 2)) > v[:, 4:].sum(axis=(1, 2))).astype(int)

    wide = np.random.default_rng(1).random((20, 8, 8)) * 255
    with pytest.raises(UsageError, match="outside the range"):
        setup_backdoor(quarters, clean=wide, images=wide[:5], input_shape="8,8")


def test_images_on_the_models_scale_are_scanned(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    model, _unit, wide = _arrays(tmp_path)
    code, err = _cli(
        capsys,
        "backdoor",
        f"{model}:quarters",
        "--images",
        str(wide),
        "--clean",
        str(wide),
        "--input-shape",
        "8,8",
        "--range",
        "0,255",
        "--store",
        str(tmp_path / "r.db"),
        "--seed",
        "1",
    )
    assert code in (0, 1), err
    assert "scale" not in err and "outside the range" not in err


def test_copies_of_one_image_are_said_to_be_copies(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """30 copies of one image read '0 of 30 images ...; 0.4 queries per unflagged image':
    the copies are answered from the first one's queries, and the headline now says so."""
    model, unit, _wide = _arrays(tmp_path)
    copies = tmp_path / "copies.npy"
    np.save(copies, np.repeat(np.load(unit)[:1], 30, axis=0))
    with pytest.raises(SystemExit):
        main(
            [
                "backdoor",
                f"{model}:quarters",
                "--images",
                str(copies),
                "--clean",
                str(unit),
                "--input-shape",
                "8,8",
                "--store",
                str(tmp_path / "r.db"),
                "--seed",
                "1",
            ]
        )
    out = capsys.readouterr().out
    assert "30 images scanned are 1 distinct" in out, out
