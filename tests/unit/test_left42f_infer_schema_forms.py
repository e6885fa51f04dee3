"""left42f: ``infer_schema(categorical=...)`` compared names as typed: a column ``région`` of
a header saved on macOS (``e`` and a combining accent), named composed as a notebook types it,
was refused ("categorical column(s) région not found; columns are: région, ..."), as the
CLI's ``--protected`` was before hostile41f.  The API's protected and target names are found
the same way."""

from __future__ import annotations

import unicodedata

import pandas as pd

from assay.fairness.tabular_io import infer_schema

COMPOSED = unicodedata.normalize("NFC", "région")
DECOMPOSED = unicodedata.normalize("NFD", "région")


def _frame() -> pd.DataFrame:
    return pd.DataFrame(
        {
            DECOMPOSED: [1, 2, 3, 1],
            "âge": [20, 30, 40, 50],
            "sex": ["F", "M", "F", "M"],
            unicodedata.normalize("NFD", "réussi"): [0, 1, 0, 1],
        }
    )


def test_categorical_names_typed_composed_find_a_decomposed_header() -> None:
    assert COMPOSED != DECOMPOSED
    schema = infer_schema(
        _frame(), categorical=[COMPOSED], target=unicodedata.normalize("NFD", "réussi")
    )  # main: UsageError
    (region,) = [f for f in schema.features if f.name == DECOMPOSED]
    assert region.kind == "categorical"
    assert region.categories == (1, 2, 3)


def test_protected_and_target_typed_in_another_form_are_the_columns() -> None:
    frame = _frame().rename(columns={"âge": unicodedata.normalize("NFD", "âge")})
    schema = infer_schema(
        frame,
        protected=[unicodedata.normalize("NFC", "âge")],
        target=unicodedata.normalize("NFC", "réussi"),
    )
    assert schema.protected == (unicodedata.normalize("NFD", "âge"),)
    assert [f.name for f in schema.features][-1] == "sex"
