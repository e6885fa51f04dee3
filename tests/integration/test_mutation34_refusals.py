"""Refusals in the caller's terms (mutation34: mutants VD4 and UP3 survived the tests merged
with them): ``verify_run`` of a run of an in-memory DataFrame given none says nothing of
the command line; a protected column none of whose values the model knows says "none" of
them, and that it reads them all alike."""

from __future__ import annotations

import sys
from pathlib import Path

import pandas as pd
import pytest

import assay
from assay.errors import UsageError

sys.path.insert(0, str(Path(__file__).parent))
from test_lead32_verify_passed import _biased, _data, _fair  # isort: skip

sys.path.insert(0, str(Path(__file__).parents[1] / "unit"))
from test_hostile33_unknown_values import fitted_on_sex  # isort: skip


def test_verify_run_of_an_in_memory_frame_given_none_says_nothing_of_the_command_line(
    tmp_path: Path,
) -> None:
    store = tmp_path / "runs.db"
    frame = pd.read_csv(_data(tmp_path))
    run = assay.check_fairness(
        _biased, frame, protected="sex", store=store, seed=1, max_queries=300
    )
    with pytest.raises(UsageError) as refused:
        assay.verify_run(run.run_id, store=store, model=_fair)
    said = str(refused.value)
    assert "data=frame" in said and "command line" not in said, said


def test_a_protected_column_of_no_value_the_model_knows_says_none() -> None:
    model, fitted = fitted_on_sex()
    given = fitted.assign(sex=fitted.sex.map({"Female": "F", "Male": "M"}))
    with pytest.raises(UsageError) as err:
        assay.check_fairness(
            model, data=given, protected=["sex"], max_queries=100, store=":memory:"
        )
    said = str(err.value)
    assert "none of the data's values ('F', 'M') are among them" in said, said
    assert "it reads them all alike" in said, said
