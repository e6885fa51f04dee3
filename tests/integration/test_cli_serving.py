"""The serving and executor options on the command line: usage errors exit 2 and name the
argument; a served model answers through the options given."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from serving_servers import FaultServer
from typer.testing import CliRunner

from assay.cli.app import app, register
from assay.core.store import RunStore

register()
runner = CliRunner()


def _invoke(*args: str, env: dict[str, str] | None = None) -> tuple[int, str]:
    result = runner.invoke(app, list(args), env=env)
    return result.exit_code, result.output


@pytest.mark.parametrize(
    ("extra", "argument"),
    [
        (["--executor", "dask"], "--executor"),
        (["--executor", "spark", "--workers", "2"], "--executor"),
        (["--workers", "2"], "--executor"),
        (["--units", "0"], "--units"),
    ],
)
def test_executor_usage_errors_exit_2(extra: list[str], argument: str, tmp_path: Path) -> None:
    code, out = _invoke(
        "fairness", "--dataset", "adult", "--protected", "sex", "--max-queries", "100",
        "--store", str(tmp_path / "r.db"), *extra,
    )  # fmt: skip
    assert code == 2, out
    assert argument in out


def test_missing_header_variable_is_named_and_exits_2(tmp_path: Path) -> None:
    with FaultServer(lambda x: np.full((len(x), 2), 0.5)) as server:
        code, out = _invoke(
            "fairness", server.url, "--dataset", "adult", "--protected", "sex",
            "--header-env", "Authorization=ASSAY_NO_SUCH_VAR", "--store", str(tmp_path / "r.db"),
        )  # fmt: skip
    assert code == 2 and "ASSAY_NO_SUCH_VAR" in out and "--header-env" in out


def test_served_model_on_the_command_line(tmp_path: Path) -> None:
    def answer(x: np.ndarray) -> np.ndarray:
        p = (x[:, 8] > 0).astype(float)  # the answer follows 'sex': every pair is an IDI
        return np.stack([p, 1 - p], axis=1)

    store = tmp_path / "r.db"
    with FaultServer(answer, faults={2: "500"}) as server:
        code, out = _invoke(
            "fairness", server.url, "--dataset", "adult", "--protected", "sex",
            "--max-queries", "800", "--seed", "1", "--batch-size", "40", "--concurrency", "2",
            "--retries", "2", "--store", str(store), "--quiet",
        )  # fmt: skip
    assert code == 1, out
    run = RunStore(store).list_runs()[0]
    assert run.summary["serving"]["retried"] >= 1
    assert run.config["invocation"]["serving"]["batch_size"] == 40
