"""Loading's whole-number probe (hostile47s2) row by row (mutation48): which models it asks
(labels declared nowhere; a served model too since left48f), and which rows (the data's
complete ones, then uniform ones, ``PROBE_ROWS`` in all).  hostile47s2's runs plant euros on
complete data of 1,200 rows, where every choice gives the same 64."""

from __future__ import annotations

from typing import Any

import numpy as np

from assay.core.model import Capabilities
from assay.fairness.amounts import PROBE_ROWS
from assay.fairness.loading import _probe_rows, _undeclared_wholes
from assay.fairness.schema import Feature, Schema

SCHEMA = Schema((Feature("a", "integer", 2, 9), Feature("s", "integer", 0, 2)), protected=("s",))


class _Model:
    def __init__(self, caps: Capabilities) -> None:
        self.capabilities = caps


def test_only_undeclared_labels_are_probed() -> None:
    assert _undeclared_wholes(_Model(Capabilities("tabular", None, "labels")))
    served = Capabilities("tabular", None, "labels", remote=True)
    assert _undeclared_wholes(_Model(served))  # (a served model too, since left48f)
    named = Capabilities("tabular", None, "labels", class_names=("no", "yes"))
    assert not _undeclared_wholes(_Model(named))
    assert not _undeclared_wholes(_Model(Capabilities("tabular", 2, "labels")))
    assert not _undeclared_wholes(_Model(Capabilities("tabular", None, "proba")))


def test_the_probe_asks_complete_data_rows_then_uniform_ones() -> None:
    data = np.array([[np.nan, 1.0], [3.0, 0.0], [4.0, np.nan], [5.0, 2.0]])
    rows = _probe_rows(SCHEMA, data)
    assert rows.shape == (PROBE_ROWS, 2) and not np.isnan(rows).any()
    assert rows[:2].tolist() == [[3.0, 0.0], [5.0, 2.0]]  # (the complete ones, first)
    almost = np.column_stack([np.full(PROBE_ROWS - 1, 7.0), np.zeros(PROBE_ROWS - 1)])
    topped = _probe_rows(SCHEMA, almost)  # (one short: one uniform row added)
    assert len(topped) == PROBE_ROWS and (topped[: PROBE_ROWS - 1] == almost).all()
    many = np.column_stack([np.full(200, 8.0), np.ones(200)])
    assert (_probe_rows(SCHEMA, many) == many[:PROBE_ROWS]).all()
    assert len(_probe_rows(SCHEMA, None)) == PROBE_ROWS


class _Euros:
    """A served-like model answering whole euros with no classes declared (the run's oracle
    refuses amounts loading's probe did not see)."""

    capabilities = Capabilities("tabular", None, "labels", remote=True)

    def predict(self, inputs: Any, /) -> np.ndarray:
        x = np.asarray(inputs, dtype=np.float64)
        return np.asarray(x[:, 0] // 4 + 100 * x[:, 1], dtype=np.int64)


def test_the_oracle_refuses_amounts_answered_as_labels() -> None:
    import pytest

    from assay.errors import ModelError
    from assay.fairness.oracle import Oracle

    wide = Schema(
        (Feature("income", "integer", 0, 100_000), Feature("s", "integer", 0, 1)),
        protected=("s",),
    )
    oracle = Oracle(wide, _Euros())
    rows = np.column_stack([np.arange(40.0) * 1000, np.zeros(40)])
    with pytest.raises(ModelError, match="more than 32 distinct whole numbers"):
        oracle.evaluate(rows)
    few = Oracle(wide, _Euros())
    few.evaluate(np.column_stack([np.arange(10.0) * 4, np.zeros(10)]))  # (20 labels: kept)


def test_a_number_argument_is_named_as_the_command_line_names_it() -> None:
    import pytest

    from assay.errors import UsageError
    from assay.fairness.real_args import real_numbers

    with pytest.raises(UsageError, match="must be a number, not '5'") as caught:
        real_numbers(threshold=0.1, exact_time="5")
    assert caught.value.argument == "--exact-time"
    real_numbers(threshold=None, precision=0.01, exact_time=5)
