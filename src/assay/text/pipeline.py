"""Keeping the classifiers busy: lanes that take turns, and a worker process for the panel.

The search's own work (proposing, judging, shrinking, statistics) is Python on the search's
thread; the classifiers' is often Python too (scikit-learn, VADER, TextBlob), and holds the
GIL.  To have both run at once:

- ``PanelWorker`` runs the panel's classifiers in a forked child process (POSIX), fed
  through a pipe: the search's process sends a batch and is free until it reads the
  answer.  A child that dies (``os._exit``, a crash, a kill) or answers with an exception
  is a ``ModelError`` naming what happened; one that hangs is given up on by the caller's
  deadlines and killed when the run ends.  ``WorkerCaller`` reads its answers in the
  thread that needs them, waiting on the pipe with the call's deadlines as the timeout
  (``core.calls.wait_ready``): no thread of the run's process to hand each call to and
  back (those hand-offs, a GIL hand-over and a wake-up each way per batch, cost the search
  more than its calls' own work).
- ``Turns`` lets two lanes of the search (each a strategy with its own walkers) take turns
  on the search's thread of control: a lane that has sent a batch gives the turn to the
  other one, which proposes, judges or shrinks while the classifiers answer, then sends
  its own batch and gives the turn back.  Only the lane holding the turn runs, and the
  turn passes at points fixed by the program (a batch sent, a round ended), never by
  timing: the findings are a function of the seed and the budget, whether the classifiers
  answer at once (in this process) or later (in the worker).
"""

from __future__ import annotations

import collections
import functools
import gc
import math
import multiprocessing
import os
import pickle
import queue
import select
import signal
import sys
import threading
from typing import Any

import numpy as np

from assay.core.calls import shielded, wait_ready
from assay.core.numerals import written_int
from assay.errors import ModelError

_HANGUP = (signal.SIGHUP,) if hasattr(signal, "SIGHUP") else ()

__all__ = [
    "LANES_ENV",
    "WORKER_ENV",
    "PanelWorker",
    "Turns",
    "WorkerCaller",
    "lanes_from",
    "worker_mode",
]

WORKER_ENV = "ASSAY_TEXT_WORKER"
"""Where the classifiers of a text run answer: ``process`` (a forked worker, the default
where forking is available and safe), ``thread`` (a thread of the run's process: for
classifiers that release the GIL or are served over HTTP), or ``inline`` (in the search's
thread: no overlap).  The findings are the same in every mode."""

MODES = ("process", "thread", "inline")

LANES_ENV = "ASSAY_TEXT_LANES"
"""Lanes of a walk when the run does not say (``setup_text(lanes=...)``); 1 by default.
Part of the run's configuration: a resumed run keeps the lanes it was started with."""


def lanes_from(asked: int | None) -> int:
    """The number of lanes: ``asked``, else ``$ASSAY_TEXT_LANES``, else 1."""
    if asked is not None:
        return int(asked)
    raw = os.environ.get(LANES_ENV, "").strip()
    if not raw:
        return 1
    lanes = written_int(raw) if raw.isdigit() else None  # ('²': a bare ValueError)
    if lanes is None or not 1 <= lanes <= 8:
        from assay.errors import UsageError

        raise UsageError(f"must be a whole number from 1 to 8, not {raw!r}", argument=LANES_ENV)
    return lanes


def worker_mode(asked: str | None = None, *, served: bool = False) -> tuple[str, str]:
    """The mode to run the classifiers in and why: ``asked`` (or ``$ASSAY_TEXT_WORKER``,
    or ``auto``) where possible, else the nearest one that is.  ``served``: a classifier
    answers over the network (its request counters must stay in this process: a thread)."""
    want = (asked or os.environ.get(WORKER_ENV) or "auto").strip().lower()
    if want not in (*MODES, "auto"):
        from assay.errors import UsageError

        raise UsageError(
            f"{WORKER_ENV} must be one of auto, {', '.join(MODES)}; not {want!r}",
            argument=WORKER_ENV,
        )
    if want in ("thread", "inline"):
        return want, f"asked ({WORKER_ENV}={want})" if asked is None else "asked"
    if served:
        return "thread", "a served classifier (HTTP): a thread waits for it as well"
    unsafe = _fork_unsafe()
    if unsafe:
        return "thread", f"no worker process: {unsafe}"
    return "process", "a forked worker process"


_NATIVE_POOLS = ("torch", "onnxruntime", "tensorflow", "jax")


def _fork_unsafe() -> str | None:
    if not hasattr(os, "fork") or "fork" not in multiprocessing.get_all_start_methods():
        return "this system cannot fork"
    if sys.platform == "darwin":
        return "forking is unsafe on macOS (system libraries)"
    if multiprocessing.current_process().daemon:
        # (a multiprocessing.Pool's worker: multiprocessing refuses it a child process)
        return "this process is a daemonic one (a multiprocessing pool's worker)"
    # libraries with native thread pools of their own (OpenMP, ONNX Runtime's, CUDA
    # contexts) that a forked child inherits half-made: it can hang or fail there
    loaded = [m for m in _NATIVE_POOLS if m in sys.modules]
    if loaded:
        return f"{loaded[0]} is loaded (its native threads do not survive a fork)"
    others = [t.name for t in threading.enumerate() if t is not threading.current_thread()]
    alive = [n for n in others if not n.startswith("assay-")]
    if alive:
        return f"other threads run in this process ({', '.join(sorted(alive)[:3])})"
    return None


def _serve(panel: Any, conn: Any, theirs: Any, now: Any = None) -> None:
    """The worker's loop: a batch of sentences in, the panel's answer (and its busy time)
    out; ``None`` ends it, and so does the run's process ending (even by kill -9: the
    pipe's other end, ``theirs``, is closed here, so the pipe ends with that process)."""
    theirs.close()
    if now is not None:  # (shared: the run's process names the classifier a call hung on)
        panel.now = now
    # Ctrl-C and SIGTERM (sent to the process group by `timeout`) are the run's: it stops at
    # its next checkpoint and ends this worker
    # (and SIGHUP, which a closed terminal sends the whole group)
    for sig in (signal.SIGINT, signal.SIGTERM, *_HANGUP):
        signal.signal(sig, signal.SIG_IGN)
    # what the child inherited is never scanned by its collector (else a collection walks,
    # and copies page by page, the parent's whole heap: a long-lived notebook's, say)
    gc.freeze()
    inbox = _inbox(conn)
    while True:
        texts = inbox.get()
        if texts is None:
            return
        s0, c0 = list(panel.seconds), list(panel.cpu_seconds)
        try:
            # as in the run's process: a classifier's os._exit or sys.exit is its failure
            out = shielded(functools.partial(panel.predict, texts))()
            reply: tuple[Any, ...] = (
                "ok",
                out,
                [a - b for a, b in zip(panel.seconds, s0, strict=True)],
                [a - b for a, b in zip(panel.cpu_seconds, c0, strict=True)],
            )
        except ModelError as exc:
            reply = ("error", str(exc))
        except BaseException as exc:  # SystemExit, KeyboardInterrupt: the classifier's own
            reply = (
                "error",
                f"a classifier raised {type(exc).__name__} from its own code ({exc}); a "
                "classifier must answer or raise an exception",
            )
        try:
            conn.send(reply)
        except (BrokenPipeError, ConnectionResetError):  # the run's process is gone (kill -9):
            return  # no one to answer, and no traceback on the terminal it leaves
        except (OSError, ValueError) as exc:  # an answer that cannot be sent back
            try:
                conn.send(("error", f"the classifiers' answer could not be sent back: {exc}"))
            except OSError:
                return


def _inbox(conn: Any) -> queue.SimpleQueue[Any]:
    """The batches the run's process sends, read by a thread of the worker as they come
    (None once it ends them or its end of the pipe closes): the run's process never waits
    to send, so it cannot wait on the worker while the worker waits for it to read an
    answer (two large messages crossing in a full pipe)."""
    inbox: queue.SimpleQueue[Any] = queue.SimpleQueue()

    def read() -> None:
        while True:
            try:
                texts = conn.recv()
            except (EOFError, OSError):
                texts = None
            inbox.put(texts)
            if texts is None:
                return

    threading.Thread(target=read, name="assay-text-inbox", daemon=True).start()
    return inbox


class PanelWorker:
    """The panel's classifiers in a forked child process, as a Model.

    ``predict`` sends the sentences (unless ``send_early`` did) and waits for their answer:
    answers come back in the order the batches were sent, and one read before its call
    collects it is kept until then (any order of collecting is right).  The wait is
    ``core.calls.wait_ready``'s: under the deadlines of the call that runs it, when a
    ``WorkerCaller`` runs it where its answer is read.  The classifiers' busy time,
    measured in the child, is added to the panel's counters (``Panel.seconds``,
    ``cpu_seconds``, ``calls``) as each answer is read."""

    def __init__(self, panel: Any) -> None:
        self.panel = panel
        self.capabilities = panel.capabilities
        ctx = multiprocessing.get_context("fork")
        self._conn, child = ctx.Pipe(duplex=True)
        self._now = ctx.RawValue("i", -1)  # the classifier the worker is calling now
        self._proc = ctx.Process(
            target=_serve,
            args=(panel, child, self._conn, self._now),
            name="assay-text-classifiers",
            daemon=True,
        )
        self._proc.start()
        child.close()
        # the answers' end of the pipe, polled by one ``select.poll`` made once (the
        # connection's own ``poll`` makes a selector and registers it per call)
        self._poller = select.poll()
        self._poller.register(self._conn.fileno(), select.POLLIN)
        self._lock = threading.Lock()  # one reader of the answers: taken while it waits
        self._send_lock = threading.Lock()
        self._out: collections.deque[Any] = collections.deque()  # sent, answer not read
        self._read: dict[int, tuple[Any, tuple[Any, ...]]] = {}  # read, not collected yet
        self.pid = self._proc.pid
        self._ended = False  # closed, its process object too
        self.busy: list[float] = []  # per call answered: the classifiers' CPU seconds in it
        self.answer_seconds = 0.0  # the classifiers' own seconds in the answers collected

    def send_early(self, inputs: Any) -> None:
        """Send a batch now (from the thread that submits it: the worker starts on it at
        once); ``predict(inputs)`` then collects its answer.  Answers already back are read
        first (the worker then never waits for the pipe to empty before its next batch)."""
        if self._lock.acquire(blocking=False):
            try:
                while self._out and self._ready(0):
                    batch, reply = self._take()  # (kept for the ``predict`` that collects it)
                    self._read[id(batch)] = (batch, reply)
            except (EOFError, OSError):  # the worker is gone: ``predict`` says how
                pass
            finally:
                self._lock.release()
        try:
            self._send(inputs)
        except (OSError, ValueError):  # the worker is gone: ``predict`` says how
            return

    def _send(self, inputs: Any) -> None:
        with self._send_lock:  # (the pipe's order is the order of ``_out``)
            # (the bytes ``Connection.send`` sends, pickled without its pickler of
            # reducers, which a list of strings never needs: the worker's ``recv`` reads it)
            self._conn.send_bytes(pickle.dumps(list(inputs)))
            self._out.append(inputs)

    def predict(self, inputs: Any, /) -> np.ndarray:
        with self._lock:
            try:
                reply = self._collect(inputs)
            except (EOFError, OSError) as exc:
                raise ModelError(self._died()) from exc
        if reply[0] != "ok":
            raise ModelError(str(reply[1]))
        self.answer_seconds += float(sum(reply[2]))  # (counted by the call that collects it)
        return np.asarray(reply[1])

    def _collect(self, inputs: Any) -> tuple[Any, ...]:
        """The answer to ``inputs`` (sent now unless it was), answers to batches sent
        before it read on the way and kept."""
        kept = self._read.pop(id(inputs), None)
        if kept is not None and kept[0] is inputs:
            return kept[1]
        if not any(sent is inputs for sent in self._out):
            self._send(inputs)
        while True:
            wait_ready(self._ready)
            batch, reply = self._take()
            if batch is inputs:
                return reply
            self._read[id(batch)] = (batch, reply)

    def _ready(self, timeout: float | None) -> bool:
        """Whether an answer (or the pipe's end) can be read, waiting up to ``timeout``
        seconds for it (None: as long as it takes): ``Connection.poll``'s answer, its
        timeout rounded up to milliseconds as its selector does, from a poller made once."""
        if self._conn.closed:
            raise OSError("handle is closed")  # (as ``Connection.poll`` says it)
        if timeout is None:
            return bool(self._poller.poll())
        return bool(self._poller.poll(math.ceil(timeout * 1e3) if timeout > 0 else 0))

    def _take(self) -> tuple[Any, tuple[Any, ...]]:
        """The next answer on the pipe and the batch it answers; its busy time counted."""
        reply = self._conn.recv()
        batch = self._out.popleft()
        if reply[0] == "ok":
            _, _out, seconds, cpu = reply
            panel = self.panel
            for k in range(len(seconds)):
                panel.seconds[k] += seconds[k]
                panel.cpu_seconds[k] += cpu[k]
            panel.calls += 1
            self.busy.append(float(sum(cpu)))
            panel.call_cost.add(len(batch), self.busy[-1])
        return batch, reply

    def stuck(self) -> bool:
        """Whether a call is still out (its caller gave up on it: a hung classifier)."""
        return self._lock.locked() or bool(self._out)

    def hung_on(self) -> str | None:
        """The name of the classifier the worker is calling now (None: none is)."""
        k = int(self._now.value)
        names = self.panel.names
        return names[k] if 0 <= k < len(names) else None

    @property
    def call_cost(self) -> Any:
        """What a call costs the classifiers (``panel.CallCost``), from the calls answered."""
        return self.panel.call_cost

    def _died(self) -> str:
        self._proc.join(timeout=2.0)
        code = self._proc.exitcode
        if code is None:
            how = "stopped answering (its pipe closed)"
        elif code < 0:
            try:
                name = signal.Signals(-code).name
            except ValueError:
                name = f"signal {-code}"
            how = f"was killed by {name}"
        else:
            how = f"exited with code {code}"
        return (
            f"the classifiers' worker process (pid {self.pid}) {how} without answering: a "
            "classifier ended its process (os._exit), crashed, or was killed. Findings made "
            f"before are kept; {WORKER_ENV}=inline runs the classifiers in the run's own "
            "process"
        )

    def close(self) -> None:
        """End the worker (at once if it is still busy: a hung classifier is killed)."""
        if self._ended or self._proc.pid is None:
            return
        # (an answer still owed: a call given up on, the classifiers maybe hung in it)
        if self._proc.is_alive() and not self._out and self._lock.acquire(timeout=0.05):
            try:
                self._conn.send(None)
            except (OSError, ValueError):
                pass
            finally:
                self._lock.release()
            self._proc.join(timeout=1.0)
        if self._proc.is_alive():
            self._proc.kill()
            self._proc.join(timeout=5.0)
        self._conn.close()
        if not self._proc.is_alive():  # its sentinel pipe too: a notebook's loop of runs
            self._proc.close()  # kept two descriptors per run open until "Too many open files"
            self._ended = True


class WorkerCaller:
    """The caller of a ``PanelWorker``'s calls: each runs in the thread that reads its
    answer, when it reads it (the batch was sent already: ``send_early``), and waits there
    on the worker's pipe, under a ``WatchedCaller``'s deadlines (``--call-timeout``,
    ``--max-time``, a stop) as its timeouts (``core.calls.wait_ready``).  No thread of this
    process takes the calls: the search's thread hands nothing over and wakes no one."""

    background = True  # (a WatchedCaller gives it the timed call, and times it here)
    # the calls only read the worker's pipe: the classifiers' code runs (shielded) in the
    # worker, none here (a WatchedCaller then shields nothing: ``core.calls.shielded``)
    model_elsewhere = True

    def submit(self, call: Any, /) -> _Later:
        return _Later(call)

    def close(self) -> None:
        return None


class _Later:
    """A call made when its result is first asked for, in that thread (then kept)."""

    __slots__ = ("_call", "_error", "_value")
    runs_here = True

    def __init__(self, call: Any) -> None:
        self._call: Any = call
        self._value: Any = None
        self._error: BaseException | None = None

    def result(self) -> np.ndarray:
        call, self._call = self._call, None
        if call is not None:
            try:
                self._value = call()
            except BaseException as exc:  # raised again to whoever asks again
                self._error = exc
        if self._error is not None:
            raise self._error
        if self._value is None:  # (a model that returned nothing)
            raise ModelError("the model returned None instead of an answer")
        out: np.ndarray = self._value
        return out


def restore(target: object, values: dict[str, Any]) -> None:
    """Set ``target``'s attributes to ``values`` (a lane's or a lagged round's own state
    taken back): one ``setattr`` each, which a class compiled by mypyc (``make compiled``)
    reads, where its ``__dict__`` would be a dead copy."""
    for name, value in values.items():
        setattr(target, name, value)


class Turns:
    """Lanes taking turns: exactly one runs at a time; the turn passes when the lane holding
    it gives it (``give``) or ends (``end``), to the next lane still running."""

    def __init__(self, n: int) -> None:
        self._cond = threading.Condition()
        self.turn = 0
        self.running = [True] * n

    def wait(self, me: int) -> None:
        with self._cond:
            while self.turn != me:
                self._cond.wait()

    def give(self, me: int) -> None:
        with self._cond:
            self._pass(me)

    def end(self, me: int) -> None:
        with self._cond:
            self.running[me] = False
            self._pass(me)

    def _pass(self, me: int) -> None:
        n = len(self.running)
        for d in range(1, n + 1):
            j = (me + d) % n
            if self.running[j]:
                self.turn = j
                break
        else:
            self.turn = -1
        self._cond.notify_all()

    def wait_all(self) -> None:
        """Until every lane has ended (signals still reach a waiting main thread)."""
        with self._cond:
            while any(self.running):
                self._cond.wait(timeout=0.2)
