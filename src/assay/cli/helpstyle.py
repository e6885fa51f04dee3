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

- typer's options table gives each option four columns of names (long, short, a flag's
  negative form, its short) before its type and help: on an 80-column terminal, or whenever
  stdout is not one (a pipe, a CI log: 80 columns), the names ate half the width, the help
  wrapped into a column of ~20 characters, and long names were cut (``--max-queries-per…``,
  ``--no-filter-imag…``: a name nobody could type).  The table here has one column of names
  (a flag's negative form on the line under it), never cut, then the type and the help
  (``options_panel``, put in typer's place when its help renderer is the one it is written
  for).
"""

from __future__ import annotations

import inspect
from typing import Any

from typer.core import TyperGroup

__all__ = ["HelpGroup", "options_panel", "reflow"]


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


def _help_option(option: Any) -> None:
    """The help option as every other flag: no type, its long name first (``--help, -h``, as
    ``--quiet, -q``; click builds its names from a set, so the order changed from one
    process to the next with Python's hash seed)."""
    if option is None:
        return
    _flag_without_type(option)
    option.opts = sorted(option.opts, key=lambda name: not name.startswith("--"))


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
        _help_option(option)
        return option

    def get_command(self, ctx: Any, cmd_name: str) -> Any:
        command = super().get_command(ctx, cmd_name)
        if command is not None:  # its --help, made (and kept) when first asked for
            _help_option(command.get_help_option(ctx))
        return command


def options_panel(
    *, name: str, params: list[Any], ctx: Any, markup_mode: Any, console: Any
) -> None:
    """One panel of options (or arguments) as typer's rich help prints it, with every name of
    an option in one column, never cut (see the module)."""
    from rich.panel import Panel
    from rich.table import Table
    from rich.text import Text
    from typer import rich_utils as ru

    if not params:
        return
    table = Table(
        highlight=True, show_header=False, expand=True, box=None, pad_edge=False, padding=(0, 1)
    )
    table.add_column(no_wrap=True, overflow="fold")  # the names: folded if ever too long
    table.add_column(no_wrap=True)  # the value's type
    table.add_column(ratio=1)  # the help takes the rest
    required_any = any(getattr(p, "required", False) for p in params)
    for param in params:
        names = Text(overflow="fold")
        shown = [param.display_name_raw] if param.param_type_name == "argument" else param.opts
        names.append_text(ru.highlighter(", ".join(shown)))
        if param.secondary_opts:
            names.append("\n")
            names.append_text(ru.negative_highlighter(", ".join(param.secondary_opts)))
        if required_any:
            star = ru.REQUIRED_SHORT_STRING if param.required else " "
            names = Text(f"{star} ", style=ru.STYLE_REQUIRED_SHORT).append_text(names)
        kind = Text(style=ru.STYLE_TYPES, overflow="fold")
        kind.append(param.display_type_rich(ctx=ctx) or "")
        bounds = param._get_number_range_help_str()
        if bounds:
            kind.append(ru.RANGE_STRING.format(bounds))
        helped = ru._get_parameter_help(param=param, ctx=ctx, markup_mode=markup_mode)
        table.add_row(names, ru.types_highlighter(kind), helped)
    console.print(
        Panel(table, border_style=ru.STYLE_OPTIONS_PANEL_BORDER, title=name, title_align="left")
    )


def use_options_panel() -> None:
    """Put ``options_panel`` in typer's place when typer's help renderer calls the function
    it replaces with the same keywords (typer 0.29); another typer keeps its own."""
    from typer import rich_utils as ru

    original = getattr(ru, "_print_options_panel", None)
    needed = ("highlighter", "negative_highlighter", "types_highlighter", "_get_parameter_help")
    if original is None or not all(hasattr(ru, n) for n in needed):
        return
    keywords = set(inspect.signature(original).parameters)
    if keywords == {"name", "params", "ctx", "markup_mode", "console"}:
        ru._print_options_panel = options_panel
