"""How ``--help`` reads: the command's text reflowed to the terminal, flags without a type.

Two things typer's rich help does on its own that read badly, each fixed here at its cause:

- typer's ``rich`` markup mode (its default when rich is installed) keeps every single line
  break of a docstring in the command list and in every paragraph after the first; ours are
  wrapped at 100 columns for the source, so a terminal of another width showed ragged lines
  (``assay demo --help``: "... UCI Adult" alone on a line).  The help texts are reflowed here
  (single line breaks joined, paragraphs kept; a paragraph opened by ``\\b`` is left as it is),
  and rich wraps them to the terminal.
- typer 0.29's rich help prints every option's value type, flags included (``--version
  <bool>``, ``--help <bool>``); its plain help, and earlier typers', show none for a flag,
  which takes no value.  A flag is given an empty metavar, which is what the rich help shows
  as its type (earlier typers and click ignore a flag's metavar).

Arguments are named in capitals (``RUN_ID``), as the README and every message spell them.
"""

from __future__ import annotations

import inspect
from typing import Any

from typer.core import TyperGroup

__all__ = ["HelpGroup", "reflow"]


def reflow(text: str | None) -> str | None:
    """``text`` with the single line breaks inside each paragraph joined (paragraphs, and a
    paragraph opened by ``\\b``, kept)."""
    if not text:
        return text
    paragraphs = inspect.cleandoc(text).split("\n\n")
    return "\n\n".join(
        p if p.startswith("\b") else " ".join(line.strip() for line in p.splitlines())
        for p in paragraphs
    )


def _flag_without_type(param: Any) -> None:
    if getattr(param, "is_flag", False) and getattr(param, "metavar", None) is None:
        param.metavar = ""


def tidy(command: Any) -> None:
    """Reflow ``command``'s help texts, give its flags no type and its arguments capitals."""
    command.help = reflow(command.help)
    command.short_help = reflow(command.short_help)
    for param in command.params:
        if getattr(param, "param_type_name", "") == "option":  # (typer 0.29 has its own click)
            param.help = reflow(param.help)
            _flag_without_type(param)
        elif getattr(param, "metavar", None) is None and param.name:
            param.metavar = param.name.upper()


class HelpGroup(TyperGroup):
    """The ``assay`` group: every command's help tidied (``tidy``), the help options too."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        tidy(self)
        for command in self.commands.values():
            tidy(command)

    def get_help_option(self, ctx: Any) -> Any:
        option = super().get_help_option(ctx)
        _flag_without_type(option)
        return option

    def get_command(self, ctx: Any, cmd_name: str) -> Any:
        command = super().get_command(ctx, cmd_name)
        if command is not None:  # its --help, made (and kept) when first asked for
            _flag_without_type(command.get_help_option(ctx))
        return command
