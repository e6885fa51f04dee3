"""The command line as given: paths with ``~`` made the user's, and the command that reproduces
a command, rebuilt from its parsed parameters."""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Any

import typer

from assay.errors import UsageError

__all__ = ["command_argv", "home_expanded", "typed", "unused"]

# --store is repeated (as the resume line does): the rerun lands next to the run it reproduces
_NOT_REPEATED = {"quiet", "as_json", "html", "junit", "report", "overlap"}


def typed(ctx: typer.Context, name: str) -> bool:
    """Whether the parameter ``name`` was given (on the command line or by its environment
    variable), not taken from its default: ``--strategy assay`` typed is given, though its
    value is the default's."""
    source = ctx.get_parameter_source(name)  # (typer's own click's enum: read by its name)
    return source is not None and source.name not in ("DEFAULT", "DEFAULT_MAP")


def unused(ctx: typer.Context, name: str, why: str, *, argument: str, notes: list[str]) -> None:
    """An option typed for a run that does not use it (``why``: what it is for, what this run
    is, and what to do).  Typed with another value than its default, it is refused (exit 2):
    the user asked for something the run would not do.  Typed with its default value (a CI
    script spelling out every option), the run is the one it would be without it, and the
    rerun command leaves it out (``command_argv``): a note in ``notes`` says it was not used,
    never silently."""
    if not typed(ctx, name):
        return
    param = next(p for p in ctx.command.params if p.name == name)
    value = ctx.params.get(name)
    if value != param.default:
        raise UsageError(why, argument=argument)
    shown = argument if isinstance(value, bool) or value == "" else f"{argument} {_text(value)}"
    notes.append(f"note: {shown} (its default) is not used by this run: {why}")


def home_expanded(value: Any) -> Any:
    """``value`` with a leading ``~`` made the home folder, for a path (``--store=~/runs.db``,
    ``--html=~/r.html``: a shell expands ``~`` only at the start of a word, so these reached
    assay as written, and made a folder named ``~`` in the working directory) and for a list
    of them (several models); other values as they are."""
    if isinstance(value, Path) and value.parts and value.parts[0].startswith("~"):
        return value.expanduser()
    if isinstance(value, str) and (value == "~" or value.startswith("~/")):
        return str(Path(value).expanduser())
    if isinstance(value, list):
        return [home_expanded(v) for v in value]
    return value


def _text(value: Any) -> str:
    if isinstance(value, float):
        return _number(value)
    return str(value) if not isinstance(value, Path) else value.as_posix()


def _number(value: float) -> str:
    """A float option's value in its shortest exact form, as it is usually typed: ``650``, not
    ``650.0`` (``--cutoff 650`` was reproduced as ``--cutoff 650.0``), ``0.1``, ``1e-07``;
    read back by the option, the same number."""
    text = repr(value)
    return text[:-2] if text.endswith(".0") else text


def _argument(value: Any) -> str:
    """An argument as the printed command gives it: a file whose name starts with ``-``
    (given after ``--``) as ``./-name``, the same file, which the parser cannot take for an
    option when the command is pasted."""
    text = _text(value)
    return f"./{text}" if text.startswith("-") and len(text) > 1 else text


def _option(flag: str, value: Any) -> list[str]:
    """An option and its value as the printed command gives them: a value starting with
    ``-`` (``--store --demo``, a file named so) joined to its option (``--store=--demo``), so
    that no reader of the stored command takes the value for an option of its own (a run
    whose store was named ``--demo`` was judged as a demonstration: exit 0 on its findings)."""
    text = _text(value)
    return [f"{flag}={text}"] if text.startswith("-") else [flag, text]


def _empty(value: Any) -> bool:
    """Whether an option's value is empty text (``--trust ''``, ``--drop ' '``: a script's
    empty variable), which the run took for the option not given."""
    return isinstance(value, str) and not value.strip()


def command_argv(ctx: typer.Context, given: Mapping[str, Any] | None = None) -> list[str]:
    """``[command, args...]`` with every parameter that differs from its default.

    ``given``: a parameter's value as the run took it, where that is not the text typed:
    ``--classes @FILE``'s names, read from the file (rerun as ``@FILE``, the names read again
    were the file's as it is then: reordered or edited since, the rerun tested other classes).

    Output options (reports, --quiet, --json) are left out: they do not change what is found.
    ``--store`` is kept, as in the resume line.  An option with no default given empty text
    (``--trust ''``, a script's empty variable: the run took it for not given) is left out:
    the command holds what changed the run, and pasted it runs the same.
    """
    args: list[str] = [ctx.info_name or ""]
    for param in ctx.command.params:
        name = param.name or ""
        value = (given or {}).get(name, ctx.params.get(name))
        if param.param_type_name == "argument":
            if isinstance(value, list | tuple):  # a variadic argument (several models)
                args += [_argument(v) for v in value]
            elif value is not None:
                args.append(_argument(value))
            continue
        if isinstance(value, list | tuple) and not param.default:  # (--trust '' --trust T)
            value = [v for v in value if not _empty(v)]
        if name in _NOT_REPEATED or value is None or value == param.default:
            continue
        if not param.default and _empty(value):  # left out as the run left it out
            continue
        flag = max(param.opts, key=len)
        if getattr(param, "is_flag", False):
            if value:
                args.append(flag)
            elif getattr(param, "secondary_opts", None):  # --no-NAME of an on/off option
                args.append(max(param.secondary_opts, key=len))
        elif isinstance(value, list | tuple):
            if value:
                for v in value:
                    args += _option(flag, v)
        else:
            args += _option(flag, value)
    return args
