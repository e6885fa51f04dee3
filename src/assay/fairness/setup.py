"""``FairnessSetup``: what a fairness run needs (the test, the model over encoded rows, the
model as loaded, and what a refit needs), built and validated by ``fairness.loading``."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np

from assay.core.model import Model
from assay.fairness.form import InputForm
from assay.fairness.incomplete import Empty, Incomplete
from assay.fairness.technique import FairnessTest

__all__ = ["FairnessSetup"]


@dataclass
class FairnessSetup:
    """Everything a fairness run needs, built and validated."""

    test: FairnessTest
    model: Model  # takes encoded rows
    raw_model: Model  # takes what the model takes
    invocation: dict[str, Any]
    estimator: Any | None = None  # a refittable scikit-learn estimator, when known
    train: tuple[np.ndarray, np.ndarray] | None = None  # encoded rows, labels as fitted
    holdout: tuple[np.ndarray, np.ndarray] | None = None
    form: InputForm = field(default_factory=InputForm)  # what the estimator was fitted on
    # the dtype of each column of the user's own DataFrame (findings are given back in them)
    user_dtypes: dict[str, Any] = field(default_factory=dict)
    # the user's own DataFrame's column labels that are whole numbers (``pd.DataFrame(X)``'s
    # 0, 1, 2), by the name assay reads them under ("0"): findings are given back under them
    user_columns: dict[str, Any] = field(default_factory=dict)
    # the columns, in the order fed to a model that names none of its own (None: by name)
    by_position: tuple[str, ...] | None = None
    # the data's columns left out because the model declares it does not take them
    set_aside: tuple[str, ...] = ()
    # the data file's columns read as text, as the model was fitted on them ('02134')
    read_as_text: tuple[str, ...] = ()
    # the data file's text columns read as numbers, and how they were written ('39,5')
    read_as_numbers: dict[str, str] = field(default_factory=dict)
    # how the data's CSV file was written (delimiter, byte-order mark, decimal mark):
    # ``--export`` writes its CSV the same way (``fairness.tables.WRITTEN_ATTR``)
    written_as: dict[str, Any] = field(default_factory=dict)
    # per protected attribute: its values the model's encoder was not fitted on
    unknown_to_model: dict[str, list[str]] = field(default_factory=dict)
    # why a built-in dataset's true labels were left out (the model names its classes else)
    labels_left_out: str | None = None
    # the data's rows with an empty value, set aside (--missing drop)
    incomplete: Incomplete | None = None
    # the data's empty cells, tested as one more value of their columns (--missing value)
    empty: Empty | None = None
    # the model's classes as it holds them when they are not text (False/True, 0/1): the
    # findings' predictions are given back in them
    class_values: tuple[Any, ...] | None = None
    # per protected category column: the values its dtype lists that no data row holds,
    # tested as its values all the same (``fairness.listed``)
    listed: dict[str, tuple[str, ...]] = field(default_factory=dict)
    # a DataFrame given in memory: its index, one label per data row tested (findings of a
    # data row are named by it); None for a file or a dataset
    row_labels: Any = None
    # several numbers per input read as a classifier's logits (``models.class_scores``)
    scores_read: str | None = None
    # the columns that look like the true label, searched as inputs (``fairness.label_like``)
    label_like: str | None = None
