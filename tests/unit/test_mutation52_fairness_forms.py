"""hostile51c's fairness fixes at the functions: a value an encoder refuses is said by count
("and 1 more"), in the singular for one value and one row, and a protected column's is
refused as ``--protected`` (``unknown_refused.refuse_unknown``); a NumPy float (a float32
too) names its class by its whole number, and a class named as given is not taken for its
boolean twin (``favourable_given``); skl2onnx's rule keeps a ``+`` (``written_names``)
(mutation52)."""

from __future__ import annotations

import numpy as np
import pytest
from test_hostile51c_unknown_refused import _fitted

from assay.errors import UsageError
from assay.fairness.favourable_given import as_class_text, bool_twin
from assay.fairness.schema import Feature, Schema
from assay.fairness.unknown_refused import refuse_unknown
from assay.fairness.written_names import as_written

WORK = ("Private", "State-gov", "M1", "M2", "M3", "M4", "M5", "M6")


def _schema(work: tuple[str, ...], race: tuple[str, ...]) -> Schema:
    return Schema(
        features=(
            Feature("work class", "categorical", categories=work),
            Feature("race", "categorical", categories=race),
            Feature("hours", "continuous", low=1.0, high=60.0),
        ),
        protected=("race",),
    )


def _refused(schema: Schema, encoded: np.ndarray | None) -> UsageError:
    model, _ = _fitted("error")
    with pytest.raises(UsageError) as refused:
        refuse_unknown(model, schema, encoded)
    return refused.value


def test_many_values_are_counted_and_a_data_column_is_datas() -> None:
    error = _refused(_schema(WORK, ("A", "B")), None)
    said = str(error)
    assert "column 'work class' holds 'M1', 'M2', 'M3', 'M4', 'M5' and 1 more, which" in said
    assert "an input holding them" in said
    assert error.argument == "--data"


def test_one_value_in_one_row_of_a_protected_column() -> None:
    encoded = np.array([[0.0, 2.0, 30.0], [1.0, 0.0, 20.0]])
    error = _refused(_schema(WORK[:2], ("A", "B", "Martian")), encoded)
    said = str(error)
    assert "column 'race' holds 'Martian' (1 data row), which the model's OneHotEncoder" in said
    assert "an input holding it," in said
    assert error.argument == "--protected"


def test_a_numpy_float_names_its_whole_number_and_a_class_given_is_itself() -> None:
    assert as_class_text(np.float64(1.0)) == "1"
    assert as_class_text(np.float32(1.0)) == "1"  # (no Python float: read by ``.item()``)
    assert as_class_text(np.float32(0.5)) == "0.5"
    assert bool_twin("1", ("1", "True")) is None
    assert bool_twin("1", ("False", "True")) == "True"


def test_skl2onnx_keeps_a_plus_in_a_name() -> None:
    from assay.models.onnx import OnnxModel

    graph = OnnxModel.__new__(OnnxModel)
    # (skl2onnx writes "c+d x" as "c+d_x": its '+' kept, its space '_')
    assert as_written(["c+d_x", "e_f"], ["c+d x", "e-f"], graph) == ["c+d x", "e-f"]
