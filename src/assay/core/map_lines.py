"""A message's label map lines as the ``label_map=`` dict a Python caller gives.

The text refusals suggest label map lines (`` `2 NEG -> negative`, `2 POS -> positive` ``,
`` `1 0 -> negative` ``), the classifier counted from 1 as a map file counts it.  Told to a
Python caller beside "label_map= (a file, or a dict {CLASSIFIER: {LABEL: COMMON}}, the
classifier by its position from 0 ...)", the line's ``2`` read as the dict's position named
another classifier (the third of three, or none of two: refused) (hostile53).  Written as
the dict, counted from 0: ``label_map={1: {'NEG': 'negative', 'POS': 'positive'}}``.
"""

from __future__ import annotations

import re

__all__ = ["lines_as_dict"]

_LABEL = r'(?:"(?:[^"\\]|\\.)*"|[^\s`"]+)'
_LINE = rf"`(\d+) ({_LABEL}) -> ({_LABEL})`"
# one or more lines in a row: "`a`, `b`", "`a` and `b`", "`a`, `b` and `c`"
_RUN = re.compile(rf"{_LINE}(?:(?:, | and |, and ){_LINE})*")
_ONE = re.compile(_LINE)
_PLACEHOLDERS = ("LABEL", "COMMON")  # (the line's form, not a label)


def _label(written: str) -> str:
    """A label as the dict holds it: a quoted one unquoted (its escapes read)."""
    if written.startswith('"'):
        return re.sub(r"\\(.)", r"\1", written[1:-1])
    return written


def _shown(label: str) -> str:
    return label if label in _PLACEHOLDERS else repr(label)


def _as_dict(run: re.Match[str]) -> str:
    by: dict[int, dict[str, str]] = {}
    for line in _ONE.finditer(run[0]):
        by.setdefault(int(line[1]) - 1, {})[_label(line[2])] = _label(line[3])
    inner = ", ".join(
        f"{k}: {{{', '.join(f'{_shown(a)}: {_shown(b)}' for a, b in pairs.items())}}}"
        for k, pairs in by.items()
    )
    return f"`label_map={{{inner}}}`"


def lines_as_dict(message: str) -> str:
    """``message`` with each run of label map lines it quotes (backquoted, the classifier
    by its position from 1) written as the ``label_map=`` dict (the position from 0)."""
    if not any(int(m[1]) >= 1 for m in _ONE.finditer(message)):
        return message
    said = _FILE_OF_LINES.sub("the label map ", message)
    said = _ONE_LINE.sub(r"the label map \1 ", said)
    said = _CLASSIFIER_N.sub(lambda m: f"map each label of classifier {int(m[1]) - 1}", said)
    said = said.replace("a line for each index it answers", "each index it answers")
    return _RUN.sub(_as_dict, said)


# the prose around the lines, in the dict's terms: "a label map file of the lines `...`",
# "write a line for each of classifier 2's labels" (counted from 1)
_FILE_OF_LINES = re.compile(r"a label map file of the lines? (?=`\d)")
_ONE_LINE = re.compile(rf"a label map of one line, ({_LINE}), ")
_CLASSIFIER_N = re.compile(r"write a line for each of classifier (\d+)'s labels")
