"""api37: a ``pd.DataFrame(X)`` run's summary frames under the user's numbered columns (as
``findings()``), and the group metrics skipped for the budget said in the API's terms."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pytest

import assay


def _numbered(labelled: bool) -> pd.DataFrame:
    rng = np.random.default_rng(0)
    n = 200
    cols = [rng.integers(18, 70, n), rng.integers(0, 2, n), rng.integers(20, 60, n)]
    return pd.DataFrame(np.c_[(*cols, rng.integers(0, 2, n)) if labelled else tuple(cols)])


def _model(x: object) -> np.ndarray:
    rows = np.asarray(x, dtype=np.float64)
    return ((rows[:, 1] == 1) & (rows[:, 2] > 38)).astype(int)


def test_regions_direction_and_verdict_key_numbered_columns_by_their_numbers(
    tmp_path: Path,
) -> None:
    """On main ``regions``' attribute, conditions, values and witnesses, ``direction``'s and
    ``verdict``'s attribute read ``'1'``, ``'2'`` where ``findings()`` gives ``1``, ``2``."""
    r = assay.check_fairness(
        _model, _numbered(False), protected=1, max_queries=300, seed=1, store=tmp_path / "s.db"
    )
    regions = r.regions
    assert len(regions) and set(regions.attribute) == {1}
    assert set(regions.conditions[0]) == {2} and set(regions["values"][0]) == {2}
    assert {0, 1, 2} <= set(regions.witnesses[0][0])
    assert set(r.direction.attribute) == {1}
    assert list(r.verdict.attribute) == [1]
    assert list(r.tables()["verdict"].attribute) == [1]
    assert 1 in r.findings().columns


def test_group_metrics_skipped_for_the_budget_are_said_in_the_apis_terms(tmp_path: Path) -> None:
    """200 labelled rows under ``max_queries=300``: the group metrics are skipped; on main the
    caller was told "raise --max-queries" (the summary's Budget note, a command line's option)
    and the Jupyter view did not say it at all."""
    r = assay.check_fairness(
        _model,
        _numbered(True),
        protected=1,
        label=3,
        max_queries=300,
        seed=1,
        store=tmp_path / "s.db",
    )
    assert r.tables().get("groups") is None  # (skipped: the premise)
    said = " ".join(r.budget_notes)
    assert "group metrics were not computed" in said
    assert "raise max_queries to at least twice that" in said and "--max-queries" not in said
    view = r._repr_html_()
    assert "raise max_queries" in view and "--max-queries" not in view


def _named(texts: list[str]) -> list[str]:
    return ["pos" if "good" in t else "neg" for t in texts]


_named.classes_ = ["neg", "pos"]  # type: ignore[attr-defined]


def _numbered_labels(texts: list[str]) -> list[str]:
    return ["1" if "good" in t else "0" for t in texts]


_numbered_labels.classes_ = ["0", "1"]  # type: ignore[attr-defined]


def test_mismatched_labels_are_refused_naming_label_map_as_a_file_or_a_dict(
    tmp_path: Path,
) -> None:
    """On main the API's refusal said "Give label_map FILE mapping ...": no word of the dict
    ``check_text`` takes as well."""
    with pytest.raises(assay.UsageError) as info:
        _text(tmp_path, _named, _numbered_labels)
    said = str(info.value)
    assert "name their labels differently" in said
    assert "label_map= (a file, or a dict {CLASSIFIER: {LABEL: COMMON}}" in said
    assert "--label-map" not in said and "label_map FILE" not in said


def test_text_findings_times_found_is_nullable_whole_numbers(tmp_path: Path) -> None:
    """``times_found`` was ``object`` (None where unknown): now ``Int64`` in a run's findings
    and in a run of none, and the JSON export still writes whole numbers (on main: object)."""
    import json

    r = _text(tmp_path, _named, _named_too)
    f = r.findings()
    assert len(f) and str(f["times_found"].dtype) == "Int64"
    assert str(r.findings(limit=0)["times_found"].dtype) == "Int64"
    rows = json.loads(r.export(tmp_path / "f.json").read_text())
    assert all(isinstance(row["times_found"], int) for row in rows)


def _named_too(texts: list[str]) -> list[str]:
    return ["pos" if t.startswith("good") else "neg" for t in texts]


_named_too.classes_ = ["neg", "pos"]  # type: ignore[attr-defined]


def _text(tmp_path: Path, *models: object) -> Any:
    """A tiny differential text run of ``models`` (20 queries)."""
    grammar = "S -> 'a good film' | 'a bad film' | 'good' | 'bad'\n"
    return assay.check_text(
        list(models), grammar=grammar, max_queries=20, seed=1, store=tmp_path / "s.db"
    )
