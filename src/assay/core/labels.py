"""Several labels (one per classifier) written as one string, and read back.

A text finding's ``labels`` column holds each classifier's label (or, for a metamorphic
relation, ``"pos -> neg"``) joined by ``"; "``.  A label that holds ``;`` or a double quote,
starts or ends with a space, or is empty, is written as a JSON string (``"a; b"``, quoted and
escaped), so that the string reads back as the labels it was made of; every other label is
written as it is (the columns written before stay as they were, and read back the same way
unless a label held ``"; "`` itself, which was ambiguous).
"""

from __future__ import annotations

import json
from collections.abc import Sequence

__all__ = ["SEP", "join_labels", "split_labels"]

SEP = "; "
_DECODER = json.JSONDecoder()


def _plain(label: str) -> bool:
    return bool(label) and ";" not in label and '"' not in label and label == label.strip()


def join_labels(labels: Sequence[str]) -> str:
    """``labels`` as one string (``split_labels`` gives them back)."""
    return SEP.join(x if _plain(x) else json.dumps(x, ensure_ascii=False) for x in labels)


def split_labels(text: str) -> list[str]:
    """The labels ``join_labels`` made ``text`` of (a column written before: split at
    ``"; "``)."""
    if not text:
        return []
    out: list[str] = []
    at = 0
    while True:
        if text.startswith('"', at):
            try:
                label, end = _DECODER.raw_decode(text, at)
            except json.JSONDecodeError:
                label, end = None, -1
            if isinstance(label, str) and (end == len(text) or text.startswith(SEP, end)):
                out.append(label)
                if end == len(text):
                    return out
                at = end + len(SEP)
                continue
        nxt = text.find(SEP, at)
        if nxt < 0:
            out.append(text[at:])
            return out
        out.append(text[at:nxt])
        at = nxt + len(SEP)
