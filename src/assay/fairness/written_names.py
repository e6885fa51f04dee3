"""Names as the user's data writes them: a model's column names, and the names typed.

LightGBM takes no spaces in a feature name: fitted on a DataFrame with a column
``monthly income``, its ``feature_names_in_`` say ``monthly_income``, while it answers the
user's own frame (its predict reads columns by position).  Compared name for name, such a
model was refused ("which is which is unknown") on the data it was fitted on.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Sequence
from typing import Any

__all__ = ["as_written", "near_names", "unicode_form"]


def as_written(fitted: Sequence[str], names: Sequence[str], model: Any) -> list[str]:
    """``fitted`` (the names ``model`` declares) with each name the data does not hold
    replaced by the one data column that LightGBM's rule (a space written ``_``) turns into
    it, when ``model`` is LightGBM's; other names, and other models' names, as they are
    (a scikit-learn estimator refuses a frame whose names are not its own)."""
    if not type(model).__module__.startswith("lightgbm."):
        return list(fitted)
    have = set(names)
    by_rule: dict[str, list[str]] = {}
    for name in names:
        by_rule.setdefault(name.replace(" ", "_"), []).append(name)
    written = []
    for name in fitted:
        found = by_rule.get(name, [])
        written.append(found[0] if name not in have and len(found) == 1 else name)
    return written


def unicode_form(name: str, columns: Sequence[str]) -> str:
    """``name`` as ``columns`` write it when only its Unicode form differs: a header saved on
    macOS writes ``région`` decomposed (``e`` and a combining accent), a name typed in a shell
    or a notebook is composed; the two look alike and compared unequal ("protected attribute
    'région' is not a column; columns are: ..., région, ...").  ``name`` itself otherwise."""
    if name in columns:
        return name
    composed = unicodedata.normalize("NFC", name)
    same = [c for c in columns if unicodedata.normalize("NFC", c) == composed]
    return same[0] if len(same) == 1 else name


def near_names(fitted: Sequence[str], names: Sequence[str]) -> str:
    """The columns whose names are the model's but for spaces or case (a header written with
    ``a, b``), or for their Unicode form (``é`` decomposed), which read alike in a message:
    named with their quotes (their escapes)."""
    wanted = {str(n).strip().casefold(): str(n) for n in fitted}
    near = [
        (n, wanted[n.strip().casefold()])
        for n in names
        if n not in set(fitted) and n.strip().casefold() in wanted
    ]
    composed = {unicodedata.normalize("NFC", str(n)): str(n) for n in fitted}
    forms = [
        (n, composed[unicodedata.normalize("NFC", n)])
        for n in names
        if n not in set(fitted) and unicodedata.normalize("NFC", n) in composed
    ]
    said = ""
    if forms:
        shown = ", ".join(f"{n!a} (the model's {m!a})" for n, m in forms)
        said = (
            f"; these are the model's names written in another Unicode form (accents "
            f"decomposed, as macOS saves text): {shown}: rename them (frame.columns = "
            "[unicodedata.normalize('NFC', c) for c in frame.columns], or save the file "
            "again from an editor that writes NFC)"
        )
    near = [(n, m) for n, m in near if (n, m) not in forms]
    if not near:
        return said
    shown = ", ".join(f"{n!r} (the model's {m!r})" for n, m in near)
    return said + (
        f"; these differ from the model's only in spaces or case: {shown}: rename them "
        "(for spaces: frame.columns = frame.columns.str.strip())"
    )
