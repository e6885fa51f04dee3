"""left40: the command line put back what a model changes in the process (its streams,
Ctrl-C: hostile39, hostile39b); the Python API did not.  A model that replaced
``sys.stdout``/``sys.stderr`` left a notebook printing into the model's stream after
``assay.check_*`` returned or raised, and one that set Ctrl-C aside (``SIG_IGN``, or a
handler of its own) left a notebook whose cells no Ctrl-C interrupted.  Each API call now
puts back the streams and the SIGINT/SIGTERM handlers it started with, however it ends
(``core.kept_streams``, ``core.kept_signals.restored``); a call made off the main thread,
where no handler can be set, runs as before.  All 8 fail on main (the thread's on its
streams; it also guards against a ValueError from the signals' side)."""

from __future__ import annotations

import io
import signal
import sys
import threading
from pathlib import Path
from typing import Any

import numpy as np
import pytest

import assay

from test_api39_let_go import digits_scan  # isort: skip

pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(sys.platform == "win32", reason="POSIX signals"),
]

# a model file that sets Ctrl-C aside and SIGTERM to a handler of its own at import (a
# library's worker set-up does the first); FAIL_AT: the call from which it fails (0: never)
MODEL = """
import signal
import sys

import numpy as np

signal.signal(signal.SIGINT, signal.SIG_IGN)
signal.signal(signal.SIGTERM, lambda signum, frame: None)
FAIL_AT = {fail_at}
calls = [0]


def predict(X):
    calls[0] += 1
    if calls[0] == {ctrl_c_at}:
        signal.raise_signal(signal.SIGINT)  # (a Ctrl-C while the run goes on)
    if calls[0] == FAIL_AT:
        raise RuntimeError("the model broke")
    X = np.asarray(X, dtype=float)
    return ((X[:, 0] > 4) & (X[:, 8] > 0.5)).astype(np.int64)
"""


def _swapping(fail_at: int = 0) -> Any:
    """A function model that replaces both streams in its third call (as one silencing a
    library does, and never puts them back), failing from call ``fail_at`` on."""
    calls = [0]

    def predict(X: Any) -> Any:
        calls[0] += 1
        if calls[0] == 3:
            sys.stdout, sys.stderr = io.StringIO(), io.StringIO()
        if calls[0] == fail_at:
            raise RuntimeError("the model broke")
        rows = np.asarray(X, dtype=float)
        return ((rows[:, 0] > 4) & (rows[:, 8] > 0.5)).astype(np.int64)

    return predict


def _fairness(model: Any, tmp_path: Path) -> Any:
    return assay.check_fairness(
        model,
        dataset="adult",
        protected="sex",
        max_queries=800,
        seed=1,
        store=str(tmp_path / "s.db"),
    )


@pytest.mark.parametrize("fail_at", [0, 8], ids=["returned", "raised"])
def test_the_callers_streams_are_back_after_a_fairness_call(fail_at: int, tmp_path: Path) -> None:
    out, err = sys.stdout, sys.stderr
    if fail_at:
        with pytest.raises(assay.ModelError):
            _fairness(_swapping(fail_at), tmp_path)
    else:
        assert _fairness(_swapping(), tmp_path).status == "completed"
    assert sys.stdout is out and sys.stderr is err  # (main: the model's StringIO)


def test_the_callers_streams_are_back_after_a_backdoor_scan() -> None:
    out, err = sys.stdout, sys.stderr

    def hook() -> None:
        sys.stdout, sys.stderr = io.StringIO(), io.StringIO()

    digits_scan(hook)
    assert sys.stdout is out and sys.stderr is err  # (main: the model's StringIO)


def test_the_callers_streams_are_back_after_a_text_call(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("ASSAY_TEXT_WORKER", "inline")  # (the classifier in this process)
    out, err = sys.stdout, sys.stderr

    def classify(texts: list[str]) -> list[str]:
        sys.stdout = io.StringIO()
        return ["neg" if "not" in t else "pos" for t in texts]

    assay.check_text(
        classify, grammar="builtin:reviews", oracle="invariance", max_queries=200, seed=1
    )
    assert sys.stdout is out and sys.stderr is err  # (main: the model's StringIO)


@pytest.mark.parametrize("how", ["returned", "raised", "ctrl-c"])
def test_the_callers_signal_handlers_are_back(
    how: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A model file that set Ctrl-C aside at import: after the call the caller's handlers;
    and a Ctrl-C while the call runs stops it (the handler was put back after the model's
    loading: on main the model's SIG_IGN swallowed it and the run went on to its end)."""
    fail_at, ctrl_c_at = {"returned": (0, 0), "raised": (9, 0), "ctrl-c": (0, 9)}[how]
    (tmp_path / "ign.py").write_text(MODEL.format(fail_at=fail_at, ctrl_c_at=ctrl_c_at))
    monkeypatch.chdir(tmp_path)
    before = {sig: signal.getsignal(sig) for sig in (signal.SIGINT, signal.SIGTERM)}
    if how == "returned":
        _fairness("ign.py:predict", tmp_path)
    else:
        # (a Ctrl-C: the run interrupted, resumable; main: it ran to its end, no exception)
        expected = assay.ModelError if how == "raised" else KeyboardInterrupt
        with pytest.raises(expected):
            _fairness("ign.py:predict", tmp_path)
    after = {sig: signal.getsignal(sig) for sig in before}
    assert after == before  # (main: SIG_IGN and the model's lambda)


def test_a_call_from_another_thread_works_and_puts_the_streams_back(tmp_path: Path) -> None:
    """Off the main thread no handler can be set or read back: the call runs (no
    ValueError) and the streams are put back all the same."""
    out, err = sys.stdout, sys.stderr
    before = signal.getsignal(signal.SIGINT)
    outcome: list[Any] = []

    def call() -> None:
        try:
            outcome.append(_fairness(_swapping(), tmp_path).status)
        except BaseException as exc:  # (said by the assertion below)
            outcome.append(exc)

    worker = threading.Thread(target=call)
    worker.start()
    worker.join(timeout=300)
    assert outcome == ["completed"], outcome
    assert sys.stdout is out and sys.stderr is err
    assert signal.getsignal(signal.SIGINT) is before
