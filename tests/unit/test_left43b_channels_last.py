"""left43b (hostile43b Left 6): after hostile43b, an array of genuine 3-row, 4-column images
of 4 channels (n, 3, 4, 4) was refused as 4x4 planes channels first with no way to say
otherwise.  ``--channels-last`` (``channels_last=True``) reads it as given, on the command
line and in the API; without it, the refusal names the option."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from typer.testing import CliRunner

from assay.backdoor.api import check_backdoor
from assay.cli.app import app, register
from assay.core.store import RunStore
from assay.errors import UsageError

register()
MODEL = """import numpy as np
def predict(x):
    x = np.asarray(x, dtype=np.float64)
    assert x.shape[1:] == (3, 4, 4), x.shape  # 3x4 images of 4 channels, as given
    s = np.stack([x[..., k].mean((1, 2)) for k in range(3)], 1)
    e = np.exp(10 * (s - s.max(1, keepdims=True)))
    return e / e.sum(1, keepdims=True)
predict.classes_ = [0, 1, 2]
"""


def _arrays(tmp_path: Path) -> tuple[Path, Path]:
    rng = np.random.default_rng(0)
    np.save(tmp_path / "s.npy", rng.random((10, 3, 4, 4)))
    np.save(tmp_path / "c.npy", rng.random((40, 3, 4, 4)))
    return tmp_path / "s.npy", tmp_path / "c.npy"


@pytest.mark.parametrize("given", [False, True])
def test_channels_last_reads_3x4_images_of_4_channels(tmp_path: Path, given: bool) -> None:
    (tmp_path / "m.py").write_text(MODEL, encoding="utf-8")
    images, clean = _arrays(tmp_path)
    result = CliRunner().invoke(
        app,
        [
            "backdoor", f"{tmp_path}/m.py:predict", "--images", str(images), "--clean",
            str(clean), "--seed", "0", "--max-queries", "3000",
            "--store", str(tmp_path / "runs.db"), *(["--channels-last"] if given else []),
        ],
    )  # fmt: skip
    out = " ".join(result.output.split())
    if given:
        assert result.exit_code in (0, 1, 2), out
        assert "of 10 images" in out and "channels first" not in out, out
    else:
        assert result.exit_code == 2, out
        assert "channels first" in out and "--channels-last" in out, out


def test_the_api_takes_channels_last(tmp_path: Path) -> None:
    rng = np.random.default_rng(0)

    def predict(x: np.ndarray) -> np.ndarray:
        assert x.shape[1:] == (3, 4, 4)
        p = x[..., :2].mean((1, 2))
        out: np.ndarray = p / p.sum(1, keepdims=True)
        return out

    predict.classes_ = [0, 1]  # type: ignore[attr-defined]
    kw = {"images": rng.random((10, 3, 4, 4)), "clean": rng.random((40, 3, 4, 4))}
    # (the API's keyword: "--channels-last" was said to a Python caller, hostile52b)
    with pytest.raises(UsageError, match="channels_last=True"):
        check_backdoor(predict, seed=0, store=RunStore(tmp_path / "a.db"), **kw)
    r = check_backdoor(predict, seed=0, store=RunStore(tmp_path / "b.db"), channels_last=True, **kw)
    assert "of 10 images" in r.headline, r.headline
