"""The way forward for a date or duration column that the model reads.

A Pipeline whose first step turns a ``datetime64`` column into days (a
``FunctionTransformer``) declares it among its ``feature_names_in_`` and reads it.  The
refusal said "if the model does not take it, set it aside (--drop applied ...), or make it
one (a year, a day number)": setting it aside is refused next (the model takes it), and a day
number breaks the model's own ``.dt`` (hostile53c).  assay varies numbers and categories, so
the column is given as numbers and the model wrapped in a function that turns them back."""

from __future__ import annotations

from assay.errors import UsageError

__all__ = ["read_date_refusal"]

_SET_ASIDE = ": if the model does not take it"


def read_date_refusal(name: str, exc: UsageError) -> UsageError | None:
    """``exc`` (a column of dates or times refused) said with the way for a model that takes
    ``name``; None for any other refusal."""
    said = exc.bare_message
    if "holds dates or times" not in said or _SET_ASIDE not in said:
        return None
    duration = "timedelta" in said
    column = f"X[{name!r}]"
    if duration:
        to_days = f"data[{name!r}] = data[{name!r}].dt.days"
        back = f"pd.to_timedelta({column}, unit='D')"
    else:
        to_days = f"start = data[{name!r}].min(); data[{name!r}] = (data[{name!r}] - start).dt.days"
        back = f"start + pd.to_timedelta({column}, unit='D')"
    return UsageError(
        said.split(_SET_ASIDE, 1)[0]
        + f", and the model takes it (its feature_names_in_ declares {name!r}): give the "
        "column as numbers of days and the model a function that turns them back, in "
        f"Python {to_days}; then "
        f"check_fairness(lambda X: model.predict_proba(X.assign(**{{{name!r}: {back}}})), "
        "data, classes=list(model.classes_), ...)",
        argument=exc.argument,
        path=exc.path,
        line=exc.line,
        column=exc.column,
    )
