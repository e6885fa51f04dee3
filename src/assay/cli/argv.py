"""The command line as given: paths with ``~`` made the user's, and the command that reproduces
a command, rebuilt from its parsed parameters."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import typer

__all__ = ["command_argv", "home_expanded"]

# --store is repeated (as the resume line does): the rerun lands next to the run it reproduces
_NOT_REPEATED = {"quiet", "as_json", "html", "junit", "report", "overlap"}


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
    return str(value) if not isinstance(value, Path) else value.as_posix()


def command_argv(ctx: typer.Context) -> list[str]:
    """``[command, args...]`` with every parameter that differs from its default.

    Output options (reports, --quiet, --json) are left out: they do not change what is found.
    ``--store`` is kept, as in the resume line.
    """
    args: list[str] = [ctx.info_name or ""]
    for param in ctx.command.params:
        name = param.name or ""
        value = ctx.params.get(name)
        if param.param_type_name == "argument":
            if isinstance(value, list | tuple):  # a variadic argument (several models)
                args += [_text(v) for v in value]
            elif value is not None:
                args.append(_text(value))
            continue
        if name in _NOT_REPEATED or value is None or value == param.default:
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
                    args += [flag, _text(v)]
        else:
            args += [flag, _text(value)]
    return args
