"""``assay``: the command-line interface.

Exit codes: 0 nothing at or above the severity threshold was found; 1 something was;
2 a usage error (bad argument, file or value); 3 the model failed; 4 the run store failed
(disk full, unreadable, read-only); 5 assay's own failure (a bug: the traceback goes to a log
file); 130 interrupted (Ctrl-C; the run can be resumed).
"""

from __future__ import annotations

import os
import signal
import sqlite3
import sys
import tempfile
import time
import traceback
from collections.abc import Callable
from functools import wraps
from typing import Annotated, Any, TypeVar

import typer

from assay._version import __version__
from assay.cli.console import Output, silence_stdout
from assay.core.redact import redact_text
from assay.errors import AssayError, ModelError, StoreError, UsageError

app = typer.Typer(
    name="assay",
    help="Test machine-learning models for the bugs accuracy hides.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)

F = TypeVar("F", bound=Callable[..., Any])

EXIT_FOUND, EXIT_USAGE, EXIT_MODEL, EXIT_STORE, EXIT_INTERNAL = 1, 2, 3, 4, 5
EXIT_INTERRUPTED = 130
EXIT_BROKEN_PIPE = 141  # 128 + SIGPIPE: stdout's reader went away


def _crash_log(exc: BaseException) -> str:
    """Write the traceback of an unexpected exception to a log file; return its path."""
    text = redact_text("".join(traceback.format_exception(exc)))
    try:
        fd, path = tempfile.mkstemp(
            prefix=time.strftime("assay-crash-%Y%m%d-%H%M%S-"), suffix=".log"
        )
        with os.fdopen(fd, "w") as f:
            f.write(text)
        return path
    except OSError:  # nowhere to write: the tail of the traceback goes to stderr
        sys.stderr.write(text[-2000:])
        return "stderr (above)"


def guarded(fn: F) -> F:
    """Turn assay's errors into one clear message and the documented exit code."""

    @wraps(fn)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        out = Output(quiet=False)
        try:
            return fn(*args, **kwargs)
        except (typer.Exit, typer.Abort, typer.TyperException):
            raise
        except UsageError as exc:
            out.error(redact_text(str(exc)))
            raise typer.Exit(EXIT_USAGE) from None
        except ModelError as exc:
            out.error(f"the model failed: {redact_text(str(exc))}")
            out.note("Findings made before the failure (if the run had started) stay in the store.")
            raise typer.Exit(EXIT_MODEL) from None
        except StoreError as exc:
            out.error(f"the run store failed: {redact_text(str(exc))}")
            raise typer.Exit(EXIT_STORE) from None
        except sqlite3.Error as exc:
            out.error(f"the run store failed: {redact_text(str(exc))}")
            raise typer.Exit(EXIT_STORE) from None
        except AssayError as exc:
            out.error(redact_text(str(exc)))
            raise typer.Exit(EXIT_USAGE) from None
        except BrokenPipeError:
            # the reader of stdout went away (| head): nothing more to say, as a shell
            # reports a writer killed by SIGPIPE
            silence_stdout()
            raise typer.Exit(EXIT_BROKEN_PIPE) from None
        except OSError as exc:
            if not exc.filename:
                out.error(_internal(exc))
                raise typer.Exit(EXIT_INTERNAL) from None
            # a file the user named cannot be read or written
            out.error(redact_text(f"{exc.filename}: {exc.strerror or exc}"))
            raise typer.Exit(EXIT_USAGE) from None
        except KeyboardInterrupt as exc:
            run_id = getattr(exc, "run_id", None)
            if run_id and kwargs.get("store") is not None:
                raise typer.Exit(_stopped(run_id, kwargs)) from None
            out.error("interrupted; a run that had started can be continued with assay resume")
            raise typer.Exit(EXIT_INTERRUPTED) from None
        except Exception as exc:
            out.error(_internal(exc))
            raise typer.Exit(EXIT_INTERNAL) from None

    return wrapper  # type: ignore[return-value]


def _as_interrupt(signum: int, frame: object) -> None:
    raise KeyboardInterrupt


def _stopped(run_id: str, options: dict[str, Any]) -> int:
    """A run interrupted while its model was answering: its reports and resume line, as
    for a run stopped between calls (a second interrupt gives up on them)."""
    from assay.cli.reporting import finish_run, resume_command
    from assay.core.store import RunStore

    out = Output(quiet=bool(options.get("quiet")), as_json=bool(options.get("as_json")))
    try:
        return finish_run(
            out,
            store=RunStore(options["store"]),
            run_id=run_id,
            html=options.get("html"),
            junit=options.get("junit"),
            report=options.get("report", options.get("json_path")),
        )
    except KeyboardInterrupt:
        out.error(f"interrupted; continue with: {resume_command(run_id, options['store'], '')}")
        return EXIT_INTERRUPTED


def _internal(exc: BaseException) -> str:
    where = _crash_log(exc)
    return (
        f"internal error (a bug in assay): {type(exc).__name__}: "
        f"{redact_text(str(exc))[:300]}; the traceback is in {where}; please report it"
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


def register() -> None:
    from assay.cli import fairness_cmd, runs_cmd, text_cmd

    fairness_cmd.register(app, guarded)
    from assay.cli import backdoor_cmd

    backdoor_cmd.register(app, guarded)
    runs_cmd.register(app, guarded)
    text_cmd.register(app, guarded)


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
    register()
    args = sys.argv[1:] if argv is None else argv
    # SIGTERM (a CI job's timeout, `timeout`, `docker stop`) is a Ctrl-C: outside a run's
    # search too (loading, the answer), where a run stops at its checkpoint or not at all
    signal.signal(signal.SIGTERM, _as_interrupt)
    try:
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
            Output().error(f"{message()} (see: {where} --help)")
        sys.exit(status)
    sys.exit(code if isinstance(code, int) else 0)
