"""assay's own lines during an API call go to the streams the call started with (left40's
Left 2): a model that replaced ``sys.stderr`` (a ``StringIO`` to silence a library) took
them — an ``Output`` made in the call, an ``AssayWarning`` (``core.notices``), a store's
upgrade note — until the call's end put the caller's streams back.  Every API call runs
inside ``core.kept_streams.restored`` (``core.call_exit``)."""

from __future__ import annotations

import io
import sys
import threading
import warnings
from pathlib import Path

import pytest

from assay.cli.console import Output
from assay.core import kept_streams, notices, store_file


def test_assays_lines_in_a_call_go_to_the_callers_stderr_not_the_models(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    models = io.StringIO()
    shown_on: list[object] = []  # sys.stderr as a warning is shown (``warnings`` writes there)
    with kept_streams.restored():
        callers = sys.stderr
        sys.stderr = models  # (a model's, mid-call)
        Output().note("a note of assay's")
        with warnings.catch_warnings():
            warnings.simplefilter("always")
            warnings.showwarning = lambda *a, **k: shown_on.append(sys.stderr)
            notices.warn("a warning of assay's")
        store_file.say_upgraded(tmp_path / "old.db", 3)
        assert sys.stderr is models  # the model's stream is the model's until the call ends
        print("the model's own line", file=sys.stderr)
    said = capsys.readouterr().err
    assert "a note of assay's" in said  # main: in the model's StringIO
    assert shown_on == [callers]  # main: the model's StringIO
    assert "was made by an older assay (schema 3)" in said
    assert models.getvalue() == "the model's own line\n"


def test_outside_a_call_assay_writes_to_the_streams_as_they_are(
    capsys: pytest.CaptureFixture[str],
) -> None:
    """(A program that itself replaced ``sys.stderr``, no call running: that one.)"""
    mine = io.StringIO()
    old, sys.stderr = sys.stderr, mine
    try:
        Output().note("said")
    finally:
        sys.stderr = old
    assert "said" in mine.getvalue() and "said" not in capsys.readouterr().err


def test_a_call_on_another_thread_has_its_own_streams() -> None:
    seen: list[object] = []

    def other() -> None:
        seen.append(kept_streams.call_streams())

    with kept_streams.restored():
        thread = threading.Thread(target=other)
        thread.start()
        thread.join()
        assert kept_streams.call_streams() is not None
    assert seen == [None]
