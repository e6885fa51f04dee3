"""The progress display tells one story in a terminal and in a pipe: the bar's clock is the
run's (from its start, as the plain lines and the wall-clock figure count), its last frame
has the final counts, a phase outside the search is named, and a run refused before its
first progress shows no bar at all."""

from __future__ import annotations

import io
import re
import time
from typing import Any

import pytest

from assay.cli.console import Output, _Console
from assay.core.phased import Phased


def _tty_output() -> tuple[Output, io.StringIO]:
    out = Output()
    stream = io.StringIO()
    out.err = _Console(file=stream, force_terminal=True, width=120, color_system=None)
    return out, stream


def _frames(stream: io.StringIO) -> list[str]:
    text = re.sub(r"\x1b\[[0-9;?]*[a-zA-Z]", "", stream.getvalue())
    return [f.strip() for f in re.split(r"[\r\n]", text) if f.strip()]


def test_the_bars_last_frame_has_the_final_counts_and_the_runs_seconds() -> None:
    out, stream = _tty_output()
    started = time.monotonic() - 9.2  # loading took most of it: the bar starts late
    with out.progress(None, 10.0, started) as update:
        update({"phase": "images", "queries": 860, "findings": 20})
        update({"phase": "done", "queries": 869, "findings": 21, "final": True})
    last = _frames(stream)[-1]
    assert last.startswith("done")
    assert "869 queries" in last and "21 findings" in last
    assert last.endswith("0:00:09"), last  # the plain line's '9 s', not the bar's own 0:00:00


def test_a_phase_without_counts_keeps_the_last_counts_and_is_named(
    capsys: pytest.CaptureFixture[str],
) -> None:
    out, stream = _tty_output()
    with out.progress(1000, None) as update:
        update({"phase": "search", "queries": 500, "findings": 7, "elapsed": 1.0})
        update({"phase": "checks"})
    assert _frames(stream)[-1].startswith("checks")
    assert "500 queries" in _frames(stream)[-1]

    plain = Output()  # stderr captured: not a terminal
    with plain.progress(1000, None) as update:
        update({"phase": "answer"})
        update({"phase": "search", "queries": 500, "findings": 7, "elapsed": 1.0})
        update({"phase": "done", "queries": 900, "findings": 9, "elapsed": 2.0})
        update({"phase": "checks"})
        update({"phase": "done", "queries": 900, "findings": 9, "elapsed": 2.0, "final": True})
    lines = [line.strip() for line in capsys.readouterr().err.splitlines()]
    assert lines == [
        "answer: 0 s",
        "search: 500 queries, 7 findings, 1 s",
        "search: 900 queries, 9 findings, 2 s",  # its end, said before the next phase
        "checks: 2 s",
        "done: 900 queries, 9 findings, 2 s",
    ]


def test_a_run_refused_before_its_first_progress_shows_no_bar() -> None:
    out, stream = _tty_output()
    with pytest.raises(RuntimeError), out.progress(1000, None):
        raise RuntimeError("refused")
    assert stream.getvalue() == ""


def test_phased_holds_the_engines_last_line_until_the_run_ends() -> None:
    seen: list[dict[str, Any]] = []
    stages = Phased(seen.append)
    stages({"phase": "search", "queries": 5})
    stages({"phase": "done", "queries": 9})  # the search's end, not the run's
    stages({"phase": "done", "queries": 9, "final": True})
    stages.phase("checks")
    assert all(not p.get("final") and p["phase"] != "done" for p in seen)
    stages.finish()
    assert [p["phase"] for p in seen] == ["search", "search", "search", "checks", "done"]
    assert seen[-1] == {"phase": "done", "queries": 9, "final": True}
    Phased(None).finish()  # nothing to show: nothing shown, no error


def test_a_resumed_runs_bar_counts_the_engines_seconds_as_its_lines_do() -> None:
    """A resume has no start of its own (``started`` None): its lines say the engine's
    seconds, so its bar's clock goes on from them rather than from its first frame."""
    out, stream = _tty_output()
    with out.progress(1000, None) as update:
        update({"phase": "search", "queries": 500, "findings": 7, "elapsed": 40.0})
        time.sleep(0.2)  # a refresh in between: the clock is the run's, still
        update({"phase": "search", "queries": 600, "findings": 8, "elapsed": 41.0})
    assert all(f.endswith(("0:00:40", "0:00:41")) for f in _frames(stream)), _frames(stream)
