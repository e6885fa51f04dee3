"""Units of a campaign on a Dask cluster (the ``[dask]`` extra).

``DaskUnits(scheduler="tcp://host:8786")`` uses an existing cluster (its workers must have
assay installed); ``DaskUnits(workers=N)`` starts a ``LocalCluster`` of N single-threaded
worker processes on this machine and stops it on ``close``.  An existing scheduler is checked
before anything is sent: an address that is not one, or a scheduler that does not answer or
has no worker within ``WORKER_WAIT`` seconds, is a ``UsageError`` naming ``--scheduler``.

The technique and the model are pickled here first (one that does not pickle is a
``UsageError`` saying so, before any task exists), then loaded by one task each that the
units depend on: a worker lost mid-run costs only the units it was running, which the
scheduler runs again elsewhere, and a copy lost with its worker is loaded again (data
scattered to the workers would be gone for good with the last worker holding it).  Every
unit is submitted at once: a worker holds its next unit while it runs one (Dask's queue
keeps about 1.1 tasks per thread on each worker), so it never waits for the scheduler
between units.  Results come back as units finish, and ``core.units.execute_units`` stores
them.

The client never waits forever: a unit whose workers all died (``KilledWorker``: the model
crashed its process, or exhausted its memory) is a ``ModelError``, and so is a cluster left
with no worker after its workers died under the run's units (``dask_deaths``); a cluster left
with no worker for ``WORKER_WAIT`` seconds otherwise, a scheduler that went away, units
cancelled, or (with a time budget) units still out ``late_grace`` seconds after the run's time
is up are a ``ClusterError``.  Either way the units that ended are kept and a resume runs
the others.

On an existing cluster only workers checked to run this assay get units (``worker_check``:
at the start, and as they join).  A unit on a worker that shuts down (retired, its
``--lifetime`` reached, SIGTERM) gives itself back to the scheduler (``Reschedule``), which
moves it.  A served model's credentials are not in its pickle: they go in each unit's task
(``Sealed``) and are given to the worker's copy there.

A worker with several threads gives each thread its own copy of the model (a model never
sees two calls at once, and a unit's request counts are its own).  The request counts of a
served model on the workers come back with each unit and are added to the client's model,
whose counters go into the run's report.
"""

from __future__ import annotations

import logging
import os
import pickle
import socket
import struct
import threading
import time
import uuid
from collections.abc import Callable, Iterator, Sequence
from typing import Any

from assay.core.extras import pip_install
from assay.core.model import Model
from assay.core.quiet import quiet
from assay.core.run import Technique
from assay.core.units import Unit, UnitAbandoned, UnitResult, request_counter, run_unit
from assay.errors import AssayError, ClusterError, ModelError, UsageError
from assay.execution.dask_deaths import deaths
from assay.execution.worker_check import Admission, check_workers

__all__ = [
    "WORKER_WAIT",
    "DaskUnits",
    "check_scheduler_address",
    "check_sendable",
    "probe_scheduler",
]

# A unit whose worker was lost is run again elsewhere by the scheduler (up to its
# ``distributed.scheduler.allowed-failures``, 3 by default); a unit that raised is not:
# a model error ends the run at once, as it does in-process.

# A cluster that assay starts keeps Dask's own bookkeeping out of the units' way: its
# statistical profiler samples every worker thread's stack each 10 ms (holding the GIL the
# unit needs), and the event-loop and system monitors tick every 20 and 500 ms.  Measured
# on this 2-core machine: an idle worker used 42 ms of CPU a second with the defaults and 4
# with these, the scheduler (in the client process) 63 and 9.
QUIET_CLUSTER = {
    "distributed.worker.profile.enabled": False,
    "distributed.admin.tick.interval": "1s",
    "distributed.admin.system-monitor.interval": "10s",
    "distributed.worker.memory.monitor-interval": "2s",
    "distributed.scheduler.allowed-failures": 3,  # runs of a unit whose worker was lost
}

WORKER_WAIT = 30.0
"""Seconds a cluster may have no worker (at the start, or mid-run) before the run gives up."""

CONNECT_WAIT = 10.0
"""Seconds to wait for an existing scheduler to accept a connection."""

_TICK = 0.05  # seconds between looks at the units when none has ended
_WATCH = 2.0  # seconds between looks at the cluster (its workers) while units are out

_SCHEMES = ("tcp", "tls", "inproc", "ucx", "ws", "wss")


def check_scheduler_address(address: str) -> str:
    """``address`` when it can be a Dask scheduler's (``tcp://host:8786``, ``host:8786``,
    ``tls://...``, ``inproc://...``); a ``UsageError`` naming ``--scheduler`` otherwise."""
    scheme, sep, rest = address.strip().partition("://")
    if not sep:
        scheme, rest = "tcp", address.strip()
    if scheme not in _SCHEMES:
        raise UsageError(
            f"{address!r} is not a Dask scheduler address: the protocol must be one of "
            f"{', '.join(_SCHEMES)} (e.g. tcp://10.0.0.5:8786)",
            argument="--scheduler",
        )
    if scheme in ("tcp", "tls", "ws", "wss"):
        host, colon, port = rest.rpartition(":")
        if not colon or not host.strip("[]") or not port.isdigit() or not 0 < int(port) < 65536:
            raise UsageError(
                f"{address!r} is not a Dask scheduler address: give host and port, "
                "e.g. tcp://10.0.0.5:8786",
                argument="--scheduler",
            )
    return address.strip()


def probe_scheduler(address: str) -> None:
    """Fail at once (``UsageError``) when a scheduler's port (TCP, TLS, websockets) refuses
    connections or its host is unknown, rather than after the client's 20 s of retries (and
    a run left ``failed``); when what listens on a TCP address is not a Dask scheduler
    (``_not_a_scheduler``); and when a TLS address has no TLS settings (``_tls_configured``)."""
    scheme, sep, rest = address.partition("://")
    if not sep:
        scheme, rest = "tcp", address
    if scheme not in ("tcp", "tls", "ws", "wss"):
        return
    if scheme in ("tls", "wss"):
        _tls_configured(address)
    host, _, port = rest.rpartition(":")
    try:
        with socket.create_connection((host.strip("[]"), int(port)), timeout=CONNECT_WAIT) as s:
            # (only TCP's first message is a scheduler's handshake: TLS and websockets
            # wait for the client to speak)
            wrong = _not_a_scheduler(s) if scheme == "tcp" else ""
    except (OSError, ValueError) as exc:
        reason = "no answer" if isinstance(exc, TimeoutError) else str(exc)
        if isinstance(exc, OSError) and exc.strerror:
            reason = exc.strerror
        raise UsageError(
            f"cannot reach the Dask scheduler at {address}: {reason}; is it running "
            "(dask scheduler), and is the address right?",
            argument="--scheduler",
        ) from None
    if wrong:
        raise UsageError(
            f"{address} is not a Dask scheduler: {wrong} (a scheduler listens on port 8786 by "
            "default; 8787 is its dashboard, a web page): give the address `dask scheduler` "
            "prints on its line 'Scheduler at:'",
            argument="--scheduler",
        )


def _tls_configured(address: str) -> None:
    """A ``UsageError`` when Dask has no TLS settings for a client: its client then fails
    with a TypeError ("TLS expects a `ssl_context` argument"), an internal error of assay
    that left a run ``failed``."""
    distributed = _import_distributed()
    try:
        context = distributed.Security().get_connection_args("client").get("ssl_context")
    except Exception as exc:  # (a certificate file named in the settings that cannot be read)
        raise UsageError(
            f"Dask's TLS settings for {address} cannot be used: {type(exc).__name__}: {exc}",
            argument="--scheduler",
        ) from None
    if context is None:
        raise UsageError(
            f"{address} is a TLS address, and Dask has no TLS settings for its client: set "
            "distributed.comm.tls.ca-file, distributed.comm.tls.client.cert and .key (in "
            "~/.config/dask/distributed.yaml, or as DASK_DISTRIBUTED__COMM__TLS__CA_FILE and "
            "the like), as the scheduler's own; or give its tcp:// address",
            argument="--scheduler",
        )


_HANDSHAKE_MAX = 1 << 24  # bytes: a scheduler's first message is a few hundred


def _not_a_scheduler(sock: socket.socket) -> str:
    """What shows that the peer of ``sock`` is not a Dask scheduler ("" when it may be).

    A scheduler speaks first: on a connection it writes its handshake, a message framed by
    its length (8 bytes).  A web server waits for a request and says nothing; a proxy or
    another service answers bytes that are no such length.  The client's own handshake read
    trusts that length (3 EiB asked of numpy: an internal error) and has no deadline (a web
    server's port: the run waited for ever)."""
    head = b""
    try:
        while len(head) < 8:
            got = sock.recv(8 - len(head))
            if not got:
                return "it closed the connection without a word"
            head += got
    except TimeoutError:
        return f"it accepted the connection but said nothing within {CONNECT_WAIT:g} s"
    sizes = (struct.unpack("<Q", head)[0], struct.unpack(">Q", head)[0])
    if all(n == 0 or n > _HANDSHAKE_MAX for n in sizes):
        return f"it began its answer with {head!r}, not a Dask message"
    return ""


def _import_distributed() -> Any:
    try:
        import distributed
    except ImportError:
        raise UsageError(
            "--executor dask needs the [dask] extra: " + pip_install("'assay[dask]'"),
            argument="--executor",
        ) from None
    return distributed


def _pickled(obj: Any, what: str) -> bytes:
    """``obj`` pickled as the workers will load it; a ``UsageError`` when it cannot be."""
    import cloudpickle  # type: ignore[import-untyped,unused-ignore]

    try:
        return bytes(cloudpickle.dumps(obj, protocol=pickle.HIGHEST_PROTOCOL))
    except Exception as exc:  # (pickling raises TypeError, PicklingError, AttributeError...)
        part = _unpicklable_part(obj)
        raise UsageError(
            f"{what}{part} cannot be sent to the Dask workers: pickling it failed "
            f"({type(exc).__name__}: {exc}); make it picklable (no open locks, files, "
            "connections or generators in it), or run in this process (leave out "
            "--executor dask)",
            argument="--executor",
        ) from None


def check_sendable(technique: Any, model: Any) -> None:
    """What ``DaskUnits.run`` pickles first, pickled now (a ``UsageError`` naming
    ``--executor`` when it cannot be): called before a run is made."""
    _pickled(technique, "the technique")
    _pickled(model, "the model")


def _unpicklable_part(model: Any) -> str:
    """Which classifier of a text panel (``models`` beside their ``names``, inside the
    wrappers' ``inner``/``model``) does not pickle, as " (the classifier 'NAME')"; "" when
    it is none of them or the model is no panel."""
    import cloudpickle  # type: ignore[import-untyped,unused-ignore]

    node, seen = model, 0
    while node is not None and seen < 16 and getattr(node, "models", None) is None:
        node = getattr(node, "inner", None) or getattr(node, "model", None)
        seen += 1
    models, names = getattr(node, "models", None), getattr(node, "names", None)
    if not isinstance(models, list | tuple) or not isinstance(names, list | tuple):
        return ""
    for name, part in zip(names, models, strict=False):
        try:
            cloudpickle.dumps(part, protocol=pickle.HIGHEST_PROTOCOL)
        except Exception:
            return f" (the classifier {name!r})"
    return ""


def _model_copies(client: Any, admission: Admission | None) -> int:
    """How many copies of the model the cluster runs at once: one per thread of the workers
    that run units (on an existing cluster, those ``admission`` holds)."""
    workers = _running_units(client, admission)
    return max(sum(int(w.get("nthreads", 1) or 1) for w in workers), 1)


def _running_units(client: Any, admission: Admission | None) -> list[dict[str, Any]]:
    """The scheduler's information on the workers that are given units."""
    workers = client.scheduler_info().get("workers", {}).values()
    return [w for w in workers if admission is None or admission.holds(w)]


def _rate_shared(model: Any, copies: int) -> bytes | None:
    """``model`` pickled with each rate limit inside it (a served model's ``--rate-limit``,
    found through the wrappers' ``inner``/``model`` and a text panel's ``models``: ``_parts``)
    divided among its ``copies``; None when it has none.  Each copy keeps its own limiter, so
    ``--rate-limit 5`` on 2 workers sent up to 10 requests a second (12 in a second measured)
    to a server allowing 5 (a panel's served classifiers: still, until ``models`` was
    walked)."""
    limited = [
        (node, node.rate_limit)
        for node in _parts(model)
        if isinstance(getattr(node, "rate_limit", None), int | float)
    ]
    if not limited or copies <= 1:
        return None
    try:
        for node, rate in limited:
            node.rate_limit = rate / copies
        return _pickled(model, "the model")
    finally:
        for node, rate in limited:
            node.rate_limit = rate


def _parts(model: Any) -> list[Any]:
    """The model and what it wraps (``inner``, ``model``, the object of a bound method
    ``fn``; a text panel's ``models``)."""
    found: list[Any] = []
    todo = [model]
    while todo and len(found) < 64:
        node = todo.pop(0)
        if node is None or any(node is f for f in found):
            continue
        found.append(node)
        todo += [getattr(node, "inner", None), getattr(node, "model", None)]
        todo.append(getattr(getattr(node, "fn", None), "__self__", None))
        inside = getattr(node, "models", None)
        if isinstance(inside, list | tuple):
            todo += list(inside)
    return found


class Sealed:
    """Credentials sent to the workers beside the model (a served model's headers, which its
    pickle goes without: ``HttpModel.__getstate__``), by each part's ``secret_key``.  They
    travel in each unit's task, which a worker keeps in memory only (its results, the loaded
    model among them, it may spill to disk); never shown (a failed task's log prints it)."""

    def __init__(self, model: Any) -> None:
        self.values: dict[str, dict[str, str]] = {}
        for part in _parts(model):
            withheld = getattr(part, "withheld_secrets", None)
            key = getattr(part, "secret_key", None)
            if callable(withheld) and isinstance(key, str) and withheld():
                self.values[key] = dict(withheld())

    def give(self, model: Any) -> None:
        """Give each part of ``model`` (a copy from a pickle, on a worker) its credentials."""
        for part in _parts(model):
            got = self.values.get(getattr(part, "secret_key", None) or "")
            if got:
                part.give_secrets(got)

    def __repr__(self) -> str:
        return f"<credentials of {len(self.values)} served model(s), not shown>"


class NotLoaded(Exception):
    """On a worker: the technique or the model could not be loaded from its pickle (a module
    it names that the worker lacks, another version of one); one plain message, so that it
    comes back to the client whole."""


def _loaded(blob: bytes, what: str = "the model") -> Any:
    """On a worker: the technique or the model, from its pickle (a task, so that a copy lost
    with its worker is loaded again).  One that cannot be loaded there is ``NotLoaded``, said
    on the client as the cluster's failure (it was an internal error of assay, exit 5)."""
    try:
        return pickle.loads(blob)
    except Exception as exc:
        from distributed import get_worker

        try:
            where = f"on the Dask worker {get_worker().address}"
        except ValueError:
            where = "on a Dask worker"
        raise NotLoaded(f"{what} cannot be loaded {where}: {type(exc).__name__}: {exc}") from None


_local = threading.local()


def _thread_model(model: Model, key: str) -> Model:
    """This thread's own copy of the model (made once per thread and model)."""
    import cloudpickle  # type: ignore[import-untyped,unused-ignore]

    copies: dict[str, Model] = _local.__dict__.setdefault("models", {})
    if key not in copies:
        copies.clear()  # a new run's model replaces the last one
        # (cloudpickle, as the model came: a function defined in a script or a lambda,
        # which the client pickled by value, is no module attribute plain pickle can name)
        copies[key] = pickle.loads(cloudpickle.dumps(model, protocol=pickle.HIGHEST_PROTOCOL))
    return copies[key]


def _unit_on_worker(
    technique: Technique, model: Model, unit: Unit, model_key: str, sealed: Sealed
) -> UnitResult:
    from distributed import get_worker

    try:
        worker = get_worker()
    except ValueError:  # not on a worker (a synchronous scheduler in tests)
        worker = None
    if worker is not None and getattr(worker.state, "nthreads", 1) > 1:
        model = _thread_model(model, model_key)
    sealed.give(model)
    key = _this_task()
    if worker is not None:  # (kept by the scheduler if this worker dies: ``_lost_attempts``)
        worker.log_event(STARTS, {"key": str(key)})
    wanted = None if worker is None else _wanted(worker, key)
    try:
        result = run_unit(technique, model, unit, wanted=wanted)
    except UnitAbandoned:
        if worker is not None and _status(worker) in _GONE:
            # (shutting down: retired, ``--lifetime``, SIGTERM.  The unit's error, sent while
            # the worker was still connected, failed the run; Dask moves a rescheduled task)
            from distributed import Reschedule

            raise Reschedule() from None
        raise
    result.worker = str(worker.address) if worker is not None else "local"
    return result


STARTS = "assay-unit-starts"
"""The topic of the event each unit's attempt logs as it starts on a worker."""


def _lost_attempts(client: Any, keys: set[str], ended: int) -> int:
    """How many attempts at the units ``keys`` started and never came back (their worker
    died, or the campaign stopped first): the requests they sent are not in the run's
    counts, which come back with a unit's result.  0 when the scheduler cannot say."""
    try:
        events = client.get_events(STARTS)
    except Exception:  # (a scheduler gone: the counts stay as they are)
        return 0
    started = sum(1 for _, msg in events if isinstance(msg, dict) and msg.get("key") in keys)
    return max(started - ended, 0)


def _this_task() -> Any:
    """The key of the task this thread runs (None when it cannot be told)."""
    import distributed.worker

    return getattr(getattr(distributed.worker, "thread_state", None), "key", None)


_GONE = ("closing", "closed", "failed", "stopping", "stopped")


def _status(worker: Any) -> str:
    """The worker's status ("running", "closing_gracefully", "closing", ...)."""
    return str(getattr(getattr(worker, "status", None), "value", "running"))


def _wanted(worker: Any, key: Any) -> Callable[[], bool]:
    """Whether a unit's result is still waited for: its worker's parent (the nanny; on a
    cluster assay started, the client's own process) is alive, the worker is not shutting
    down (its scheduler is gone), and its task was not cancelled (the client stopped the
    campaign: Ctrl-C, an error, its time budget).  A client killed outright (kill -9) left
    its local workers running their units for as long as the units took."""
    parent = os.getppid()

    def wanted() -> bool:
        if os.getppid() != parent:  # the parent died: this process was handed to init
            return False
        if _status(worker) in _GONE:
            return False
        if key is None:
            return True
        task = worker.state.tasks.get(key)
        return task is not None and task.state not in ("cancelled", "released", "forgotten")

    return wanted


class DaskUnits:
    """Runs units as Dask tasks (see the module docstring)."""

    def __init__(self, *, scheduler: str | None = None, workers: int | None = None) -> None:
        if (scheduler is None) == (workers is None):
            raise UsageError(
                "give --scheduler tcp://host:8786 (an existing cluster) or --workers N "
                "(a local cluster), one of them",
                argument="--executor",
            )
        if workers is not None and workers < 1:
            raise UsageError(f"must be at least 1, not {workers}", argument="--workers")
        self.scheduler = None if scheduler is None else check_scheduler_address(scheduler)
        self.workers = workers
        self.cluster: Any = None
        self.client: Any = None
        # (an existing cluster's: the workers running this assay, ``worker_check``)
        self.admission: Admission | None = None

    def start(self) -> Any:
        if self.client is not None:
            return self.client
        distributed = _import_distributed()
        if self.scheduler is not None:
            probe_scheduler(self.scheduler)
            try:
                self.client = distributed.Client(self.scheduler, timeout="20s")
            except (OSError, TimeoutError, ValueError) as exc:
                raise UsageError(
                    f"cannot reach the Dask scheduler at {self.scheduler}: {exc}",
                    argument="--scheduler",
                ) from None
            try:
                self.client.wait_for_workers(1, timeout=WORKER_WAIT)
            except (OSError, TimeoutError) as exc:
                self.close()
                raise UsageError(
                    f"the Dask scheduler at {self.scheduler} has no worker (waited "
                    f"{WORKER_WAIT:g} s; {type(exc).__name__}): start some (dask worker "
                    f"{self.scheduler}), or use --workers N for a cluster on this machine",
                    argument="--scheduler",
                ) from None
            try:
                resource = check_workers(self.client, self.scheduler)
            except UsageError:
                self.close()
                raise
            self.admission = Admission(self.client, resource)
        else:
            import dask

            with dask.config.set(QUIET_CLUSTER):  # workers inherit it when they start
                try:
                    self.cluster = distributed.LocalCluster(
                        n_workers=self.workers,
                        threads_per_worker=1,
                        processes=True,
                        dashboard_address=":0",  # a free port: never one another cluster holds
                        # (what goes wrong on a worker, assay says itself: no tracebacks of
                        # workers lost or their streams cut)
                        silence_logs=logging.CRITICAL,
                    )
                except Exception as exc:  # (distributed's RuntimeError, an OSError...)
                    raise UsageError(
                        _not_started(exc, self.workers), argument="--workers"
                    ) from None
                self.client = distributed.Client(self.cluster)
        return self.client

    @property
    def parallelism(self) -> int:
        if self.workers is not None:
            return self.workers
        client = self.start()
        return max(len(_running_units(client, self.admission)), 1)

    def run(
        self, technique: Technique, model: Model, units: Sequence[Unit]
    ) -> Iterator[UnitResult]:
        if not units:
            return
        # pickled before anything is started: one that does not pickle is said at once
        blobs = [_pickled(technique, "the technique"), _pickled(model, "the model")]
        distributed = _import_distributed()
        client = self.start()
        shared = _rate_shared(model, _model_copies(client, self.admission))
        if shared is not None:
            blobs[1] = shared
        deadline = self._deadline(units)
        # (unique to this campaign: a scheduler that outlives runs keeps their events, and
        # the same command run twice may hand its list of units the same ``id``)
        tag = f"{units[0].seed}-{uuid.uuid4().hex[:16]}"
        # (on an existing cluster every task goes to a worker checked to run this assay)
        needs = None if self.admission is None else {self.admission.resource: 1}
        sealed = Sealed(model)
        with quiet(r"distributed\b", message=".*large graph"):  # (a large model: Dask's note)
            tech_f, model_f = (
                client.submit(
                    _loaded,
                    blob,
                    f"the {name}",
                    key=f"assay-{name}-{tag}",
                    pure=False,
                    resources=needs,
                )
                for name, blob in zip(("technique", "model"), blobs, strict=True)
            )
            del blobs
            futures = {
                client.submit(
                    _unit_on_worker,
                    tech_f,
                    model_f,
                    unit,
                    str(model_f.key),
                    sealed,
                    key=f"assay-unit-{unit.index}-of-{unit.n_units}-{tag}",
                    pure=False,
                    resources=needs,
                ): unit
                for unit in units
            }
        counter = request_counter(model)
        pending = set(futures)
        ended = 0
        try:
            ready = distributed.as_completed(list(futures))
            keys = {unit.index: str(f.key) for f, unit in futures.items()}
            watch = _Watch(client, deadline, self.admission, keys)
            while pending:
                batch = ready.next_batch(block=False)
                if not batch:
                    watch.check([futures[f] for f in pending])
                    time.sleep(_TICK)
                    continue
                for future in batch:
                    pending.discard(future)
                    result = _result(future, futures[future])
                    future.release()
                    counts = result.extra.get("requests")
                    if counter is not None and counts:
                        counter.add_counts(counts)  # the workers' requests, in the report
                    ended += 1
                    yield result
        finally:
            for f in (*futures, tech_f, model_f):
                f.cancel()
            lost = _lost_attempts(client, {str(f.key) for f in futures}, ended)
            if counter is not None and lost:
                counter.add_counts({"lost_attempts": lost})

    def _deadline(self, units: Sequence[Unit]) -> float | None:
        """When the units must all have ended (a time budget: each unit's share of it, as
        many at once as the cluster runs, plus ``late_grace``); None without a budget."""
        times = [u.max_time for u in units]
        if any(t is None for t in times):
            return None
        at_once = min(self.parallelism, len(units))
        total = sum(t for t in times if t is not None) / at_once
        return time.monotonic() + total + late_grace(total)

    @property
    def refused(self) -> list[str]:
        """The workers that joined an existing cluster during the run and were given none of
        its units, as "ADDRESS (why)" (``worker_check.Admission``)."""
        return [] if self.admission is None else list(self.admission.refused.values())

    def close(self) -> None:
        self.admission = None
        if self.client is not None:
            self.client.close()
            self.client = None
        if self.cluster is not None:
            self.cluster.close()
            self.cluster = None

    def __enter__(self) -> DaskUnits:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def _not_started(exc: BaseException, workers: int | None) -> str:
    """Why a local cluster of ``workers`` processes did not start, and what to do.  The
    usual cause: a Python script calling assay at import, without ``if __name__ ==
    "__main__":`` (each worker process imports the script again, and Python refuses to start
    a process from there); it was a bare "RuntimeError: Nanny failed to start"."""
    what = f"{type(exc).__name__}: {str(exc).strip()}"
    said = f"a local Dask cluster of {workers} worker process(es) could not start ({what})"
    script = _main_script()
    if script is not None:  # (the child's "bootstrapping phase" error is the child's own)
        said += (
            f"; each worker process imports the script {script} again: if it calls assay as "
            'it is imported, call assay under `if __name__ == "__main__":` there'
        )
    return f"{said}; or give fewer --workers, or leave out --executor dask to run in this process"


def _main_script() -> str | None:
    """The Python script this process runs as ``__main__`` (None: ``python -m``, the
    ``assay`` command, an interactive session or a notebook)."""
    import sys

    main = sys.modules.get("__main__")
    if main is None or getattr(main, "__spec__", None) is not None:
        return None
    path = getattr(main, "__file__", None)
    return str(path) if isinstance(path, str) and path.endswith(".py") else None


def late_grace(total: float) -> float:
    """Seconds units may end after the run's time budget (``total``) before the run gives up
    on them: each unit stops its own model calls at its deadline, so only a cluster short of
    workers (or a worker stuck outside Python) is ever this late."""
    return max(5.0, 0.2 * total)


def _result(future: Any, unit: Unit) -> UnitResult:
    """The unit's result; what the cluster did to it, as assay's errors."""
    import distributed

    try:
        result: UnitResult = future.result()
    except distributed.KilledWorker as exc:
        tries = int(getattr(exc, "allowed_failures", 0) or 0) + 1
        last = getattr(getattr(exc, "last_worker", None), "address", "?")
        raise ModelError(
            f"unit {unit.index + 1} of {unit.n_units}: each of the {tries} Dask workers that "
            f"ran it died (the last: {last}); a model that crashes its process or exhausts "
            "its memory does this. The units that ended are kept"
        ) from None
    except AssayError:
        raise
    except NotLoaded as exc:
        raise ClusterError(
            f"{exc}; the workers need what it needs here (the same packages and versions, "
            "its modules on their path): install them where the workers run, then assay "
            "resume runs the units, or run in this process (--executor inprocess)"
        ) from None
    except (distributed.client.FutureCancelledError, OSError) as exc:
        raise ClusterError(
            f"the Dask cluster dropped unit {unit.index + 1} of {unit.n_units} "
            f"({type(exc).__name__}: {exc}); the units that ended are kept"
        ) from None
    return result


class _Watch:
    """Looks at the cluster while units are out: a ``ClusterError`` when it has had no
    worker for ``WORKER_WAIT`` seconds, its scheduler cannot be reached, or the units are
    late (``deadline``)."""

    def __init__(
        self,
        client: Any,
        deadline: float | None,
        admission: Admission | None = None,
        keys: dict[int, str] | None = None,
    ) -> None:
        self.client = client
        self.keys = keys or {}
        self.deadline = deadline
        self.admission = admission
        self.next_look = time.monotonic() + _WATCH
        self.empty_since: float | None = None

    def check(self, out: Sequence[Unit]) -> None:
        now = time.monotonic()
        which = ", ".join(str(u.index + 1) for u in sorted(out, key=lambda u: u.index))
        if self.deadline is not None and now > self.deadline:
            raise ClusterError(
                f"units {which} had not ended well after the run's time budget (--max-time); "
                "the cluster may be short of workers, or a worker stuck; the units that "
                "ended are kept, and assay resume runs the others"
            )
        if now < self.next_look:
            return
        self.next_look = now + _WATCH
        try:
            found = self.client.scheduler_info().get("workers", {})
            workers = len(found) if self.admission is None else self.admission.usable(found)
        except (OSError, TimeoutError) as exc:
            raise ClusterError(
                f"lost the Dask scheduler ({type(exc).__name__}: {exc}) with units {which} "
                "out; the units that ended are kept, and assay resume runs the others"
            ) from None
        if workers:
            self.empty_since = None
            return
        self.empty_since = self.empty_since or now
        if now - self.empty_since >= WORKER_WAIT:
            self._model_killed_them(out)
            mine = "" if self.admission is None else " running this assay"
            refused = "" if self.admission is None else self.admission.why_none()
            raise ClusterError(
                f"the Dask cluster has had no worker{mine} for {WORKER_WAIT:g} s{refused} with "
                f"units {which} still to run; the units that ended are kept, and assay resume "
                "runs the others (once the cluster has workers again)"
            )

    def _model_killed_them(self, out: Sequence[Unit]) -> None:
        """No worker left, and the scheduler counts deaths of workers that ran these units:
        the model's crash, not a cluster to wait for (``dask_deaths``)."""
        died = deaths(
            self.client, {u.index: self.keys[u.index] for u in out if u.index in self.keys}
        )
        if not died:
            return
        first = min(died)
        total = next(u.n_units for u in out if u.index == first)
        others = ", ".join(str(i + 1) for i in sorted(died) if i != first)
        also = f" (and under units {others})" if others else ""
        raise ModelError(
            f"unit {first + 1} of {total}: the Dask workers that ran it died "
            f"{died[first]} time{'s' if died[first] > 1 else ''}{also}, and the cluster has had "
            f"no worker since for {WORKER_WAIT:g} s; a model that crashes its process or "
            "exhausts its memory does this. The units that ended are kept"
        )
