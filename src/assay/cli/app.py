"""``assay``: the command-line interface.

Exit codes: 0 nothing at or above the severity threshold was found; 1 something was;
2 a usage error (bad argument, file or value); 3 the model failed; 130 interrupted.
"""

from __future__ import annotations

import sys
from collections.abc import Callable
from functools import wraps
from typing import Annotated, Any, TypeVar

import typer

from assay._version import __version__
from assay.cli.console import Output
from assay.errors import AssayError, ModelError, StoreError, UsageError

app = typer.Typer(
    name="assay",
    help="Test machine-learning models for the bugs accuracy hides.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)

F = TypeVar("F", bound=Callable[..., Any])

EXIT_FOUND, EXIT_USAGE, EXIT_MODEL = 1, 2, 3


def guarded(fn: F) -> F:
    """Turn assay's errors into a clear message and the documented exit code."""

    @wraps(fn)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        out = Output(quiet=False)
        try:
            return fn(*args, **kwargs)
        except (UsageError, StoreError) as exc:
            out.error(str(exc))
            raise typer.Exit(EXIT_USAGE) from None
        except ModelError as exc:
            out.error(f"the model failed: {exc}")
            out.note("Findings made before the failure are kept in the store.")
            raise typer.Exit(EXIT_MODEL) from None
        except AssayError as exc:
            out.error(str(exc))
            raise typer.Exit(EXIT_USAGE) from None
        except KeyboardInterrupt:
            out.error("interrupted")
            raise typer.Exit(130) from None

    return wrapper  # type: ignore[return-value]


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
    from assay.cli import fairness_cmd, runs_cmd

    fairness_cmd.register(app, guarded)
    from assay.cli import backdoor_cmd

    backdoor_cmd.register(app, guarded)
    runs_cmd.register(app, guarded)


def main(argv: list[str] | None = None) -> None:
    register()
    args = sys.argv[1:] if argv is None else argv
    app(args=args, prog_name="assay")
