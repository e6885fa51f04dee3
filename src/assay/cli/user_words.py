"""The user's words that hold a line break, printed on one line wherever they appear.

A column named ``job\\nFAKE LINE`` (or a category value, or a report's path) goes into
assay's lines as it is: into the answer line, the example, the headline, the notes and the
errors, and into the prose the run stores (its JSON keeps every name exact).  Printed raw,
its new line starts a line assay never said ("FAKE LINE a (a real row): ...").  The console
cannot tell such a line break from assay's own (some of its messages hold several lines),
so the commands name the words here once they know them (a fairness run's schema, a stored
run's, the paths written) and every line printed after writes them escaped
(``job\\x0aFAKE LINE``), whichever message they are in.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping
from typing import Any

from assay.core.terminal import one_line

__all__ = ["MOST_WORDS", "keep_on_one_line", "keep_run_words", "on_one_line", "schema_words"]

MOST_WORDS = 10_000
"""Words kept at most (each printed line is searched for each): a data set with more
names holding line breaks than this has the rest printed with them (escaped controls
aside, as ``core.terminal.terminal_text`` writes every line)."""

_KEPT: dict[str, str] = {}  # a word -> as printed
_ORDER: list[str] = []  # the words, longest first (a name holding another is replaced whole)


def keep_on_one_line(words: Iterable[object]) -> None:
    """From now on, print each of ``words`` that holds a new line or a tab escaped (the
    layout characters ``terminal_text`` keeps; it escapes every other control)."""
    added = False
    for word in words:
        if len(_KEPT) >= MOST_WORDS:
            break
        if isinstance(word, str) and ("\n" in word or "\t" in word) and word not in _KEPT:
            _KEPT[word] = one_line(word)
            added = True
    if added:
        _ORDER[:] = sorted(_KEPT, key=len, reverse=True)


def on_one_line(message: str) -> str:
    """``message`` with every kept word in it escaped (unchanged when it holds none)."""
    if not _ORDER or message.isprintable():  # (the common case, in C)
        return message
    for word in _ORDER:
        if word in message:
            message = message.replace(word, _KEPT[word])
    return message


def schema_words(schema: Mapping[str, Any] | None) -> Iterator[object]:
    """A fairness schema's (its JSON form, as a run's config stores it) column names,
    protected names, categories and value labels."""
    if not isinstance(schema, Mapping):
        return
    yield from schema.get("protected") or ()
    for feature in schema.get("features") or ():
        if isinstance(feature, Mapping):
            yield feature.get("name")
            yield from feature.get("categories") or ()
            yield from feature.get("value_labels") or ()


def keep_run_words(config: Mapping[str, Any]) -> None:
    """A stored run's words (its config's schema, for a fairness run) printed on one line."""
    keep_on_one_line(schema_words(config.get("schema")))
