"""How the run store writes findings and resume state as bytes: witness blobs in the
columnar encoding of ``core.columnar`` (batches of one kind merged before they are written),
and arrays of resume state."""

from __future__ import annotations

import io
import json
import zlib
from collections.abc import Sequence
from typing import Any

import numpy as np

from assay.core.columnar import (
    decode_array,
    decode_arrays,
    encode_array,
    encode_arrays,
    is_columnar,
)
from assay.core.findings import FindingBatch, to_jsonable
from assay.core.witnesses import Tallies

__all__ = [
    "alike_groups",
    "array_bytes",
    "array_from",
    "decode_batch",
    "decode_witnesses",
    "encode_batch",
    "merge_alike",
    "priorities_of",
    "sorted_batch",
    "values_bytes",
    "values_from",
]

# resume state's values (JSON) from this size on are deflated: a text search's strategy
# (its pool of 256 cases of 200-word sentences) was 2.6 MB rewritten at every checkpoint;
# level 1 makes it 0.5 MB in 30 ms
_DEFLATE_VALUES = 1 << 16


def array_bytes(a: np.ndarray) -> bytes:
    """Resume state in the compact columnar encoding (lossless; e.g. float rows of small
    whole numbers take a byte per value, flags a bit)."""
    arr = np.asarray(a)
    if arr.dtype == object:
        raise TypeError("resume state must not hold object arrays")
    return encode_array(arr)


def values_bytes(values: dict[str, Any]) -> bytes:
    """Resume state's values as JSON text, deflated when large (a JSON text starts with
    ``{``, a zlib stream never does)."""
    text = json.dumps(to_jsonable(values)).encode("utf-8")
    return zlib.compress(text, 1) if len(text) >= _DEFLATE_VALUES else text


def values_from(data: bytes) -> dict[str, Any]:
    raw = bytes(data)
    if raw[:1] != b"{":
        raw = zlib.decompress(raw)
    out: dict[str, Any] = json.loads(raw.decode("utf-8"))
    return out


def array_from(data: bytes) -> np.ndarray:
    if is_columnar(data):
        return decode_array(data)
    out: np.ndarray = np.load(io.BytesIO(data), allow_pickle=False)  # stores before schema 2
    return out


def _signature(b: FindingBatch) -> tuple[Any, ...]:
    """Kind, dtypes and shapes (details are compared by ``_same_details``)."""
    cols = tuple((k, v.dtype.str, v.shape[1:]) for k, v in b.columns.items())
    return (
        b.kind,
        b.inputs.dtype.str,
        b.inputs.shape[1:],
        b.outputs.dtype.str,
        b.outputs.shape[1:],
        b.severity.dtype.str,
        cols,
    )


def _same_details(a: dict[str, Any], b: dict[str, Any]) -> bool:
    """Whether two batches' details are the same data (plain comparison first: a search
    gives every batch equal details; arrays in details fall back to their JSON form)."""
    if a is b:
        return True
    try:
        return bool(a == b)
    except (ValueError, TypeError):  # numpy arrays inside: compare as JSON
        dump = json.dumps
        return dump(to_jsonable(a), sort_keys=True) == dump(to_jsonable(b), sort_keys=True)


def merge_alike(batches: Sequence[FindingBatch]) -> list[FindingBatch]:
    """Consecutive batches of the same kind and shapes as one (fewer, larger blobs)."""
    out: list[FindingBatch] = []
    group: list[FindingBatch] = []
    sig: tuple[Any, ...] = ()
    for b in batches:
        mine = _signature(b)
        if group and (sig != mine or not _same_details(group[0].details, b.details)):
            out.append(group[0] if len(group) == 1 else FindingBatch.concat(group))
            group = []
        if not group:
            sig = mine
        group.append(b)
    if group:
        out.append(group[0] if len(group) == 1 else FindingBatch.concat(group))
    return out


def encode_batch(b: FindingBatch, indices: np.ndarray, provisional: bool) -> bytes:
    arrays: dict[str, np.ndarray] = {
        "inputs": b.inputs,
        "outputs": b.outputs,
        "severity": b.severity,
        "index": np.asarray(indices, dtype=np.int64),
    }
    for name, col in b.columns.items():
        arrays[f"col:{name}"] = col
    header = {"kind": b.kind, "details": to_jsonable(b.details), "provisional": provisional}
    return encode_arrays(arrays, header)


def decode_batch(raw: bytes) -> tuple[FindingBatch, np.ndarray]:
    batch, idx, _ = decode_witnesses(raw)
    return batch, idx


def decode_witnesses(raw: bytes) -> tuple[FindingBatch, np.ndarray, bool]:
    """A witness blob: the batch, each witness's number, and whether it is provisional."""
    arrays, header = decode_arrays(raw)
    columns = {k[4:]: v for k, v in arrays.items() if k.startswith("col:")}
    batch = FindingBatch(
        kind=header["kind"],
        inputs=arrays["inputs"],
        outputs=arrays["outputs"],
        severity=arrays["severity"],
        columns=columns,
        details=header.get("details", {}),
    )
    return batch, arrays["index"], bool(header.get("provisional"))


def alike_groups(
    parts: Sequence[tuple[FindingBatch, np.ndarray]],
) -> list[list[tuple[FindingBatch, np.ndarray]]]:
    """``parts`` (of one kind) grouped into those one batch can hold: the same dtypes,
    shapes, columns and details (each group in the order its first part came).  A backdoor
    run's STRIP flags of two checks, or of two units' source-class groups, are one kind
    with other columns and details: joined as one, reading them failed (KeyError), or
    gave every flag the first check's details and window."""
    groups: list[list[tuple[FindingBatch, np.ndarray]]] = []
    for part in parts:
        mine = _signature(part[0])
        for group in groups:
            first = group[0][0]
            if _signature(first) == mine and _same_details(first.details, part[0].details):
                group.append(part)
                break
        else:
            groups.append([part])
    return groups


def sorted_batch(
    parts: Sequence[tuple[FindingBatch, np.ndarray]],
) -> tuple[FindingBatch, np.ndarray] | None:
    """Parts of one kind, alike (``alike_groups``), as one batch in the order found (by
    finding number)."""
    parts = [p for p in parts if len(p[0])]
    if not parts:
        return None
    batch = parts[0][0] if len(parts) == 1 else FindingBatch.concat([p[0] for p in parts])
    idx = np.concatenate([p[1] for p in parts])
    if bool((idx[1:] >= idx[:-1]).all()):  # in order already (blobs are written in order)
        return batch, idx
    order = np.argsort(idx, kind="stable")
    return batch.select(order), idx[order]


def priorities_of(idx: np.ndarray, tallies: Tallies, kind: str) -> np.ndarray:
    from assay.core.witnesses import priorities

    return priorities(idx, tallies.salt(kind))
