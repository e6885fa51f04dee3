"""A ``--label-map`` file written as JSON: the object ``label_map=`` takes from Python,
``{CLASSIFIER: {LABEL: COMMON}}`` (``json.dump`` of it), a classifier by its name or by its
position counted from 0, as there (a file of lines counts from 1).  Checked as the dict is
(``label_map_dict.checked_label_map``); an error names the file and the key, and a file
that is not JSON its line and column (text42's Left 6: refused, saying so, before)."""

from __future__ import annotations

import json
import re
from collections.abc import Sequence
from typing import Any

from assay.core.model import Model
from assay.errors import UsageError
from assay.text.label_map_dict import checked_label_map

__all__ = ["json_label_map"]

_POSITION = re.compile(r"[0-9]+")


def json_label_map(
    text: str, where: str, models: Sequence[Model], names: Sequence[str]
) -> dict[int, dict[str, str]]:
    """The label map a JSON file ``where`` holds, checked; ``UsageError`` naming the file
    (and its line and column, or the key) otherwise."""
    try:
        data = json.loads(text.lstrip("\ufeff"))
    except json.JSONDecodeError as exc:
        raise UsageError(
            f"not valid JSON ({exc.msg}); a JSON label map is an object "
            '{"CLASSIFIER": {"LABEL": "COMMON"}}',
            argument="--label-map",
            path=where,
            line=exc.lineno,
            column=exc.colno,
        ) from None
    given: dict[Any, dict[str, str]] = {}
    for key, pairs in data.items():
        if not isinstance(pairs, dict) or not all(isinstance(v, str) for v in pairs.values()):
            raise UsageError(
                f"key {key!r} maps to {json.dumps(pairs)[:80]}; each classifier maps to an "
                'object of its labels to common ones, e.g. {"LABEL_0": "neg", "LABEL_1": "pos"}',
                argument="--label-map",
                path=where,
            )
        one = int(key) if _POSITION.fullmatch(key) else key
        if isinstance(one, int) and one >= len(models):
            raise UsageError(
                f"key {key!r}: no classifier {one} (a JSON label map counts them from 0, as "
                f"label_map= does: 0..{len(models) - 1}; a map of lines counts from 1); or "
                f"name it: {', '.join(json.dumps(n) for n in names)}",
                argument="--label-map",
                path=where,
            )
        try:  # (each key alone first: its error names it)
            checked_label_map({one: pairs}, models, names)
        except UsageError as exc:
            raise UsageError(
                f"key {key!r}: {exc.bare_message}", argument="--label-map", path=where
            ) from None
        given[one] = pairs
    return checked_label_map(given, models, names)
