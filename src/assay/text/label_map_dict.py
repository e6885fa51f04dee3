"""A label map given as Python data (``check_text(..., label_map={0: {"0": "neg"}})``),
checked as a label map file is: every classifier one of the run's, every label one it has.
Unchecked, a classifier counted from 1 (as the file's lines count them) or a misspelt label
mapped nothing, silently."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from assay.core.model import Model
from assay.errors import UsageError
from assay.text.panel import as_answered, common_too_long, labels_of, labels_open

__all__ = ["KeptLabelMap", "checked_label_map"]


class KeptLabelMap(dict[int, dict[str, str]]):
    """A stored run's label map, as it was checked when the run began (a resume or a verify
    takes it as it is: a classifier asked again may answer fewer labels now)."""


def checked_label_map(
    given: dict[Any, Any], models: Sequence[Model], names: Sequence[str]
) -> dict[int, dict[str, str]]:
    """``given`` with each classifier by its position from 0 (as a run keeps it; a key may
    also be the classifier's name) and each label checked; ``UsageError`` naming the first
    classifier or label that is not the run's (a ``KeptLabelMap`` is taken as it is)."""
    if isinstance(given, KeptLabelMap):
        return dict(given)
    out: dict[int, dict[str, str]] = {}
    for key, pairs in given.items():
        if isinstance(key, str) and key in names:
            k = list(names).index(key)
        elif isinstance(key, int) and not isinstance(key, bool) and 0 <= key < len(models):
            k = key
        else:
            raise UsageError(
                f"names classifier {key!r}, which is not one of the run's {len(models)}: give "
                f"its position counted from 0 (0..{len(models) - 1}; a label map file counts "
                f"from 1) or its name ({', '.join(names)})",
                argument="label_map",
            )
        if not isinstance(pairs, dict):
            raise UsageError(
                f"maps classifier {names[k]} to a {type(pairs).__name__}; give a dict of its "
                "labels to common ones, e.g. {'0': 'neg', '1': 'pos'}",
                argument="label_map",
            )
        own = labels_of(models[k])
        pairs = {as_answered(str(a), own): b for a, b in pairs.items()}
        for label in pairs:
            if str(label) not in own and not labels_open(models[k]):
                raise UsageError(
                    f"classifier {names[k]} has no label {label!r}; its labels are "
                    f"{', '.join(own)}",
                    argument="label_map",
                )
        out[k] = {str(a): str(b) for a, b in pairs.items()}
        too_long = next(filter(None, map(common_too_long, out[k].values())), None)
        if too_long is not None:
            raise UsageError(f"maps a label of {names[k]} to {too_long}", argument="label_map")
    return out
