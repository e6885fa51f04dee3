"""A model's answers to loading's probe, kept by a run and given back when it resumes.

Loading asks a model a probe batch to learn what it answers (``callable.probe_call``).  A
text run counts those sentences within ``--max-queries``; a resumed session loading its
classifiers again asked them again, out of the determinism re-check's reserve and, past 32
resumes, out of the search's budget (the findings were then no longer the uninterrupted
run's).  The first session keeps each probe's answer (``recording``, stored with the run);
a resumed session is given them (``replaying``): the same probe answered as it was, nothing
asked, the adapter going down the same path it went the first time.

Answers are kept as JSON-able tagged trees, exactly (floats by ``repr``, arrays with their
dtype and shape); an answer of another kind (a DataFrame, a tensor) is not kept and is asked
again on resume, counted as before.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from contextvars import ContextVar
from typing import Any

import numpy as np

__all__ = ["NOT_KEPT", "kept", "not_kept", "recording", "replayed", "replaying"]

MAX_KEPT_CHARS = 262_144  # an answer longer than this as JSON is asked again, not stored


class _NotKept:
    def __repr__(self) -> str:
        return "NOT_KEPT"


NOT_KEPT: Any = _NotKept()  # (no stored answer for this probe)

_RECORDED: ContextVar[list[Any] | None] = ContextVar("assay_probe_recorded", default=None)
_REPLAY: ContextVar[list[Any] | None] = ContextVar("assay_probe_replay", default=None)


@contextmanager
def recording() -> Iterator[list[Any]]:
    """A block whose probe answers are kept, in order: ``[digest, answer]`` each (the
    answer's tagged form, or None for an answer that cannot be kept)."""
    kept_here: list[Any] = []
    token = _RECORDED.set(kept_here)
    try:
        yield kept_here
    finally:
        _RECORDED.reset(token)


@contextmanager
def replaying(answers: Sequence[Any] | None) -> Iterator[None]:
    """A block whose probes are answered from ``answers`` (``recording``'s list, as stored)
    in order, each when its probe is the one recorded; the others are asked."""
    token = _REPLAY.set(list(answers) if answers else None)
    try:
        yield
    finally:
        _REPLAY.reset(token)


def replayed(probe: Any) -> Any:
    """The stored answer to ``probe`` when this block replays one for it (and is kept
    again when recording), else ``NOT_KEPT``."""
    queue = _REPLAY.get()
    if not queue:
        return NOT_KEPT
    digest, tagged = queue.pop(0)
    if tagged is None or digest != _digest(probe):
        return NOT_KEPT
    answer = _decode(tagged)
    kept(probe, answer)
    return answer


def kept(probe: Any, answer: Any) -> None:
    """``answer`` (the model's to ``probe``) kept when the block records."""
    recorded = _RECORDED.get()
    if recorded is None:
        return
    try:
        tagged = _encode(answer)
        if len(json.dumps(tagged)) > MAX_KEPT_CHARS:
            tagged = None
    except (TypeError, ValueError):
        tagged = None
    recorded.append([_digest(probe), tagged])


def not_kept(probe: Any) -> None:
    """A probe call that failed (an adapter may try another form next): its place kept, so
    that a replay asks it again and answers the next from the next kept answer."""
    recorded = _RECORDED.get()
    if recorded is not None:
        recorded.append([_digest(probe), None])


def _digest(probe: Any) -> str | None:
    """The probe's inputs, in short: a replayed answer is for these inputs only."""
    try:
        text = json.dumps(_encode(probe), separators=(",", ":"))
    except (TypeError, ValueError):
        return None
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:16]


def _encode(value: Any) -> Any:
    if value is None or isinstance(value, bool | str):
        return ["v", value]
    if isinstance(value, np.ndarray):
        if value.dtype.kind not in "biufUO":
            raise TypeError(f"arrays of dtype {value.dtype} are not kept")
        flat = [_encode(x) for x in value.reshape(-1).tolist()]
        return ["a", value.dtype.str if value.dtype.kind != "O" else "O", list(value.shape), flat]
    if isinstance(value, np.generic):
        return ["g", value.dtype.str, _encode(value.item())]
    if isinstance(value, int):
        return ["i", str(int(value))]
    if isinstance(value, float):
        return ["f", repr(float(value))]
    if isinstance(value, list | tuple):
        return ["l" if isinstance(value, list) else "t", [_encode(x) for x in value]]
    if type(value) is dict:
        return ["d", [[_encode(k), _encode(v)] for k, v in value.items()]]
    raise TypeError(f"{type(value).__name__} answers are not kept")


def _decode(tagged: Any) -> Any:
    tag = tagged[0]
    if tag == "v":
        return tagged[1]
    if tag == "i":
        return int(tagged[1])
    if tag == "f":
        return float(tagged[1])
    if tag in ("l", "t"):
        items = [_decode(x) for x in tagged[1]]
        return items if tag == "l" else tuple(items)
    if tag == "d":
        return {_decode(k): _decode(v) for k, v in tagged[1]}
    if tag == "g":
        return np.dtype(tagged[1]).type(_decode(tagged[2]))
    if tag == "a":
        _, dtype, shape, flat = tagged
        values = [_decode(x) for x in flat]
        if dtype == "O":
            out = np.empty(len(values), dtype=object)
            for i, v in enumerate(values):  # (lists stay items, not a dimension)
                out[i] = v
            return out.reshape(shape)
        return np.array(values, dtype=np.dtype(dtype)).reshape(shape)
    raise ValueError(f"unknown kept answer {tag!r}")
