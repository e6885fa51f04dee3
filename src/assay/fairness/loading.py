"""Setting up a fairness run: load the model, the data and the schema (from files, from
arguments, or from a stored run's record) and check that they fit together.

Part of the technique's shell (see ``fairness.api``): it may import ``models`` and
``datasets``.
"""

from __future__ import annotations

import hashlib
import os
import sys
from collections.abc import Callable, Sequence
from dataclasses import replace
from typing import Any

import numpy as np

from assay.core.calls import DEFAULT_CALL_TIMEOUT, WatchedCaller
from assay.core.deadline import time_left
from assay.core.display import listed
from assay.core.extras import pip_install
from assay.core.paths import absolute_spec
from assay.core.redact import is_redacted, redact_text
from assay.core.runinfo import stored_serving
from assay.core.store import RunRecord
from assay.core.terminal import shell_word
from assay.core.workdir import held
from assay.errors import AssayError, UsageError
from assay.fairness.amounts import PROBE_ROWS, amounts_at_loading
from assay.fairness.bins import apply_bins, bin_schema, parse_protected
from assay.fairness.columns import (
    column_names,
    dropped,
    infer_columns,
    may_declare,
    model_text_columns,
    numbered,
    select_declared,
    unknown_protected,
)
from assay.fairness.cutoff_labels import refuse_outcomes
from assay.fairness.encoded import EncodedModel
from assay.fairness.favourable_given import AS_BOOLS
from assay.fairness.form import InputForm
from assay.fairness.frame_dtypes import frame_dtypes, merged_steady
from assay.fairness.incomplete import (
    ROWS_ATTR,
    Empty,
    Incomplete,
    check_missing,
    empty_cells,
    set_aside_incomplete,
    steady_dtypes,
)
from assay.fairness.known_classes import ClassWatch, known_of
from assay.fairness.label_forms import dotted_class
from assay.fairness.label_like import label_like_note
from assay.fairness.listed import add_listed
from assay.fairness.object_numbers import numbers_as_numbers
from assay.fairness.real_args import real_numbers
from assay.fairness.row_lines import FileLines
from assay.fairness.schema import Schema
from assay.fairness.search import DEFAULT_STRATEGY
from assay.fairness.setup import FairnessSetup
from assay.fairness.single_valued import encoder_values_said
from assay.fairness.tables import (
    CONVERTED_ATTR,
    LINE_ATTR,
    NUMBERS_ATTR,
    READ_ATTR,
    SOURCE_ATTR,
    WRITTEN_ATTR,
)
from assay.fairness.technique import FairnessTest, check_protected
from assay.fairness.unknown_refused import refuse_unknown
from assay.fairness.unread_columns import unread_hint
from assay.fairness.verdict import near_class
from assay.fairness.written_names import (
    as_written,
    near_names,
    schema_as_written,
    unicode_form,
)
from assay.models import probed
from assay.models.class_scores import read_scores
from assay.models.cutoff import cutoff_names, decided
from assay.models.http import ServingOptions

__all__ = [
    "frame_digest",
    "in_memory_data",
    "refuse_beside_dataset",
    "setup_fairness",
    "setup_from_record",
]


def refuse_beside_dataset(
    dataset: str | None, *, schema: Any = None, label: Any = None, drop: Any = None
) -> None:
    """Refuse the options about the user's own rows beside a built-in ``dataset``, which
    brings its own schema, labels and columns: the run would go on without them, and its
    rerun command repeat them as if they had counted (``--dataset german --schema x.yaml``
    tested german's schema)."""
    if dataset is None:
        return
    if isinstance(schema, str | os.PathLike):
        raise UsageError(
            f"the built-in dataset {dataset!r} brings its own schema: leave --schema out, or "
            "give your own rows with --data (a schema file describes those)",
            argument="--schema",
        )
    if isinstance(label, str) and label.strip():
        raise UsageError(
            f"the built-in dataset {dataset!r} brings its own labels (its group metrics read "
            "them): leave --label out (it names a column of your own rows, --data)",
            argument="--label",
        )
    if column_names(drop, "--drop"):
        raise UsageError(
            f"the built-in dataset {dataset!r} is tested as it is encoded, every column: "
            "leave --drop out, or give your own rows with --data (it sets their columns aside)",
            argument="--drop",
        )


def _protected_specs(
    protected: str | Sequence[str] | None, columns: Sequence[str] = ()
) -> list[str]:
    """The protected attributes as given, one string each (``age:bins=25,40,60``): what a
    resume gives ``setup_fairness`` again."""
    names, bins = parse_protected(protected, columns)
    return [
        f"{n}:bins={','.join(f'{e:g}' for e in bins[n].edges)}" if n in bins else n for n in names
    ]


def _read(reader: Callable[[Any], Any], path: Any, argument: str) -> Any:
    """``reader(path)``; whatever goes wrong reading a user's file is that file's problem
    (a usage error naming it), not a crash."""
    try:
        return reader(path)
    except (AssayError, OSError, MemoryError, KeyboardInterrupt):
        raise
    except Exception as exc:
        text = " ".join(str(exc).split())[:300]
        raise UsageError(
            f"cannot read it: {type(exc).__name__}: {text}", argument=argument, path=str(path)
        ) from exc


def _too_big(path: Any, exc: MemoryError) -> str:
    """Why a data file that does not fit in memory was not loaded (the file's size, not a
    bug of assay's)."""
    try:
        size = f"{os.path.getsize(path):,} bytes"
    except (OSError, TypeError):
        size = "its size unknown"
    packed = str(path).lower().endswith((".gz", ".parquet", ".pq", ".feather", ".arrow", ".ipc"))
    return (
        f"loading the data ran out of this machine's memory ({size}"
        + (", compressed: it inflates to far more" if packed else "")
        + f"; {' '.join(str(exc).split())[:200] or 'MemoryError'}); give a sample of its "
        "rows"
    )


def _listed_unheld(schema: Schema, dtypes: dict[str, Any]) -> str:
    """Said beside a one-valued protected ``category`` column whose dtype lists values no
    row holds (``F`` held, ``M`` listed: a filter left them out)."""
    for name in schema.protected:
        feature = schema.feature(name)
        categories = getattr(dtypes.get(name), "categories", None)
        if categories is None or feature.n_values is None or feature.n_values >= 2:
            continue
        held = {str(c) for c in feature.categories or ()}
        unheld = [repr(str(c)) for c in categories if str(c) not in held]
        if unheld:
            return (
                f" (its dtype also lists {', '.join(unheld[:5])}, which no row holds: a "
                "filter or a sample left them out?)"
            )
    return ""


def _one_valued(schema: Schema) -> tuple[str, ...]:
    """The protected attributes taking fewer than two values."""
    return tuple(
        name
        for name in schema.protected
        if (n := schema.feature(name).n_values) is not None and n < 2
    )


def _data_path(data: Any, model: Any = None) -> str | os.PathLike[str]:
    """``data`` when it names a file; anything else but a DataFrame is refused by its type
    (an array's values are never printed: it has no column names to test by); an array as
    wide as the columns the model was fitted on is told to take them."""
    if isinstance(data, str | os.PathLike):
        return data
    shape = getattr(data, "shape", None)
    what = type(data).__name__ + (f" of shape {tuple(shape)}" if shape is not None else "")
    fitted = getattr(model, "feature_names_in_", None)
    if callable(getattr(data, "collect", None)):  # a polars LazyFrame: a query, no rows
        way = "collect its rows first (data=lazy_frame.collect())"
    elif callable(getattr(data, "read_all", None)):  # a pyarrow RecordBatchReader: a stream
        way = "read its batches first (data=reader.read_all(), a pyarrow Table)"
    elif fitted is not None and shape is not None and len(shape) == 2 and shape[1] == len(fitted):
        shown = ", ".join(str(c) for c in list(fitted)[:8]) + (", ..." if len(fitted) > 8 else "")
        way = (
            f"the model was fitted on a DataFrame of {len(fitted)} named columns ({shown}; "
            "its feature_names_in_): give the rows in them, "
            "data=pandas.DataFrame(array, columns=model.feature_names_in_), if the array's "
            "columns are in that order"
        )
    else:
        way = (
            "give a pandas DataFrame with named columns "
            "(`pandas.DataFrame(array, columns=[...])`) or the path of a data file"
        )
    raise UsageError(f"data is a {what}: {way}", argument="data")


def _as_frame(data: Any) -> Any:
    """``data`` as a pandas DataFrame: one already, or a table that converts itself
    (``to_pandas()``: a pyarrow Table, a polars DataFrame); None for anything else."""
    import pandas as pd

    if isinstance(data, pd.DataFrame):
        return data
    convert = getattr(data, "to_pandas", None)
    if not callable(convert) or isinstance(data, str | os.PathLike):
        return None
    try:
        frame = convert()
    except ImportError as exc:  # polars converts through pyarrow, an extra: column by column
        columns = getattr(data, "to_dict", None)
        if not callable(columns):
            raise UsageError(
                f"data is a {type(data).__name__} that converts to pandas only with a "
                f"package missing here ({exc}): {pip_install('pyarrow')}, or pass a pandas "
                "DataFrame",
                argument="data",
            ) from None
        frame = pd.DataFrame(columns(as_series=False))
    if not isinstance(frame, pd.DataFrame):
        return None
    # (its rows: no index, said by number; its package names the advice: polars.DataFrame)
    frame.attrs[CONVERTED_ATTR] = f"{type(data).__module__.split('.')[0]}.{type(data).__name__}"
    return frame


def _index_as_columns(frame: Any, names: Sequence[Any]) -> Any:
    """``frame`` with the levels of its index that ``names`` names (a protected attribute,
    the label) as its first columns: a frame indexed by ``set_index(["id", "sex"])``, or a
    Parquet file written from one (pandas reads its index back as one), was refused, "'sex'
    is not a column"; the user's frame itself is not changed."""
    levels = [str(n) for n in frame.index.names if n is not None]
    wanted = {str(n) for n in names if n is not None}
    columns = {str(c) for c in frame.columns}
    taken = [n for n in levels if n in wanted and n not in columns]
    if not taken:
        return frame
    return frame.reset_index(level=[n for n in frame.index.names if str(n) in taken])


def _innermost(model: Any) -> Any:
    while hasattr(model, "inner"):
        model = model.inner
    return model


def _check_label(label: Any) -> None:
    """``label`` names a column of the data: the true labels themselves (scikit-learn's
    ``y``, an array or Series) were refused quoting their whole repr as a column's name."""
    if label is None or (isinstance(label, str | int | np.integer) and not isinstance(label, bool)):
        return
    if not hasattr(label, "__len__"):
        raise UsageError(
            f"label names a column of the data (its true labels), not {label!r}",
            argument="--label",
        )
    what = f"a {type(label).__name__} of {len(label):,} values"
    raise UsageError(
        f"label names the data's column of true labels, not the labels themselves ({what}); "
        "add them to the data as a column and name it: data=df.assign(outcome=y), "
        "label='outcome'",
        argument="--label",
    )


def _dataset_labels(
    target: np.ndarray,
    label_names: tuple[str, ...],
    class_names: tuple[str, ...] | None,
    dataset: str,
) -> tuple[np.ndarray | None, str | None]:
    """A built-in dataset's true labels (class indices) as the model names its classes: by
    the dataset's label names ('<=50K') when the model answers those, as they are when it
    answers indices or names them '0', '1'; else none, and why (the user gave no labels: a
    model whose classes are named otherwise, 'no'/'yes', is tested all the same, without the
    group metrics that compare them)."""
    if not class_names:
        return target, None
    names = np.asarray(label_names, dtype=object)[np.asarray(target, dtype=np.int64)]
    if set(label_names) <= set(class_names):
        return names, None
    if {str(int(v)) for v in np.unique(target)} <= set(class_names):
        return target, None
    return None, (
        f"The model's classes ({', '.join(class_names)}) are not the built-in dataset "
        f"{dataset}'s labels ({', '.join(label_names)}): the group metrics, which compare the "
        "model's answers with those labels, are left out"
    )


def _coded_classes(key: str, class_names: tuple[str, ...]) -> str:
    """Why a label named in words meets classes that are numbers: the labels were encoded
    before fitting (XGBoost takes only 0 to K-1), and the way to give them."""
    if not all(n.lstrip("-").isdigit() for n in class_names) or key.lstrip("-").isdigit():
        return ""
    return (
        " (numbers: the model was fitted on labels encoded as numbers, as XGBoost needs, "
        "and the data's labels are names); give a label column of the model's numbers "
        "(the codes its labels were fitted as, e.g. LabelEncoder's: "
        "frame[label] = encoder.transform(frame[label])), or leave the label out"
    )


def _labels_to_indices(
    values: np.ndarray, class_names: tuple[str, ...] | None, column: str | None = None
) -> np.ndarray:
    """True labels as class indices of the model (by class name when the model has names);
    ``column``: the data's label column, named when a value is refused."""
    import pandas as pd

    missing = np.flatnonzero(pd.isna(values))
    if missing.size:  # (cast to int64, NaN was a made-up class: -9223372036854775808)
        raise UsageError(
            f"the true label of row {missing[0] + 1} is missing ({missing.size:,} of "
            f"{len(values):,} rows have none); set them aside with --missing drop, or give "
            "them their label",
            argument="--label",
        )
    if class_names:
        lookup = {name: i for i, name in enumerate(class_names)}
        out = np.empty(len(values), dtype=np.int64)
        for i, v in enumerate(values):
            key = str(v.item() if isinstance(v, np.generic) else v)
            if key not in lookup and key in AS_BOOLS and AS_BOOLS[key] in lookup:
                key = AS_BOOLS[key]  # (True against 0/1: XGBoost fitted on bools has 0, 1)
            elif key not in lookup and key.endswith(".0") and key[:-2] in lookup:
                key = key[:-2]
            elif key not in lookup and f"{key}.0" in lookup:
                key = f"{key}.0"  # (a model fitted on a label column read as floats: 0.0, 1.0)
            if key not in lookup:
                named = "" if column is None else f", column {column!r}"
                raise UsageError(
                    f"label value {key!r} (row {i + 1}{named}) is not one of the model's "
                    f"classes: {', '.join(map(listed, class_names))}"
                    + _coded_classes(key, class_names)
                    + dotted_class(key, class_names, column)
                    + near_class(key, class_names, lambda _: "give the label column its names"),
                    argument="--label",
                )
            out[i] = lookup[key]
        return out
    try:
        return np.asarray(values).astype(np.int64)
    except (TypeError, ValueError):
        seen = sorted({str(v) for v in values[:10_000]})
        shown = ", ".join(repr(v) for v in seen[:5]) + (", ..." if len(seen) > 5 else "")
        raise UsageError(
            f"label values ({shown}) are names, but the model does not name its classes: "
            "it answers class indices, so which name is which index is unknown; name them in "
            "the model's order (a callable: `function.classes_ = [...]`), or give a --label "
            "column of class indices (integers)",
            argument="--label",
        ) from None


class _ReadAsText(Exception):
    """The model was fitted on these columns as text, and the data file was read with numbers
    there: read it again, those columns as text."""

    def __init__(self, columns: tuple[str, ...]) -> None:
        super().__init__(", ".join(columns))
        self.columns = columns


class _DeclaredLevels(Exception):
    """The model declares these columns (``feature_names_in_``) and they are index levels of
    the data: read it again, those levels as columns."""

    def __init__(self, columns: tuple[str, ...]) -> None:
        super().__init__(", ".join(columns))
        self.columns = columns


def _levels(frame: Any) -> list[str]:
    names = getattr(getattr(frame, "index", None), "names", None) or ()
    return [str(n) for n in names if n is not None]


def _declared_levels(declared: Sequence[str], columns: Sequence[str], levels: list[str]) -> None:
    """Raise ``_DeclaredLevels`` for the index levels of the data (``levels``, those not read
    as columns) that the model declares as features: a frame indexed by ``set_index(["id",
    "age"])`` with ``age`` a feature was refused as a missing column."""
    have = set(columns)
    taken = tuple(n for n in levels if n in set(declared) and n not in have)
    if taken:
        raise _DeclaredLevels(taken)


def setup_fairness(model: Any = None, **options: Any) -> FairnessSetup:
    """Load the model, data and schema, and check that they fit together (``_setup`` says
    how); a data file is read again with the columns the model was fitted on as text
    (``model_text_columns``) read as text, said in a note, and the data's index levels the
    model declares as features read as columns.  The caller's folder is held
    (``core.workdir``): a model file that chdirs at import leaves the caller where it was."""
    again: dict[str, Any] = {}
    try:
        with held():
            for _ in range(3):  # (text columns, index levels, the text columns among them)
                try:
                    return _setup(model, **options, **again)
                except _ReadAsText as read:
                    again["text_columns"] = (*again.get("text_columns", ()), *read.columns)
                except _DeclaredLevels as levels:
                    again["index_columns"] = (*again.get("index_columns", ()), *levels.columns)
            return _setup(model, **options, **again)
    except MemoryError as exc:  # (a 10 MB .csv.gz of 200,000,000 rows: exit 5, "a bug")
        data = options.get("data")
        if not isinstance(data, str | os.PathLike):
            raise
        raise UsageError(_too_big(data, exc), argument="--data", path=str(data)) from None


def _timed(call_timeout: float | None) -> Callable[[Callable[[], Any]], Any]:
    """What runs a call loading makes of the model beyond its probe (loading's 64 inputs)
    under ``--call-timeout`` and the run's time, as every other model call (a model hanging
    on them hung loading, past --call-timeout)."""

    def run(call: Callable[[], Any]) -> Any:
        caller = WatchedCaller(call_timeout=call_timeout, time_left=time_left())
        try:
            return caller.submit(call).result()
        finally:
            caller.close()

    return run


def _polars_probe(model: Any, rows: np.ndarray, call_timeout: float | None) -> None:
    """``model.polars_if_needed(rows)`` under ``--call-timeout`` and the run's time, as every
    other model call (a model hanging on its probe rows hung the run)."""
    caller = WatchedCaller(call_timeout=call_timeout, time_left=time_left())
    try:
        caller.submit(lambda: model.polars_if_needed(rows)).result()
    finally:
        caller.close()


def _setup(
    model: Any = None,
    *,
    data: Any = None,
    dataset: str | None = None,
    schema: Schema | str | os.PathLike[str] | None = None,
    protected: str | Sequence[str] | None = None,
    label: str | None = None,
    strategy: str = DEFAULT_STRATEGY,
    threshold: float | None = None,
    cutoff: float | None = None,
    start: str = "auto",
    estimate: bool = False,
    precision: float = 0.005,
    model_type: str | None = None,
    optimize: str = "auto",
    allow_pickle: bool = False,
    trust: Sequence[str] = (),
    output: str | None = None,
    classes: Any = None,
    call_timeout: float | None = DEFAULT_CALL_TIMEOUT,
    serving: ServingOptions | dict[str, Any] | None = None,
    encoding: str = "utf-8",
    drop: str | Sequence[str] | None = None,
    text_columns: tuple[str, ...] = (),
    missing: str = "refuse",
    index_columns: tuple[str, ...] = (),
) -> FairnessSetup:
    """Load the model, data and schema, and check that they fit together.

    ``drop``: columns of the data that are not inputs of the model (an id, a timestamp),
    set aside before anything else.  ``missing``: rows of the data with an empty value are
    refused ("refuse", the default: the error names the first), set aside ("drop", counted
    and said: ``FairnessSetup.incomplete``), or tested ("value": each column with an empty
    cell takes "missing" as one more value, given to the model as NaN:
    ``FairnessSetup.empty``).  Without ``drop``, columns the model itself
    declares it does not take (a scikit-learn model's ``feature_names_in_``, an ONNX graph's
    one input per column) are set aside when the schema is inferred from the data, and said
    so (``FairnessSetup.set_aside``); a model that names none of its columns keeps every one.

    ``call_timeout``: seconds the model may take to answer the probe call made while loading.
    ``serving``: how to talk to a served model (``assay.models.http.ServingOptions``).
    ``encoding``: the text encoding of a data file (decoded strictly; default UTF-8).
    ``classes``: the model's class names in order (``["no", "yes"]``, or ``"no,yes"`` as
    ``--classes``) for an endpoint or ONNX graph answering labels by name; or their number.
    """
    from assay.datasets import load_dataset
    from assay.fairness.tables import check_encoding
    from assay.fairness.tabular_io import _Where, check_data, load_schema, read_table
    from assay.models import load_model
    from assay.models.classes import declared_count_or_names

    real_numbers(threshold=threshold, precision=precision)  # before anything is loaded
    check_encoding(encoding)
    check_missing(missing)
    _check_label(label)
    if missing != "refuse" and data is None:
        raise UsageError(
            "--missing is about the rows of --data; there is none (give --data FILE)",
            argument="--missing",
        )
    n_classes, class_names = declared_count_or_names(classes)

    invocation: dict[str, Any] = {
        # paths as absolute: a resume may run in another directory
        "model": absolute_spec(model) if isinstance(model, str) or model is None else None,
        "data": absolute_spec(data) if isinstance(data, str | os.PathLike) else None,
        "dataset": dataset,
        "schema": absolute_spec(schema) if isinstance(schema, str | os.PathLike) else None,
        "protected": _protected_specs(protected),
        "label": label,
        "strategy": strategy,
        "optimize": optimize,
        "threshold": threshold,
        "cutoff": cutoff,
        "start": start,
        "estimate": estimate,
        "precision": precision,
        "model_type": model_type,
        "allow_pickle": allow_pickle,
        "trust": list(trust),
        "output": output,
        "classes": list(class_names) if class_names is not None else n_classes,
        "encoding": encoding,
        "drop": list(column_names(drop, "--drop")),
        "missing": missing,
    }
    serving_opts = (
        serving
        if isinstance(serving, ServingOptions) or serving is None
        else ServingOptions.from_json(serving)
    )
    if serving_opts is not None:
        invocation["serving"] = serving_opts.to_json()  # header variable names, never values
    names, bins = parse_protected(protected)
    if bins and data is None:
        name = next(iter(bins))
        raise UsageError(
            f"bins of {name!r} need --data: each bin is given to the model as the median of "
            "the data's values inside it"
            + (
                "; a built-in dataset is tested as it is encoded: give --protected "
                f"{shell_word(name)} "
                "(every value of it), or your own rows with --data and your model"
                if dataset is not None
                else ""
            ),
            argument="--protected",
        )
    estimator: Any = None
    train = holdout = None
    probe_answers: list[tuple[Any, Any]] = []  # (what loading's probe was answered)
    probe: Any = None  # (loading's first inputs, decoded)
    labels_raw: np.ndarray | None = None
    context_rows: np.ndarray | None = None
    label_names: tuple[str, ...] | None = None
    encoded: np.ndarray | None = None
    frame: Any = None
    user_dtypes: dict[str, Any] = {}
    user_columns: dict[str, Any] = {}
    read_as_numbers: dict[str, str] = {}
    written_as: dict[str, Any] = {}  # how the CSV read was written (--export likewise)
    unusable: dict[str, UsageError] = {}  # inferred columns that are no feature (an id, ...)
    incomplete: Incomplete | None = None  # rows with an empty value set aside (--missing drop)
    empty: Empty | None = None  # the empty cells tested as a value (--missing value)
    index_levels: list[str] = []  # the data's index levels kept as its index
    if dataset is not None and data is not None:
        raise UsageError("give --data or --dataset, not both", argument="--dataset")
    if dataset is not None:
        ds = load_dataset(dataset)
        the_schema = ds.schema if not names else ds.schema.with_protected(names)
        if isinstance(schema, Schema):
            the_schema = schema
        encoded, labels_raw = ds.X, np.asarray(ds.target)
        label_names = tuple(ds.label_names)
        source: dict[str, Any] = {"dataset": dataset, "rows": len(encoded)}
    elif data is not None:
        frame = _as_frame(data)
        # (a frame's index levels may hold them, and the columns the model declares)
        in_index = [*names, label, *index_columns]
        if frame is not None:  # the user's own DataFrame: its findings come back in its dtypes
            index_levels = _levels(frame)
            frame = numbers_as_numbers(_index_as_columns(frame, in_index))  # (df.values)
            user_dtypes = {str(c): t for c, t in frame.dtypes.items()}
            user_columns = {
                str(c): c
                for c in frame.columns
                if isinstance(c, int | np.integer) and not isinstance(c, bool)
            }
        if frame is None:
            frame = _read(
                lambda p: read_table(p, encoding=encoding, text=text_columns),
                _data_path(data, model),
                "--data",
            )
            index_levels = _levels(frame)
            frame = _index_as_columns(frame, in_index)  # (a Parquet file's pandas index)
            read_as_numbers = dict(frame.attrs.get(NUMBERS_ATTR, {}))
            written_as = dict(frame.attrs.get(WRITTEN_ATTR, {}))
            # a file's own categories (Parquet keeps them): findings and notes read them
            user_dtypes = {
                str(c): t for c, t in frame.dtypes.items() if getattr(t, "name", "") == "category"
            }
        src = str(data) if isinstance(data, str | os.PathLike) else "data"
        written = [str(c) for c in frame.columns]
        if isinstance(protected, str):  # (a header's own comma: "Geschlecht (m,w)")
            names, bins = parse_protected(protected, written)
            invocation["protected"] = _protected_specs(protected, written)
        names = tuple(unicode_form(n, written) for n in names)  # (a macOS header's é)
        bins = {  # (the bins' own name too: the schema's feature is named by it)
            unicode_form(n, written): replace(b, name=unicode_form(n, written))
            for n, b in bins.items()
        }
        if isinstance(label, str):
            label = unicode_form(label, written)
        aside = tuple(unicode_form(n, written) for n in column_names(drop, "--drop"))
        frame = dropped(frame, aside, names, src)
        if missing == "drop":
            frame, incomplete = set_aside_incomplete(frame, src)
        frame, bins = apply_bins(frame, bins, src)
        if missing == "value":  # (a binned column's empty cell was refused by its bins)
            empty = empty_cells(frame, () if label is None else (str(label),))
            frame = empty.frame
        if label is not None:
            by_name = {str(c): c for c in frame.columns}
            label = str(label)  # an integer column name goes by its text, like the others
            if label not in by_name:
                raise UsageError(
                    f"label column {label!r} is not a column of {src}; columns are: "
                    f"{', '.join(by_name)}",
                    argument="--label",
                )
            labels_raw = frame[by_name[label]].to_numpy()
        if schema is not None:  # (its names in the header's Unicode form: a macOS header's é)
            loaded = (
                schema if isinstance(schema, Schema) else _read(load_schema, schema, "--schema")
            )
            loaded = schema_as_written(loaded, written)
            the_schema = loaded if not names else bin_schema(loaded, bins).with_protected(names)
        else:
            plain = tuple(n for n in names if n not in bins)  # binned: categories of bins
            the_schema, unusable = infer_columns(
                frame, plain, label, may_declare=may_declare(model)
            )
            the_schema = bin_schema(the_schema, bins).with_protected(names)
        ignored = [*([label] if label else []), *unusable]  # not features of the model
        if empty is not None:
            the_schema = empty.marked(the_schema)
        encoded = check_data(the_schema, frame, source=src, ignore=ignored, dtype=None)
        if empty is not None:
            encoded = empty.place(the_schema, encoded)
        source = {"data": src, "rows": len(encoded)}
    elif drop is not None and column_names(drop, "--drop"):
        raise UsageError("there is no data to drop columns from: give --data", argument="--drop")
    elif schema is not None:
        loaded = schema if isinstance(schema, Schema) else _read(load_schema, schema, "--schema")
        if isinstance(protected, str):  # (a column's own comma)
            names, bins = parse_protected(protected, loaded.names)
            invocation["protected"] = _protected_specs(protected, loaded.names)
        the_schema = loaded if not names else loaded.with_protected(names)
        source = {"schema": invocation["schema"] or "in memory"}
    else:
        raise UsageError(
            "describe the input space: give --data FILE, --dataset NAME or --schema FILE",
            argument="--data",
        )
    if not the_schema.protected:
        raise UsageError(
            f"name the protected attribute(s); columns are: {', '.join(the_schema.names)}",
            argument="--protected",
        )
    try:
        check_protected(the_schema)
    except UsageError as exc:
        listed = _listed_unheld(the_schema, user_dtypes) + encoder_values_said(
            model,
            _one_valued(the_schema),
            model_type=model_type,
            load=lambda path: load_model(
                path, model_type=model_type, allow_pickle=allow_pickle, trust=tuple(trust)
            ),
        )
        if incomplete is None and listed:
            raise UsageError(f"{exc.bare_message}{listed}", argument=exc.argument) from None
        if incomplete is None:
            raise
        raise UsageError(  # the rows set aside may have held the other values
            f"{exc.bare_message} (--missing drop set aside {incomplete.rows:,} of the "
            f"{incomplete.of:,} rows, those with an empty value: fill them, or --drop the "
            f"column that empties them: {incomplete.by_column[0][0]})",
            argument=exc.argument,
        ) from None

    by_position: tuple[str, ...] | None = None  # columns fed in order to a model naming none
    undeclared = False  # (a model naming none of its columns: given every column of the data)
    set_aside: tuple[str, ...] = ()  # data columns the model declares it does not take
    if model is None or (isinstance(model, str) and model.startswith("builtin:")):
        kind = "tree" if model is None else model.split(":", 1)[1]
        if dataset is None or encoded is None or labels_raw is None:
            raise UsageError(
                "a built-in model is trained on a built-in dataset: give --dataset, or a MODEL",
                argument="MODEL",
            )
        from assay.builtin_models import train_builtin

        rng = np.random.default_rng(0)
        order = rng.permutation(len(encoded))
        cut = int(0.7 * len(order))
        tr, te = order[:cut], order[cut:]
        strings = [
            j
            for j, f in enumerate(the_schema.features)
            if f.kind == "categorical" and any(isinstance(c, str) for c in f.categories or ())
        ]
        estimator = train_builtin(
            kind, the_schema.decode(encoded[tr]), labels_raw[tr], categorical=strings
        )
        context_rows = te
        train = (encoded[tr], labels_raw[tr].astype(np.int64))
        holdout = (encoded[te], labels_raw[te].astype(np.int64))
        raw_model = load_model(estimator)
        invocation["model"] = f"builtin:{kind}"
    else:
        given = getattr(model, "feature_names_in_", None)  # an estimator object: before its probe
        if given is not None:
            given = as_written([str(c) for c in given], the_schema.names, model)
            _declared_levels(given, the_schema.names, index_levels)
        the_schema, encoded = _model_order(the_schema, encoded, given)
        if given is not None:
            _check_names([str(c) for c in given], the_schema.names, schema_file=schema)
        probe_rows = (
            encoded[:2]
            if encoded is not None
            else the_schema.sample_uniform(np.random.default_rng(0), 2)
        )
        if serving_opts is not None and serving_opts.columns is None:
            serving_opts = replace(serving_opts, columns=tuple(the_schema.names))
        probe = the_schema.decode(probe_rows)
        with probed.keeping() as probe_answers:  # (a callable's: read by models.cutoff)
            raw_model = load_model(
                model,
                model_type=model_type,
                allow_pickle=allow_pickle,
                trust=tuple(trust),
                output=output,
                n_classes=n_classes,
                classes=class_names,
                columns=tuple(the_schema.names),
                dtypes=frame_dtypes(the_schema, user_dtypes),
                probe=probe,
                call_timeout=call_timeout,
                serving=serving_opts,
            )
        inner = _innermost(raw_model)
        estimator = getattr(inner, "estimator", None)
        if isinstance(data, str | os.PathLike) and schema is None and not text_columns:
            numbers = [
                c
                for c in model_text_columns(estimator)
                if c in the_schema.names and not _is_text(the_schema.feature(c))
            ]
            if numbers:
                raise _ReadAsText(tuple(numbers))
        fitted = _fitted_names(inner, estimator)
        if fitted is not None:
            fitted = as_written(fitted, the_schema.names, inner if estimator is None else estimator)
            _declared_levels(fitted, the_schema.names, index_levels)
        if schema is None and data is not None:
            the_schema, encoded, set_aside = select_declared(
                the_schema, encoded, fitted, unusable, estimator
            )
        the_schema, encoded = _model_order(the_schema, encoded, fitted)
        if fitted is not None:
            _check_names(fitted, the_schema.names, schema_file=schema)
        framed = getattr(getattr(inner, "fn", None), "frame_columns", None)  # by name
        undeclared = fitted is None or numbered(fitted)
        if undeclared and len(the_schema.names) > 1 and not framed:
            by_position = tuple(the_schema.names)
    raw_model = decided(raw_model, cutoff, threshold, estimator, probe_answers, probe)
    scores_read = None  # (several numbers per input, no classes declared: read as logits)
    if cutoff is None:
        scores_read = read_scores(
            raw_model,
            probe,
            probe_answers,
            declared=n_classes is not None or class_names is not None,
            rows=lambda: the_schema.decode(_probe_rows(the_schema, encoded)),
            timed=_timed(call_timeout),
        )
    if estimator is not None:  # (an encoder refusing a value: said before any run)
        refuse_unknown(
            estimator, the_schema, encoded, None if frame is None else _Where(frame, None)
        )
    unknown = unknown_protected(estimator, the_schema) if estimator is not None else {}
    form = InputForm.of(estimator, frame) if estimator is not None else InputForm()
    inner_model = _innermost(raw_model)
    _steady_missing(inner_model, the_schema)
    if form.columns is not None and getattr(inner_model, "feature_names", None) is not None:
        inner_model.feature_names = list(form.columns)  # LightGBM's 'a_b' given as 'a b'
    if form.dtypes is not None and hasattr(inner_model, "dtypes"):
        # every call gets the user's dtypes, as the model was fitted on
        inner_model.dtypes = dict(zip(form.columns or (), form.dtypes, strict=True))
    if encoded is not None and hasattr(inner_model, "polars_if_needed"):  # (polars_note)
        if type(data).__module__.split(".")[0] == "polars":  # asked at once: said before
            _polars_probe(inner_model, the_schema.decode(encoded[:2]), call_timeout)
        elif "polars" in sys.modules:  # (imported by the model's module, or the caller's)
            inner_model.polars_fallback = True
    if raw_model.capabilities.modality != "tabular":
        raise UsageError(
            "the fairness search needs a tabular model; this one is "
            f"{raw_model.capabilities.modality}",
            argument="MODEL",
        )
    if threshold is not None and raw_model.capabilities.outputs != "proba":
        raise UsageError(
            "a probability threshold needs a model that returns probabilities; this model "
            "returns labels only",
            argument="--threshold",
        )
    width = getattr(_innermost(raw_model), "n_features", None)
    if isinstance(width, int) and width != len(the_schema):
        raise UsageError(
            f"the model takes {width} features but the schema has {len(the_schema)}: "
            f"{', '.join(the_schema.names)}"
            + _width_hint(
                the_schema, estimator, from_data=schema is None, labelled=label is not None
            ),
            argument="--schema" if schema is not None else "--data",
        )
    loading_answer: tuple[Any, np.ndarray] | None = None  # (rows, answer) a watch checks
    if cutoff is None and n_classes is None and _undeclared_wholes(raw_model):
        asked = the_schema.decode(_probe_rows(the_schema, encoded))
        loading_answer = asked, amounts_at_loading(raw_model, asked, _timed(call_timeout))
    unheld_tested: dict[str, tuple[str, ...]] = {}
    if schema is None and data is not None:  # (a schema file says the space itself)
        the_schema, unheld_tested = add_listed(
            the_schema, encoded, user_dtypes, estimator, raw_model
        )
    labels = None
    labels_left_out: str | None = None
    if dataset is not None and labels_raw is not None and label_names is not None:
        labels_raw, labels_left_out = _dataset_labels(
            labels_raw, label_names, raw_model.capabilities.class_names, dataset
        )
    if labels_raw is not None and encoded is not None:
        if isinstance(label, str):  # (a built-in dataset's labels: refused beside cutoff)
            at = None if cutoff is None else cutoff_names(cutoff)
            refuse_outcomes(labels_raw, raw_model.capabilities.class_names, at, label)
        labels = _labels_to_indices(
            labels_raw,
            raw_model.capabilities.class_names,
            label if isinstance(label, str) else None,
        )
        classes = getattr(estimator, "classes_", None)
        if train is None and estimator is not None and classes is not None:
            # refits get the labels as the user gave them (e.g. '<=50K'), not class indices
            fitted_labels = np.asarray(classes)[labels]
            rng = np.random.default_rng(0)
            order = rng.permutation(len(encoded))
            cut = int(0.7 * len(order))
            train = (encoded[order[:cut]], fitted_labels[order[:cut]])
            holdout = (encoded[order[cut:]], fitted_labels[order[cut:]])
    watch = None
    known = known_of(
        labels,
        dataset=dataset,
        label_names=label_names,
        label=label if isinstance(label, str) else None,
        source=source.get("data"),
    )
    if cutoff is None and _undeclared_wholes(raw_model):  # (labels it declares none of)
        watch = ClassWatch(known)
        if loading_answer is not None:  # (refused before any run is made)
            asked, answer = loading_answer
            watch.check(answer, asked)
    elif known is not None and _columns_alone(raw_model, cutoff, threshold, n_classes):
        watch = ClassWatch(known, by_probability=True)
    label_like = (
        _label_like(the_schema, encoded, raw_model, call_timeout, served=serving_opts is not None)
        if undeclared and labels is None and encoded is not None and dataset is None
        else None
    )
    test = FairnessTest(
        schema=the_schema,
        data=encoded,
        labels=labels,
        context_rows=context_rows,
        label_names=label_names,
        strategy=strategy,
        optimize=optimize,
        threshold=threshold,
        start=start,
        estimate=estimate,
        precision=precision,
        source=source,
    ).validate()
    return FairnessSetup(
        test=test,
        model=EncodedModel(the_schema, raw_model, watch),
        raw_model=raw_model,
        invocation=invocation,
        estimator=estimator,
        train=train,
        holdout=holdout,
        form=form,
        user_dtypes=user_dtypes,
        user_columns=user_columns,
        read_as_numbers=read_as_numbers,
        written_as=written_as,
        by_position=by_position,
        set_aside=set_aside,
        read_as_text=text_columns,
        unknown_to_model=unknown,
        labels_left_out=labels_left_out,
        incomplete=incomplete,
        empty=empty,
        class_values=_class_values(estimator),
        listed=unheld_tested,
        scores_read=scores_read,
        row_labels=_row_labels(frame, encoded),
        label_like=label_like,
    )


def _label_like(
    schema: Schema, encoded: np.ndarray, model: Any, call_timeout: float | None, *, served: bool
) -> str | None:
    """``label_like_note`` of a model naming none of its columns: its class
    indices for the data's first complete rows asked once more (only when a column may
    agree with them; a model failing them, or a served one, whose requests may be billed:
    compared by name alone)."""
    from assay.core.model import labels_of

    rows = encoded[~np.isnan(np.asarray(encoded, dtype=np.float64)).any(axis=1)][:PROBE_ROWS]
    caps = model.capabilities

    def ask(asked: np.ndarray) -> np.ndarray | None:
        try:
            answers = _timed(call_timeout)(lambda: model.predict(schema.decode(asked)))
            return np.asarray(labels_of(np.asarray(answers), caps))
        except Exception:  # (a model refusing them: no worse than the probe's words)
            return None

    return label_like_note(schema, rows, caps.n_classes, None if served else ask)


def _row_labels(frame: Any, encoded: np.ndarray | None) -> Any:
    """A DataFrame given in memory: its index, whose labels name the data rows tested; a
    data file's rows: their lines, found when a findings frame asks (``FileLines``)."""
    if frame is None or encoded is None or len(frame.index) != len(encoded):
        return None
    if SOURCE_ATTR not in frame.attrs:
        return frame.index
    first = frame.attrs.get(LINE_ATTR)
    if first is None:  # (Parquet, Feather: rows without lines)
        return None
    return FileLines(
        frame.attrs.get(READ_ATTR),
        str(frame.attrs[SOURCE_ATTR]),
        int(first),
        len(encoded),
        frame.attrs.get(ROWS_ATTR),
    )


def _columns_alone(model: Any, cutoff: Any, threshold: Any, n_classes: Any) -> bool:
    """Whether ``model`` answers probabilities whose classes nothing declares but their
    columns (no ``classes_``, no ``--classes``, no cutoff or threshold reading them)."""
    caps = model.capabilities
    return (
        caps.outputs == "proba"
        and caps.class_names is None
        and n_classes is None
        and cutoff is None
        and threshold is None
    )


def _undeclared_wholes(model: Any) -> bool:
    """Whether ``model`` answers whole numbers as labels it declares none of: asked here,
    a served model too (one request more; it stopped the run at its determinism check)."""
    caps = model.capabilities
    return caps.outputs == "labels" and not caps.n_classes and caps.class_names is None


def _probe_rows(schema: Schema, encoded: np.ndarray | None) -> np.ndarray:
    """``PROBE_ROWS`` encoded rows to ask at loading: the data's first complete ones, then
    uniform ones."""
    rows = np.zeros((0, len(schema)))
    if encoded is not None:
        rows = encoded[~np.isnan(np.asarray(encoded, dtype=np.float64)).any(axis=1)][:PROBE_ROWS]
    more = PROBE_ROWS - len(rows)
    if more > 0:
        rows = np.vstack([rows, schema.sample_uniform(np.random.default_rng(0), more)])
    return rows


def _class_values(estimator: Any) -> tuple[Any, ...] | None:
    """A classifier's ``classes_`` as Python values when they are booleans or numbers."""
    classes = getattr(estimator, "classes_", None)
    if classes is None:
        return None
    held = np.asarray(classes)
    if held.ndim != 1 or held.dtype.kind not in "biuf":
        return None
    return tuple(v.item() for v in held)


def _is_text(feature: Any) -> bool:
    return feature.kind == "categorical" and all(
        isinstance(c, str) for c in feature.categories or ()
    )


def setup_from_record(
    record: RunRecord, *, model: Any = None, allow_pickle: bool = False, **overrides: Any
) -> FairnessSetup:
    """Rebuild a stored fairness run's setup from its configuration (or with another model).
    ``allow_pickle``: this caller's consent to load a pickle (the stored run's is never
    reused: the store may come from elsewhere, the file at its path may have changed)."""
    if record.technique != "fairness":
        raise UsageError(f"run {record.id} is a {record.technique} run", argument="RUN_ID")
    inv = dict(record.config.get("invocation", {}))
    inv["allow_pickle"] = allow_pickle
    if not inv.get("protected"):  # (a run of a dataset's default records [], as given: None)
        inv["protected"] = None
    if inv.get("serving") is not None:  # (an old run's relative --template: its folder's)
        inv["serving"] = stored_serving(record)
    stored = inv.pop("model", None)
    if isinstance(stored, str) and is_redacted(stored):
        if model is None:
            raise UsageError(
                f"run {record.id}'s model URL held credentials or query values, which assay "
                f"never stores; give the URL again: assay resume {record.id} --model URL",
                argument="--model",
            )
        if isinstance(model, str) and redact_text(model) != stored:
            raise UsageError(
                f"{redact_text(model)} is not the run's model ({stored})", argument="--model"
            )
    spec = model if model is not None else stored
    # (a run of the built-in model stored "builtin:tree": a run that stored none was given
    # an object, on a built-in dataset too, and was resumed with the built-in model: api39)
    if spec is None:
        raise UsageError(
            f"run {record.id} was made with an in-memory model; pass it again (model=...)",
            argument="RUN_ID",
        )
    inv.update(overrides)
    in_memory = in_memory_data(record)
    if in_memory and inv.get("data") is None:
        raise UsageError(
            f"run {record.id} searched an in-memory DataFrame ({in_memory}), which assay does "
            f"not store; pass it again: assay.resume_run({record.id!r}, model=..., "
            "data=frame) (the command line cannot resume this run)",
            argument="data",
        )
    setup = setup_fairness(spec, **inv)
    stored_digest = record.config.get("frame")
    if isinstance(stored_digest, dict) and stored_digest != frame_digest(setup):
        raise UsageError(
            f"the data given is not the DataFrame run {record.id} searched "
            f"({stored_digest.get('rows')} rows, sha256 {str(stored_digest.get('sha256'))[:12]}"
            "...); the stored search state no longer fits it: start a new run",
            argument="data",
        )
    return setup


def frame_digest(setup: FairnessSetup) -> dict[str, Any] | None:
    """``{"rows", "sha256"}`` of the encoded rows of a run's in-memory DataFrame (a resume
    is given it again: it must be the same), or None when the data came from a file or a
    built-in dataset (their fingerprints are checked as files)."""
    inv = setup.invocation
    data = setup.test.data
    if data is None or inv.get("data") is not None or inv.get("dataset") is not None:
        return None
    digest = hashlib.sha256(np.ascontiguousarray(data, dtype=np.float64).tobytes())
    return {"rows": len(data), "sha256": digest.hexdigest()}


def in_memory_data(record: RunRecord) -> str | None:
    """``'300 rows'`` when the run searched a DataFrame given in memory, else None."""
    inv = record.config.get("invocation", {})
    source = record.config.get("source") or {}
    if inv.get("data") is not None or inv.get("dataset") is not None:
        return None
    if source.get("data") is None:
        return None
    return f"{source.get('rows', '?')} rows"


def _fitted_names(inner: Any, estimator: Any) -> list[str] | None:
    """The columns a model takes by name: a scikit-learn estimator's ``feature_names_in_``,
    or the inputs of an ONNX graph that takes one input per column."""
    names = getattr(estimator, "feature_names_in_", None)
    if names is not None:
        return [str(c) for c in names]
    ports = getattr(inner, "inputs", None)
    if isinstance(ports, list) and len(ports) > 1:
        return [str(getattr(p, "name", "")) for p in ports]
    return None


def _check_names(fitted: Sequence[str], names: Sequence[str], *, schema_file: Any) -> None:
    """Refuse data (or a schema) whose columns are as many as the model's named columns but
    not by their names (as scikit-learn itself does): which is which is unknown, and by
    position values would reach other columns.  A scikit-learn model's
    ``feature_names_in_`` and an ONNX graph's inputs (one per column) name them; numbered
    names (``f0, f1, ...``, what converters write for a model fitted on a matrix) say only
    their order, and are fed by position.  Another width is said later, with hints."""
    if len(fitted) != len(names) or sorted(fitted) == sorted(names) or numbered(fitted):
        return
    if schema_file is not None and not isinstance(schema_file, Schema):
        where, argument, fix = "the schema's", "--schema", "rename the schema's features to"
    elif schema_file is not None:
        where, argument, fix = "the schema's", "schema", "rename the schema's features to"
    else:
        where, argument, fix = "the data's", "--data", "give the data"
    raise UsageError(
        f"the model takes the columns {', '.join(fitted)}; {where} are {', '.join(names)}: "
        f"which is which is unknown (by position, values would reach other columns); {fix} "
        "the model's column names" + near_names(fitted, names),
        argument=argument,
    )


def _model_order(
    schema: Schema, encoded: np.ndarray | None, fitted: Any
) -> tuple[Schema, np.ndarray | None]:
    """The schema (and the encoded rows) in the column order the model was fitted on, when it
    names its columns (``feature_names_in_``) and they are the schema's in another order: each
    value then reaches the column of its name (by position, data whose columns were in
    another order fed the model other columns, and found nothing)."""
    if fitted is None:
        return schema, encoded
    names = [str(c) for c in fitted]
    if names == schema.names or sorted(names) != sorted(schema.names):
        return schema, encoded
    at = {n: i for i, n in enumerate(schema.names)}
    order = [at[n] for n in names]
    moved = replace(schema, features=tuple(schema.features[i] for i in order))
    return moved, None if encoded is None else encoded[:, order]


def _width_hint(schema: Schema, estimator: Any, *, from_data: bool, labelled: bool) -> str:
    """What to change when the model and the schema disagree on the features: the columns the
    model was not fitted on (``feature_names_in_``), the label column or a protected
    attribute among them."""
    names = schema.names
    fitted = getattr(estimator, "feature_names_in_", None)
    if fitted is None:
        return (
            "; if one of these columns is the true label, give --label COLUMN"
            if from_data and not labelled
            else ""
        )
    known = {str(n) for n in fitted}
    extra = [n for n in names if n not in known]
    missing = [str(n) for n in fitted if str(n) not in set(names)]
    hint = ""
    unseen = [p for p in schema.protected if p in extra]
    if unseen:
        hint += (
            f"; the model does not take the protected attribute {unseen[0]!r}: no input "
            "differing only in it can be given to it, so it cannot be tested here (a model "
            "can still treat people differently through other columns; test those)"
        )
    elif extra:
        hint += f"; not among the model's features: {', '.join(extra)}"
        if from_data and len(extra) == 1 and not labelled:
            hint += f" (the true label? give --label {shell_word(extra[0])})"
        folded = {str(n).strip().casefold() for n in fitted}
        others = [n for n in extra if n.strip().casefold() not in folded]  # not misspelt
        if from_data and others:
            hint += (
                f"; set aside what the model does not take: --drop {shell_word(','.join(others))}"
            )
    if missing:
        hint += f"; the model's features missing here: {', '.join(missing)}"
        hint += unread_hint(missing, estimator)
    return hint + near_names([str(n) for n in fitted], names)


def _steady_missing(inner_model: Any, schema: Schema) -> None:
    """Give a model handed DataFrames of inferred dtypes one dtype per column that may be
    missing (``incomplete.steady_dtypes``), whatever a batch holds."""
    steady = steady_dtypes(schema)
    if not steady:
        return
    for holder in (inner_model, getattr(inner_model, "fn", None)):
        if holder is not None and hasattr(holder, "steady_dtypes"):
            holder.steady_dtypes = merged_steady(holder.steady_dtypes, steady)
