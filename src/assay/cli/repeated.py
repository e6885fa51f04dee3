"""An option that takes one value, given twice with different values, is refused.

The command-line parser keeps the last value and drops the first without a word: ``assay
fairness ... --protected sex --protected race`` tested race alone, and exited 0 when race was
clean, whatever the model did with sex.  A command line must never lose what its user asked
for silently, so such a line is a usage error naming the option and both values (the same
value twice is harmless and allowed; options that take several values accumulate, as the
parser does)."""

from __future__ import annotations

from collections.abc import Sequence
from types import SimpleNamespace
from typing import Any

__all__ = ["RepeatedOption", "options_given", "refuse_repeated", "subcommand"]


class RepeatedOption(Exception):
    """A usage error of the command line itself, shown as the parser's own are
    (``exit_code``, ``format_message``: ``cli.app.main`` prints it and exits 2)."""

    exit_code = 2

    def __init__(self, message: str, command_path: str) -> None:
        super().__init__(message)
        self.ctx = SimpleNamespace(command_path=command_path)  # (for "see: ... --help")

    def format_message(self) -> str:
        return str(self)


def _options(command: Any) -> list[Any]:
    """The command's options (the parser's objects: typer may carry its own click)."""
    params = getattr(command, "params", ())
    return [p for p in params if getattr(p, "param_type_name", "") == "option"]


def refuse_repeated(root: Any, args: Sequence[str]) -> None:
    """Raise ``RepeatedOption`` when ``args`` (the command line after ``assay``; ``root``:
    the parser's command) gives an option of one value twice with different values."""
    path, given = options_given(root, args)
    seen: dict[str, tuple[str, str]] = {}  # the option's own name -> (spelling, first value)
    for param, name, value in given:
        if param.multiple or param.nargs != 1:
            continue
        key = str(param.name or name)
        if key in seen and seen[key][1] != value:
            first_name, first = seen[key]
            raise RepeatedOption(_message(param, first_name, first, name, value), path)
        seen.setdefault(key, (name, value))


def options_given(root: Any, args: Sequence[str]) -> tuple[str, list[tuple[Any, str, str]]]:
    """The path of the command ``args`` runs (``assay text``) and each option taking a value
    that they give: (the parser's option, its name as typed, its value as typed; the values
    of an option taking several joined by a space), in order; none where the parser will
    say what is wrong (an unknown command, a value missing)."""
    command, rest, path = subcommand(root, list(args))
    if command is None:
        return path, []
    takes: dict[str, Any] = {}  # name -> option
    for param in _options(command):
        if not (param.is_flag or param.count):
            for name in (*param.opts, *param.secondary_opts):
                takes[name] = param
    given: list[tuple[Any, str, str]] = []
    i = 0
    while i < len(rest):
        token = rest[i]
        i += 1
        if token == "--":
            break
        name, value = token, None
        if token.startswith("--") and "=" in token:
            name, value = token.split("=", 1)
        param = takes.get(name)
        if param is None:  # a flag or an argument
            continue
        if value is None:
            n = max(int(param.nargs), 1)
            if i + n > len(rest):
                return path, given  # the parser says what is missing
            value = " ".join(rest[i : i + n])
            i += n
        given.append((param, name, value))
    return path, given


def subcommand(root: Any, args: list[str]) -> tuple[Any, list[str], str]:
    """The command ``args`` runs, the arguments after its name, and its path."""
    command = root
    path = "assay"
    while isinstance(getattr(command, "commands", None), dict):
        if not args or args[0].startswith("-"):
            return None, args, path
        found = command.commands.get(args[0])
        if found is None:
            return None, args, path  # the parser says it is unknown
        path += f" {args[0]}"
        command, args = found, args[1:]
    return command, args, path


def _message(param: Any, first_name: str, first: str, name: str, value: str) -> str:
    shown = first_name if first_name == name else f"{first_name} / {name}"
    text = (
        f"{shown} was given twice ({first!r}, then {value!r}) and takes one value: the "
        "parser would keep the last and drop the first without a word; "
    )
    if "comma-separated" in str(getattr(param, "help", "") or "").lower():
        text += f"for several, give one comma-separated list: {name} {first},{value}"
    else:
        text += f"give {name} once"
    return text
