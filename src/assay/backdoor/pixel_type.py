"""Models whose declared input is whole numbers (an ONNX graph taking ``tensor(uint8)``: a
TensorFlow or quantized export fed raw pixels).

Every such graph failed the scan after its run was created ("ONNX input 'x' takes integers
(tensor(uint8)); got 0.3059", exit 2, a failed run left behind, `--range 0,255` too: the
scan's refills and pastes are not whole numbers).  Such a model can only ever see whole
pixel values: the images are given to it rounded to them, as saving the image would, in the
range its type holds (0..255 for uint8) unless ``--range`` says another whole-number range
within it; a range it cannot take (0..1, a normalisation) is refused before the run."""

from __future__ import annotations

from typing import Any

import numpy as np

from assay.backdoor.images import parse_range
from assay.errors import UsageError

__all__ = ["whole_pixels"]


def _declared_type(raw: Any) -> tuple[str, np.dtype[Any]] | None:
    """The name and numpy type of the model's single input when it is whole numbers."""
    inner = raw
    while hasattr(inner, "inner"):
        inner = inner.inner
    ports = getattr(inner, "inputs", None)
    if not isinstance(ports, list) or len(ports) != 1:
        return None
    try:
        dtype = ports[0].dtype
    except Exception:  # a type assay cannot feed: the model's own refusal, later
        return None
    if dtype is object or not np.issubdtype(dtype, np.integer):
        return None
    return str(getattr(ports[0], "name", "input")), np.dtype(dtype)


def whole_pixels(raw: Any, value_range: str | None) -> tuple[str, str] | None:
    """``(dtype name, range text)`` for a model declaring whole-number inputs, else None.

    The range is ``value_range`` when it is whole numbers the type holds, the type's own
    range (unsigned types: 0 to their largest value) when none is given; anything else is a
    ``UsageError`` naming ``--range``."""
    found = _declared_type(raw)
    if found is None:
        return None
    name, dtype = found
    info = np.iinfo(dtype)
    said = f"its input {name!r} takes whole numbers ({dtype.name}, {info.min} to {info.max})"
    if value_range is None:
        if info.min < 0:  # (int8 pixels may be -128..127 or 0..127: the user's to say)
            example = "0,255 for 8-bit pixels" if info.max >= 255 else f"{info.min},{info.max}"
            raise UsageError(
                f"the model's {said}: say which whole values its pixels take, e.g. --range "
                f"{example}",
                argument="--range",
            )
        return dtype.name, f"0,{info.max}"
    kind, values = parse_range(value_range)
    lo, hi = (values[0], values[1]) if kind == "linear" else (0.5, 0.5)
    if (
        kind != "linear"
        or lo != round(lo)
        or hi != round(hi)
        or lo < info.min
        or hi > info.max
        or hi - lo < 2
    ):
        raise UsageError(
            f"{value_range!r} cannot be given to this model: {said}, so its pixels are whole "
            f"numbers; give a whole-number range within them (--range 0,{info.max} for "
            "8-bit pixels) or leave --range out",
            argument="--range",
        )
    return dtype.name, value_range
