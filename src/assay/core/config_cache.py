"""A run's large config entries, parsed once while they read back the same.

A text run's config holds its grammar's text (15 MB for a grammar of 900,000 nouns), and one
command reads its run several times, often through stores of its own (``assay report RUN``
four times: the record, the document, the verdict and the status; ``assay text`` eleven:
the reports asked, the model's words, the outcome, the wall clock, the result, ...), each
read parsing the whole JSON again (five times as long as fetching it, and another copy of
the text each time).  Here an entry of at least ``LARGE`` characters is parsed once and
kept with the length and hash of the text it was parsed from (not the text: 15 MB more held
for the process's life): a later read whose text has the same length and hash (the store's
file may have been written by anyone since; Python's string hash is keyed per process, 64
bits: two texts of one entry colliding is not a concern) gets the kept value.  Each such
read gets a deep copy (a caller may change what it was given; the grammar's text, a string,
is shared, not copied).
"""

from __future__ import annotations

import copy
import json
import threading
from collections import OrderedDict
from typing import Any

__all__ = ["LARGE", "parsed_entry"]

LARGE = 1 << 16  # characters: smaller entries are parsed each time (a few microseconds)
KEPT = 2  # entries kept (``assay runs --json`` reads every run: a few are kept, not all)

_kept: OrderedDict[tuple[str, str], tuple[tuple[int, int], Any]] = OrderedDict()
_lock = threading.Lock()


def parsed_entry(run_id: str, key: str, text: str) -> Any:
    """``json.loads(text)``, ``text`` being the run's config entry ``key`` as stored (``""``:
    its ``runs.config``): parsed again only when small or not the text last parsed for it."""
    if len(text) < LARGE:
        return json.loads(text)
    mark = (len(text), hash(text))
    with _lock:
        kept = _kept.get((run_id, key))
        if kept is not None and kept[0] == mark:
            _kept.move_to_end((run_id, key))
            return copy.deepcopy(kept[1])
    value = json.loads(text)
    with _lock:
        _kept[(run_id, key)] = (mark, value)
        _kept.move_to_end((run_id, key))
        while len(_kept) > KEPT:
            _kept.popitem(last=False)
    return copy.deepcopy(value)
