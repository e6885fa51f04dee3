"""The run-time filter's file: a JSON data document (never code, never a pickle), read as an
untrusted input.

Every entry is checked before anything is built from it, and a file that does not hold what
a filter needs (truncated, edited, hostile: NaN pixels, a trigger outside its images, an
image size that would take gigabytes, a million triggers, nesting that exhausts the parser,
a device or a folder given as the file) is a ``UsageError`` naming the file and the entry,
never a traceback, never a filter that silently blocks nothing.

Version 3 adds ``references``: clean images (at most ``MAX_REFERENCES``, 16 bits a value,
base64) from which a flagged input's trigger region is refilled, as the scan's corrected
label is (``repair.mean_fill``), instead of blocked with the image's dominant colour.  A
trigger may hold a ``mask`` (h x w zeros and ones: the pixels of its box it is matched on,
``masks.py``); a trigger without one is matched on its whole box, as files written before
masks are.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import json
import math
import os
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TypeGuard

import numpy as np

from assay.backdoor.images import ImageSpec
from assay.backdoor.patches import Trigger
from assay.errors import UsageError

__all__ = [
    "FILTER_FORMAT",
    "FILTER_VERSION",
    "FilterDocument",
    "digest",
    "encode_references",
    "read_document",
    "reference_sample",
]

FILTER_FORMAT = "assay-backdoor-filter"
# 2 adds "model": the scanned model's classes and probe answers; 3 adds "references"
FILTER_VERSION = 3
PROBES = 12  # seeded probe images asked when a filter is exported and when it is loaded
MAX_FILE_BYTES = 256 * 2**20
MAX_TRIGGERS = 1000  # a scan confirms a handful; more is an edited file (and slow per call)
MAX_SIDE = 16384
MAX_IMAGE_VALUES = 2**24  # H * W * C of one image (4096x4096 grey, 2364x2364 colour)
MAX_REFERENCES = 200
MAX_REFERENCE_VALUES = 2**23  # 16 MiB at 16 bits a value
MIN_REFERENCES = 10  # fewer: no neighbourhood to refill from; the filter blocks instead
SCALE = 65535  # a reference value v in [0, 1] is stored as round(v * SCALE), 16 bits
LAYOUTS = ("nhwc", "nchw")


class _Bad(ValueError):
    """What is wrong with the document (the caller names the file)."""


@dataclass(frozen=True)
class FilterDocument:
    spec: ImageSpec
    triggers: list[Trigger]
    tolerance: float
    share: float
    model: dict[str, Any] | None
    references: np.ndarray | None  # canonical (n, H, W, C) in [0, 1]
    version: int


def reference_sample(clean: np.ndarray | None) -> np.ndarray | None:
    """Up to ``MAX_REFERENCES`` of the scan's clean images (evenly spaced, so the same scan
    writes the same file), fewer when they would take more than ``MAX_REFERENCE_VALUES``;
    None when fewer than ``MIN_REFERENCES`` fit."""
    if clean is None or not len(clean):
        return None
    per = int(np.prod(clean.shape[1:], dtype=np.int64))
    n = min(len(clean), MAX_REFERENCES, MAX_REFERENCE_VALUES // max(per, 1))
    if n < MIN_REFERENCES:
        return None
    pick = np.unique(np.linspace(0, len(clean) - 1, n).round().astype(np.int64))
    return np.asarray(clean[pick], dtype=np.float64)


def encode_references(references: np.ndarray | None) -> dict[str, Any] | None:
    if references is None:
        return None
    values = np.round(np.clip(references, 0.0, 1.0) * SCALE).astype("<u2")
    return {
        "shape": list(values.shape),
        "encoding": "uint16-base64",
        "data": base64.b64encode(values.tobytes()).decode("ascii"),
    }


def read_document(path: str | os.PathLike[str]) -> FilterDocument:
    """The filter file at ``path``, checked entry by entry (``UsageError`` naming it)."""
    p = Path(path)
    try:
        if not p.exists():
            raise _Bad("no such file")
        if not p.is_file():  # a folder, a FIFO or /dev/zero would be read forever
            raise _Bad("it is not a regular file")
        size = p.stat().st_size
        if size > MAX_FILE_BYTES:
            raise _Bad(
                f"it holds {size:,} bytes, more than a filter file ({MAX_FILE_BYTES:,} at "
                "most; an exported one takes kilobytes to a few megabytes)"
            )
        try:
            data = json.loads(p.read_text(encoding="utf-8"))
        except RecursionError:
            raise _Bad("its JSON is nested too deeply to be a filter file") from None
        return _document(data)
    except KeyError as exc:
        raise UsageError(
            f"cannot read the filter: an entry {exc} is missing (a truncated or edited file?)",
            argument="FILTER",
            path=str(p),
        ) from None
    except (OSError, ValueError, TypeError, IndexError, AttributeError) as exc:
        raise UsageError(f"cannot read the filter: {exc}", argument="FILTER", path=str(p)) from None


def _document(data: Any) -> FilterDocument:
    if not isinstance(data, dict) or data.get("format") != FILTER_FORMAT:
        raise _Bad(f"not an {FILTER_FORMAT} file")
    given = data.get("version")
    if not _is_whole(given) or not 1 <= given <= FILTER_VERSION:
        raise _Bad(
            f"format version {given!r}: this assay reads versions 1 to {FILTER_VERSION} "
            "(a newer assay wrote it? upgrade assay)"
        )
    version = int(given)
    spec = _spec(data["spec"])
    triggers = data["triggers"]
    if not isinstance(triggers, list):
        raise _Bad("its 'triggers' entry is not a list")
    if len(triggers) > MAX_TRIGGERS:
        raise _Bad(f"it holds {len(triggers):,} triggers, more than {MAX_TRIGGERS:,}")
    tolerance = _fraction(data["tolerance"], "'tolerance'")
    share = _fraction(data["share"], "'share'")
    model = _model(data.get("model"))
    found = [_trigger(t, k, spec, model) for k, t in enumerate(triggers)]
    references = _references(data.get("references"), spec) if version >= 3 else None
    _check_digest(data)
    return FilterDocument(spec, found, tolerance, share, model, references, version)


def digest(data: dict[str, Any]) -> str:
    """A SHA-256 of the document's entries but ``digest`` (its JSON, keys sorted): written by
    ``save_filter``, checked on reading."""
    rest = {k: v for k, v in data.items() if k != "digest"}
    text = json.dumps(rest, sort_keys=True, separators=(",", ":"))
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def _check_digest(data: dict[str, Any]) -> None:
    """Refuse a file whose entries were changed after assay wrote it (each entry valid, as
    checked before this): a trigger's target edited from 7 to 3 loaded, and the filter then
    blocked nothing (the model answers 7, not 3), silently.  Files written before the digest
    (none) are read as before; the digest tells an edit, not a forger, who can drop it."""
    given = data.get("digest")
    if given is None:
        return
    if not isinstance(given, str) or given != digest(data):
        raise _Bad(
            "its entries were changed after assay wrote it (its 'digest' does not match "
            "them): a filter edited by hand may block nothing or the wrong class; export "
            "it again: the scan that wrote it, run again with its --export-filter"
        )


def _is_whole(v: Any) -> TypeGuard[int]:
    return isinstance(v, int) and not isinstance(v, bool)


def _whole(v: Any, what: str, low: int = 0, high: int | None = None) -> int:
    if not _is_whole(v) or v < low or (high is not None and v > high):
        bound = f"from {low}" + ("" if high is None else f" to {high:,}")
        raise _Bad(f"{what} is {v!r}, not a whole number {bound}")
    return int(v)


def _finite(v: Any, what: str) -> float:
    if isinstance(v, bool) or not isinstance(v, (int, float)) or not math.isfinite(v):
        raise _Bad(f"{what} is {v!r}, not a finite number")
    return float(v)


def _fraction(v: Any, what: str) -> float:
    x = _finite(v, what)
    if not 0 < x <= 1:
        raise _Bad(f"{what} is {x}, not in (0, 1]")
    return x


def _spec(data: Any) -> ImageSpec:
    if not isinstance(data, dict):
        raise _Bad("its 'spec' entry is not an object")
    h = _whole(data["height"], "the images' height", 1, MAX_SIDE)
    w = _whole(data["width"], "the images' width", 1, MAX_SIDE)
    c = _whole(data.get("channels", 1), "the images' channels", 1, 4)
    if h * w * c > MAX_IMAGE_VALUES:
        raise _Bad(
            f"its images are {h}x{w}x{c} ({h * w * c:,} values), more than {MAX_IMAGE_VALUES:,}"
        )
    layout = data.get("layout", "nhwc")
    if layout not in LAYOUTS:
        raise _Bad(f"the layout {layout!r} is not one of {', '.join(LAYOUTS)}")
    for key in ("flatten", "squeeze_channel"):
        if not isinstance(data.get(key, False), bool):
            raise _Bad(f"the spec's {key!r} is {data[key]!r}, not true or false")
    kind = data.get("range_kind", "linear")
    raw = data.get("range_values", [0.0, 1.0])
    if not isinstance(raw, list):
        raise _Bad(f"the value range {raw!r} is not a list")
    values = [_finite(v, "a value of the range") for v in raw]
    if kind == "linear":
        if len(values) != 2 or not values[1] > values[0]:
            raise _Bad(f"the linear value range {values} is not LO, HI with HI > LO")
    elif kind == "norm":
        k = len(values) // 2
        if len(values) % 2 or k not in (1, c) or any(s <= 0 for s in values[k:]):
            raise _Bad(f"the normalisation {values} is not {c} means and {c} positive deviations")
    else:
        raise _Bad(f"the range kind {kind!r} is not linear or norm")
    dtype = data.get("dtype", "float64")
    try:
        numeric = np.dtype(str(dtype)).kind in "fiu"
    except TypeError:
        numeric = False
    if not numeric:
        raise _Bad(f"the model's input type {dtype!r} is not a numeric type")
    return ImageSpec.from_json(data)


def _box(v: Any, what: str, spec: ImageSpec) -> tuple[int, int, int, int]:
    if not isinstance(v, list) or len(v) != 4 or not all(_is_whole(x) for x in v):
        raise _Bad(f"{what} {v!r} is not four whole numbers (top, left, height, width)")
    top, left, h, w = (int(x) for x in v)
    if h < 1 or w < 1 or top < 0 or left < 0 or top + h > spec.height or left + w > spec.width:
        raise _Bad(f"{what} {tuple(v)} is not inside its {spec.height}x{spec.width} images")
    return (top, left, h, w)


def _trigger(data: Any, k: int, spec: ImageSpec, model: dict[str, Any] | None) -> Trigger:
    if not isinstance(data, dict):
        raise _Bad(f"trigger {k} is not an object")
    _, _, h, w = _box(data["box"], f"trigger {k}'s box", spec)
    if data.get("blocker") is not None:
        _box(data["blocker"], f"trigger {k}'s blocker", spec)
    content = np.asarray(data["content"], dtype=np.float64)
    if content.shape != (h, w, spec.channels):
        raise _Bad(f"trigger {k}'s pixels have shape {content.shape}, not {(h, w, spec.channels)}")
    if not np.all((content >= 0) & (content <= 1)):  # NaN fails too
        raise _Bad(f"trigger {k}'s pixels are not all in [0, 1] (NaN or out of range)")
    mask = data.get("mask")
    if mask is not None:  # (written since masks were learnt: files without one are their box)
        values = np.asarray(mask, dtype=np.float64)  # a ragged or non-numeric list: ValueError
        if values.shape != (h, w) or not np.all((values == 0) | (values == 1)):
            raise _Bad(f"trigger {k}'s mask is not {h}x{w} zeros and ones")
        if not values.any():
            raise _Bad(f"trigger {k}'s mask holds no pixel (it would match every input)")
    n = None if model is None else model.get("n_classes")
    _whole(data["target"], f"trigger {k}'s target", 0, None if n is None else n - 1)
    _fraction(data["flip_rate"], f"trigger {k}'s flip rate")
    if "source" in data:
        _whole(data["source"], f"trigger {k}'s source image", -1)
    return Trigger.from_json(data)


def _model(data: Any) -> dict[str, Any] | None:
    if data is None:
        return None
    if not isinstance(data, dict):
        raise _Bad("its 'model' entry is not an object")
    n = data.get("n_classes")
    if n is not None:
        _whole(n, "the scanned model's class count", 1)
    names = data.get("class_names")
    if names is not None and (
        not isinstance(names, list)
        or not all(isinstance(v, str) for v in names)
        or (n is not None and len(names) != n)
    ):
        raise _Bad(f"the scanned model's class names {names!r} are not {n} names")
    labels = data.get("probe_labels")
    if labels is not None and (
        not isinstance(labels, list)
        or len(labels) != PROBES
        or not all(isinstance(v, str) for v in labels)
    ):
        raise _Bad(f"the probe answers are not {PROBES} labels")
    scores = data.get("probe_scores")
    if scores is not None:
        if not isinstance(scores, list) or len(scores) != PROBES:
            raise _Bad(f"the probe probabilities are not {PROBES} rows")
        rows = np.asarray(scores, dtype=np.float64)  # a ragged or non-numeric list: ValueError
        if rows.ndim != 2 or not np.all(np.isfinite(rows)):
            raise _Bad("the probe probabilities are not rows of finite numbers")
    return data


def _references(data: Any, spec: ImageSpec) -> np.ndarray | None:
    if data is None:
        return None
    if not isinstance(data, dict) or data.get("encoding") != "uint16-base64":
        raise _Bad("its 'references' entry is not uint16-base64 images")
    shape = data["shape"]
    if not isinstance(shape, list) or len(shape) != 4 or tuple(shape[1:]) != spec.shape:
        raise _Bad(f"its reference images have shape {shape!r}, not (n, {spec.shape})")
    n = _whole(shape[0], "the number of reference images", MIN_REFERENCES, MAX_REFERENCES)
    per = spec.height * spec.width * spec.channels
    if n * per > MAX_REFERENCE_VALUES:
        raise _Bad(f"its reference images hold more than {MAX_REFERENCE_VALUES:,} values")
    text = data["data"]
    if not isinstance(text, str) or len(text) > 4 * (2 * n * per + 2) // 3 + 4:
        raise _Bad("its reference images' data is not the size they need")
    try:
        raw = base64.b64decode(text, validate=True)
    except binascii.Error as exc:
        raise _Bad(f"its reference images' data is not base64 ({exc})") from None
    if len(raw) != 2 * n * per:
        raise _Bad(f"its reference images' data holds {len(raw):,} bytes, not {2 * n * per:,}")
    values = np.frombuffer(raw, dtype="<u2").reshape(n, *spec.shape)
    out: np.ndarray = values.astype(np.float64) / SCALE
    return out
