"""Findings: frozen, JSON-serialisable witnesses of a bug, kept in columnar batches.

A technique that finds thousands of bugs a second returns them as a ``FindingBatch``: numpy
columns that are stored in one go (``np.save``, never pickle).  ``Finding`` is the view of one
witness: the inputs that show the bug, the model's outputs for each, a severity in [0, 1]
(higher is worse), and details.
"""

from __future__ import annotations

import io
import json
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np

__all__ = ["Finding", "FindingBatch", "to_jsonable"]


_PLAIN = frozenset({str, int, float, bool, type(None)})


def to_jsonable(value: Any) -> Any:
    """Numpy scalars and arrays as plain Python data."""
    kind = value.__class__
    # the common types first, by exact type (a numpy scalar is never one of them, even
    # ``np.float64``, a subclass of float: it goes on to ``item()`` as before); an
    # ``isinstance`` on an abstract class (``Mapping``) costs more than the conversion
    if kind in _PLAIN:
        return value
    if kind is dict:
        return {str(k): to_jsonable(v) for k, v in value.items()}
    if kind is list or kind is tuple:
        return [to_jsonable(v) for v in value]
    if isinstance(value, np.ndarray):
        return value.tolist()
    if isinstance(value, np.generic):
        return value.item()
    if isinstance(value, Mapping):
        return {str(k): to_jsonable(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [to_jsonable(v) for v in value]
    return value


@dataclass(frozen=True, slots=True)
class Finding:
    """One witness.  ``inputs[i]`` was answered with ``outputs[i]``."""

    kind: str
    inputs: list[Any]
    outputs: list[Any]
    severity: float
    details: dict[str, Any] = field(default_factory=dict)

    def to_json(self) -> dict[str, Any]:
        return {
            "kind": self.kind,
            "inputs": to_jsonable(self.inputs),
            "outputs": to_jsonable(self.outputs),
            "severity": float(self.severity),
            "details": to_jsonable(self.details),
        }


@dataclass(frozen=True)
class FindingBatch:
    """``n`` findings of one kind, as columns.

    - ``inputs``: shape (n, k, ...): k inputs per finding (e.g. an input and its variants).
    - ``outputs``: shape (n, k, ...): the model's answer to each input.
    - ``severity``: shape (n,).
    - ``columns``: more per-finding arrays of length n (e.g. which input was generated).
    - ``details``: JSON data shared by the whole batch (e.g. feature names).
    """

    kind: str
    inputs: np.ndarray
    outputs: np.ndarray
    severity: np.ndarray
    columns: dict[str, np.ndarray] = field(default_factory=dict)
    details: dict[str, Any] = field(default_factory=dict)

    def __post_init__(self) -> None:
        n = len(self.severity)
        if len(self.inputs) != n or len(self.outputs) != n:
            raise ValueError(
                f"finding batch columns disagree: {len(self.inputs)} inputs, "
                f"{len(self.outputs)} outputs, {n} severities"
            )
        for name, col in self.columns.items():
            if len(col) != n:
                raise ValueError(f"finding batch column {name!r} has {len(col)} rows, not {n}")

    def __len__(self) -> int:
        return len(self.severity)

    def __iter__(self) -> Iterator[Finding]:
        for i in range(len(self)):
            yield self[i]

    def __getitem__(self, i: int) -> Finding:
        details = dict(self.details)
        for name, col in self.columns.items():
            details[name] = to_jsonable(col[i])
        return Finding(
            kind=self.kind,
            inputs=to_jsonable(self.inputs[i]),
            outputs=to_jsonable(self.outputs[i]),
            severity=float(self.severity[i]),
            details=details,
        )

    @property
    def max_severity(self) -> float:
        return float(np.max(self.severity)) if len(self) else 0.0

    def select(self, mask: np.ndarray) -> FindingBatch:
        return FindingBatch(
            kind=self.kind,
            inputs=self.inputs[mask],
            outputs=self.outputs[mask],
            severity=self.severity[mask],
            columns={k: v[mask] for k, v in self.columns.items()},
            details=dict(self.details),
        )

    # -- storage (np.save of plain arrays; loading never unpickles) ----------------------
    def to_bytes(self) -> bytes:
        buf = io.BytesIO()
        arrays: dict[str, np.ndarray] = {
            "inputs": self.inputs,
            "outputs": self.outputs,
            "severity": self.severity,
        }
        for name, col in self.columns.items():
            arrays[f"col:{name}"] = col
        for a in arrays.values():
            if a.dtype == object:
                raise TypeError("finding columns must not be object arrays")
        header = json.dumps({"kind": self.kind, "details": to_jsonable(self.details)})
        arrays["header"] = np.frombuffer(header.encode("utf-8"), dtype=np.uint8)
        np.savez(buf, **arrays)  # type: ignore[arg-type]
        return buf.getvalue()

    @classmethod
    def from_bytes(cls, data: bytes) -> FindingBatch:
        with np.load(io.BytesIO(data), allow_pickle=False) as z:
            header = json.loads(bytes(z["header"]).decode("utf-8"))
            columns = {k[4:]: z[k] for k in z.files if k.startswith("col:")}
            return cls(
                kind=header["kind"],
                inputs=z["inputs"],
                outputs=z["outputs"],
                severity=z["severity"],
                columns=columns,
                details=header["details"],
            )

    @classmethod
    def concat(cls, batches: Sequence[FindingBatch]) -> FindingBatch:
        """One batch from several of the same kind and shapes."""
        if not batches:
            raise ValueError("nothing to concatenate")
        first = batches[0]
        return cls(
            kind=first.kind,
            inputs=np.concatenate([b.inputs for b in batches]),
            outputs=np.concatenate([b.outputs for b in batches]),
            severity=np.concatenate([b.severity for b in batches]),
            columns={k: np.concatenate([b.columns[k] for b in batches]) for k in first.columns},
            details=dict(first.details),
        )
