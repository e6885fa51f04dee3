"""The form a model was fitted on: what every phase hands it (search, estimate, retraining).

A scikit-learn pipeline fitted on a DataFrame (a ``ColumnTransformer`` choosing columns by
name, string categories) must receive a DataFrame with the same columns and dtypes from every
phase; one fitted on a matrix receives the decoded matrix.  ``InputForm`` turns decoded rows
(``Schema.decode``) into that form.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Any

import numpy as np

from assay.fairness.written_names import as_written

__all__ = ["InputForm"]


@dataclass(frozen=True)
class InputForm:
    """``columns``: the DataFrame columns the model was fitted on (None: a plain matrix);
    ``dtypes``: the user's dtype of each column, as pandas gives it (None: inferred): a
    ``category`` column keeps its categories and their order (its codes are the user's,
    and a frame of findings concatenates with the user's own), a ``string[pyarrow]`` its
    storage; ``polars``: built as a polars DataFrame (a model the run found failing on
    pandas and answering polars: a Pipeline fitted on polars whose first step calls polars'
    own API), so that a refit is given the form the run gave the model."""

    columns: tuple[str, ...] | None = None
    dtypes: tuple[Any, ...] | None = None
    polars: bool = False

    @classmethod
    def of(cls, estimator: Any, frame: Any = None) -> InputForm:
        """The form ``estimator`` was fitted on; dtypes from ``frame`` (the user's data)."""
        names = getattr(estimator, "feature_names_in_", None)
        if names is None:
            return cls()
        columns = tuple(str(c) for c in names)
        dtypes = None
        if frame is not None and hasattr(frame, "dtypes"):
            given = {str(c): t for c, t in frame.dtypes.items()}
            columns = tuple(as_written(columns, list(given), estimator))  # LightGBM's a_b: a b
            if all(c in given for c in columns):
                dtypes = tuple(given[c] for c in columns)
        return cls(columns=columns, dtypes=dtypes)

    def build(self, decoded: np.ndarray) -> Any:
        """Decoded rows in the fitted form."""
        if self.columns is None:
            return decoded
        import pandas as pd

        arr = np.asarray(decoded)
        frame = pd.DataFrame(arr, columns=list(self.columns))
        if self.dtypes is None:
            frame = frame.infer_objects() if arr.dtype == object else frame
        else:
            frame = frame.astype(dict(zip(self.columns, self.dtypes, strict=True)))
        if self.polars:
            import polars as pl

            return pl.from_pandas(frame)
        return frame

    def of_model(self, model: Any) -> InputForm:
        """This form as ``model`` (a run's model, wrapped or not) is given its inputs: as
        polars DataFrames where the run found it needs them (``SklearnModel.polars``)."""
        while hasattr(model, "inner"):
            model = model.inner
        if self.columns is None or getattr(model, "polars", False) is not True:
            return self
        return replace(self, polars=True)

    def to_json(self) -> dict[str, Any]:
        out: dict[str, Any] = {
            "columns": None if self.columns is None else list(self.columns),
            "dtypes": None if self.dtypes is None else [str(t) for t in self.dtypes],
        }
        if self.polars:
            out["polars"] = True
        return out
