"""Findings as a pandas DataFrame in the user's own columns and values (notebooks, the API).

One row per input: each IDI gives its generated input and the protected variants queried (every
one for the baselines; for the default search, on attributes with more than two values, the one
most likely to flip), with the model's outputs.  Columns: ``idi`` (the IDI's number, in the
order found), ``variant`` (0 to the number of variants queried, minus 1),
``generated`` (the input the search generated; the others are its variants), the schema's
features (category names, not codes), ``prediction`` (the class name, or its index), and for
a model answering probabilities one ``p(CLASS)`` column per class.  Where the data has a
column of one of these names (a feature called ``prediction`` or ``idi``), the data's keeps
its name and assay's takes `` (assay)`` after it (``prediction (assay)``): the user's values
are never overwritten, and a frame never holds one name twice.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

import numpy as np

from assay.core.findings import FindingBatch
from assay.fairness.form import InputForm
from assay.fairness.row_labels import data_rows, row_column, said_rows
from assay.fairness.schema import Schema

__all__ = ["findings_frame", "relabelled"]


def findings_frame(
    batches: Iterable[FindingBatch],
    schema: Schema,
    *,
    class_names: tuple[str, ...] | None = None,
    limit: int | None = 1000,
    form: InputForm | None = None,
    dtypes: dict[str, Any] | None = None,
    proba: bool = False,
    labels: dict[str, Any] | None = None,
    class_values: tuple[Any, ...] | None = None,
    row_labels: Any = None,
) -> Any:
    """The first ``limit`` IDIs (None: all) of ``batches`` as a DataFrame (see the module).
    ``proba``: the model answers probabilities of ``class_names``: a frame of no IDI has
    their ``p(CLASS)`` columns too (code written on a run's IDIs runs on a clean run's).
    ``labels``: the user's own column labels that are not the names read (``pd.DataFrame(X)``'s
    whole numbers: ``frame[1]``, not ``frame["1"]``), by those names.  ``class_values``: the
    model's classes as it holds them (``False, True``; ``0, 1``): the ``prediction`` column
    holds them where they are the names read, not their strings.  ``row_labels``: the data
    DataFrame's index (one label per data row tested): a ``row`` column then names the data
    row each IDI is, by its label (None where it is none: ``row_labels``)."""
    import pandas as pd

    inputs: list[np.ndarray] = []
    outputs: list[np.ndarray] = []
    generated: list[np.ndarray] = []
    rows: list[np.ndarray] = []
    taken = 0
    for batch in batches:
        if limit is not None and taken >= limit:  # (limit=0: no IDI, columns alone)
            break
        if batch.kind != "fairness.idi" or not len(batch):
            continue
        n = len(batch) if limit is None else min(len(batch), limit - taken)
        inputs.append(np.asarray(batch.inputs[:n], dtype=np.float64))
        outputs.append(np.asarray(batch.outputs[:n], dtype=np.float64))
        gen = batch.columns.get("generated", np.zeros(len(batch), dtype=np.int64))
        generated.append(np.asarray(gen[:n], dtype=np.int64))
        rows.append(data_rows(batch, n))
        taken += n
    own = _Own(schema.names)
    columns = [own("idi"), own("variant"), own("generated"), *schema.names, own("prediction")]
    if not inputs:
        chances = [own(f"p({c})") for c in class_names or ()] if proba else []
        empty = _empty(schema, columns, chances, dtypes or {})
        if class_names:  # (the dtype a frame of IDIs gives them: str for text, bool, int)
            held = pd.Series(_classes_held(class_names, class_values))
            empty[own("prediction")] = empty[own("prediction")].astype(held.dtype)
        if row_labels is not None:
            empty[own(row_column(row_labels))] = pd.Series([], dtype=object)
        return _with_bins(empty.rename(columns=labels or {}), schema, None, own, labels)
    ins, outs, gen = np.concatenate(inputs), np.concatenate(outputs), np.concatenate(generated)
    n, k, d = ins.shape
    decoded = schema.decode(ins.reshape(n * k, d))
    frame = (form or InputForm(columns=tuple(schema.names))).build(decoded)
    if (form is not None and form.columns is not None and list(form.columns) != schema.names) or (
        not isinstance(frame, pd.DataFrame)  # a model fed arrays (a function): no columns
    ):
        frame = pd.DataFrame(decoded, columns=schema.names).infer_objects()
    frame = _in_dtypes(frame.reset_index(drop=True), dtypes or {}).rename(columns=labels or {})
    frame.insert(0, own("idi"), np.repeat(np.arange(1, n + 1), k))
    frame.insert(1, own("variant"), np.tile(np.arange(k), n))
    frame.insert(2, own("generated"), (np.tile(np.arange(k), n) == np.repeat(gen, k)))
    flat = outs.reshape(n * k, -1)
    if flat.shape[1] == 1:  # labels
        codes = flat[:, 0].astype(np.int64)
        probs = None
    else:
        codes = np.argmax(flat, axis=1)
        probs = flat
    if class_names and len(class_names) > int(codes.max(initial=0)):
        frame[own("prediction")] = _classes_held(class_names, class_values)[codes]
    else:
        frame[own("prediction")] = codes
    if probs is not None:
        names = class_names or tuple(str(c) for c in range(probs.shape[1]))
        for c in range(probs.shape[1]):
            label = names[c] if c < len(names) else str(c)
            frame[own(f"p({label})")] = probs[:, c]
    if row_labels is not None:
        said = said_rows(np.concatenate(rows), row_labels, k)
        frame[own(row_column(row_labels))] = pd.Series(said, dtype=object)
    return _with_bins(frame, schema, ins.reshape(n * k, d), own, labels)


def _with_bins(
    frame: Any,
    schema: Schema,
    codes: np.ndarray | None,
    own: _Own,
    labels: dict[str, Any] | None,
) -> Any:
    """``frame`` with, after each protected attribute tested by bins (``age:bins=25,40,60``),
    a column ``age bin`` naming each row's bin (``25-39``): the attribute's column holds the
    number the model was given (the bin's median, ``31``), which names no bin by itself."""
    import pandas as pd

    for name in schema.protected:
        f = schema.feature(name)
        if f.kind != "categorical" or f.value_labels is None:
            continue  # (not binned: ``notes.bins_note`` reads bins the same way)
        names = np.asarray(f.value_labels, dtype=object)
        if codes is None:
            bins = pd.Series([], dtype=str, index=frame.index)
        else:
            at = np.clip(codes[:, schema.index(name)].astype(np.int64), 0, len(names) - 1)
            bins = pd.Series(names[at], dtype=str, index=frame.index)
        shown = (labels or {}).get(name, name)
        frame.insert(list(frame.columns).index(shown) + 1, own(f"{name} bin"), bins)
    return frame


def _classes_held(names: tuple[str, ...], values: tuple[Any, ...] | None) -> np.ndarray:
    """The classes as the model holds them (a model fitted on ``True``/``False`` or 0/1
    answers those: ``findings()["prediction"] == True`` selects its rows), where they are
    the names read (``str(value) == name``); the names otherwise (the data's label names
    given to a model of indices)."""
    if values is not None and [str(v) for v in values] == list(names):
        return np.asarray(values)
    return np.asarray(names, dtype=object)


def relabelled(rows: Iterable[dict[str, Any]], labels: dict[str, Any]) -> list[dict[str, Any]]:
    """The summary's rows (``regions``, ``direction``, ``verdict``, ``exact``) under the
    user's own column ``labels`` (``pd.DataFrame(X)``'s whole numbers, as ``findings()`` gives
    them): their ``attribute`` and the keys of their ``conditions``, ``values`` and
    ``witnesses``; the rules' text (``2 >= 38``) and the values are left as they are."""
    if not labels:
        return list(rows)

    def keys(item: Any) -> Any:
        if isinstance(item, dict):
            return {labels.get(k, k): v for k, v in item.items()}
        if isinstance(item, list):
            return [keys(x) for x in item]
        return item

    out: list[dict[str, Any]] = []
    for row in rows:
        row = dict(row)
        if isinstance(row.get("attribute"), str):
            row["attribute"] = labels.get(row["attribute"], row["attribute"])
        for key in ("conditions", "values", "witnesses"):
            if key in row:
                row[key] = keys(row[key])
        out.append(row)
    return out


class _Own:
    """The name of one of assay's own columns, moved aside (``NAME (assay)``, then
    ``NAME (assay 2)``, ...) when the data has a column of that name: inserting ``idi``
    beside a feature ``idi`` raised a bare ``ValueError`` (exit 5 for ``--export``), and a
    feature ``prediction`` was overwritten by the model's answers."""

    def __init__(self, features: list[str]) -> None:
        self.features = {str(f) for f in features}
        self.given: dict[str, str] = {}

    def __call__(self, name: str) -> str:
        if name not in self.given:
            taken = self.features | set(self.given.values())
            moved, n = name, 1
            while moved in taken:
                moved = f"{name} (assay)" if n == 1 else f"{name} (assay {n})"
                n += 1
            self.given[name] = moved
        return self.given[name]


def _empty(schema: Schema, columns: list[str], chances: list[str], dtypes: dict[str, Any]) -> Any:
    """A frame of no IDI in the dtypes a frame of IDIs has: ``idi`` and ``variant`` whole
    numbers, ``generated`` booleans, each column in the user's own dtype (else its kind's),
    the probabilities floats (every column was ``object``: a clean run's frame, concatenated
    with a run's IDIs, turned their ``Int64``, ``category`` and ``bool`` columns to objects)."""
    import pandas as pd

    kinds = {"integer": "int64", "continuous": "float64"}
    typed: dict[str, Any] = dict(zip(columns[:3], ("int64", "int64", bool), strict=True))
    for feature in schema.features:
        typed[feature.name] = kinds.get(feature.kind, object)
    typed.update({name: "float64" for name in chances})
    frame = pd.DataFrame({name: pd.Series(dtype=typed.get(name, object)) for name in columns})
    for name in chances:
        frame[name] = pd.Series(dtype="float64")
    return _in_dtypes(frame, dtypes)


def _in_dtypes(frame: Any, dtypes: dict[str, Any]) -> Any:
    """Each column in the dtype of the user's own DataFrame (nullable ``Int64``, a
    ``category`` with its categories and order, ``boolean``, ``string``) where its values
    fit it; a column they do not fit (a bin's median in an integer column, a value of the
    schema's range outside the column's categories) as decoded."""
    import pandas as pd

    for name in frame.columns:
        dtype = dtypes.get(str(name))
        if dtype is None or frame[name].dtype == dtype:
            continue
        if isinstance(dtype, pd.CategoricalDtype) and not (
            frame[name].dropna().isin(dtype.categories).all()
        ):  # (cast, they were lost with a pandas warning: a future pandas raises)
            continue
        try:
            typed = frame[name].astype(dtype)
        except (TypeError, ValueError):
            continue
        if typed.isna().sum() == frame[name].isna().sum():  # no value lost (a category)
            frame[name] = typed
    return frame
