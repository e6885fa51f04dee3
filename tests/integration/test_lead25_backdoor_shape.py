"""A torch model that fails on its first images shaped as the user's --input-shape says is a
usage error naming --input-shape (exit 2), the model's own words kept."""

from __future__ import annotations

import warnings
from pathlib import Path

import numpy as np
import pytest

torch = pytest.importorskip("torch")

from typer.testing import CliRunner  # noqa: E402

from assay.cli.app import app, register  # noqa: E402

register()
runner = CliRunner()


class Grey(torch.nn.Module):  # type: ignore[misc]
    """Channels first: (n, 1, 8, 8)."""

    def __init__(self) -> None:
        super().__init__()
        self.conv = torch.nn.Conv2d(1, 4, 3, padding=1)
        self.head = torch.nn.Linear(4 * 8 * 8, 10)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.head(torch.relu(self.conv(x)).flatten(1))


@pytest.fixture
def grey(tmp_path: Path) -> tuple[Path, Path]:
    torch.manual_seed(0)
    model = tmp_path / "grey.pt"
    with warnings.catch_warnings():  # (torch.jit is deprecated, TorchScript files are not)
        warnings.simplefilter("ignore", DeprecationWarning)
        torch.jit.script(Grey().eval()).save(str(model))
    images = tmp_path / "clean.npy"
    np.save(images, np.random.default_rng(0).random((12, 8, 8)).astype(np.float32))
    return model, images


def test_a_wrong_input_shape_is_a_usage_error_naming_it(
    grey: tuple[Path, Path], tmp_path: Path
) -> None:
    model, images = grey
    args = ["backdoor", str(model), "--clean", str(images), "--max-queries", "500"]
    args += ["--store", str(tmp_path / "runs.db")]
    wrong = runner.invoke(app, [*args, "--input-shape", "8,8,1"])  # read as channels last
    assert wrong.exit_code == 2, wrong.output
    assert "argument --input-shape" in wrong.output
    assert "channels" in wrong.output  # the model's own words are kept
    right = runner.invoke(app, [*args, "--input-shape", "1,8,8"])
    assert right.exit_code in (0, 1, 2), right.output
    assert "argument --input-shape" not in right.output
