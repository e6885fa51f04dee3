"""left43b (hostile43b Left 4): a model failing after loading's probe and the clean images'
labels but before the first image scanned (NaN from its 9th call) read "0 of 0 images carry a
confirmed trigger; ... 20 of 20 images not reached", "0 of 0" where 20 were given.  Now: "no
image was scanned: ... none of them was tested", exit 3 (a model failure)."""

from __future__ import annotations

from pathlib import Path

import numpy as np
from typer.testing import CliRunner

from assay.cli.app import app, register

register()
MODEL = """import numpy as np
calls = [0]
def predict(x):
    calls[0] += 1
    flat = np.asarray(x, dtype=np.float64).reshape(len(x), -1)
    s = np.stack([flat[:, k::3].mean(1) for k in range(3)], 1)
    e = np.exp(10 * (s - s.max(1, keepdims=True)))
    out = e / e.sum(1, keepdims=True)
    if calls[0] > 8:
        out[:] = np.nan
    return out
predict.classes_ = [0, 1, 2]
"""


def test_a_model_failing_before_any_image_says_none_was_tested(tmp_path: Path) -> None:
    (tmp_path / "late.py").write_text(MODEL, encoding="utf-8")
    rng = np.random.default_rng(0)
    np.save(tmp_path / "s.npy", rng.random((20, 8, 8, 1)))
    np.save(tmp_path / "c.npy", rng.random((60, 8, 8, 1)))
    result = CliRunner().invoke(
        app,
        [
            "backdoor", f"{tmp_path}/late.py:predict", "--images", str(tmp_path / "s.npy"),
            "--clean", str(tmp_path / "c.npy"), "--seed", "0",
            "--store", str(tmp_path / "runs.db"),
        ],
    )  # fmt: skip
    out = " ".join(result.output.split())
    assert result.exit_code == 3, out
    assert "non-finite value" in out, out
    assert "0 of 0 images" not in out, out
    assert "no image was scanned" in out and "the 20 images given" in out, out
