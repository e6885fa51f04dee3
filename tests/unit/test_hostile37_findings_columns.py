"""A user's data with a column named as one of assay's own in ``result.findings()`` (``idi``,
``variant``, ``generated``, ``prediction``, ``p(CLASS)``): on main ``findings()`` raised a bare
``ValueError: cannot insert idi, already exists`` (``--export``: exit 5, "a bug in assay"), and
a feature ``prediction`` was overwritten by the model's answers.  The user's columns keep
their names and values; assay's take `` (assay)``."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from typer.testing import CliRunner

import assay
from assay.cli.app import app, register

register()

MODEL = """
import numpy as np

def predict(X):
    X = np.asarray(X, dtype=object)
    return np.array([int(r[1] == "M" and float(r[2]) > 0) for r in X])
"""


def _data() -> pd.DataFrame:
    rng = np.random.default_rng(0)
    n = 200
    return pd.DataFrame(
        {
            "idi": rng.integers(0, 5, n),
            "sex": rng.choice(["F", "M"], n),
            "prediction": rng.normal(size=n).round(3),
        }
    )


def _model(x: object) -> np.ndarray:
    rows = np.asarray(x, dtype=object)
    return np.array([int(r[1] == "M" and float(r[2]) > 0) for r in rows])


def test_findings_keep_the_users_columns_named_as_assays(tmp_path: Path) -> None:
    df = _data()
    r = assay.check_fairness(
        _model, df, protected="sex", max_queries=300, seed=1, store=tmp_path / "s.db"
    )
    assert r.n_findings > 0
    f = r.findings()
    assert list(f.columns) == [
        "idi (assay)",
        "variant",
        "generated",
        "idi",
        "sex",
        "prediction",
        "prediction (assay)",
        "row",  # (left52: the data row an IDI is, by the DataFrame's index label)
    ]
    # the user's values, never the model's answers: each row is a data value (or a neighbour
    # of one), and assay's prediction column holds the model's 0/1
    assert set(f["idi"]).issubset(set(range(5)))
    assert not set(f["prediction"]).issubset({0, 1})
    assert set(f["prediction (assay)"]) == {0, 1}
    assert f["idi (assay)"].nunique() == min(r.n_findings, 1000)
    empty = r.findings(limit=0)
    assert list(empty.columns) == list(f.columns)


def test_export_counts_assays_idis_not_the_users_column(tmp_path: Path) -> None:
    (tmp_path / "m.py").write_text(MODEL)
    _data().to_csv(tmp_path / "d.csv", index=False)
    out = tmp_path / "x.csv"
    res = CliRunner().invoke(
        app,
        [
            "fairness",
            f"{tmp_path / 'm.py'}:predict",
            "--data",
            str(tmp_path / "d.csv"),
            "--protected",
            "sex",
            "--max-queries",
            "300",
            "--seed",
            "1",
            "--store",
            str(tmp_path / "s.db"),
            "--export",
            str(out),
        ],
    )
    assert res.exit_code == 1, res.output
    back = pd.read_csv(out)
    found = back["idi (assay)"].nunique()
    assert f"all {found:,} IDIs found" in res.output
    assert set(back["idi"]).issubset(set(range(5)))


def test_the_jupyter_view_offers_group_metrics_only_with_labels(tmp_path: Path) -> None:
    df = _data()
    r = assay.check_fairness(
        _model, df, protected="sex", max_queries=300, seed=1, store=tmp_path / "s.db"
    )
    with pytest.raises(assay.UsageError, match=r"no group metrics: .*give label="):
        r.group_metrics()  # no labels: what the view said it gives (left49h: not None)
    assert "result.group_metrics()" not in r._repr_html_()
    assert "label=" in r._repr_html_()
    labelled = df.assign(outcome=(df["sex"] == "M").astype(int))
    r = assay.check_fairness(
        _model,
        labelled,
        protected="sex",
        label="outcome",
        max_queries=600,
        seed=1,
        store=tmp_path / "s.db",
    )
    assert r.group_metrics() is not None
    assert "result.group_metrics()</code>: group metrics" in r._repr_html_()


def test_a_frame_of_numbered_columns_gets_its_findings_under_those_numbers(
    tmp_path: Path,
) -> None:
    """``pd.DataFrame(X)`` (columns 0, 1, 2), protected by its number: on main the findings
    came back under "0", "1", "2" (``findings()[1]`` a ``KeyError``)."""
    rng = np.random.default_rng(0)
    n = 200
    df = pd.DataFrame(
        np.c_[rng.integers(18, 70, n), rng.integers(0, 2, n), rng.integers(20, 60, n)]
    )

    def model(x: object) -> np.ndarray:
        rows = np.asarray(x, dtype=np.float64)
        return ((rows[:, 1] == 1) & (rows[:, 2] > 38)).astype(int)

    r = assay.check_fairness(
        model, df, protected=1, max_queries=300, seed=1, store=tmp_path / "s.db"
    )
    f = r.findings()
    assert r.n_findings > 0
    assert list(f.columns[3:6]) == [0, 1, 2]
    assert set(f[1]) == {0, 1}
    assert list(r.findings(limit=0).columns) == list(f.columns)
    assert pd.concat([df, f[list(df.columns)]]).shape == (len(df) + len(f), 3)


def test_a_moved_name_taken_too_is_numbered() -> None:
    from assay.fairness.frames import _Own

    own = _Own(["idi", "idi (assay)", "sex"])
    assert own("idi") == "idi (assay 2)"
    assert own("idi") == "idi (assay 2)"  # the same name each time it is asked
    assert own("variant") == "variant"
