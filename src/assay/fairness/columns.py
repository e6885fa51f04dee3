"""Which of the data's columns a fairness run gives the model: ``--drop`` sets columns aside,
and a model that declares the columns it takes (``feature_names_in_``, an ONNX graph's inputs)
has the others set aside, said so; a model that names none keeps every column."""

from __future__ import annotations

import os
import re
from collections.abc import Sequence
from dataclasses import replace
from typing import Any

import numpy as np

from assay.errors import UsageError
from assay.fairness.schema import Schema

__all__ = [
    "column_encoders",
    "column_names",
    "dropped",
    "infer_columns",
    "may_declare",
    "model_categories",
    "model_text_columns",
    "numbered",
    "select_declared",
    "unknown_protected",
]


def column_names(value: str | Sequence[str] | None, argument: str) -> tuple[str, ...]:
    """Column names given as ``"a,b"`` or a list (``--drop``), each once."""
    if value is None:
        return ()
    if isinstance(value, str):
        names = tuple(v.strip() for v in value.split(",") if v.strip())
    else:
        names = tuple(str(v) for v in value)
    for i, name in enumerate(names):
        if name in names[:i]:
            raise UsageError(f"column {name!r} is named twice", argument=argument)
    return names


def dropped(frame: Any, drop: tuple[str, ...], protected: tuple[str, ...], src: str) -> Any:
    """``frame`` without the columns ``drop`` names (``--drop``): each must be a column, and
    none a protected attribute (the one column the test must give the model)."""
    if not drop:
        return frame
    by_name = {str(c): c for c in frame.columns}
    for name in drop:
        if name not in by_name:
            raise UsageError(
                f"column {name!r} is not a column of {src}; columns are: {', '.join(by_name)}",
                argument="--drop",
            )
        if name in protected:
            raise UsageError(
                f"column {name!r} is the protected attribute: it cannot be set aside",
                argument="--drop",
            )
    kept = frame.drop(columns=[by_name[n] for n in drop])
    kept.attrs.update(frame.attrs)  # the file's name, for messages naming its lines
    return kept


_DECLARING_SUFFIXES = (".skops", ".onnx", ".joblib", ".pkl", ".pickle")


def may_declare(model: Any) -> bool:
    """Whether ``model`` may name the columns it takes (so that data columns it does not take
    can be set aside once it is loaded): an estimator with ``feature_names_in_``, or a file
    of a kind that can hold one (skops, ONNX, a pickle)."""
    if isinstance(model, str | os.PathLike):
        return str(model).lower().endswith(_DECLARING_SUFFIXES)
    return model is not None and getattr(model, "feature_names_in_", None) is not None


def infer_columns(
    frame: Any, protected: tuple[str, ...], label: str | None, *, may_declare: bool
) -> tuple[Schema, dict[str, UsageError]]:
    """The schema inferred from ``frame``, and, for a model that may declare its columns,
    the columns that are no feature (an identifier, a timestamp) with why: left out here,
    set aside or refused once the model says which columns it takes (``_select_declared``)."""
    from assay.fairness.tabular_io import infer_schema

    try:
        return infer_schema(frame, protected=protected, target=label), {}
    except UsageError as exc:
        if not may_declare:
            raise
        first = exc
    unusable: dict[str, UsageError] = {}
    for col in frame.columns:
        name = str(col)
        if name == label or name in protected:
            continue
        try:
            infer_schema(frame[[col]])
        except UsageError as exc:
            unusable[name] = exc
    if not unusable:
        raise first  # about the protected attribute or the label
    rest = frame.drop(columns=[c for c in frame.columns if str(c) in unusable])
    rest.attrs.update(frame.attrs)
    return infer_schema(rest, protected=protected, target=label), unusable


def select_declared(
    schema: Schema,
    encoded: np.ndarray | None,
    fitted: Sequence[str] | None,
    unusable: dict[str, UsageError],
    estimator: Any = None,
) -> tuple[Schema, np.ndarray | None, tuple[str, ...]]:
    """The schema (and rows) of the columns the model declares it takes, and the data's
    columns set aside, when every declared column is in the data; a column that is no
    feature (``unusable``) and that the model takes, or that a model naming none of its
    columns might take, is refused with why (and, when the model's ``ColumnTransformer``
    never reads it, with the value to give it: ``unread_hint``)."""
    from assay.fairness.read_dates import read_date_refusal
    from assay.fairness.unread_columns import unread_hint

    declared = None if fitted is None or numbered(fitted) else [str(c) for c in fitted]
    for name, exc in unusable.items():
        if declared is None or name in declared:
            hint = unread_hint([name], estimator)
            if hint:
                said = exc.bare_message.split(": if the model does not take it", 1)[0]
                raise UsageError(
                    said + hint,
                    argument=exc.argument,
                    path=exc.path,
                    line=exc.line,
                    column=exc.column,
                ) from None
            if declared is not None:  # (it takes it: a date it reads, the way to give it)
                raise read_date_refusal(name, exc) or exc
            raise exc  # the model names none of its columns: it may take it
    if declared is None:
        return schema, encoded, ()
    have = set(schema.names)
    extra = [n for n in schema.names if n not in set(declared)]
    if not all(n in have for n in declared) or not (extra or unusable):
        return schema, encoded, ()  # what is missing is said with the width check's hints
    if any(p in extra for p in schema.protected):
        return schema, encoded, ()  # refused with the width check's hint (the model does
        # not take the protected attribute)
    keep = [j for j, n in enumerate(schema.names) if n in set(declared)]
    kept = replace(schema, features=tuple(schema.features[j] for j in keep))
    rows = None if encoded is None else encoded[:, keep]
    return kept, rows, (*extra, *unusable)


_NUMBERED = re.compile(r"^([A-Za-z_]*?)_?(\d+)$")


def numbered(names: Sequence[str]) -> bool:
    """Whether names only number the columns in order: ``f0, f1, ...`` (``x1, x2, ...``,
    ``input_0, ...``), one prefix, counting up by one from 0 or 1."""
    found = [_NUMBERED.match(n) for n in names]
    if not names or not all(found):
        return False
    prefixes = {m.group(1) for m in found if m}
    numbers = [int(m.group(2)) for m in found if m]
    return (
        len(prefixes) == 1
        and numbers[0] in (0, 1)
        and numbers == list(range(numbers[0], numbers[0] + len(numbers)))
    )


def model_categories(estimator: Any) -> dict[str, list[Any]]:
    """The categories a scikit-learn pipeline's encoders (``OneHotEncoder``,
    ``OrdinalEncoder``, ... inside a ``ColumnTransformer``, by column name) were fitted on."""
    return {name: values for name, (values, _) in column_encoders(estimator).items()}


def column_encoders(estimator: Any) -> dict[str, tuple[list[Any], Any]]:
    """Per column a scikit-learn pipeline's encoder reads by name: the categories it was
    fitted on, and the encoder (its ``handle_unknown`` says what it does with another)."""
    found: dict[str, tuple[list[Any], Any]] = {}

    def walk(step: Any, columns: Any) -> None:
        if step is None or isinstance(step, str):
            return
        for _, inner in getattr(step, "steps", None) or []:  # a Pipeline
            walk(inner, columns)
        for _, inner, cols in getattr(step, "transformers_", None) or []:  # ColumnTransformer
            walk(inner, cols)
        cats = getattr(step, "categories_", None)
        if cats is None or not isinstance(columns, list | tuple | np.ndarray):
            return
        names = [c for c in columns if isinstance(c, str)]
        if len(names) != len(columns) or len(names) != len(cats):
            return
        for name, known in zip(names, cats, strict=True):
            values = [v for v in np.asarray(known, dtype=object).tolist() if v is not None]
            found.setdefault(name, (values, step))

    walk(estimator, None)
    return found


def model_text_columns(estimator: Any) -> tuple[str, ...]:
    """The columns a scikit-learn pipeline was fitted on as text: those its encoders know as
    strings only.  A data file that holds digits there ('02134', '7') is read as numbers,
    which such an encoder refuses or takes for unknown categories."""
    return tuple(
        name
        for name, values in model_categories(estimator).items()
        if values and all(isinstance(v, str) for v in values)
    )


def unknown_protected(estimator: Any, schema: Schema) -> dict[str, list[str]]:
    """Per protected attribute whose encoder the model shows: the values of the data (or
    schema) that the encoder was not fitted on (it reads them all alike, as unknown).
    Raises ``UsageError`` when fewer than two values are known to it: every variant of an
    input then looks the same to the model, and nothing could be found (a false pass)."""
    cats = model_categories(estimator)
    out: dict[str, list[str]] = {}
    for name in schema.protected:
        if name not in cats:
            continue
        known = {_same(v) for v in cats[name]}
        values = [str(v) for v in schema.feature(name).values()]
        unknown = [str(v) for v in schema.feature(name).values() if _same(v) not in known]
        if len(values) - len(unknown) < 2:
            feature = schema.feature(name)
            shown = ", ".join(_shown(v) for v in sorted(cats[name], key=str)[:6])
            # (a column that may be missing, --missing value: its missing value is one of
            # the values tested, and one the encoder reads as unknown)
            missing = ["the missing value"] if feature.missing else []
            given = ", ".join([*(_shown(v) for v in feature.values()[:6]), *missing])
            k = len(values) - len(unknown)
            others = [*(_shown(v) for v in feature.values() if _same(v) not in known), *missing]
            them = "them" if k == 0 else f"the others ({', '.join(others[:6])})"
            raise UsageError(
                f"the model was fitted on {name} as {shown}"
                f"{', ...' if len(known) > 6 else ''}, and "
                f"{'none' if k == 0 else 'only one'} of the data's values ({given}) "
                f"{'is' if k else 'are'} among them: it reads {them} all alike, as unknown, "
                "so no input "
                "could change outcome between two values it knows; give the values as the "
                "model was fitted on them (spelling, case, type)",
                argument="--protected",
            )
        if unknown:
            out[name] = unknown
    return out


def _shown(value: Any) -> str:
    """A category as written in Python, its type visible (True, not 'True'; 1.0, not '1')."""
    return repr(value.item() if isinstance(value, np.generic) else value)


def _same(value: Any) -> Any:
    """A category as the encoder compares it: numbers by value (1 and 1.0 alike; True as 1,
    as Python and scikit-learn's encoders compare them, and as a nullable ``boolean``
    column is fitted: 0.0, 1.0), the rest by their text."""
    if isinstance(value, bool | np.bool_ | int | float | np.integer | np.floating):
        return float(value)
    return str(value)
