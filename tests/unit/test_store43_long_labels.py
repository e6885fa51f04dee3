"""A fairness model whose declared classes are long texts is refused before any run.

Two classes of 1 MB each (a model answering the text it generated): 4,000 queries took
10 GB of memory and 102 s, stored 68 MB and wrote a 34 MB JSON report.  A text classifier's
labels were already bounded (``LONGEST_LABEL``); a fairness model's were not.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pytest

import assay
from assay.core.label_length import LONGEST_LABEL
from assay.core.store import RunStore
from assay.errors import UsageError


def _model(label_length: int) -> Any:
    yes, no = "approve " + "a" * label_length, "deny " + "d" * label_length

    def predict(rows: Any) -> np.ndarray:
        x = np.asarray(rows, dtype=float)
        return np.where((x[:, 0] > 25) ^ (x[:, 1] > 0), yes, no).astype(object)

    predict.classes_ = [no, yes]  # type: ignore[attr-defined]
    return predict


def _frame() -> pd.DataFrame:
    rng = np.random.default_rng(0)
    return pd.DataFrame({"x": rng.integers(0, 50, 200), "sex": rng.integers(0, 2, 200)})


def test_a_model_whose_classes_are_long_texts_is_refused_before_a_run(tmp_path: Path) -> None:
    store = tmp_path / "runs.db"
    with pytest.raises(UsageError, match=f"a label is at most {LONGEST_LABEL:,}") as err:
        assay.check_fairness(
            _model(200_000), data=_frame(), protected="sex", max_queries=500, seed=1, store=store
        )
    assert "200,005 characters" in str(err.value) and len(str(err.value)) < 1_000
    if store.exists():  # no run was made
        with RunStore(store) as opened:
            assert not opened.list_runs()


def test_labels_as_long_as_allowed_still_run(tmp_path: Path) -> None:
    result = assay.check_fairness(
        _model(LONGEST_LABEL - 8), data=_frame(), protected="sex", max_queries=500, seed=1,
        store=tmp_path / "runs.db",
    )  # fmt: skip
    assert result.run_id
