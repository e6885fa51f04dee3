"""Scaling benchmark (prints figures; not a test).

1. Findings per second of a fairness campaign split into units, in-process and on a Dask
   LocalCluster of 1 and 2 workers, for a model that takes about 5 ms of CPU per batch (a
   decision tree plus a busy wait, so the workers really compete for the cores).  Target: two
   workers reach at least 1.6 times one.
2. Requests per second against a model served on loopback (a threaded HTTP server in another
   process) at concurrency 1, 4 and 16: assay's ``HttpModel`` next to a plain httpx client
   loop sending the same bodies with as many threads.  Target: assay within 10 % of it.

    python bench/scale.py            # about two minutes
    python bench/scale.py --quick

The machine is shared: figures are noisy; compare ratios measured in the same run.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
import textwrap
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import numpy as np

from assay.core.model import Capabilities


class SlowTree:
    """A decision tree that spends about ``ms`` of CPU on every batch (picklable)."""

    def __init__(self, estimator: Any, ms: float) -> None:
        self.estimator = estimator
        self.ms = ms
        self.capabilities = Capabilities(modality="tabular", n_classes=2, outputs="proba")

    def predict(self, inputs: Any, /) -> np.ndarray:
        end = time.thread_time() + self.ms / 1000
        out = np.asarray(self.estimator.predict_proba(np.asarray(inputs, dtype=np.float64)))
        while time.thread_time() < end:
            pass
        return out


def _spin(n: int) -> float:
    t0 = time.perf_counter()
    x = 0
    for i in range(n):
        x += i
    return time.perf_counter() - t0


def machine_parallelism() -> float:
    """How much faster two CPU-bound processes finish than one after the other, now: the
    ceiling for any executor on this (shared) machine."""
    import multiprocessing

    n = 5_000_000
    one = _spin(n)
    with multiprocessing.get_context("spawn").Pool(2) as pool:
        pool.map(_spin, [1000, 1000])  # start-up apart
        t0 = time.perf_counter()
        pool.map(_spin, [n, n])
        two = time.perf_counter() - t0
    return 2 * one / two


def dask_part(queries: int, units: int) -> None:
    from sklearn.tree import DecisionTreeClassifier

    from assay.api import setup_fairness
    from assay.core.store import RunStore, new_run_id
    from assay.core.units import InProcessUnits, UnitExecutor, execute_units
    from assay.datasets import load_dataset
    from assay.execution.dask import DaskUnits

    ds = load_dataset("adult")
    tree = DecisionTreeClassifier(random_state=0).fit(ds.X, ds.target)
    setup = setup_fairness(SlowTree(tree, 5.0), dataset="adult", protected="sex")
    rows = []
    with tempfile.TemporaryDirectory() as tmp:
        store = RunStore(Path(tmp) / "runs.db")
        findings = None
        for label, workers in (("in-process", 0), ("dask, 1 worker", 1), ("dask, 2 workers", 2)):
            runner: UnitExecutor = InProcessUnits() if not workers else DaskUnits(workers=workers)
            t0 = time.perf_counter()
            if isinstance(runner, DaskUnits):  # start-up (and imports on workers) apart
                warm = new_run_id("fairness")
                store.create_run(
                    run_id=warm, technique="fairness", seed=1, command="", config={}, model={},
                    versions={},
                )  # fmt: skip
                execute_units(
                    setup.test, setup.model, store=store, run_id=warm, seed=2, n_units=workers,
                    executor=runner, max_queries=100 * workers,
                )  # fmt: skip
            started = time.perf_counter() - t0
            run_id = new_run_id("fairness")
            store.create_run(
                run_id=run_id, technique="fairness", seed=1, command="", config={}, model={},
                versions={},
            )  # fmt: skip
            t0 = time.perf_counter()
            r = execute_units(
                setup.test, setup.model, store=store, run_id=run_id, seed=1, n_units=units,
                executor=runner, max_queries=queries, merge=setup.test.merge_summaries,
            )  # fmt: skip
            seconds = time.perf_counter() - t0
            runner.close()
            if findings is None:
                findings = r.n_findings
            assert r.n_findings == findings, "the executors disagree"
            rows.append((label, r.n_findings, started, seconds, r.n_findings / seconds))
    print(f"\n1. fairness campaign, {units} units, {queries:,} queries, ~5 ms CPU per batch")
    print(f"{'executor':<18}{'findings':>10}{'start s':>9}{'run s':>9}{'findings/s':>12}")
    for label, n, st, s, rate in rows:
        print(f"{label:<18}{n:>10,}{st:>9.1f}{s:>9.2f}{rate:>12,.0f}")
    print(f"ceiling on this machine now (2 CPU-bound processes vs 1): {machine_parallelism():.2f}x")
    print(
        f"2 workers / 1 worker: {rows[2][4] / rows[1][4]:.2f}x (target >= 1.6x); "
        f"2 workers / in-process: {rows[2][4] / rows[0][4]:.2f}x (cluster start-up excluded)"
    )


SERVER = textwrap.dedent(
    """
    import json, sys
    from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
    class H(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"
        disable_nagle_algorithm = True  # no 40 ms delayed-ACK stalls on keep-alive
        wbufsize = 1 << 16  # headers and body in one write
        def log_message(self, *a): pass
        def do_POST(self):
            body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
            out = json.dumps({"outputs": [[0.25, 0.75]] * len(body["inputs"])}).encode()
            self.send_response(200)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(out)))
            self.end_headers()
            self.wfile.write(out)
    s = ThreadingHTTPServer(("127.0.0.1", 0), H)
    s.daemon_threads = True
    print(s.server_address[1], flush=True)
    s.serve_forever()
    """
)


def _plain_rate(url: str, chunks: list[np.ndarray], c: int) -> float:
    """A plain httpx loop doing assay's job: encode each batch, send it with ``c`` threads,
    decode the answers."""
    import httpx

    head = {"Content-Type": "application/json"}
    with httpx.Client(trust_env=False, limits=httpx.Limits(max_connections=c)) as client:
        client.post(url, content=json.dumps({"inputs": chunks[0].tolist()}), headers=head)

        def send(chunk: np.ndarray) -> np.ndarray:
            body = json.dumps({"inputs": chunk.tolist()}).encode()
            r = client.post(url, content=body, headers=head)
            return np.asarray(json.loads(r.content)["outputs"])

        t0 = time.perf_counter()
        with ThreadPoolExecutor(c) as pool:
            np.concatenate(list(pool.map(send, chunks)))
        return len(chunks) / (time.perf_counter() - t0)


def _assay_rate(url: str, rows: np.ndarray, batch: int, c: int) -> float:
    from assay.models.http import HttpModel

    caps = Capabilities(modality="tabular", n_classes=2, outputs="proba")
    model = HttpModel(url, capabilities=caps, max_batch=batch, concurrency=c)
    model.predict(rows[:batch])  # warm the connection
    t0 = time.perf_counter()
    model.predict(rows)
    rate = len(rows) / batch / (time.perf_counter() - t0)
    model.close()
    return rate


def http_part(requests: int, batch: int, repeats: int = 3) -> None:
    proc = subprocess.Popen([sys.executable, "-c", SERVER], stdout=subprocess.PIPE, text=True)
    try:
        assert proc.stdout is not None
        port = int(proc.stdout.readline())
        url = f"http://127.0.0.1:{port}/predict"
        rows = np.random.default_rng(0).integers(0, 9, size=(requests * batch, 13))
        chunks = [rows[i : i + batch] for i in range(0, len(rows), batch)]
        print(
            f"\n2. requests/s against a local served model ({requests} requests of {batch} "
            f"rows; best of {repeats}, alternating)"
        )
        print(f"{'concurrency':<12}{'plain httpx':>14}{'assay':>10}{'assay/plain':>13}")
        for c in (1, 4, 16):
            plain = ours = 0.0
            for _ in range(repeats):
                plain = max(plain, _plain_rate(url, chunks, c))
                ours = max(ours, _assay_rate(url, rows, batch, c))
            print(f"{c:<12}{plain:>14,.0f}{ours:>10,.0f}{ours / plain:>13.2f}")
    finally:
        proc.terminate()
        proc.wait()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true")
    parser.add_argument("--skip-dask", action="store_true")
    parser.add_argument("--skip-http", action="store_true")
    args = parser.parse_args()
    if not args.skip_dask:
        dask_part(queries=40_000 if args.quick else 160_000, units=8)
    if not args.skip_http:
        http_part(requests=300 if args.quick else 1500, batch=50)


if __name__ == "__main__":
    main()
