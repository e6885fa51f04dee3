"""The options assay's hints suggest are quoted for the shell (0c1f810, ``shell_word``),
each of them: bench/RESULTS.md, mutation33b (the quoting dropped from each hint but the two
``test_hostile32_hints_pasted.py`` pastes survived it: mutants SQ2-SQ6, SQ9, SQ10)."""

from __future__ import annotations

import shlex
from pathlib import Path
from types import SimpleNamespace
from typing import Any, cast

import pandas as pd
import pytest
from test_mutation33b_recorded_once import _store

from assay.errors import UsageError
from assay.fairness.bins import apply_bins, parse_protected
from assay.fairness.loading import _width_hint
from assay.fairness.notes import set_aside_note
from assay.models.classes import classes_advice


def _after(option: str, said: str) -> list[str]:
    """``option`` and the one word after it in ``said``, as a shell reads that word."""
    words = shlex.shlex(said[said.index(option + " ") + len(option) :], posix=True)
    words.whitespace_split = True
    return [option, (words.get_token() or "").rstrip(");,")]


def test_classes_advice_quotes_labels_with_spaces() -> None:
    said = classes_advice(["very good", "bad"], 2)
    assert _after("--classes", said) == ["--classes", "very good,bad"], said
    said = classes_advice(["very good", "bad"])
    assert said.startswith("e.g. --classes 'very good,bad',..."), said


def test_bins_refused_on_a_text_column_say_it_as_a_category_quoted() -> None:
    frame = pd.DataFrame({"home town": ["a", "b", "c"], "age": [1, 2, 3]})
    _, bins = parse_protected("home town:bins=1,2")
    with pytest.raises(UsageError) as err:
        apply_bins(frame, bins, "the data")
    assert _after("--protected", str(err.value)) == ["--protected", "home town"], str(err.value)


def test_a_set_aside_column_s_label_hint_is_quoted() -> None:
    setup = SimpleNamespace(
        set_aside=["passed exam"],
        test=SimpleNamespace(labels=None, schema=SimpleNamespace(names=("age", "sex"))),
    )
    said = set_aside_note(cast(Any, setup))
    assert said is not None
    assert _after("--label", said) == ["--label", "passed exam"], said


def test_the_width_hint_quotes_its_label_and_drop_columns() -> None:
    schema = SimpleNamespace(names=("age", "sex", "passed exam"), protected=("sex",))
    model = SimpleNamespace(feature_names_in_=["age", "sex"])
    said = _width_hint(cast(Any, schema), model, from_data=True, labelled=False)
    assert _after("--label", said) == ["--label", "passed exam"], said
    assert _after("--drop", said) == ["--drop", "passed exam"], said


def test_bins_of_a_built_in_dataset_say_the_plain_option_quoted() -> None:
    from assay.fairness.loading import setup_fairness

    with pytest.raises(UsageError) as err:
        setup_fairness(None, dataset="adult", protected="home town:bins=1,2")
    said = str(err.value)
    assert _after("--protected", said) == ["--protected", "home town"], said


def test_salvage_s_runs_line_quotes_a_spaced_store(tmp_path: Path) -> None:
    from typer.testing import CliRunner

    from assay.cli.app import app, register

    register()
    _store(tmp_path).close()  # (a store of one run)
    target = tmp_path / "my runs.db"
    result = CliRunner().invoke(app, ["salvage", str(tmp_path / "s.db"), str(target)])
    said = " ".join(result.output.split())
    assert _after("--store", said) == ["--store", str(target)], said


def test_pip_install_quotes_an_interpreter_path_with_a_space(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from assay.core.extras import pip_install

    monkeypatch.setattr("sys.executable", "/opt/my tools/bin/python")
    said = pip_install("'assay[text]'")
    assert shlex.split(said) == ["/opt/my tools/bin/python", "-m", "pip", "install", "assay[text]"]
