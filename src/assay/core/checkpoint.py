"""Snapshots of search state, so that a killed run resumes exactly where it was committed.

A snapshot has three parts: ``values`` (small JSON data, replaced each time), ``arrays``
(replaced each time) and ``appends`` (only the rows added since the previous snapshot; the
store concatenates them on restore).  Appends keep checkpoints of large, growing state such
as a set of ten million seen inputs cheap: each checkpoint writes only what is new.  ``sets``
are appends whose order does not matter: uint64 keys added since the previous snapshot,
given back on restore as the union of every snapshot's keys, in no particular order; the store
merges their chunks as they accumulate (``core.setstate``).  Records (dicts of JSON data)
that grow with a run, such as one row per image scanned, go in ``appends`` as JSON lines
(``json_lines`` / ``from_json_lines``): each checkpoint writes only the new rows.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any, Protocol

import numpy as np

__all__ = ["Checkpointable", "Snapshot", "from_json_lines", "json_lines", "merge"]


@dataclass
class Snapshot:
    values: dict[str, Any] = field(default_factory=dict)
    arrays: dict[str, np.ndarray] = field(default_factory=dict)
    appends: dict[str, np.ndarray] = field(default_factory=dict)
    sets: dict[str, np.ndarray] = field(default_factory=dict)

    def prefixed(self, prefix: str) -> Snapshot:
        return Snapshot(
            values={f"{prefix}{k}": v for k, v in self.values.items()},
            arrays={f"{prefix}{k}": v for k, v in self.arrays.items()},
            appends={f"{prefix}{k}": v for k, v in self.appends.items()},
            sets={f"{prefix}{k}": v for k, v in self.sets.items()},
        )

    def unprefixed(self, prefix: str) -> Snapshot:
        def pick(d: dict[str, Any]) -> dict[str, Any]:
            return {k[len(prefix) :]: v for k, v in d.items() if k.startswith(prefix)}

        return Snapshot(pick(self.values), pick(self.arrays), pick(self.appends), pick(self.sets))


def merge(*snapshots: Snapshot) -> Snapshot:
    out = Snapshot()
    for s in snapshots:
        out.values.update(s.values)
        out.arrays.update(s.arrays)
        out.appends.update(s.appends)
        out.sets.update(s.sets)
    return out


class Checkpointable(Protocol):
    def snapshot(self) -> Snapshot:
        """State now; ``appends`` holds only what was added since the previous call."""
        ...

    def restore(self, snapshot: Snapshot) -> None:
        """Set the state from a snapshot whose ``appends`` are complete (all rows so far)."""
        ...


def json_lines(records: Sequence[dict[str, Any]]) -> np.ndarray:
    """``records`` as UTF-8 JSON lines in a uint8 array (an ``appends`` chunk)."""
    from assay.core.findings import to_jsonable

    text = "".join(json.dumps(to_jsonable(r)) + "\n" for r in records)
    return np.frombuffer(text.encode("utf-8"), dtype=np.uint8).copy()


def from_json_lines(chunk: np.ndarray | None) -> list[dict[str, Any]]:
    """The records of the concatenated ``json_lines`` chunks (none: [])."""
    if chunk is None or not len(chunk):
        return []
    text = np.asarray(chunk, dtype=np.uint8).tobytes().decode("utf-8")
    return [json.loads(line) for line in text.splitlines() if line]
