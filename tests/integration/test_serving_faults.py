"""A served model behind a real, faulty HTTP server on loopback.

The same decision tree answers locally and over HTTP; the server injects 500s, 429s, answers
slower than the timeout, dropped connections and cut JSON.  The run completes, the retries
and failures are counted in the report, and the findings are those of the local run.  A
server that goes down for good ends the run as ``model_unavailable``; it resumes when the
server is back.  A token given through ``--header-env`` appears nowhere.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
from serving_servers import FaultServer, fault_schedule
from sklearn.tree import DecisionTreeClassifier

from assay.api import check_fairness, resume_run
from assay.core.store import RunStore
from assay.datasets import load_dataset
from assay.errors import ModelError, ModelUnavailable
from assay.models.http import ServingOptions

SEED = 5
QUERIES = 4000


@pytest.fixture(scope="module")
def tree() -> DecisionTreeClassifier:
    ds = load_dataset("adult")
    return DecisionTreeClassifier(random_state=0).fit(ds.X, ds.target)


def _findings(store: RunStore, run_id: str) -> np.ndarray:
    rows = [b.inputs.reshape(len(b), -1) for b in store.iter_batches(run_id)]
    if not rows:
        return np.zeros((0, 0))
    a = np.concatenate(rows)
    return a[np.lexsort(a.T[::-1])]


def _run(model: object, store: RunStore, **kw: object) -> object:
    return check_fairness(
        model,
        dataset="adult",
        protected="sex",
        max_queries=QUERIES,
        seed=SEED,
        store=store,
        overlap=False,
        **kw,
    )


def test_faults_are_retried_counted_and_lose_no_finding(tree, tmp_path: Path) -> None:
    store = RunStore(tmp_path / "runs.db")
    local = _run(tree, store)
    assert local.n_findings > 0
    faults = fault_schedule(400, every=4, start=2)
    opts = ServingOptions(batch_size=64, timeout=0.5, retries=2, backoff=0.01)
    with FaultServer(tree.predict_proba, faults=faults, slow_seconds=1.0) as server:
        served = _run(server.url, store, serving=opts)
        injected = dict(server.injected)
    assert served.status == local.status
    assert np.array_equal(_findings(store, served.run_id), _findings(store, local.run_id))
    assert all(injected[f] > 0 for f in ("500", "429", "slow", "drop", "garbage")), injected
    stats = store.get_run(served.run_id).summary["serving"]
    assert stats["retried"] >= sum(injected.values())
    assert stats["failed"] == 0
    assert stats["latency_ms"]["p50"] > 0 and stats["requests_per_second"] > 0
    # in every report
    from assay.report.document import build_document

    doc = json.dumps(build_document(store, served.run_id))
    assert "requests failed after their retries" in doc


def test_failed_requests_are_recorded_and_sent_again(tree, tmp_path: Path) -> None:
    """Three faults in a row beat 2 retries: that request failed, is recorded, is resent."""
    store = RunStore(tmp_path / "runs.db")
    local = _run(tree, store)
    faults = {10: "500", 11: "500", 12: "500", 30: "drop", 31: "drop", 32: "drop"}
    opts = ServingOptions(batch_size=64, timeout=2, retries=2, backoff=0.01)
    with FaultServer(tree.predict_proba, faults=faults) as server:
        served = _run(server.url, store, serving=opts)
    stats = store.get_run(served.run_id).summary["serving"]
    assert stats["failed"] == 2
    assert "status 500" in stats["errors"][0]["error"]
    assert np.array_equal(_findings(store, served.run_id), _findings(store, local.run_id))


def test_server_down_for_good_is_model_unavailable_then_resumes(tree, tmp_path: Path) -> None:
    store = RunStore(tmp_path / "runs.db")
    local = _run(tree, store)
    n_posts = 120
    opts = ServingOptions(batch_size=16, timeout=1, retries=1, backoff=0.01, error_window=10)
    server = FaultServer(tree.predict_proba).start()
    port = server.port
    # the server dies after n_posts requests: every later request is refused
    original = server._answer

    def dying(body):  # type: ignore[no-untyped-def]
        if server.posts == n_posts:
            import threading

            threading.Thread(target=server.stop, daemon=True).start()
        return original(body)

    server._answer = dying  # type: ignore[method-assign]
    with pytest.raises(ModelUnavailable, match="unavailable"):
        check_fairness(
            server.url,
            dataset="adult",
            protected="sex",
            max_queries=QUERIES,
            seed=SEED,
            store=store,
            overlap=True,
            serving=opts,
        )
    runs = [r for r in store.list_runs() if r.id != local.run_id]
    (record,) = runs
    assert record.status == "model_unavailable"
    assert record.summary["serving"]["failed"] >= 1
    kept = record.n_findings
    # the answer's sample is bounded by the query budget, in the stored config too: a resumed
    # run once drew 20,000 pairs (84,000 rows, 5,257 requests, 250 s) on a 4,000-query budget
    assert record.config["answer"]["samples"] <= QUERIES
    back = FaultServer(tree.predict_proba, port=port).start()
    try:
        resumed = resume_run(record.id, store=store)
    finally:
        back.stop()
    assert back.posts * opts.batch_size <= 4 * QUERIES
    assert resumed.status == local.status
    assert store.get_run(record.id).n_findings >= kept
    assert np.array_equal(_findings(store, record.id), _findings(store, local.run_id))


def test_malformed_answers_name_the_endpoint_with_an_excerpt(tmp_path: Path) -> None:
    def wrong(x: np.ndarray) -> np.ndarray:
        return np.zeros((len(x) + 1, 2))  # one answer too many

    with FaultServer(wrong) as server, pytest.raises(ModelError) as info:
        check_fairness(
            server.url,
            dataset="adult",
            protected="sex",
            max_queries=500,
            seed=1,
            store=RunStore(tmp_path / "runs.db"),
            serving=ServingOptions(retries=0),
        )
    message = str(info.value)
    assert server.url in message and "body starts" in message and "outputs" in message


def test_token_from_header_env_appears_nowhere(tree, tmp_path: Path) -> None:
    token = "Bearer s3cr3t-t0ken-4f9a"
    store_path = tmp_path / "runs.db"
    html, report, junit = tmp_path / "r.html", tmp_path / "r.json", tmp_path / "r.xml"
    with FaultServer(tree.predict_proba, token=token, faults={3: "500"}) as server:
        proc = subprocess.run(
            [
                sys.executable,
                "-m",
                "assay",
                "fairness",
                server.url,
                "--dataset",
                "adult",
                "--protected",
                "sex",
                "--max-queries",
                "1500",
                "--seed",
                "3",
                "--header-env",
                "Authorization=ASSAY_TEST_TOKEN",
                "--store",
                str(store_path),
                "--html",
                str(html),
                "--report",
                str(report),
                "--junit",
                str(junit),
            ],
            env={**_env(), "ASSAY_TEST_TOKEN": token},
            capture_output=True,
            text=True,
            timeout=300,
        )
        seen = list(server.headers_seen)
    assert proc.returncode in (0, 1), proc.stderr
    assert any(token in h for h in seen)  # it was sent
    secret = "s3cr3t-t0ken-4f9a"
    for path in (store_path, html, report, junit):
        assert secret.encode() not in path.read_bytes(), path
    for extra in tmp_path.glob("runs.db*"):
        assert secret.encode() not in extra.read_bytes(), extra
    assert secret not in proc.stdout and secret not in proc.stderr
    assert "ASSAY_TEST_TOKEN" in RunStore(store_path).list_runs()[0].command


def _env() -> dict[str, str]:
    import os

    return {k: v for k, v in os.environ.items() if k != "ASSAY_TEST_TOKEN"}
