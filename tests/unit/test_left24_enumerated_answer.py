"""A small domain enumerated input by input: who is favoured is counted over every IDI
(``distribution`` ``exact``, and the data rows among them), the data rows are read from the
domain's answers rather than asked again, and the answer's samples beside a model asked every
input are a check of ``ENUMERATED_CHECK`` inputs, not thousands of queries."""

from __future__ import annotations

import time
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pytest

import assay
from assay.fairness.exact.enumerated import enumerate_share, idi_of_rows
from assay.fairness.exact_direction import ENUMERATED_CHECK, enumerated_direction

from test_fairness_enumerated import SCHEMA, _biased  # isort: skip


def _frame(n: int = 2_000) -> pd.DataFrame:
    rng = np.random.default_rng(0)
    return pd.DataFrame(
        {
            "grade": rng.integers(0, 8, n),
            "band": rng.choice(["lo", "mid", "hi", "top"], n),
            "sex": rng.choice(["F", "M"], n),
        }
    )


def predict(X: Any) -> np.ndarray:
    """'1' from grade 5, and from grade 3 for M: 8 IDIs among 32 inputs (grade 3-4)."""
    X = np.asarray(X)
    g = X[:, 0].astype(float)
    out: np.ndarray = ((g >= 5) | ((g >= 3) & (X[:, 2] == "M"))).astype(int)
    return out


def test_a_small_domain_is_answered_with_its_enumeration_not_a_full_sample(
    tmp_path: Path,
) -> None:
    frame = _frame()
    result = assay.check_fairness(
        predict, data=frame, protected="sex", max_queries=2_000, seed=1,
        store=tmp_path / "runs.db", determinism_check=False,
    )  # fmt: skip
    s = result.summary
    (ex,) = s["exact"]
    assert ex["status"] == "exact" and ex["queries"] == 32 * 2  # the rows: read, not asked
    assert ex["share_data"]["low"] == pytest.approx(
        float(frame["grade"].isin([3, 4]).mean())  # every data row counted
    )
    exact = [d for d in s["direction"] if d["distribution"] == "exact"]
    assert [(d["value"], d["idis"], d["favoured_count"]) for d in exact] == [
        ("F", 8, 0),
        ("M", 8, 8),
    ]
    in_data = [d for d in s["direction"] if d["distribution"] == "data"]
    n_data = int(frame["grade"].isin([3, 4]).sum())
    assert [(d["idis"], d["favoured_count"], d["exact"]) for d in in_data] == [
        (n_data, 0, True),
        (n_data, n_data, True),
    ]
    assert not [d for d in s["direction"] if d["distribution"] == "uniform"]
    (v,) = s["verdict"]
    assert v["uniform_sampled"] == ENUMERATED_CHECK and v["data_sampled"] == ENUMERATED_CHECK
    # 64 to enumerate the domain, and a check of 100 inputs and 100 rows with both values
    assert s["model_queries"]["answer"] == 64 + 2 * ENUMERATED_CHECK * 2
    assert "(64 enumerating the domain, 400 its samples' variants)" in result.headline
    from assay.core.store import RunStore
    from assay.report import build_document, load_schema

    jsonschema = pytest.importorskip("jsonschema")
    with RunStore(tmp_path / "runs.db") as store:
        jsonschema.validate(build_document(store, result.run_id), load_schema())
    assert s["analysis"]["enumeration_checks"] == [
        "sex: 100 uniform inputs and 100 data rows asked again, a check beside the domain's "
        "enumeration (every input asked)"
    ]


def test_the_answer_line_says_who_is_favoured_over_every_idi(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    from assay.cli.app import main

    monkeypatch.chdir(tmp_path)
    (tmp_path / "m.py").write_text(
        "import numpy as np\n"
        "def predict(X):\n"
        "    X = np.asarray(X)\n"
        "    g = X[:, 0].astype(float)\n"
        "    return ((g >= 5) | ((g >= 3) & (X[:, 2] == 'M'))).astype(int)\n"
    )
    _frame().to_csv(tmp_path / "small.csv", index=False)
    with pytest.raises(SystemExit):
        main(["fairness", "m.py:predict", "--data", "small.csv", "--protected", "sex",
              "--max-queries", "2000", "--seed", "1", "--no-determinism-check"])  # fmt: skip
    out = capsys.readouterr().out
    assert "the M variant gets '1' in 100.00 % of the domain's 8 IDIs (exact: every one" in out
    assert "464 by the answer (64 enumerating the domain, 400 its samples' variants)" in out


def test_the_direction_is_counted_over_every_idi_and_data_row() -> None:
    data = np.array([[4, 0, 1], [5, 2, 1], [8, 1, 0], [3, 0, 2], [4, 1, 1]], dtype=float)
    ex = enumerate_share(
        SCHEMA, _biased, "s", data=data, deadline=time.monotonic() + 30, source="test"
    )
    assert not isinstance(ex, str) and ex.idi_classes is not None and ex.idi_rows is not None
    # the planted region: a in (4, 5) and c = 'y', where s = 2 alone gets class 1
    assert len(ex.idi_rows) == 2 and ex.idi_classes.tolist() == [[0, 0, 1], [0, 0, 1]]
    got = enumerated_direction(SCHEMA, "s", ex, 1, data)
    assert got is not None
    rows, data_exact = got
    assert data_exact
    by = {(d["distribution"], d["value"]): (d["idis"], d["favoured_count"]) for d in rows}
    assert by[("exact", "0")] == (2, 0) and by[("exact", "2")] == (2, 2)
    assert by[("data", "1")] == (3, 0) and by[("data", "2")] == (3, 3)  # rows 1, 2 and 5
    at = idi_of_rows(SCHEMA, 1, data, ex.idi_rows)
    assert at is not None and (at >= 0).tolist() == [True, True, False, False, True]
    assert np.array_equal(ex.idi_rows[at[1]][[0, 2]], data[1][[0, 2]])


def test_an_enumeration_through_trees_keeps_the_full_sample() -> None:
    """Trees as read, not the model, classed the domain: the sample checks their reading."""
    from assay.fairness.exact_direction import answer_samples

    ex = enumerate_share(
        SCHEMA, _biased, "s", data=None, deadline=time.monotonic() + 30, source="t",
        trees=True,
    )  # fmt: skip
    assert not isinstance(ex, str) and ex.queries == 0
    assert answer_samples(ex, 4_000, 0, False) == (4_000, 0)
    asked = enumerate_share(
        SCHEMA, _biased, "s", data=None, deadline=time.monotonic() + 30, source="m"
    )
    assert answer_samples(asked, 4_000, 300, True) == (ENUMERATED_CHECK, 300)  # no data share
    assert answer_samples("no analysis", 4_000, 300, False) == (4_000, 300)
