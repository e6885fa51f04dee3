"""A served model answering a sigmoid per class is refused before its backdoor run is made
(left41b's Left 2; bd42b).

left41b refused torch, ONNX and scikit-learn models so before any run; a function or an
endpoint, not asked again (each request may be billed, a function may count its calls), was
refused only at its run's first batch: exit 3 with a failed run and a resume line in the
store.  The answer it gave loading's probe is checked now: no request more."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import numpy as np
from typer.testing import CliRunner

from assay.cli.app import app, register
from assay.core.store import RunStore

from test_models_http import Server  # isort: skip

register()


def _answer(last: str) -> Any:
    def answer(body: dict[str, Any]) -> tuple[int, bytes]:
        z = np.asarray(body["inputs"], dtype=float).reshape(len(body["inputs"]), -1)[:, :3]
        z = z * 4 - 2
        out = 1 / (1 + np.exp(-z)) if last == "sigmoid" else np.exp(z) / np.exp(z).sum(1)[:, None]
        return 200, json.dumps({"outputs": out.tolist()}).encode()

    return answer


def _scan(tmp_path: Path, last: str) -> tuple[int, str, int, int]:
    rng = np.random.default_rng(0)
    np.save(tmp_path / "clean.npy", rng.random((12, 6, 6, 1)))
    np.save(tmp_path / "scan.npy", rng.random((2, 6, 6, 1)))
    store = tmp_path / "runs.db"
    with Server(_answer(last)) as server:
        result = CliRunner().invoke(
            app,
            [
                "backdoor", server.url, "--images", str(tmp_path / "scan.npy"),
                "--clean", str(tmp_path / "clean.npy"), "--strategy", "strip",
                "--store", str(store), "--seed", "0",
            ],
        )  # fmt: skip
        requests = len(server.bodies)
    runs = len(list(RunStore(store, read_only=True).list_runs())) if store.exists() else 0
    return result.exit_code, " ".join(result.output.split()), runs, requests


def test_a_served_sigmoid_is_refused_before_a_run_with_no_request_more(tmp_path: Path) -> None:
    code, said, runs, requests = _scan(tmp_path, "sigmoid")
    assert code == 3 and "sum to" in said and "not 1" in said, said
    assert "No run was made" in said and "resume" not in said, said  # main: a failed run
    assert runs == 0
    assert requests == 1, requests  # loading's probe alone: its answer is the one checked


def test_a_served_softmax_is_scanned(tmp_path: Path) -> None:
    code, said, runs, _ = _scan(tmp_path, "softmax")
    assert code in (0, 1), said
    assert runs == 1
