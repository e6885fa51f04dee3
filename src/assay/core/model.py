"""The black-box model contract: a batched ``predict`` and declared capabilities."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, Literal, Protocol, runtime_checkable

import numpy as np

from assay.errors import ModelError, UsageError

__all__ = [
    "Capabilities",
    "Model",
    "ModelInputs",
    "check_outputs",
    "describe_input",
    "labels_of",
]

Modality = Literal["tabular", "text", "image"]
OutputKind = Literal["labels", "proba"]
ModelInputs = np.ndarray | Sequence[str]


@dataclass(frozen=True, slots=True)
class Capabilities:
    """What a model takes and what it answers.

    ``outputs == "labels"``: ``predict`` returns a 1-D integer array of class indices.
    ``outputs == "proba"``: ``predict`` returns a 2-D float array, one column per class
    (``n_classes`` columns; for a regressor or score, ``n_classes`` is None and one column).
    """

    modality: Modality
    n_classes: int | None
    outputs: OutputKind
    max_batch: int | None = None
    class_names: tuple[str, ...] | None = None
    remote: bool = False  # answers over a network: each query is a request (and may be billed)

    def __post_init__(self) -> None:
        if self.modality not in ("tabular", "text", "image"):
            raise UsageError(f"modality must be tabular, text or image, not {self.modality!r}")
        if self.outputs not in ("labels", "proba"):
            raise UsageError(f"outputs must be 'labels' or 'proba', not {self.outputs!r}")
        if self.n_classes is not None and self.n_classes < 1:
            raise UsageError(f"n_classes must be at least 1, not {self.n_classes}")
        if self.max_batch is not None and self.max_batch < 1:
            raise UsageError(f"max_batch must be at least 1, not {self.max_batch}")
        if (
            self.class_names is not None
            and self.n_classes is not None
            and len(self.class_names) != self.n_classes
        ):
            raise UsageError(
                f"{len(self.class_names)} class names given for {self.n_classes} classes"
            )

    def to_json(self) -> dict[str, Any]:
        return {
            "modality": self.modality,
            "n_classes": self.n_classes,
            "outputs": self.outputs,
            "max_batch": self.max_batch,
            "class_names": list(self.class_names) if self.class_names else None,
        }


@runtime_checkable
class Model(Protocol):
    """Anything with declared capabilities and a batched predict.

    ``predict`` takes a batch (a 2-D array of rows for tabular data, a sequence of strings for
    text, an N-D array of images) and returns one answer per input, as declared.
    """

    capabilities: Capabilities

    def predict(self, inputs: ModelInputs, /) -> np.ndarray: ...


def labels_of(outputs: np.ndarray, capabilities: Capabilities) -> np.ndarray:
    """The predicted class index of each answer (argmax for probabilities)."""
    out: np.ndarray = np.asarray(outputs)
    if capabilities.outputs == "labels":
        return out
    if out.ndim == 1 or out.shape[1] == 1:
        return (out.reshape(-1) > 0.5).astype(np.int64)
    labels: np.ndarray = np.argmax(out, axis=1)
    return labels


def describe_input(inputs: ModelInputs, index: int, limit: int = 200) -> str:
    """A short printable form of one input, for error messages."""
    try:
        item = inputs[index]
    except Exception:  # pragma: no cover - defensive
        return "<unprintable input>"
    if isinstance(item, np.ndarray) and item.ndim > 1:  # an image: its shape and range
        finite = item[np.isfinite(item)] if item.dtype.kind == "f" else item
        span = f", values {finite.min():g} to {finite.max():g}" if finite.size else ""
        text = f"an array of shape {item.shape}{span}"
    elif isinstance(item, np.ndarray):
        text = np.array2string(item, threshold=40, max_line_width=limit)
    else:
        text = repr(item)
    return text if len(text) <= limit else text[: limit - 3] + "..."


def check_outputs(outputs: Any, inputs: ModelInputs, capabilities: Capabilities) -> np.ndarray:
    """Validate a model's raw answer against its declared capabilities.

    Returns the answer as a numpy array; raises ``ModelError`` naming the problem and one
    offending input otherwise.
    """
    n = len(inputs)
    try:
        out = np.asarray(outputs)
    except Exception as exc:
        raise ModelError(f"the model returned something that is not an array: {exc}") from exc
    if out.dtype == object:
        raise ModelError(
            f"the model returned an array of Python objects (dtype=object); expected numbers. "
            f"First input: {describe_input(inputs, 0)}"
        )
    if out.ndim == 0 or out.shape[0] != n:
        raise ModelError(
            f"the model returned {out.shape[0] if out.ndim else 'a scalar'} answers "
            f"(shape {out.shape}) for {n} inputs; it must return one answer per input"
        )
    if capabilities.outputs == "labels":
        if out.ndim == 2 and out.shape[1] == 1:
            out = out.reshape(-1)
        if out.ndim != 1:
            raise ModelError(
                f"the model declares label outputs but returned shape {out.shape}; expected ({n},)"
            )
        if not np.issubdtype(out.dtype, np.integer):
            if np.issubdtype(out.dtype, np.floating):
                bad = ~np.isfinite(out) | (out != np.round(out))
                if bad.any():
                    i = int(np.argmax(bad))
                    raise ModelError(
                        f"the model returned a non-integer label {out[i].item()!r} for input {i}: "
                        f"{describe_input(inputs, i)}"
                    )
                out = out.astype(np.int64)
            elif out.dtype == np.bool_:
                out = out.astype(np.int64)
            else:
                raise ModelError(
                    f"the model returned labels of type {out.dtype}; expected integers"
                )
        if capabilities.n_classes is not None and n:
            bad = (out < 0) | (out >= capabilities.n_classes)
            if bad.any():
                i = int(np.argmax(bad))
                k = capabilities.n_classes
                raise ModelError(
                    f"the model returned label {out[i].item()} for input {i}, outside the "
                    f"{k} declared classes: {describe_input(inputs, i)} (classes 0 to {k - 1}, "
                    f"declared by --classes {k} (in Python classes={k}) or by the model "
                    "itself; if it has more, declare them in a new run: --classes N)"
                )
        return out
    # probabilities / scores
    if out.ndim == 1:
        out = out.reshape(-1, 1)
    if out.ndim != 2:
        raise ModelError(f"the model returned shape {out.shape}; expected ({n}, n_classes)")
    if not np.issubdtype(out.dtype, np.number):
        raise ModelError(f"the model returned values of type {out.dtype}; expected numbers")
    expected = capabilities.n_classes if capabilities.n_classes is not None else 1
    if out.shape[1] != expected:
        raise ModelError(
            f"the model returned {out.shape[1]} columns of probabilities but declares "
            f"{expected} classes; first input: {describe_input(inputs, 0)}"
        )
    finite = np.isfinite(out)
    if not finite.all():
        i = int(np.argmax(~finite.all(axis=1)))
        raise ModelError(
            f"the model returned a non-finite value ({out[i].tolist()}) for input {i}: "
            f"{describe_input(inputs, i)}"
        )
    return out.astype(np.float64, copy=False)
