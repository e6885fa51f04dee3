"""A table of 100,000 columns (hostile15c: 281 s and 3.4 GB for 2,000 queries of 20 rows):
what the search, the answer and the reports hold must not grow as walkers x features, rows
x features or findings x features without bound.  Each test checks a bound that main did
not have; the CSV test checks that reading in blocks types every column as before."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

from assay.core.budget import BudgetedModel
from assay.core.calls import InlineCaller
from assay.core.model import Capabilities, ModelInputs
from assay.core.rng import generator
from assay.fairness.encoded import EncodedModel
from assay.fairness.schema import ROW_CELLS, Feature, Schema, rows_within
from assay.fairness.search import make_search
from assay.fairness.tables import read_table
from assay.fairness.tabular_io import check_data, infer_schema

WIDE = 50_000


class _FirstColumns:
    """A classifier of its first three columns and the last (the protected one)."""

    capabilities = Capabilities(modality="tabular", n_classes=2, outputs="labels")

    def predict(self, inputs: ModelInputs, /) -> np.ndarray:
        x = np.asarray(inputs, dtype=np.float64)
        return ((x[:, :3].sum(axis=1) + x[:, -1]) % 2).astype(np.int64)


def _wide_schema() -> Schema:
    features = [Feature(f"c{i}", "integer", low=0, high=3) for i in range(WIDE)]
    features.append(Feature("sex", "integer", low=0, high=1))
    return Schema(features=tuple(features), protected=("sex",))


def test_the_walk_holds_a_bounded_number_of_values_per_array() -> None:
    schema = _wide_schema()
    model = BudgetedModel(
        EncodedModel(schema, _FirstColumns()), max_queries=400, caller=InlineCaller()
    )
    search = make_search("walk", schema=schema, model=model, rng=generator(1))
    for _ in range(3):
        search.step()
    search.flush()
    # main: 128 walkers x 50,001 features (6.4 M values an array; 13 GB in the time mode)
    assert search.pos.size <= 1 << 22 and search.box_lo.size <= 1 << 22  # type: ignore[attr-defined]
    # main: 50,001 x 128 bins x 2 (12.8 M values) for features of four values each
    assert search.cross_try.size <= WIDE * 4 * 2 + 8  # type: ignore[attr-defined]
    assert search.ledger.admitted > 0  # it searched


def test_samples_of_whole_rows_are_bounded_by_their_values() -> None:
    assert rows_within(20_000, 13) == 20_000  # a narrow table: as asked
    assert rows_within(20_000, 100_001) * 100_001 <= ROW_CELLS
    assert rows_within(20_000, 10_000_000) == 50  # never fewer than 50


def test_a_wide_csv_is_typed_as_column_by_column(tmp_path: Path) -> None:
    rng = np.random.default_rng(0)
    n = 20
    columns = {f"small{i}": rng.integers(0, 4, n) for i in range(3000)}
    columns.update(
        {
            "mid": rng.integers(-30_000, 30_000, n),
            "big": rng.integers(0, 2**40, n),
            "frac": rng.normal(size=n),
            "word": rng.choice(["a", "b"], n),
            "flag": rng.choice([True, False], n),
            "sex": rng.integers(0, 2, n),
        }
    )
    path = tmp_path / "wide.csv"
    pd.DataFrame(columns).to_csv(path, index=False)
    frame = read_table(path)
    assert frame.shape == (n, 3006)
    assert str(frame["small0"].dtype) == "int8" and str(frame["mid"].dtype) == "int16"
    assert str(frame["big"].dtype) == "int64" and str(frame["frac"].dtype) == "float64"
    assert isinstance(frame["word"].dtype, pd.CategoricalDtype)
    assert str(frame["flag"].dtype) == "bool"
    assert list(frame.columns) == list(columns)
    schema = infer_schema(frame, protected=["sex"])
    assert (
        schema.feature("small7").kind == "integer" and schema.feature("frac").kind == "continuous"
    )
    encoded = check_data(schema, frame)
    assert np.array_equal(encoded[:, schema.index("small5")], columns["small5"])
    assert np.allclose(encoded[:, schema.index("frac")], columns["frac"])
