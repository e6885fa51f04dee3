"""Printing for the CLI: human output on stderr/stdout, progress bars, machine JSON."""

from __future__ import annotations

import codecs
import contextlib
import json
import os
import shutil
import sys
import tempfile
import time
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from typing import Any, TextIO

from rich.console import Console
from rich.progress import Progress, ProgressColumn, Task, TextColumn
from rich.text import Text

from assay.cli import lost_stdout
from assay.cli.ascii_bar import bar_column
from assay.cli.run_placeholders import filled
from assay.cli.user_words import on_one_line
from assay.core.kept_streams import call_streams, commanded
from assay.core.program import as_invoked
from assay.core.run_commands import filled_in
from assay.core.terminal import terminal_text
from assay.report.json_text import letters_as_written

__all__ = ["Output", "command_streams", "guard_stdout", "json_fd", "silence_stdout"]

_SPOOLED = 1 << 20  # characters of a JSON list kept in memory (4 bytes each) before a file


class _Console(Console):
    """rich's console, but a reader of its output that goes away early (``| head``) does
    not end the command (rich exits 1, which reads as 'found' to CI): the rest of the
    output goes nowhere and the command ends with its own exit code."""

    def on_broken_pipe(self) -> None:
        self.quiet = True
        silence_stdout()


def _unicode(stream: Any) -> bool:
    """Whether ``stream`` writes every character (UTF-8, -16, -32): the JSON's letters are
    written as they are then, escaped (``\\u6211``) for a stream of a narrower encoding."""
    try:
        name = codecs.lookup(getattr(stream, "encoding", None) or "utf-8").name
    except LookupError:
        return False
    return name.startswith(("utf-8", "utf-16", "utf-32"))


def _json(data: Any, letters: bool, *, indent: int | None = None) -> str:
    """``data`` as JSON, keys sorted; ``letters``: characters beyond ASCII as written
    ("我不喜欢", not "\\u6211\\u4e0d..."), those a terminal acts on escaped as the JSON
    report escapes them (``report.json_text``)."""
    if not letters:
        return json.dumps(data, indent=indent, sort_keys=True, default=str)
    text = json.dumps(data, indent=indent, sort_keys=True, default=str, ensure_ascii=False)
    return letters_as_written(text)


class Output:
    """Where the CLI speaks: ``quiet`` silences humans, ``as_json`` prints one JSON object."""

    def __init__(self, *, quiet: bool = False, as_json: bool = False) -> None:
        self.quiet = quiet
        self.as_json = as_json
        self._json_stream: TextIO | None = None
        if as_json:
            self._json_stream = _keep_stdout_for_json()
        # emoji=False: a spec such as 'm.py:cat: neg' must not print as 'm.py🐱 neg'; the
        # command's own streams, not a model's replacement (``command_streams``)
        out, err = _streams()
        self.err = _Console(file=err, stderr=True, highlight=False, soft_wrap=True, emoji=False)
        self.out = _Console(
            file=None if as_json else out, highlight=False, soft_wrap=True, emoji=False
        )

    def say(self, message: str) -> None:
        """A line for a person (stdout unless --json, where it goes to stderr)."""
        if self.quiet:
            return
        with _reader_may_go():
            (self.err if self.as_json else self.out).print(_shown(message), markup=False)

    def note(self, message: str) -> None:
        """Progress chatter: always stderr."""
        if not self.quiet:
            self.err.print(_shown(message), markup=False)

    def error(self, message: str) -> None:
        # (every line: a column name, a label or a file's line quoted in a message may hold
        # an escape sequence that would set the terminal's title or clear it)
        self.err.print(f"assay: error: {_shown(message)}", markup=False, style="bold red")

    def emit_json(self, data: dict[str, Any]) -> None:
        # (its commands for the run filled in, as the terminal's lines: ``run_placeholders``)
        data = filled_in(data, filled, frozenset({("command",), ("config",)}))
        stream = self._json_stream or sys.stdout
        try:
            with _reader_may_go():
                stream.write(_json(data, _unicode(stream), indent=2) + "\n")
                stream.flush()
        except OSError as exc:  # (a full disk under `> out.json`): the user's file, not a bug
            raise OSError(exc.errno, exc.strerror or str(exc), "stdout (the JSON result)") from None

    def emit_json_list(self, key: str, items: Iterable[dict[str, Any]]) -> None:
        """``emit_json({key: list(items)})``, the same bytes, holding one item at a time:
        each is written as it comes to a spool (memory, then a temporary file past a few
        MB), copied to stdout once every item was made (an error on the way leaves stdout
        to the error's own JSON document, never half a list)."""
        with tempfile.SpooledTemporaryFile(_SPOOLED, mode="w+", encoding="utf-8") as spool:
            stream = self._json_stream or sys.stdout
            letters = _unicode(stream)
            spool.write(f"{{\n  {_json(key, letters)}: [")
            first = True
            for item in items:
                text = _json(item, letters, indent=2)
                # (every line indented by two levels; a dumped line is never empty)
                spool.write(("\n    " if first else ",\n    ") + text.replace("\n", "\n    "))
                first = False
            spool.write("]\n}\n" if first else "\n  ]\n}\n")
            spool.seek(0)
            try:
                with _reader_may_go():
                    shutil.copyfileobj(spool, stream)
                    stream.flush()
            except OSError as exc:
                reason = exc.strerror or str(exc)
                raise OSError(exc.errno, reason, "stdout (the JSON result)") from None

    @contextmanager
    def progress(
        self, total_queries: int | None, total_time: float | None, started: float | None = None
    ) -> Iterator[Any]:
        """A progress callback for ``execute``: a bar over queries (or time).  ``started``:
        the run's start (``time.monotonic()``), from which seconds are shown (the same clock
        as the run's wall-clock figures); else the engine's own elapsed time.  A line that
        carries the run's seconds (``wall``: ``core.phased.Phased`` given the run's start,
        such as a resumed run's, whose earlier sessions count) is shown with them."""

        def seconds(p: dict[str, Any]) -> float:
            if isinstance(p.get("wall"), int | float):
                return float(p["wall"])
            if started is None:
                return float(p.get("elapsed", 0.0))
            return time.monotonic() - started

        counts: dict[str, Any] = {"queries": 0, "findings": 0, "elapsed": 0.0}

        def counted(p: dict[str, Any]) -> dict[str, Any]:
            # a phase line with no counts (the answer, the checks) keeps the last ones
            counts.update({k: p[k] for k in counts if p.get(k) is not None})
            return {**p, **counts}

        if self.quiet or not _live(self.err):
            last: list[Any] = [0.0, ""]  # when the last line was said, and its phase
            # the last line with counts not said (its phase's label, the line): said before
            # the next phase's, so that a phase's counts as it ended are read, not only the
            # counts it started from (a search's first line "0 findings", its 42 unsaid)
            unsaid: list[tuple[str, dict[str, Any]]] = []

            def say(label: str, p: dict[str, Any], counted_here: bool) -> None:
                said = f"{int(p['queries']):,} queries, {int(p['findings']):,} findings, "
                self.note(
                    f"  {label + ': ' if label else ''}{said if counted_here else ''}"
                    f"{seconds(p):.0f} s"
                )

            def plain(p: dict[str, Any]) -> None:
                # a line every few seconds, at each new phase (the last one's end said before
                # it), and always the last one (it has the final counts)
                counted_here = "queries" in p  # (else a phase outside the search)
                p = counted(p)
                now = time.monotonic()
                phase = str(p.get("phase") or "")
                # (a search that says 'done' before its last line: that line says it)
                moved = phase != last[1] and phase != "done"
                due = p.get("final") or moved or now - float(last[0]) >= 5.0
                if self.quiet:
                    return
                if not due:
                    if counted_here:  # (a search's own 'done' is its phase's end)
                        unsaid[:] = [(phase if phase != "done" else str(last[1]), p)]
                    return
                if moved and unsaid and unsaid[0][1] is not p:
                    say(*unsaid[0], True)
                unsaid.clear()
                last[:] = [now, phase]
                say(phase, p, counted_here)

            yield plain
            return
        clock = _RunClock(started)
        columns = (
            TextColumn("[bold]{task.fields[phase]:<9}"),
            bar_column(),  # (ASCII where the terminal or locale shows no more)
            TextColumn("{task.fields[queries]:>12,} queries"),
            TextColumn("{task.fields[findings]:>10,} findings"),
            clock,
        )
        total = float(total_queries or total_time or 1)
        with contextlib.ExitStack() as shown:
            bars: list[tuple[Progress, Any]] = []

            def update(p: dict[str, Any]) -> None:
                first = not bars  # the bar starts with the run's first progress (a run
                # refused before it, such as a resume of a changed model, shows none)
                if first:
                    bar = Progress(*columns, console=self.err)
                    fields: dict[str, Any] = {"phase": "", "queries": 0, "findings": 0}
                    bars.append((bar, bar.add_task("run", total=total, clock=None, **fields)))
                bar, task = bars[0]
                p = counted(p)
                clock.seen(seconds(p))
                done = p["queries"] if total_queries else seconds(p)
                bar.update(
                    task,
                    completed=total if p.get("final") else min(float(done), total),
                    phase=str(p.get("phase", "")),
                    queries=int(p["queries"]),
                    findings=int(p["findings"]),
                    # the last frame's clock is the last plain line's: the run's seconds
                    clock=seconds(p) if p.get("final") else None,
                )
                if first:  # (its first frame is this progress, not an empty one)
                    shown.enter_context(bar)

            yield update


def _shown(message: str) -> str:
    """A message as printed: the user's words that hold a line break on one line
    (``cli.user_words``), every character a terminal would act on escaped, and the commands
    it holds as the user can paste them here (``core.program``: ``assay`` not on the PATH)."""
    return as_invoked(terminal_text(on_one_line(filled(message))))


class _RunClock(ProgressColumn):
    """The run's seconds, from its start (``started``, before loading, as the plain lines
    and the run's wall-clock figure count them), not from the bar's first frame; it ticks
    between updates and stops at the last frame's (``clock``)."""

    def __init__(self, started: float | None) -> None:
        super().__init__()
        self.started = started
        self.anchor: tuple[float, float] | None = None  # (the run's seconds, when said)

    def seen(self, seconds: float) -> None:
        """The run's seconds as a progress line said them (with no ``started``, such as a
        resumed run's engine time): the clock goes on from there."""
        if self.started is None:
            self.anchor = (seconds, time.monotonic())

    def render(self, task: Task) -> Text:
        clock = task.fields.get("clock")
        if clock is None:
            if self.started is not None:
                clock = time.monotonic() - self.started
            elif self.anchor is not None:
                clock = self.anchor[0] + time.monotonic() - self.anchor[1]
            else:
                clock = task.elapsed or 0.0
        seconds = round(clock)  # (as the plain lines round it)
        return Text(
            f"{seconds // 3600}:{seconds // 60 % 60:02d}:{seconds % 60:02d}",
            style="progress.elapsed",
        )


def _live(console: Console) -> bool:
    """Whether a progress bar redrawn in place goes to a person's terminal: rich's own answer
    (``TERM=dumb``: no) and the stream's.  ``FORCE_COLOR`` (set in CI jobs for coloured logs)
    makes rich take any stream for a terminal: the bar was redrawn about five times a second
    into the job's log file (38.8 KB of carriage returns for a 40 s run, where the plain
    lines every 5 s take 0.6 KB), and it is colour that was asked for, not a live bar.  A
    log viewer that draws it asks with ``TTY_COMPATIBLE=1`` (rich's word for it)."""
    if not console.is_terminal:
        return False
    if "FORCE_COLOR" not in os.environ or os.environ.get("TTY_COMPATIBLE") == "1":
        return True  # (rich's answer: the stream's own, or a console made a terminal)
    try:
        return bool(console.file.isatty())
    except (AttributeError, OSError, ValueError):
        return False


@contextmanager
def _reader_may_go() -> Iterator[None]:
    """Output piped to a reader that stops early (``assay runs --json | head``): the rest
    of the output goes nowhere and the command ends as it would have (its exit code, its
    run completed and stored), instead of failing on a broken pipe."""
    try:
        yield
    except BrokenPipeError:
        silence_stdout()


def silence_stdout() -> None:
    """Send whatever stdout still gets to the null device (its reader has gone)."""
    _to_null(sys.__stdout__.fileno() if sys.__stdout__ else 1)


def _to_null(fd: int) -> None:
    devnull = os.open(os.devnull, os.O_WRONLY)
    try:
        os.dup2(devnull, fd)
    finally:
        os.close(devnull)


# the streams a command started with (``command_streams``)
_COMMAND: list[tuple[TextIO, TextIO]] = []
# per command running, the JSON keep made before it began (``_KEPT``'s last, or None)
_KEPT_BEFORE: list[object | None] = []


@contextmanager
def command_streams() -> Iterator[None]:
    """While a command runs, assay speaks on the stdout and stderr it started with: a model
    that replaces ``sys.stdout`` or ``sys.stderr`` (with a log file at import, a
    ``StringIO`` in each call) took every line of assay's after it (the verdict, the
    reproduce line, the errors) into its own stream: a job's log held nothing (hostile39).
    When the command ends, ``sys.stdout`` and ``sys.stderr`` are put back as it left them."""
    _COMMAND.append((sys.stdout, sys.stderr))
    kept_before = _KEPT[-1] if _KEPT else None
    _KEPT_BEFORE.append(kept_before)
    try:
        with commanded():  # (an API call within leaves them to this: core.kept_streams)
            yield
    finally:
        _KEPT_BEFORE.pop()
        out, err = _COMMAND.pop()
        for stream in (out, err):
            with contextlib.suppress(Exception):  # (closed, or on a full disk: said before)
                stream.flush()
        # and the streams put back as the command left them: ``main(ARGS)`` called from
        # another program left it printing into the model's (hostile39b); stdout is the
        # stderr a --json command made of it, else the one it started with
        made = _KEPT[-1] if _KEPT and _KEPT[-1] is not kept_before else None
        sys.stdout = made[1] if made is not None else out  # type: ignore[assignment]
        sys.stderr = err


def _streams() -> tuple[TextIO | None, TextIO | None]:
    """The command's stdout and stderr; outside a command, those the API call running on
    this thread started with (``core.kept_streams``: not a model's replacement made during
    the call); (None, None) outside both (rich then writes to ``sys.stdout`` /
    ``sys.stderr`` as they are at each line)."""
    if _COMMAND:
        return _COMMAND[-1]
    return call_streams() or (None, None)


# stdout as it was when kept for the JSON, and what sys.stdout was made then (stderr): while
# sys.stdout is still that, stdout is already kept (a test's capture resets it)
_KEPT: list[tuple[TextIO, object]] = []


def _keep_stdout_for_json() -> TextIO:
    """Keep stdout for the JSON result alone: whatever else writes to it from now on (a model
    that prints, in Python or in native code) goes to stderr.  Returns the stream to write
    the JSON to (the same one for every ``Output`` of the process: a second one, such as the
    error document of a command that failed, must not write to the stderr the first made of
    stdout; nor to a stream a model made ``sys.stdout`` since, in the command that kept it:
    a ``--json`` run whose model replaced ``sys.stdout`` and then failed wrote its error
    document into the model's ``StringIO``, stdout left empty: mutation41)."""
    if _KEPT and (sys.stdout is _KEPT[-1][1] or _kept_by_this_command()):
        return _KEPT[-1][0]
    _KEPT.clear()
    original = sys.stdout
    sys.stdout.flush()
    stream: TextIO = original
    try:
        fd = original.fileno()
    except (AttributeError, OSError, ValueError):
        fd = -1
    if fd == 1:
        try:
            keep = os.dup(1)
            os.dup2(2, 1)  # native writes to fd 1 land on stderr
            stream = os.fdopen(keep, "w", encoding="utf-8", closefd=True)
        except OSError:
            stream = original
    sys.stdout = sys.stderr  # Python-level prints too
    _KEPT.append((stream, sys.stdout))
    return stream


def json_fd() -> int:
    """The file descriptor ``--json``'s document goes to (the stdout kept for it once a
    ``--json`` command made stdout's fd 1 stderr's: ``_keep_stdout_for_json``), 1 otherwise."""
    try:
        return _KEPT[-1][0].fileno() if _KEPT else 1
    except (AttributeError, OSError, ValueError):
        return 1


def _kept_by_this_command() -> bool:
    """Whether stdout was kept for the JSON by the command running now (whatever
    ``sys.stdout`` is now: a model's replacement made during the command)."""
    return bool(_KEPT_BEFORE) and bool(_KEPT) and _KEPT[-1] is not _KEPT_BEFORE[-1]


class _PipeSafe:
    """``sys.stdout`` whose reader may go away (``assay ... | head -1``), or whose file is on a
    full disk: the first write or flush that fails sends stdout to the null device (said once
    on stderr, for a disk) and carries on, so that
    neither assay's own lines nor a model that prints (in its own code, during a call) end
    the run: the run goes on to its end, its findings stored, its exit code its own (a
    model's ``print`` failing on our closed pipe is not the model's failure)."""

    def __init__(self, inner: TextIO, fd: int = 1) -> None:
        self._inner = inner
        self._fd = fd  # 1: stdout; 2: stderr (whose failure can be told nowhere)

    def _safely(self, op: str, *args: Any) -> Any:
        try:
            return getattr(self._inner, op)(*args)
        except OSError as exc:  # a reader gone, or stdout's file on a full disk
            # (a reader gone: quiet, as a shell is)
            if self._fd == 1 and not isinstance(exc, BrokenPipeError):
                with contextlib.suppress(Exception):  # (worded for what the command is)
                    sys.stderr.write(lost_stdout.failed(exc.strerror or str(exc)) + "\n")
            _to_null(self._fd)
            try:  # (now to the null device: what was buffered goes there)
                return getattr(self._inner, op)(*args)
            except (BrokenPipeError, OSError, ValueError):
                return None

    def write(self, text: str) -> int:
        written = self._safely("write", text)
        return written if isinstance(written, int) else len(text)

    def writelines(self, lines: Any) -> None:
        self._safely("writelines", lines)

    def flush(self) -> None:
        self._safely("flush")

    def __getattr__(self, name: str) -> Any:
        return getattr(self._inner, name)


def guard_stdout() -> None:
    """Make ``sys.stdout`` and ``sys.stderr`` safe against a reader that goes away or a
    full disk (``_PipeSafe``), and against an encoding that cannot write a path or a name
    (``PYTHONIOENCODING=ascii``, a cp1252 console): such a character is written escaped
    (``\\xe9``), never ending a run that found something with exit 5 after its search."""
    for stream in (sys.stdout, sys.stderr):
        if getattr(stream, "errors", None) == "strict" and hasattr(stream, "reconfigure"):
            with contextlib.suppress(Exception):  # (a stream that cannot be reconfigured)
                stream.reconfigure(errors="backslashreplace")
    if sys.stdout is not None and not isinstance(sys.stdout, _PipeSafe):
        sys.stdout = _PipeSafe(sys.stdout)  # type: ignore[assignment]
    # stderr on a full disk (or closed): what assay says there is dropped; the run, its
    # reports and its exit code stand (a failed note ended the command with exit 1 before)
    if sys.stderr is not None and not isinstance(sys.stderr, _PipeSafe):
        sys.stderr = _PipeSafe(sys.stderr, fd=2)  # type: ignore[assignment]
