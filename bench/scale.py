"""Scaling benchmark (prints figures; not a test).

1. Findings per second of a fairness campaign split into units, in-process and on a Dask
   LocalCluster of 1 and 2 workers, for a model that takes about 5 ms per batch, in two
   kinds: ``compute`` (a decision tree plus a busy loop of 5 ms of CPU, so the workers
   really compete for the cores) and ``sleep`` (a decision tree plus 5 ms of sleep: a model
   that waits on something else, a remote server or an accelerator).  Target: two workers
   reach at least 1.6 times one.  Next to the wall clock, the CPU seconds of every process
   (client with the scheduler, each worker) and what they imply on an idle machine.
1t/1b. The same for a text campaign (two TF-IDF classifiers on the review grammar, each
   spending about 2.5 ms of CPU per call, so about 5 ms per batch the panel asks) and a
   backdoor input scan (the trojaned 8x8 digits demo, 60 images, 5 ms of CPU per batch):
   findings per second in-process and on 1 and 2 Dask workers, the findings checked equal.
2. Requests per second against a model served on loopback (a threaded HTTP server in another
   process) at concurrency 1, 4 and 16: assay's ``HttpModel`` next to a plain httpx client
   loop sending the same bodies with as many threads, the two interleaved in alternating
   order, medians of ``--repeats`` paired repetitions.  Target: assay within 10 % of it.

    python bench/scale.py            # a few minutes on a loaded machine
    python bench/scale.py --quick
    python bench/scale.py --skip-http --kinds compute --queries 160000 --units 8
    python bench/scale.py --skip-http --kinds none --techniques text,backdoor

The machine is shared: wall-clock figures are noisy.  Worse, Linux groups the processes of a
session (``sched_autogroup``) and shares the CPU between groups, not processes: while other
sessions keep the cores busy, two processes of this benchmark get about what one would, and
no executor can beat that (the "ceiling" printed, measured in the same run).  The CPU-time
figures do not depend on it: "idle 2-core estimate" is the wall time the measured CPU
seconds imply when every process gets a core of its own (the busiest worker, or all CPU
seconds shared over the cores, whichever is longer, then the client's merge after the last
unit, which waits for all of them).  "between": seconds of the campaign
in which the busiest worker ran no unit (waiting for the scheduler, or at the end).
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import textwrap
import time
from collections.abc import Iterator, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from assay.core.model import Capabilities
from assay.core.units import InProcessUnits, Unit, UnitResult, run_unit


class SlowTree:
    """A decision tree that spends about ``ms`` on every batch (picklable): ``compute``
    spends it as CPU time of the calling thread, ``sleep`` asleep."""

    def __init__(self, estimator: Any, ms: float, kind: str = "compute") -> None:
        self.estimator = estimator
        self.ms = ms
        self.kind = kind
        self.calls = 0
        self.capabilities = Capabilities(modality="tabular", n_classes=2, outputs="proba")

    def predict(self, inputs: Any, /) -> np.ndarray:
        self.calls += 1
        if self.kind == "sleep":
            end = time.perf_counter() + self.ms / 1000
        else:
            end = time.thread_time() + self.ms / 1000
        out = np.asarray(self.estimator.predict_proba(np.asarray(inputs, dtype=np.float64)))
        if self.kind == "sleep":
            time.sleep(max(0.0, end - time.perf_counter()))
        else:
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
    """How much faster two CPU-bound processes of this session finish than one after the
    other, now: the ceiling for any executor on this (shared) machine."""
    import multiprocessing

    n = 5_000_000
    with multiprocessing.get_context("spawn").Pool(2) as pool:
        pool.map(_spin, [1000, 1000])  # start-up apart
        one = pool.apply(_spin, (n,))
        t0 = time.perf_counter()
        pool.map(_spin, [n, n], chunksize=1)
        two = time.perf_counter() - t0
    return 2 * one / two


def _autogroup() -> bool:
    try:
        return Path("/proc/sys/kernel/sched_autogroup_enabled").read_text().strip() == "1"
    except OSError:
        return False


@dataclass
class Row:
    label: str
    findings: int
    duplicates: int
    started: float  # cluster start-up and warm-up, apart
    seconds: float  # wall clock of the campaign
    client_cpu: float  # the client process (with the scheduler and the nannies)
    worker_cpu: list[float]  # each worker process
    unit_cpu: float  # mean CPU seconds of a unit where it ran
    waiting: float  # seconds the busiest worker was not running a unit during the campaign
    asleep: list[float]  # seconds the model slept, in all (in-process) or on each worker
    tail: float  # client CPU seconds after the last unit was committed (the merge)

    def idle_seconds(self, cores: int) -> float:
        """The wall time the CPU seconds (and the model's sleep) imply with a core for every
        process: the busiest worker, or all CPU seconds but the tail shared over the cores,
        whichever is longer; then the client's tail, which waits for every unit."""
        if not self.worker_cpu:
            return self.client_cpu + sum(self.asleep)
        busiest = max(c + z for c, z in zip(self.worker_cpu, self.asleep, strict=True))
        return max(busiest, (self.cpu - self.tail) / cores) + self.tail

    @property
    def rate(self) -> float:
        return self.findings / self.seconds

    @property
    def cpu(self) -> float:
        return self.client_cpu + sum(self.worker_cpu)


def _cpu_of(pids: list[int]) -> list[float]:
    import psutil

    out = []
    for pid in pids:
        t = psutil.Process(pid).cpu_times()
        out.append(t.user + t.system)
    return out


class CountingUnits(InProcessUnits):
    """Runs the units here and counts the model's calls in each."""

    def __init__(self, slow: SlowTree) -> None:
        self.slow = slow
        self.calls: dict[int, int] = {}

    def run(self, technique: Any, model: Any, units: Sequence[Unit]) -> Iterator[UnitResult]:
        for unit in units:
            before = self.slow.calls
            result = run_unit(technique, model, unit)
            self.calls[unit.index] = self.slow.calls - before
            yield result


class Tail:
    """An executor that notes the client's CPU time when its last unit has been handed over."""

    def __init__(self, inner: Any) -> None:
        self.inner = inner
        self.cpu_at_end = 0.0

    @property
    def parallelism(self) -> int:
        return int(self.inner.parallelism)

    def run(self, technique: Any, model: Any, units: Sequence[Unit]) -> Iterator[UnitResult]:
        yield from self.inner.run(technique, model, units)
        self.cpu_at_end = time.process_time()

    def close(self) -> None:
        self.inner.close()


def _campaign(setup: Any, store: Any, runner: Any, seed: int, units: int, queries: int) -> Any:
    from assay.core.store import new_run_id
    from assay.core.units import execute_units

    run_id = new_run_id("fairness")
    store.create_run(
        run_id=run_id, technique="fairness", seed=seed, command="", config={}, model={},
        versions={},
    )  # fmt: skip
    return execute_units(
        setup.test, setup.model, store=store, run_id=run_id, seed=seed, n_units=units,
        executor=runner, max_queries=queries, merge=setup.test.merge_summaries,
    )  # fmt: skip


def dask_part(kind: str, queries: int, units: int, ms: float = 5.0) -> tuple[Row, Row, Row]:
    from sklearn.tree import DecisionTreeClassifier

    from assay.api import setup_fairness
    from assay.core.store import RunStore
    from assay.core.units import UnitExecutor
    from assay.datasets import load_dataset
    from assay.execution.dask import DaskUnits

    ds = load_dataset("adult")
    tree = DecisionTreeClassifier(random_state=0).fit(ds.X, ds.target)
    slow = SlowTree(tree, ms, kind)
    setup = setup_fairness(slow, dataset="adult", protected="sex")
    here = CountingUnits(slow)  # the units are seeded: each calls the model as often anywhere
    nap = ms / 1000 if kind == "sleep" else 0.0
    rows: list[Row] = []
    with tempfile.TemporaryDirectory() as tmp:
        store = RunStore(Path(tmp) / "runs.db")
        for label, workers in (("in-process", 0), ("dask, 1 worker", 1), ("dask, 2 workers", 2)):
            runner: UnitExecutor = here if not workers else DaskUnits(workers=workers)
            t0 = time.perf_counter()
            pid_of: dict[str, int] = {"": os.getpid()}
            if isinstance(runner, DaskUnits):  # start-up (and imports on workers) apart
                pid_of = runner.start().run(os.getpid)
                _campaign(setup, store, runner, 2, workers, 100 * workers)
            started = time.perf_counter() - t0
            pids = list(pid_of.values()) if workers else []
            c0, w0 = time.process_time(), _cpu_of(pids)
            t0 = time.perf_counter()
            tail = Tail(runner)
            r = _campaign(setup, store, tail, 1, units, queries)
            seconds = time.perf_counter() - t0
            c1 = time.process_time()
            client_cpu = c1 - c0
            worker_cpu = [b - a for a, b in zip(w0, _cpu_of(pids), strict=True)]
            runner.close()
            u = r.summary["units"]
            busy: dict[str, float] = {}
            asleep: dict[str, float] = {}
            for i, (on, secs) in enumerate(zip(u["ran_on"], u["seconds"], strict=True)):
                busy[on] = busy.get(on, 0.0) + secs
                asleep[on] = asleep.get(on, 0.0) + nap * here.calls[i]
            order = [asleep.get(a, 0.0) for a in pid_of]
            rows.append(
                Row(
                    label, r.n_findings, u["duplicate_findings"], started, seconds, client_cpu,
                    worker_cpu, float(np.mean(u["cpu_seconds"])), seconds - max(busy.values()),
                    order, c1 - tail.cpu_at_end,
                )
            )  # fmt: skip
    if len({row.findings for row in rows}) != 1:
        raise SystemExit("the executors disagree on the findings")
    return rows[0], rows[1], rows[2]


def print_dask(
    kind: str, rows: tuple[Row, Row, Row], queries: int, units: int, before: float
) -> None:
    cores = min(2, os.cpu_count() or 1)
    here, one, two = rows
    print(
        f"\n1{kind[0]}. fairness campaign, {kind} model (~5 ms per batch), {units} units, "
        f"{queries:,} queries; {here.findings:,} findings ({here.duplicates} found twice, "
        f"kept once)"
    )
    print(
        f"{'executor':<17}{'start s':>8}{'wall s':>8}{'findings/s':>11}"
        f"{'client CPU':>11}{'worker CPU':>16}{'CPU/unit':>9}{'between':>8}"
        f"{'idle 2-core s':>14}{'findings/s':>11}"
    )
    for r in rows:
        workers = " + ".join(f"{c:.2f}" for c in r.worker_cpu) or "-"
        idle = r.idle_seconds(cores)
        print(
            f"{r.label:<17}{r.started:>8.1f}{r.seconds:>8.2f}{r.rate:>11,.0f}"
            f"{r.client_cpu:>11.2f}{workers:>16}{r.unit_cpu:>9.3f}{r.waiting:>8.2f}{idle:>14.2f}"
            f"{r.findings / idle:>11,.0f}"
        )
    after = machine_parallelism()
    measured = two.rate / one.rate
    idle = one.idle_seconds(cores) / two.idle_seconds(cores)
    group = "; sched_autogroup on" if _autogroup() else ""
    print(
        f"2 workers / 1 worker: wall clock {measured:.2f}x (ceiling {before:.2f}x before, "
        f"{after:.2f}x after: two CPU-bound processes of this session vs one{group}), "
        f"from CPU seconds {idle:.2f}x (target >= 1.6x)"
    )
    print(
        f"1 worker / in-process: wall clock {one.rate / here.rate:.2f}x, CPU per unit "
        f"{one.unit_cpu / here.unit_cpu:.2f}x, all CPU {one.cpu / here.cpu:.2f}x; "
        f"2 workers / in-process: wall clock {two.rate / here.rate:.2f}x, from CPU seconds "
        f"{here.idle_seconds(cores) / two.idle_seconds(cores):.2f}x (start-up excluded)"
    )


class SlowModel:
    """Any model that spends about ``ms`` more CPU time on every call (picklable)."""

    def __init__(self, inner: Any, ms: float) -> None:
        self.inner = inner
        self.ms = ms
        self.capabilities = inner.capabilities

    def predict(self, inputs: Any, /) -> np.ndarray:
        end = time.thread_time() + self.ms / 1000
        out = np.asarray(self.inner.predict(inputs))
        while time.thread_time() < end:
            pass
        return out


@dataclass
class TechniqueRow:
    label: str
    findings: int
    duplicates: int
    seconds: float
    queries: int
    client_cpu: float  # CPU seconds of this process during the campaign (units in-process)
    unit_cpu: dict[str, float]  # CPU seconds of the units, per process that ran them
    # the text search's own errors per 1,000 of its queries (the search phase's, as every
    # earlier figure of this bench: the run's own, over every query, is the plain metric)
    per1000: float | None = None

    @property
    def rate(self) -> float:
        return self.findings / self.seconds

    def idle_seconds(self, cores: int) -> float:
        """The wall time the CPU seconds imply with a core per process: the busiest worker,
        or all CPU seconds shared over the cores, whichever is longer."""
        if not any(self.unit_cpu) or set(self.unit_cpu) == {""}:
            return self.client_cpu
        total = self.client_cpu + sum(self.unit_cpu.values())
        return max(max(self.unit_cpu.values()), total / cores)


def _technique_setup(name: str, ms: float) -> tuple[Any, Any, Any]:
    """(technique, model, merge) of the text or backdoor campaign."""
    if name == "text":
        from assay.text.api import builtin_classifier, setup_text

        models = [SlowModel(builtin_classifier(n), ms / 2) for n in ("tfidf", "tfidf-nonegation")]
        setup = setup_text(models, names=["tfidf", "nonegation"], grammar="builtin:reviews")
        return setup.test, setup.model, setup.test.merge_summaries
    from assay.backdoor.api import setup_backdoor

    bd = setup_backdoor("builtin:trojan")
    return bd.test, SlowModel(bd.model, ms), bd.test.merge_summaries


def _single_search(test: Any, model: Any, store: Any, name: str, budget: int | None) -> Any:
    """The default run: one search, in-process (no units)."""
    from assay.core.calls import InlineCaller
    from assay.core.run import execute
    from assay.core.store import new_run_id

    run_id = new_run_id(name)
    store.create_run(
        run_id=run_id, technique=name, seed=1, command="", config={}, model={}, versions={}
    )
    t0, c0 = time.perf_counter(), time.process_time()
    r = execute(
        test, model, store=store, run_id=run_id, seed=1, max_queries=budget,
        caller=InlineCaller(),
    )  # fmt: skip
    seconds, cpu = time.perf_counter() - t0, time.process_time() - c0
    return TechniqueRow(
        "one search", r.n_findings, 0, seconds, int(r.progress.get("queries") or 0), cpu, {},
        _per1000(r.summary),
    )  # fmt: skip


def _per1000(summary: dict[str, Any]) -> float | None:
    value = (summary.get("metrics") or {}).get("errors per 1,000 queries of the search phase only")
    return None if value is None else float(value)


def _warm_up(
    name: str, test: Any, model: Any, merge: Any, store: Any, runner: Any, workers: int
) -> None:
    """A small campaign first, one unit per worker: the workers import what the technique
    and the model need before the campaign is timed."""
    from dataclasses import replace

    from assay.core.store import new_run_id
    from assay.core.units import execute_units

    small = replace(test, images=test.images[:workers]) if name == "backdoor" else test
    run_id = new_run_id(name)
    store.create_run(
        run_id=run_id, technique=name, seed=2, command="", config={}, model={}, versions={}
    )
    execute_units(
        small, model, store=store, run_id=run_id, seed=2, n_units=workers, executor=runner,
        max_queries=100 * workers if name == "text" else None, merge=merge,
    )  # fmt: skip


def technique_part(name: str, queries: int, units: int, ms: float = 5.0) -> list[TechniqueRow]:
    from assay.core.store import RunStore, new_run_id
    from assay.core.units import UnitExecutor, execute_units
    from assay.execution.dask import DaskUnits

    test, model, merge = _technique_setup(name, ms)
    budget = queries if name == "text" else None
    rows: list[TechniqueRow] = []
    seen: list[list[bytes]] = []
    with tempfile.TemporaryDirectory() as tmp:
        store = RunStore(Path(tmp) / "runs.db")
        rows.append(_single_search(test, model, store, name, budget))
        for label, workers in (("in-process", 0), ("dask, 1 worker", 1), ("dask, 2 workers", 2)):
            runner: UnitExecutor = InProcessUnits() if not workers else DaskUnits(workers=workers)
            if isinstance(runner, DaskUnits):  # start-up and imports on the workers apart
                _warm_up(name, test, model, merge, store, runner, workers)
            run_id = new_run_id(name)
            store.create_run(
                run_id=run_id, technique=name, seed=1, command="", config={}, model={},
                versions={},
            )  # fmt: skip
            t0, c0 = time.perf_counter(), time.process_time()
            r = execute_units(
                test, model, store=store, run_id=run_id, seed=1, n_units=units,
                executor=runner, max_queries=budget, merge=merge,
            )  # fmt: skip
            seconds, client = time.perf_counter() - t0, time.process_time() - c0
            runner.close()
            u = r.summary["units"]
            per: dict[str, float] = {}
            for on, cpu in zip(u["ran_on"], u["cpu_seconds"], strict=True):
                per[on] = per.get(on, 0.0) + float(cpu or 0.0)
            rows.append(
                TechniqueRow(
                    label, r.n_findings, u["duplicate_findings"], seconds, sum(u["queries"]),
                    client, per if workers else {}, _per1000(r.summary),
                )
            )  # fmt: skip
            seen.append(sorted(b.inputs.tobytes() for b in store.iter_batches(run_id)))
    if any(s != seen[0] for s in seen):
        raise SystemExit(f"the executors disagree on the {name} findings")
    return rows


def print_technique(name: str, rows: list[TechniqueRow], units: int, before: float) -> None:
    cores = min(2, os.cpu_count() or 1)
    single, here, one, two = rows
    what = (
        "text campaign (2 TF-IDF classifiers, ~2.5 ms of CPU each per call: ~5 ms per batch)"
        if name == "text"
        else "backdoor input scan (trojaned digits demo, 60 images, ~5 ms of CPU per batch)"
    )
    print(
        f"\n1{name[0]}. {what}, {units} units; {here.findings:,} findings "
        f"({here.duplicates} found by two units, kept once); identical on every executor"
    )
    print(
        f"{'executor':<17}{'wall s':>8}{'findings':>9}{'queries':>9}{'findings/s':>11}"
        f"{'client CPU':>11}{'worker CPU':>16}{'idle 2-core s':>14}{'findings/s':>11}"
        + (f"{'errors/1000 q':>15}" if name == "text" else "")
    )
    for r in rows:
        workers = " + ".join(f"{c:.2f}" for c in r.unit_cpu.values()) or "-"
        idle = r.idle_seconds(cores)
        extra = f"{r.per1000:>15.1f}" if name == "text" and r.per1000 is not None else ""
        print(
            f"{r.label:<17}{r.seconds:>8.2f}{r.findings:>9,}{r.queries:>9,}{r.rate:>11,.1f}"
            f"{r.client_cpu:>11.2f}{workers:>16}{idle:>14.2f}{r.findings / idle:>11,.1f}{extra}"
        )
    print(
        f"2 workers / 1 worker: wall clock {two.rate / one.rate:.2f}x (ceiling {before:.2f}x: "
        f"two CPU-bound processes of this session vs one), from CPU seconds "
        f"{one.idle_seconds(cores) / two.idle_seconds(cores):.2f}x (target >= 1.6x); "
        f"1 worker / in-process {one.rate / here.rate:.2f}x; 2 workers / in-process "
        f"{two.rate / here.rate:.2f}x wall clock (start-up excluded); "
        f"units / one search: findings {here.findings / max(single.findings, 1):.2f}x, "
        f"queries {here.queries / max(single.queries, 1):.2f}x"
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


def http_part(requests: int, batch: int, repeats: int = 7) -> None:
    """Each repetition measures both clients back to back, in alternating order (so a drift
    of the machine's load hits both alike); the figures are medians over the repetitions, the
    ratio the median of the paired ratios (with their range: the noise)."""
    from statistics import median

    proc = subprocess.Popen([sys.executable, "-c", SERVER], stdout=subprocess.PIPE, text=True)
    try:
        assert proc.stdout is not None
        port = int(proc.stdout.readline())
        url = f"http://127.0.0.1:{port}/predict"
        rows = np.random.default_rng(0).integers(0, 9, size=(requests * batch, 13))
        chunks = [rows[i : i + batch] for i in range(0, len(rows), batch)]
        print(
            f"\n2. requests/s against a local served model ({requests} requests of {batch} "
            f"rows; median of {repeats} paired repetitions, the two clients interleaved)"
        )
        print(
            f"{'concurrency':<12}{'plain httpx':>14}{'assay':>10}{'assay/plain':>13}"
            f"{'ratio range':>16}"
        )
        for c in (1, 4, 16):
            plain: list[float] = []
            ours: list[float] = []
            for rep in range(repeats):
                if rep % 2 == 0:
                    plain.append(_plain_rate(url, chunks, c))
                    ours.append(_assay_rate(url, rows, batch, c))
                else:
                    ours.append(_assay_rate(url, rows, batch, c))
                    plain.append(_plain_rate(url, chunks, c))
            ratios = [o / p for o, p in zip(ours, plain, strict=True)]
            spread = f"{min(ratios):.2f}-{max(ratios):.2f}"
            print(
                f"{c:<12}{median(plain):>14,.0f}{median(ours):>10,.0f}"
                f"{median(ratios):>13.2f}{spread:>16}"
            )
    finally:
        proc.terminate()
        proc.wait()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true")
    parser.add_argument("--skip-dask", action="store_true")
    parser.add_argument("--skip-http", action="store_true")
    parser.add_argument("--kinds", default="compute,sleep", help="compute, sleep or both")
    parser.add_argument("--queries", type=int, default=None)
    parser.add_argument("--units", type=int, default=8)
    parser.add_argument(
        "--techniques", default="text,backdoor", help="text, backdoor, both or none"
    )
    parser.add_argument("--text-queries", type=int, default=None)
    parser.add_argument("--repeats", type=int, default=7, help="paired HTTP repetitions")
    args = parser.parse_args()
    if not args.skip_dask:
        queries = args.queries or (40_000 if args.quick else 160_000)
        for kind in args.kinds.split(","):
            if kind == "none":
                continue
            before = machine_parallelism()
            rows = dask_part(kind, queries, args.units)
            print_dask(kind, rows, queries, args.units, before)
        for name in args.techniques.split(","):
            if name == "none":
                continue
            before = machine_parallelism()
            text_queries = args.text_queries or (8_000 if args.quick else 24_000)
            trows = technique_part(name, text_queries, args.units)
            print_technique(name, trows, args.units, before)
    if not args.skip_http:
        http_part(requests=300 if args.quick else 1500, batch=50, repeats=args.repeats)


if __name__ == "__main__":
    main()
