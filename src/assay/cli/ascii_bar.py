"""The progress bar in ASCII where the terminal or its locale cannot show rich's ``━``
(``TERM=dumb``, a C/POSIX or other non-UTF-8 locale: a serial console; Python's UTF-8 mode
makes the stream UTF-8 whatever the terminal shows, so rich's own check says yes: hostile53b
Left 2)."""

from __future__ import annotations

import os
from collections.abc import Mapping

from rich.console import Console, ConsoleOptions, RenderResult
from rich.progress import BarColumn, Task
from rich.progress_bar import ProgressBar

__all__ = ["bar_column", "shows_unicode"]


def shows_unicode(environ: Mapping[str, str] | None = None) -> bool:
    """Whether the terminal described by ``environ`` (the process's) shows characters past
    ASCII: not ``TERM=dumb``, and a locale (``LC_ALL``, else ``LC_CTYPE``, else ``LANG``,
    the first set) naming UTF-8; none set is the C locale."""
    env = os.environ if environ is None else environ
    if env.get("TERM") == "dumb":
        return False
    for name in ("LC_ALL", "LC_CTYPE", "LANG"):
        if value := env.get(name):
            return "utf-8" in value.lower() or "utf8" in value.lower()
    return False


class _AsciiBar(ProgressBar):
    """A bar drawn as rich draws it for an ASCII console (``-`` and spaces)."""

    def __rich_console__(self, console: Console, options: ConsoleOptions) -> RenderResult:
        narrow = options.copy()
        narrow.encoding = "ascii"  # (rich's ascii_only: an encoding that is not UTF)
        yield from super().__rich_console__(console, narrow)


class _AsciiBarColumn(BarColumn):
    def render(self, task: Task) -> ProgressBar:
        bar = super().render(task)
        bar.__class__ = _AsciiBar  # (rich's own bar, its every setting kept)
        return bar


def bar_column(environ: Mapping[str, str] | None = None) -> BarColumn:
    """rich's bar column, in ASCII unless the terminal shows more (``shows_unicode``)."""
    return BarColumn() if shows_unicode(environ) else _AsciiBarColumn()
