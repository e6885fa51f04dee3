"""The labels a label map names per classifier, read before the classifiers are: one answering
class indices (``0``/``1``) without naming its classes is named by a map naming its labels
``0``, ``1``, ... (as ``classes_ = ["0", "1"]`` would name them), not refused for lacking
``classes_`` (``text.loading.indexed_by_map``).

The map is read here only for the labels it names per classifier, leniently: whatever is
wrong in it is said where the map is read in full (``panel.load_label_map``,
``label_map_dict.checked_label_map``), at its line and column."""

from __future__ import annotations

import json
import os
from collections.abc import Sequence
from typing import Any

from assay.core.textfile import read_text_file
from assay.errors import AssayError
from assay.text.label_map_line import MapLineError, read_map_line
from assay.text.lines import file_lines

__all__ = ["map_labels"]

LabelMap = str | os.PathLike[str] | dict[Any, Any] | None


def _position(key: Any, names: Sequence[str], base: int) -> int | None:
    """The classifier (from 0) a map's key names: its name, or its position from ``base``."""
    if isinstance(key, str) and key in names:
        return list(names).index(key)
    if isinstance(key, int) and not isinstance(key, bool):
        return key - base
    if isinstance(key, str) and key.isascii() and key.isdigit():
        return int(key) - base
    return None


def _of_dict(given: dict[Any, Any], names: Sequence[str]) -> dict[int, list[str]]:
    out: dict[int, list[str]] = {}
    for key, pairs in given.items():
        k = _position(key, names, 0)
        if k is not None and isinstance(pairs, dict):
            out.setdefault(k, []).extend(str(a) for a in pairs)
    return out


def map_labels(label_map: LabelMap, names: Sequence[str]) -> dict[int, list[str]]:
    """The labels ``label_map`` (a file of lines or JSON, or ``label_map=``'s dict) names for
    each classifier, by position from 0; what cannot be read is left out."""
    if label_map is None:
        return {}
    if isinstance(label_map, dict):
        return _of_dict(label_map, names)
    try:
        text = read_text_file(label_map, what="the label map", argument="--label-map")
    except (OSError, AssayError):
        return {}
    if text.lstrip("\ufeff \t\r\n").startswith("{"):
        try:
            given = json.loads(text.lstrip("\ufeff"))
        except ValueError:
            return {}
        return _of_dict(given, names) if isinstance(given, dict) else {}
    out: dict[int, list[str]] = {}
    for raw in file_lines(text):
        if not raw.strip() or raw.strip().startswith("#"):
            continue
        try:
            fields = read_map_line(raw)
        except MapLineError:
            continue
        k = _position(fields.who, names, 1)
        if k is not None:
            out.setdefault(k, []).append(fields.own)
    return out
