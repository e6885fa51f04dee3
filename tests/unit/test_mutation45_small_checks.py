"""The forty-third session's small checks, at their edges (mutation45): which slice ends
``core.name_slices`` reads by position, which ``ASSAY_CHECKPOINT_SECONDS`` values
``core.checkpoint_env`` takes, which rows ``models.row_sums`` refuses and what it names,
which files ``backdoor.unread`` refuses in a folder of images.  Each case is one a mutant
of the code got wrong while every earlier test passed."""

from __future__ import annotations

import struct
from pathlib import Path

import numpy as np
import pytest
from PIL import Image

from assay.backdoor.image_files import read_images
from assay.core.checkpoint_env import DEFAULT_COMMIT_INTERVAL, checkpoint_seconds
from assay.core.name_slices import sliced
from assay.core.run import _state_cap
from assay.errors import UsageError
from assay.models.row_sums import refuse_rows_not_one

NAMES = ["applied", "sex", "age", "income", "region"]


def test_a_slice_with_an_open_end_is_read() -> None:
    assert sliced(slice(None, 2), NAMES) == ["applied", "sex"]
    assert sliced(slice(3, None), NAMES) == ["income", "region"]
    assert sliced(slice(None, "age"), NAMES) == ["applied", "sex", "age"]
    assert sliced(slice("age", None), NAMES) == ["age", "income", "region"]


def test_a_name_slice_keeps_its_step() -> None:
    assert sliced(slice("applied", "region", 2), NAMES) == ["applied", "age", "region"]
    assert sliced(slice("sex", "ghost"), NAMES) is None


@pytest.mark.parametrize(("given", "seconds"), [("", DEFAULT_COMMIT_INTERVAL), ("0", 0.0)])
def test_checkpoint_seconds_taken(
    monkeypatch: pytest.MonkeyPatch, given: str, seconds: float
) -> None:
    # (an empty variable, as a CI file's ``ASSAY_CHECKPOINT_SECONDS:`` sets it: the default;
    # 0: a checkpoint at every batch, as the kill-at-a-checkpoint tests run)
    monkeypatch.setenv("ASSAY_CHECKPOINT_SECONDS", given)
    assert checkpoint_seconds() == seconds


@pytest.mark.parametrize("given", ["inf", "-1", "abc", "nan"])
def test_checkpoint_seconds_refused(monkeypatch: pytest.MonkeyPatch, given: str) -> None:
    monkeypatch.setenv("ASSAY_CHECKPOINT_SECONDS", given)
    with pytest.raises(UsageError, match="ASSAY_CHECKPOINT_SECONDS") as err:
        checkpoint_seconds()
    assert repr(given) in str(err.value)


PROBE = np.arange(12.0).reshape(4, 3)


def _refused(answer: list[list[float]]) -> str | None:
    try:
        refuse_rows_not_one(np.asarray(answer), PROBE, "the function f")
    except UsageError as exc:
        return str(exc)
    return None


def test_rows_within_the_tolerance_and_logits_are_taken() -> None:
    assert _refused([[0.5, 0.49], [0.2, 0.8], [1.0, 0.0], [0.3, 0.7]]) is None  # (0.99)
    assert _refused([[3.0, 0.5], [0.1, 2.0], [0.0, 1.0], [0.5, 0.5]]) is None  # (logits)
    assert _refused([[-1.0, 0.5], [0.1, 0.2], [0.0, 0.4], [0.5, 0.5]]) is None  # (logits)
    refuse_rows_not_one(np.array([0, 1, 1, 0]), PROBE, "f")  # (labels: no rows to add up)


def test_a_row_off_by_more_than_the_tolerance_is_refused_by_its_input() -> None:
    # one row of four adds up to 1.3, the others to 1: named by its input, not the first
    said = _refused([[0.5, 0.5], [0.2, 0.8], [0.7, 0.6], [0.3, 0.7]])
    assert said is not None and "the row for input 2 adds up to 1.3" in said, said
    assert "1 of 4 rows" in said and "not probabilities of one class" in said, said
    assert "multi-hot" not in said, said
    # a row adding up to less than 1 (0.6), and a multi-hot row
    low = _refused([[0.3, 0.3], [0.2, 0.8], [1.0, 0.0], [0.3, 0.7]])
    assert low is not None and "input 0 adds up to 0.6" in low, low
    hot = _refused([[1.0, 0.0], [1.0, 1.0], [0.0, 1.0], [0.0, 0.0]])
    assert hot is not None and "multi-hot" in hot and "input 1" in hot and "2 of 4" in hot, hot


def _pngs(folder: Path, n: int = 4) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    rng = np.random.default_rng(0)
    for i in range(n):
        Image.fromarray(rng.integers(0, 256, (8, 8, 3), dtype=np.uint8)).save(folder / f"{i}.png")


def test_files_that_hold_no_image_are_not_refused(tmp_path: Path) -> None:
    _pngs(tmp_path)
    # a sound file (RIFF, but WAVE), a video (ftyp, brand isom), a text starting "BM",
    # a BMP-like header too short to tell, and a hidden HEIC (a tool's own copy)
    (tmp_path / "chime.wav").write_bytes(b"RIFF\x24\x00\x00\x00WAVEfmt " + bytes(32))
    (tmp_path / "clip.mp4").write_bytes(b"\x00\x00\x00\x18ftypisom" + bytes(32))
    (tmp_path / "README").write_bytes(b"BMW shelf photos, taken in March 2024\n")
    (tmp_path / ".thumb.heic").write_bytes(b"\x00\x00\x00\x18ftypheic" + bytes(32))
    assert len(read_images(tmp_path, argument="--images").values) == 4


def _webp() -> bytes:
    return b"RIFF" + struct.pack("<I", 30) + b"WEBPVP8 " + bytes(22)


def test_an_image_under_another_suffix_or_a_capital_one_is_refused(tmp_path: Path) -> None:
    _pngs(tmp_path)
    (tmp_path / "a1b2c3").write_bytes(_webp())
    (tmp_path / "scan.BMP_large").write_bytes(b"BM" + bytes(12) + struct.pack("<I", 40) + bytes(8))
    (tmp_path / "IMG_1.HEIC").write_bytes(b"\x00\x00\x00\x18ftypheic" + bytes(32))
    (tmp_path / "IMG_2.heic").write_bytes(b"\x00\x00\x00\x18ftypheic" + bytes(32))
    with pytest.raises(UsageError) as err:
        read_images(tmp_path, argument="--images")
    text = str(err.value)
    assert ": 4 files in the folder hold or name images" in text, text
    assert "a WebP image under no suffix" in text and "a BMP image under .bmp_large" in text
    assert ".heic files are not read" in text and ", ..." in text, text


def test_one_heic_beside_pngs_is_refused(tmp_path: Path) -> None:
    _pngs(tmp_path)
    (tmp_path / "IMG_1.heic").write_bytes(b"\x00\x00\x00\x18ftypheic" + bytes(32))
    with pytest.raises(UsageError, match=r": 1 file in the folder holds or names an image "):
        read_images(tmp_path, argument="--images")


@pytest.mark.parametrize(("given", "cap"), [("-1", 0), ("0", 0), ("1.5", 1_572_864)])
def test_a_state_cap_below_0_is_no_cap(
    monkeypatch: pytest.MonkeyPatch, given: str, cap: int
) -> None:
    monkeypatch.setenv("ASSAY_MAX_STATE_MB", given)
    assert _state_cap() == cap


def test_a_link_to_an_image_elsewhere_under_no_suffix_is_refused(tmp_path: Path) -> None:
    """A real bug (UN5's survivor): links were never read for an image, so ``stamped`` ->
    ``../other/stamped.png`` beside 4 PNGs was skipped and 4 images scanned, as a copy of
    the same file under that name is refused."""
    _pngs(tmp_path / "scan")
    _pngs(tmp_path / "other", 1)
    (tmp_path / "scan" / "stamped").symlink_to(tmp_path / "other" / "0.png")
    with pytest.raises(UsageError, match=r"\(stamped\): a PNG image under no suffix"):
        read_images(tmp_path / "scan", argument="--images")


def test_a_link_to_one_of_the_folders_images_is_no_image_missed(tmp_path: Path) -> None:
    _pngs(tmp_path)
    (tmp_path / "latest").symlink_to(tmp_path / "2.png")
    (tmp_path / "loop").symlink_to(tmp_path / "loop")
    assert len(read_images(tmp_path, argument="--images").values) == 4
