"""The way forward for a date or duration column that the model reads.

A Pipeline whose first step turns a ``datetime64`` column into days (a
``FunctionTransformer``) declares it among its ``feature_names_in_`` and reads it.  The
refusal said "if the model does not take it, set it aside (--drop applied ...), or make it
one (a year, a day number)": setting it aside is refused next (the model takes it), and a day
number breaks the model's own ``.dt`` (hostile53c).  assay varies numbers and categories, so
the column is given as numbers and the model wrapped in a function that turns them back: in
Python a lambda around the model; from a data file (the command line's), the file written
again with days and a model file ``days.py:predict`` (a Python recipe alone left the command
line's user to translate it: hostile53c's Left)."""

from __future__ import annotations

import json
from pathlib import Path

from assay.core.terminal import shell_word
from assay.errors import UsageError

__all__ = ["read_date_refusal"]

_SET_ASIDE = ": if the model does not take it"


def read_date_refusal(name: str, exc: UsageError) -> UsageError | None:
    """``exc`` (a column of dates or times refused) said with the way for a model that takes
    ``name``; None for any other refusal."""
    said = exc.bare_message
    if "holds dates or times" not in said or _SET_ASIDE not in said:
        return None
    said = (
        said.split(_SET_ASIDE, 1)[0]
        + f", and the model takes it (its feature_names_in_ declares {name!r}): "
    )
    duration = "timedelta" in said
    source = said.split(f": column {name!r} ", 1)[0]
    if source != "data":  # (a file: the command line's way, a model file wrapping the model)
        return _refused(said + _file_way(name, source, duration), exc)
    column = f"X[{name!r}]"
    if duration:
        to_days = f"data[{name!r}] = data[{name!r}].dt.days"
        back = f"pd.to_timedelta({column}, unit='D')"
    else:
        to_days = f"start = data[{name!r}].min(); data[{name!r}] = (data[{name!r}] - start).dt.days"
        back = f"start + pd.to_timedelta({column}, unit='D')"
    return _refused(
        said + "give the column as numbers of days and the model a function that turns them back, "
        f"in Python {to_days}; then "
        f"check_fairness(lambda X: model.predict_proba(X.assign(**{{{name!r}: {back}}})), "
        "data, classes=list(model.classes_), ...)",
        exc,
    )


def _file_way(name: str, source: str, duration: bool) -> str:
    """The command line's way for a data file: the file written again with days (a duration:
    its days; a date: days since 1970-01-01, so that the model file needs no start of the
    data's), and a model file whose ``predict`` turns them back."""
    path = Path(source)
    kind = path.suffix.lower()
    csv = kind not in (".parquet", ".pq", ".feather", ".arrow")
    days = path.with_name(f"{path.stem}_days{'.csv' if csv else '.parquet'}")
    column, at, epoch = _quoted(name), _quoted(str(path)), '"1970-01-01"'
    read = (
        f"pd.read_csv({at}, parse_dates=[{column}])"
        if csv
        else f"pd.read_{'feather' if kind in ('.feather', '.arrow') else 'parquet'}({at})"
    )
    out = _quoted(str(days))
    write = f"d.to_csv({out}, index=False)" if csv else f"d.to_parquet({out})"
    if duration:
        to_days, back = f"d[{column}].dt.days", f"pd.to_timedelta(X[{name!r}], unit='D')"
    else:
        to_days = f"(d[{column}] - pd.Timestamp({epoch})).dt.days"
        back = f"pd.Timestamp('1970-01-01') + pd.to_timedelta(X[{name!r}], unit='D')"
    script = f"import pandas as pd; d = {read}; d[{column}] = {to_days}; {write}"
    return (
        "on the command line, write the data with the column as numbers of days, "
        f"python -c {shell_word(script)}, and a model file days.py that turns them back, "
        "holding import pandas as pd, your model loaded as model (as you saved it), and "
        f"def predict(X): return model.predict_proba(X.assign(**{{{name!r}: {back}}})); "
        f"then assay fairness days.py:predict --data {shell_word(str(days))} --classes "
        "CLASSES (the model's classes_, in order) and your other options"
    )


def _refused(said: str, exc: UsageError) -> UsageError:
    return UsageError(
        said,
        argument=exc.argument,
        path=exc.path,
        line=exc.line,
        column=exc.column,
    )


def _quoted(text: str) -> str:
    """``text`` as a Python string in double quotes (the ``python -c`` line goes in single
    quotes for the shell)."""
    return json.dumps(text)
