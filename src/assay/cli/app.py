"""``assay``: the command-line interface.

Exit codes: 0 nothing at or above the severity threshold was found; 1 something was;
2 a usage error (bad argument, file or value); 3 the model failed; 4 the run store failed
(disk full, unreadable, read-only); 5 assay's own failure (a bug: the traceback goes to a log
file); 130 interrupted (Ctrl-C; the run can be resumed).
"""

from __future__ import annotations

import contextlib
import gc
import os
import signal
import sqlite3
import sys
import tempfile
import time
import traceback
from collections.abc import Callable
from functools import cache, wraps
from pathlib import Path
from typing import Annotated, Any, TypeVar

import typer

from assay._version import __version__
from assay.cli import leftover, lost_stdout
from assay.cli.argv import home_expanded
from assay.cli.console import Output, command_streams, guard_stdout, silence_stdout
from assay.cli.helpstyle import HelpGroup, use_options_panel
from assay.cli.json_taken import json_taken_as_model, json_value_said
from assay.cli.model_again import model_again_here, smaller_batches
from assay.cli.repeated import refuse_repeated
from assay.cli.run_placeholders import filled, filling
from assay.cli.std_fds import open_closed
from assay.cli.store_lost import left_behind
from assay.cli.user_words import keep_on_one_line
from assay.cli.written_numbers import refuse_unwritten_numbers
from assay.core.call_exit import nothing_held
from assay.core.calls import calls_left_running, end_process
from assay.core.clock import entered, process_started
from assay.core.handlers import own_handler
from assay.core.kept_signals import held as signals_held
from assay.core.kept_signals import restored as signals_restored
from assay.core.message_secrets import redact_message
from assay.core.notices import told_to
from assay.core.store import DEFAULT_STORE, close_open_stores
from assay.core.store_file import damage_hint
from assay.core.terminal import terminal_text
from assay.core.workdir import held
from assay.errors import AssayError, ClusterError, ModelError, StoreError, UsageError

use_options_panel()  # every name of an option shown whole, in one column (cli.helpstyle)
app = typer.Typer(
    name="assay",
    help="Test machine-learning models for the bugs accuracy hides.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
    cls=HelpGroup,  # help reflowed to the terminal, flags without a type (cli.helpstyle)
    context_settings={"help_option_names": ["-h", "--help"]},  # (-h was "No such option")
)

F = TypeVar("F", bound=Callable[..., Any])

EXIT_FOUND, EXIT_USAGE, EXIT_MODEL, EXIT_STORE, EXIT_INTERNAL = 1, 2, 3, 4, 5
EXIT_INTERRUPTED = 130
RUNS_MADE = ("fairness", "text", "backdoor", "demo")  # the commands that make a run
EXPORTS = ("--export", "--export-filter")  # files a run writes once its search ended
EXIT_BROKEN_PIPE = 141  # 128 + SIGPIPE: stdout's reader went away


def _crash_log(exc: BaseException) -> str:
    """Write the traceback of an unexpected exception to a log file; return its path."""
    text = redact_message("".join(traceback.format_exception(exc)))
    try:
        fd, path = tempfile.mkstemp(
            prefix=time.strftime("assay-crash-%Y%m%d-%H%M%S-"), suffix=".log"
        )
        with os.fdopen(fd, "w") as f:
            f.write(text)
        return path
    except OSError:  # nowhere to write: the tail of the traceback goes to stderr
        sys.stderr.write(terminal_text(text[-2000:]))
        return "stderr (above)"


def guarded(fn: F) -> F:
    """Turn assay's errors into one clear message and the documented exit code; what the
    command leaves behind (its run's reports, or a JUnit file naming the error) is
    ``cli.leftover``'s.  The stores the command opened are closed, and the runs it claimed
    let go of, as it returns: called in-process (``CliRunner``, ``app(...)``: a test suite, a
    notebook), an ``assay resume`` kept its store, its run's lock and a heartbeat writing
    the ended run's session clock every second until the process ended (``main`` closes
    them at its end: ``_quick_end``; left51)."""

    @wraps(fn)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        with nothing_held(), filling():  # (filling: the commands it prints for its run:
            return body(*args, **kwargs)  # that run's, ``run_placeholders``)

    def body(*args: Any, **kwargs: Any) -> Any:
        out = Output(quiet=False)
        command = fn.__name__
        leftover.forget(command)

        def fail(code: int, kind: str, message: str, why: str | None = None) -> typer.Exit:
            _exit_kept(command, code, why)  # (before its reports: they say it)
            told: dict[str, Any] = {}  # (what the lines say of the run left: --json too)
            code = _left_behind(command, kwargs, code, kind, message, told)
            if kwargs.get("as_json"):  # a JSON reader gets JSON, whatever went wrong
                _json_error(code, kind, message, command, told)
            return typer.Exit(code)

        kwargs = {key: home_expanded(value) for key, value in kwargs.items()}
        # (warnings from deep in loading, ``core.notices``: stderr, or nothing with --quiet)
        speaking = Output(quiet=bool(kwargs.get("quiet")))
        try:
            with (
                told_to(lambda said: speaking.note(f"assay: warning: {said}")),
                left_behind(command, kwargs),  # (a SIGBUS of its store: ``cli.store_lost``)
            ):
                return fn(*args, **kwargs)
        except typer.Exit as exc:  # (its code may not be the verdict's: an export not written)
            _exit_kept(command, exc.exit_code)
            raise
        except (typer.Abort, typer.TyperException):
            raise
        except UsageError as exc:
            if command == "resume" and exc.argument == "--model":
                exc = model_again_here(exc, kwargs.get("store"))
            exc = json_taken_as_model(exc, kwargs)  # (``--json g.json``)
            out.error(redact_message(str(exc)))
            if isinstance(exc, leftover.ReportsLeftAlone):
                if kwargs.get("as_json"):
                    _json_error(EXIT_USAGE, "usage_error", redact_message(str(exc)), command)
                raise typer.Exit(EXIT_USAGE) from None
            # (an export the run writes after its search, not written: said as that, not as a
            # usage error, as a text run's is: ``reporting.not_written``)
            why = leftover.unexported_why(exc.argument) if exc.argument in EXPORTS else None
            raise fail(EXIT_USAGE, "usage_error", redact_message(str(exc)), why) from None
        except ModelError as exc:
            out.error(f"the model failed: {redact_message(str(exc))}")
            # (not under --quiet: its resume line says what the store holds, ``_left_behind``)
            if command == "verify":  # (it makes no run: the run it replays is as it was)
                speaking.note("Nothing was verified: the run and its findings are unchanged.")
            elif leftover.current() is None:
                speaking.note("No run was made: nothing was stored.")
            else:
                speaking.note("Findings made before the failure stay in the store.")
            raise fail(EXIT_MODEL, "model_error", redact_message(str(exc))) from None
        except (StoreError, sqlite3.Error) as exc:
            text = redact_message(str(exc))
            if isinstance(exc, sqlite3.Error):  # (read past opening: which file, what to do)
                where = kwargs.get("store") or DEFAULT_STORE
                text = f"{where}: {text}{damage_hint(where, text)}"
            out.error(f"the run store failed: {text}")
            raise fail(EXIT_STORE, "store_error", text) from None
        except ClusterError as exc:  # exit 2 as documented; a JSON or JUnit reader told it apart
            out.error(redact_message(str(exc)))
            raise fail(EXIT_USAGE, "cluster_error", redact_message(str(exc))) from None
        except AssayError as exc:
            out.error(redact_message(str(exc)))
            raise fail(EXIT_USAGE, "usage_error", redact_message(str(exc))) from None
        except BrokenPipeError:
            # the reader of stdout went away (| head): nothing more to say, as a shell
            # reports a writer killed by SIGPIPE
            silence_stdout()
            raise typer.Exit(EXIT_BROKEN_PIPE) from None
        except OSError as exc:
            if not exc.filename:
                out.error(_internal(exc))
                raise fail(EXIT_INTERNAL, "internal_error", str(exc)) from None
            # a file the user named cannot be read or written
            message = redact_message(f"{exc.filename}: {exc.strerror or exc}")
            out.error(message)
            raise fail(EXIT_USAGE, "usage_error", message) from None
        except KeyboardInterrupt as exc:
            run_id = getattr(exc, "run_id", None)
            made = leftover.current()
            if run_id is None and made is not None:
                run_id = made[0]
            # (a resume interrupted in its checks: the run is as it was, left so)
            begun = command != "resume" or leftover.running_command() is not None
            if run_id and kwargs.get("store") is not None and begun:
                code = _stopped(run_id, kwargs)
                _exit_kept(command, code)
                raise typer.Exit(code) from None
            if command == "resume":
                out.error("interrupted before the run was resumed: it is as it was")
            elif command in RUNS_MADE:
                out.error(
                    "interrupted before a run was made (loading, or checking the arguments): "
                    "nothing was stored, nothing to resume; run the command again"
                )
            else:  # (runs, show, report, verify: no run is theirs to stop)
                out.error("interrupted")
            raise fail(EXIT_INTERRUPTED, "interrupted", "interrupted (Ctrl-C or SIGTERM)") from None
        except Exception as exc:
            out.error(_internal(exc))
            raise fail(EXIT_INTERNAL, "internal_error", f"{type(exc).__name__}: {exc}") from None

    return wrapper  # type: ignore[return-value]


def _exit_kept(command: str, code: int, why: str | None = None) -> None:
    """The exit code of a command that made or ran a run, kept with the run
    (``core.command_exit``: a report built later says it beside the run's verdict; ``why``:
    what it means, when not its usual meaning)."""
    made = leftover.current()
    if made is None or (command not in RUNS_MADE and command != "resume"):
        return
    if leftover.running_command() != command:  # (refused before it began: the run as it was)
        return
    from assay.core.command_exit import kept
    from assay.core.store import RunStore

    if not os.path.lexists(made[1]):  # (deleted while the run went on: no new store made)
        return
    with contextlib.suppress(Exception), RunStore(made[1]) as store:
        kept(store, made[0], code, command, why)


def _json_error(
    code: int,
    kind: str,
    message: str,
    command: str | None = None,
    told: dict[str, Any] | None = None,
) -> None:
    """``--json``'s document for a command that failed: what went wrong and its exit code,
    with the run it made (if any), so that a CI step parsing stdout reads the failure (it
    read an empty file), and what the terminal's lines said of that run (``told``, filled by
    ``_left_behind``: its status, the findings its store keeps, the store, the resume line
    and the lines on how to go on, as printed: ``cli.failed_json``).  ``assay resume``'s says
    whether it resumed the run (``resumed``: false when refused or interrupted before it
    began, the run as it was)."""
    from assay.cli.failed_json import left_fields

    made = leftover.current()
    # (its commands for the run filled in, as the terminal's line: ``cli.run_placeholders``)
    document: dict[str, Any] = {"error": filled(message), "kind": kind, "exit_code": code}
    document["run_id"] = made[0] if made else None
    document.update(left_fields(told))
    if command == "resume":
        document["resumed"] = made is not None and leftover.running_command() is not None
    # (stdout itself may have failed, on a full disk: said on stderr already)
    with contextlib.suppress(OSError, ValueError):
        Output(quiet=True, as_json=True).emit_json(document)


@own_handler  # (a run stopped by it does not raise it again: the command finishes the run)
def _as_interrupt(signum: int, frame: object) -> None:
    raise KeyboardInterrupt


def _left_behind(
    command: str,
    options: dict[str, Any],
    code: int,
    kind: str,
    message: str,
    told: dict[str, Any] | None = None,
) -> int:
    """What a command that failed leaves: the reports of the run it made (or resumed), as
    that run stands, with the resume line when it can go on; without a run, its ``--junit``
    file as one error naming the problem (never an earlier run's pass, nor nothing).
    ``told`` (given): filled with what its lines say of the run, for ``--json``'s document
    (``cli.failed_json``).  Returns ``code``."""
    told = {} if told is None else told
    made = leftover.current()
    if made is None:
        leftover.error_junit(
            options.get("junit"), command, kind, redact_message(message), code=code
        )
        return code
    from assay.cli.reporting import report_command
    from assay.core.finishing import shown_status
    from assay.core.runinfo import pasteable
    from assay.core.store import RunStore
    from assay.report import build_document, write_reports

    run_id, store_path = made
    told["store"] = os.path.abspath(store_path)
    # (``--json``: the lines go to stderr, stdout holds the error's JSON document)
    out = Output(quiet=bool(options.get("quiet")), as_json=bool(options.get("as_json")))
    # a resume refused (or interrupted) before it began: the run is as it was and none of
    # its reports is this command's, so it writes what a command refused before its run
    # exists writes (its --junit file one error naming the refusal, no --report, no --html),
    # never the run's earlier command's code as if it were this one's
    refused = command == "resume" and leftover.running_command() is None
    # (a run its store failed under: its reports say so, not "its process is gone")
    failed_store = message if kind == "store_error" and not refused else None
    try:
        with RunStore(store_path, read_only=True) as store:
            record = store.get_run(run_id)
            doc = build_document(store, run_id, store_failed=failed_store)
    except Exception:  # (a store that failed may not be read either): the error alone
        # (naming the run made: not "stopped before a run was made")
        before = (
            "before a run was made"
            if refused
            else f"after run {run_id} was made (its store no longer gives it back)"
        )
        wrote = leftover.error_junit(
            options.get("junit"), command, kind, redact_message(message), before, code=code
        )
        if not refused:
            said = _reports_unmade(run_id, store_path, options, wrote)
            if said:
                out.say(said)
                told["next"] = [said]
        return code
    resume, go_on, fresh, forced = _ways_on(record, store_path, options, kind, message, refused)
    if not refused:  # (its JUnit file's error says them too: ``report.junit``)
        doc = {**doc, "resume": resume, "next": [t for t in (go_on, fresh, forced) if t]}
    unwritten = False
    try:
        if refused:
            written = _refused_junit(options, run_id, kind, message)
        else:
            written = write_reports(
                doc,
                json_path=options.get("report", options.get("json_path")),
                html_path=options.get("html"),
                junit_path=options.get("junit"),
                arguments={"json": "--report"},
            )
    except Exception:  # (a report that cannot be written, a full disk): the run still said
        unwritten = True
        said = f"after run {run_id} ended ({doc.get('verdict')})"
        junit = options.get("junit")
        error = leftover.error_junit(junit, command, kind, redact_message(message), said, code=code)
        written = [Path(junit)] if junit and error else []
    # (a run the store still says is running is no one's once this process ends: stalled)
    # (one stopped after its search ended: "unfinished", as its headline says, not the
    # search's "completed")
    status = "stalled" if record.status == "running" else shown_status(record)
    if record.status == "running" and failed_store is not None:
        status = "stopped when its store failed (the store holds it as of its last checkpoint)"
    # a refused resume's run is said as the run it left alone, without its headline: beside
    # the refusal, "NOT EVERYTHING WAS TESTED ..." read as this command's verdict, and the
    # run's status line as the resume's outcome
    stands = (
        f"run {run_id} was not resumed, it is as it was: {status}"
        if refused
        else f"run {run_id}: {status}"
    )
    # on stdout, as a finished run's: a CI log of stdout alone (``> out.txt``) read nothing
    out.say(f"{stands}, {record.n_findings:,} findings stored")
    if not refused:
        out.say(str(doc.get("headline") or ""))
    if unwritten:  # its verdict, which its exit code (2: a report not written) does not say
        out.say(str(doc.get("verdict") or ""))
    for path in written:
        said_as = " (one error naming why it was not resumed)" if refused else ""
        out.say(
            f"wrote {path}" + (" (one error naming what was not written)" if unwritten else said_as)
        )
    again = pasteable(record.command, record.config, summary=record.summary)
    out.say(f"seed {record.seed}; to reproduce: {again}")
    if unwritten:  # (the run is kept whole: its reports can be written again from it)
        asked = [
            word
            for flag, path in _reports(options).items()
            if path
            for word in (flag, os.path.abspath(path))
        ]
        line = report_command(run_id, store_path, *asked)
        rewrite = f"once they can be written (a full disk, a read-only folder), write them: {line}"
        out.say(rewrite)
    told.update(
        status=status,
        findings=record.n_findings,
        headline=None if refused else doc.get("headline"),
        command=again,
        resume=resume,
        next=[t for t in (rewrite if unwritten else "", go_on, fresh, forced) if t],
        reports=[str(path) for path in written],
    )
    if out.quiet:
        # --quiet keeps errors only, and how to go on is part of this one (as an interrupted
        # run's "continue with" under --quiet): a CI log must say how to continue, or how to
        # reproduce a run that cannot be continued
        said = go_on or f"seed {record.seed}; to reproduce: {again}"
        out.error(f"{stands}, {record.n_findings:,} findings stored; {said}")
        for line in (fresh, forced):
            if line:
                out.error(line)
        return code
    for line in (go_on, fresh, forced):
        if line:
            out.say(line)
    return code


_NEW_RUN = "a resumed run keeps this one's options"  # (a model failure that says so)


def _ways_on(
    record: Any,
    store_path: Path,
    options: dict[str, Any],
    kind: str,
    message: str,
    refused: bool,
) -> tuple[str | None, str, str, str]:
    """How a failed command's run goes on, as its lines say it: the resume line (``None``:
    none), the line giving it ("once the problem is fixed, continue with: ..."), the line
    saying a resume keeps the options that failed, and the line on ``--force`` (each ""
    when not said)."""
    from assay.cli.reporting import resume_command
    from assay.core.finishing import finishable
    from assay.core.store import ENDED

    run_id = record.id
    line: str | None = None
    go_on = fresh = ""
    if record.status in ENDED and finishable(record):  # (failed after its search ended)
        line = resume_command(run_id, store_path, record.command, _reports(options), record.config)
        go_on = f"once the problem is fixed, finish it (no new search) with: {line}"
    elif (
        record.status not in ENDED
        and not refused
        and _options_refused(kind, record.status, message)
    ):
        # (a resume keeps the run's options, and they are what failed: its line failed the
        # same way; not a resume refused before it began, whose own error, a file changed
        # since, is no option of the run's: beside "pass --force to continue" it said "fix
        # the problem in a new run", hostile50)
        fresh = "a resume keeps this run's options: fix the problem in a new run"
    elif record.status not in ENDED:
        line = resume_command(run_id, store_path, record.command, _reports(options), record.config)
        if "(--call-timeout)" in message:  # a slow model, not a broken one: give it longer
            budget = record.config.get("budget") or {}
            longer = 4 * float(budget.get("call_timeout") or 60.0)
            line += f" --call-timeout {longer:g}"
        line += smaller_batches(message)  # (a request refused for its size: a 413)
        go_on = f"once the problem is fixed, continue with: {line}"
    forced = ""
    if go_on and kind == "model_error" and (changed := _model_files(record.config)):
        # the fix most often made (the model's code or file) is refused there as another
        # model, and the line above then failed as printed
        forced = (
            f"if the fix changes {' or '.join(changed)}, the resume refuses it as another "
            f"model: add --force to keep this run's {record.n_findings:,} findings with "
            "the fixed one, or start a new run"
        )
    return line, go_on, fresh, forced


def _options_refused(kind: str, status: str, message: str) -> bool:
    """Whether a failed run's error is its options' (a usage error once the run existed,
    marked failed; a model failure saying it needs other options, ``--cutoff``), which a
    resume keeps."""
    return (kind == "usage_error" and status == "failed") or _NEW_RUN in message


def _refused_junit(options: dict[str, Any], run_id: str, kind: str, message: str) -> list[Path]:
    """A resume refused before it began: its ``--junit`` file as one error naming the
    refusal (``leftover.error_junit``), its ``--report`` and ``--html`` not written (said on
    stderr, with how to write the run's reports as it stands).  The paths written."""
    given = {
        flag: options.get(key)
        for key, flag in (("json_path", "--report"), ("html", "--html"), ("junit", "--junit"))
    }
    said = f"before it resumed run {run_id} (the run is as it was)"
    junit = given["--junit"]
    written = (
        [Path(junit)]
        if junit and leftover.error_junit(junit, "resume", kind, message, said)
        else []
    )
    if unwritten := [
        f"{flag} {path}" for flag, path in given.items() if path and flag != "--junit"
    ]:
        Output(quiet=False).note(
            f"not written: {', '.join(unwritten)} (this command was refused: the run's reports "
            f"would be its earlier command's; assay report {run_id} writes them as it stands)"
        )
    return written


def _model_files(config: dict[str, Any]) -> list[str]:
    """The files of a run's model (or text classifiers) whose change a resume refuses
    without ``--force`` (their fingerprints, kept with the run)."""
    prints = config.get("fingerprints") or {}
    names = [
        str(Path(str(value["path"])).name)
        for key, value in prints.items()
        if (key == "model" or str(key).startswith("classifier"))
        and isinstance(value, dict)
        and value.get("path")
    ]
    return list(dict.fromkeys(names))  # (two classifiers of one file: "a.py or a.py")


def _reports_unmade(
    run_id: str, store_path: Path, options: dict[str, Any], wrote_junit: bool
) -> str:
    """The line naming a run's ``--report`` and ``--html`` that were not written because its
    store could not be read (deleted or replaced: the run went with it; an index that can no
    longer be written, which reading would die on): said, not left for the reader to find
    missing, with the command that writes them while the store's file is still there (docs48).
    "" when none was asked."""
    from assay.cli.reporting import report_command
    from assay.cli.run_deleted import gone_from

    asked = [(flag, path) for flag, path in _reports(options).items() if path]
    unmade = [f"{flag} {path}" for flag, path in asked if flag != "--junit"]
    if not unmade:
        return ""
    deleted = gone_from(store_path, run_id)  # (the store reads: the run is not in it)
    said = (
        f"run {run_id}: "
        + ("it was deleted from its store" if deleted else "its store could not be read")
        + f", so no report of it was written (not written: {', '.join(unmade)})"
    )
    if wrote_junit:
        said += f"; wrote {options.get('junit')} (one error naming why)"
    if Path(store_path).exists() and not deleted:  # (a store or run deleted: nothing to write)
        words = [w for flag, path in asked for w in (flag, os.path.abspath(path))]
        line = report_command(run_id, store_path, *words)
        said += f"; once the store can be read again, write them: {line}"
    return said


def _reports(options: dict[str, Any]) -> dict[str, Any]:
    """The reports a command was asked for, as the resume line repeats them."""
    return {
        "--html": options.get("html"),
        "--junit": options.get("junit"),
        "--report": options.get("report", options.get("json_path")),
    }


def _stopped(run_id: str, options: dict[str, Any]) -> int:
    """A run interrupted outside its search's checkpoints (while its model was answering,
    loading, computing the answer, writing the reports): finished as a stopped run (marked
    interrupted, resumable; its reports and resume line), or, when it had ended, as it
    stands (``finish_interrupted``).  A second interrupt gives up on the reports."""
    from assay.cli.reporting import finish_interrupted, report_command, resume_command

    out = Output(quiet=bool(options.get("quiet")), as_json=bool(options.get("as_json")))
    try:
        return finish_interrupted(
            out,
            store_path=options["store"],
            run_id=run_id,
            html=options.get("html"),
            junit=options.get("junit"),
            report=options.get("report", options.get("json_path")),
        )
    except KeyboardInterrupt:
        from assay.core.store import ENDED, RunStore

        with RunStore(options["store"], read_only=True) as store:
            record = store.get_run(run_id)
        if record.status in ENDED:
            again = report_command(record.id, options["store"])
            out.error(
                f"interrupted; the run ended ({record.status}): its reports: {again} --html F"
            )
        else:
            line = resume_command(
                run_id, options["store"], record.command, _reports(options), record.config
            )
            out.error(f"interrupted; continue with: {line}")
        return EXIT_INTERRUPTED


def _internal(exc: BaseException) -> str:
    where = _crash_log(exc)
    return (
        f"internal error (a bug in assay): {type(exc).__name__}: "
        f"{redact_message(str(exc))[:300]}; the traceback is in {where}; please report it"
    )


def version_callback(value: bool) -> None:
    if value:
        typer.echo(f"assay {__version__}")
        raise typer.Exit()


@app.callback()
def main_options(
    version: Annotated[
        bool,
        typer.Option("--version", callback=version_callback, is_eager=True, help="Print version."),
    ] = False,
) -> None:
    """Test machine-learning models for the bugs accuracy hides."""


@cache  # once per process: each call added every command again (typer keeps a list), and
# each ``main()`` (a notebook's, a test suite's) then built them all: slower with every call
def register() -> None:
    from assay.cli import code_cmd, fairness_cmd, prune_cmd, runs_cmd, salvage_cmd, text_cmd

    fairness_cmd.register(app, guarded)
    from assay.cli import backdoor_cmd

    backdoor_cmd.register(app, guarded)
    runs_cmd.register(app, guarded)
    prune_cmd.register(app, guarded)
    salvage_cmd.register(app, guarded)
    text_cmd.register(app, guarded)
    code_cmd.register(app, guarded)


DEMOS = ("fairness", "text", "backdoor")


def demo_alias(
    what: str, *, seed: int, store: Any, out_dir: Any, seconds: float | None, quiet: bool
) -> int:
    """``assay demo text|backdoor``: run ``assay text --demo`` / ``assay backdoor --demo`` (same
    output, same exit code), with the demo's seed and store and the HTML report under
    ``--out``; ``--seconds`` becomes ``--max-time`` only when it was given."""
    if what not in DEMOS:
        raise UsageError(
            f"no demonstration {what!r}; choose one of {', '.join(DEMOS)}", argument="WHAT"
        )
    args = [what, "--demo", "--seed", str(seed), "--store", str(store)]
    args += ["--html", str(os.path.join(out_dir, f"{what}.html"))]
    if seconds is not None:
        args += ["--max-time", f"{seconds:g}"]
    if quiet:
        args.append("--quiet")
    code = app(args=args, prog_name="assay", standalone_mode=False)
    return code if isinstance(code, int) else 0


def main(argv: list[str] | None = None) -> None:
    """The ``assay`` command.  Mistakes in the command line itself (a bad option value, an
    unknown option) are printed in the style of every other error: ``assay: error: ...``."""
    if argv is None:
        # (``assay ... >&-`` / ``2>&-``: before anything opens a file)
        lost_stdout.closed_at_start(open_closed())
        _crash_report()
    # a run's clock: from the process's start; the command's folder its own (core.workdir);
    # called from another program, its SIGINT/SIGTERM handlers its own again after it (the
    # command makes SIGTERM an interrupt: left40)
    signals = signals_held() if argv is None else signals_restored()
    with entered(_command_start(argv)), held(), signals:
        try:
            _main(argv)
        except KeyboardInterrupt:
            # (before a command began: building the command line's parser takes seconds on
            # a loaded machine, and a Ctrl-C or a CI timeout there printed a bare traceback)
            if argv is not None:
                raise
            if leftover.command_name() is not None:  # (guarded's: a command began)
                Output().error("interrupted")
                sys.exit(EXIT_INTERRUPTED)
            Output().error("interrupted before the command began")
            from assay.__main__ import ended_before_it_began, no_earlier_reports

            no_earlier_reports()  # (its --junit file an error, not an earlier run's pass)
            ended_before_it_began()


def _crash_report() -> None:
    """A model that crashes the interpreter (a segfault in a native library called in
    assay's process, e.g. on loading's probe) ended the command with exit 139 and not a word
    (hostile32): as the ``assay`` command, Python's fault handler says what happened and
    where ("Fatal Python error: Segmentation fault", the stack down to the model's own
    line); the run is left stalled, resumable.  Not from ``main(ARGS)`` inside another
    program, whose process is its own."""
    import contextlib
    import faulthandler

    if not faulthandler.is_enabled():
        # the crashing thread's stack only (the model's call); stderr closed or not a real
        # file: nothing to write to
        with contextlib.suppress(AttributeError, ValueError, OSError):
            faulthandler.enable(all_threads=False)


def _command_start(argv: list[str] | None) -> float:
    """When the user began waiting for this command: the process's start when the process
    is the ``assay`` command (``assay ...``, ``python -m assay ...``: the interpreter's start
    and the imports count towards --max-time and the rates), else (``main(ARGS)`` inside
    another program) now."""
    now = time.monotonic()
    if argv is not None:
        return now
    main_module = sys.modules.get("__main__")
    spec = getattr(main_module, "__spec__", None)
    script = os.path.basename(sys.argv[0]) if sys.argv else ""
    if getattr(spec, "name", None) != "assay.__main__" and script not in ("assay", "assay.exe"):
        return now
    started = process_started()
    return now if started is None else min(started, now)


def _main(argv: list[str] | None) -> None:
    # SIGTERM (a CI job's timeout, `timeout`, `docker stop`) is a Ctrl-C: outside a run's
    # search too (loading, the answer), where a run stops at its checkpoint or not at all;
    # and before the command begins (``main``)
    signal.signal(signal.SIGTERM, _as_interrupt)
    # and SIGHUP (the terminal closed, an ssh session dropped) unless ignored (``nohup``): it
    # killed the run outright, exit 129, no reports, no checkpoint since the last
    hangup = getattr(signal, "SIGHUP", None)
    if hangup is not None and signal.getsignal(hangup) == signal.SIG_DFL:
        signal.signal(hangup, _as_interrupt)
    register()
    args = sys.argv[1:] if argv is None else argv
    keep_on_one_line(args)  # a model, a spec, a path holding a line break: one line each
    leftover.typed(args)  # (a JUnit file of no run names the command line)
    guard_stdout()  # a reader of stdout that goes away (| head) stops no run
    lost_stdout.forget()  # (a listing's stdout not written: exit 2, ``cli.lost_stdout``)
    with command_streams():  # (assay's lines on them, whatever a model makes of sys.stdout)
        try:
            code = _parsed(args)
        except SystemExit as exc:  # (an interrupt's 130 too: a model call left running)
            if argv is not None or not isinstance(exc.code, int) or not calls_left_running():
                raise
            code = exc.code
    _quick_end(exiting=argv is None)  # (its flush may be where stdout fails)
    code = lost_stdout.exit_code(code)
    if argv is None and calls_left_running():
        # a model call given up on still runs on its daemon thread: the interpreter's
        # finalization would end it inside the model's native code (torch: exit 134 or 139,
        # not the run's own code, every time)
        end_process(code)
    sys.exit(code)


def _parsed(args: list[str]) -> int:
    """Run the command line ``args``: its exit code; the parser's own errors said in
    assay's style (and exited with)."""
    try:
        root = typer.main.get_command(app)
        refuse_repeated(root, args)
        refuse_unwritten_numbers(root, args)  # ('--max-queries 1_0' was 10)
        code = app(args=args, prog_name="assay", standalone_mode=False)
    except typer.Abort:
        Output().error("interrupted")
        sys.exit(130)
    except Exception as exc:  # the command-line parser's own errors (click's exceptions)
        message, status = getattr(exc, "format_message", None), getattr(exc, "exit_code", None)
        if not callable(message) or not isinstance(status, int):
            raise
        if type(exc).__name__ == "NoArgsIsHelpError":  # plain `assay`: the help
            print(message())
        else:
            ctx = getattr(exc, "ctx", None)
            where = getattr(ctx, "command_path", None) or "assay"
            said = json_value_said(_with_value(exc, args, message()), args)
            Output().error(f"{said} (see: {where} --help)")
            options = args[: args.index("--")] if "--" in args else args
            if "--json" in options:  # a JSON reader gets JSON, whatever went wrong
                _json_error(status, "usage_error", redact_message(json_value_said(message(), args)))
            # a CI job reads the JUnit file it asked for: one error, not an earlier pass
            command = args[0] if args and not args[0].startswith("-") else "assay"
            leftover.error_junit(
                leftover.junit_in_argv(args),
                command,
                "usage_error",
                redact_message(message()),
                code=status if isinstance(status, int) else None,
            )
            leftover.drop_stale_reports(options)  # nor an earlier run's JSON or HTML report
        sys.exit(status)
    return code if isinstance(code, int) else 0


def _with_value(exc: Exception, args: list[str], message: str) -> str:
    """A bad option value's message with the value as given ("Invalid value for
    '--max-queries': 'many': ..."): the parser's own text does not repeat it, and in a long CI
    command line (a variable expanded to something unexpected) it is what the reader needs."""
    opts = getattr(getattr(exc, "param", None), "opts", None)
    if not opts or type(exc).__name__ != "BadParameter":
        return message
    given: str | None = None
    for i, arg in enumerate(args):
        if arg == "--":
            break
        for opt in opts:
            if arg == opt and i + 1 < len(args):
                given = args[i + 1]
            elif arg.startswith(opt + "="):
                given = arg[len(opt) + 1 :]
    if given is None:
        return message
    head = f"Invalid value for {opts[0]!r}: "
    shown = redact_message(given if len(given) <= 80 else given[:77] + "...")
    if message.startswith(head):
        return f"{head}{shown!r}: {message[len(head) :]}"
    return f"{message} (given: {shown!r})"


def _quick_end(*, exiting: bool = True) -> None:
    """Skip the interpreter's final garbage collection: with a large run's objects alive
    it took 0.6-1.6 s after the last line was printed (a CI job waited for it, and a SIGTERM
    in that time turned the run's exit code into 143).  Everything the command owns is
    closed by now; what Python frees at exit is memory the process gives back anyway
    (``weakref.finalize`` and ``atexit`` hooks still run); the run stores still open are
    closed here, so that none leaves its write-ahead log beside its file.  ``main(ARGS)``
    called inside another program (a notebook, a test suite) is not its process's end: what
    it left is collected as usual there (frozen, each call's leftovers were never freed)."""
    close_open_stores()
    for stream in (sys.stdout, sys.stderr):
        with contextlib.suppress(OSError, ValueError, AttributeError):  # (None: no stream)
            stream.flush()
    if exiting:
        gc.freeze()
