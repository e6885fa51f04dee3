"""Real inference servers on loopback: MLServer (Open Inference Protocol v2) and MLflow's
scoring server, each installed in a virtual environment of its own (cached; see
``serving_servers.server_venv``).  The same decision tree tested locally and over HTTP gives
the same findings for the same seed."""

from __future__ import annotations

import json
import os
import subprocess
from collections.abc import Iterator
from pathlib import Path

import joblib
import numpy as np
import pytest
import sklearn
from serving_servers import free_port, server_venv, wait_for
from sklearn.tree import DecisionTreeClassifier

from assay.api import check_fairness
from assay.core.store import RunStore
from assay.datasets import load_dataset
from assay.models.http import ServingOptions

pytestmark = pytest.mark.slow

SEED, QUERIES = 4, 3000


@pytest.fixture(scope="module")
def tree() -> DecisionTreeClassifier:
    ds = load_dataset("adult")
    return DecisionTreeClassifier(random_state=0).fit(ds.X, ds.target)


def _python(name: str) -> Path:
    python = server_venv(name, sklearn.__version__)
    if python is None:
        log = (Path(os.environ.get("ASSAY_SERVER_VENVS", "~")) / f"{name}.log").expanduser()
        pytest.skip(f"{name} cannot be installed here; see {log}")
    return python


def _findings(store: RunStore, run_id: str) -> np.ndarray:
    a = np.concatenate([b.inputs.reshape(len(b), -1) for b in store.iter_batches(run_id)])
    return a[np.lexsort(a.T[::-1])]


def _stop(proc: subprocess.Popen[bytes]) -> None:
    proc.terminate()
    try:
        proc.wait(timeout=20)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait()


@pytest.fixture(scope="module")
def mlserver(tree, tmp_path_factory) -> Iterator[str]:
    python = _python("mlserver")
    root = tmp_path_factory.mktemp("mlserver")
    joblib.dump(tree, root / "model.joblib")
    port = free_port()
    (root / "settings.json").write_text(
        json.dumps(
            {
                "http_port": port,
                "grpc_port": free_port(),
                "metrics_endpoint": None,
                "parallel_workers": 0,
                "host": "127.0.0.1",
            }
        )
    )
    (root / "model-settings.json").write_text(
        json.dumps(
            {
                "name": "tree",
                "implementation": "mlserver_sklearn.SKLearnModel",
                "parameters": {"uri": "./model.joblib"},
            }
        )
    )
    log = (root / "server.log").open("wb")
    proc = subprocess.Popen(
        [str(python.parent / "mlserver"), "start", str(root)], stdout=log, stderr=log, cwd=root
    )
    try:
        base = f"http://127.0.0.1:{port}"
        if not wait_for(f"{base}/v2/health/ready", 120, proc):
            pytest.fail("MLServer did not start: " + (root / "server.log").read_text()[-2000:])
        yield f"{base}/v2/models/tree"
    finally:
        _stop(proc)
        log.close()


@pytest.fixture(scope="module")
def mlflow_server(tree, tmp_path_factory) -> Iterator[str]:
    python = _python("mlflow")
    root = tmp_path_factory.mktemp("mlflow")
    joblib.dump(tree, root / "model.joblib")
    subprocess.run(
        [
            str(python),
            "-c",
            "import joblib, mlflow.sklearn, sys; mlflow.sklearn.save_model("
            "joblib.load(sys.argv[1]), sys.argv[2], pyfunc_predict_fn='predict_proba', "
            "serialization_format='cloudpickle')",
            str(root / "model.joblib"),
            str(root / "model"),
        ],
        check=True,
        capture_output=True,
    )
    port = free_port()
    log = (root / "server.log").open("wb")
    env = {
        **os.environ,
        "MLFLOW_TRACKING_URI": (root / "mlruns").as_uri(),
        "PATH": f"{python.parent}{os.pathsep}{os.environ.get('PATH', '')}",  # its uvicorn
    }
    proc = subprocess.Popen(
        [
            str(python.parent / "mlflow"),
            "models",
            "serve",
            "-m",
            str(root / "model"),
            "--env-manager",
            "local",
            "--host",
            "127.0.0.1",
            "-p",
            str(port),
            "-w",
            "1",
        ],
        stdout=log,
        stderr=log,
        cwd=root,
        env=env,
    )
    try:
        base = f"http://127.0.0.1:{port}"
        if not wait_for(f"{base}/ping", 120, proc):
            pytest.fail("MLflow did not start: " + (root / "server.log").read_text()[-2000:])
        yield f"{base}/invocations"
    finally:
        _stop(proc)
        log.close()


def _same_as_local(tree, url: str, tmp_path: Path, **serving) -> dict:
    store = RunStore(tmp_path / "runs.db")
    kw = dict(dataset="adult", protected="sex", max_queries=QUERIES, seed=SEED, store=store)
    local = check_fairness(tree, **kw)
    served = check_fairness(url, serving=ServingOptions(batch_size=200, **serving), **kw)
    assert local.n_findings > 0
    assert served.n_findings == local.n_findings
    assert np.array_equal(_findings(store, served.run_id), _findings(store, local.run_id))
    return store.get_run(served.run_id).summary["serving"]


def test_mlserver_over_open_inference_protocol(tree, mlserver, tmp_path: Path) -> None:
    stats = _same_as_local(tree, mlserver, tmp_path, output="predict_proba", concurrency=2)
    assert stats["protocol"] == "oip" and stats["failed"] == 0 and stats["answered"] > 0


def test_mlflow_scoring_server_dataframe_split(tree, mlflow_server, tmp_path: Path) -> None:
    stats = _same_as_local(tree, mlflow_server, tmp_path)
    assert stats["protocol"] == "mlflow" and stats["answered"] > 0
