"""Names as the user's data writes them: a model's column names, and the names typed.

LightGBM takes no spaces in a feature name: fitted on a DataFrame with a column
``monthly income``, its ``feature_names_in_`` say ``monthly_income``, while it answers the
user's own frame (its predict reads columns by position).  Compared name for name, such a
model was refused ("which is which is unknown") on the data it was fitted on.  skl2onnx
does the same to an ONNX graph's inputs (one per column): every character but a letter, a
digit, ``_`` or ``+`` becomes ``_``, and a name beginning with a digit gets a ``_`` before it
(``hours per week`` is ``hours_per_week``, ``7 race`` is ``_7_race``); the graph is fed by
position, so the data's own names are kept.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable, Sequence
from typing import Any

__all__ = ["as_written", "near_names", "schema_as_written", "unicode_form"]


def _lightgbm(name: str) -> str:
    return name.replace(" ", "_")


def _skl2onnx(name: str) -> str:
    """skl2onnx's ``Topology._generate_unique_name`` (a name met twice gets a number after
    it: such a name is no one column's, and stays as it is)."""
    plain = re.sub(r"[^\w+]", "_", name)
    return f"_{plain}" if re.match("^[0-9]", plain) else plain


def _rule(model: Any) -> Callable[[str], str] | None:
    module = type(model).__module__
    if module.startswith("lightgbm."):
        return _lightgbm
    if module == "assay.models.onnx":  # (a graph of one input per column)
        return _skl2onnx
    return None


def as_written(fitted: Sequence[str], names: Sequence[str], model: Any) -> list[str]:
    """``fitted`` (the names ``model`` declares) with each name the data does not hold
    replaced by the one data column that the model's rule turns into it: LightGBM's (a space
    written ``_``) when ``model`` is LightGBM's, skl2onnx's when it is an ONNX graph taking
    one input per column; other names, and other models' names, as they are (a scikit-learn
    estimator refuses a frame whose names are not its own)."""
    rule = _rule(model)
    if rule is None:
        return list(fitted)
    have = set(names)
    by_rule: dict[str, list[str]] = {}
    for name in names:
        by_rule.setdefault(rule(name), []).append(name)
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


def schema_as_written(schema: Any, columns: Sequence[str]) -> Any:
    """A schema file's feature (and protected) names as the data's header writes them when
    only their Unicode form differs (a schema typed composed, a header saved on macOS
    decomposed: "lacks column(s) région that the schema lists; it has: ..., région, ...")."""
    from dataclasses import replace

    renamed = {f.name: unicode_form(f.name, columns) for f in schema.features}
    if all(old == new for old, new in renamed.items()):
        return schema
    return replace(
        schema,
        features=tuple(replace(f, name=renamed[f.name]) for f in schema.features),
        protected=tuple(renamed.get(p, p) for p in schema.protected),
    )


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
