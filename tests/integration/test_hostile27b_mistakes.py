"""hostile27b (twenty-sixth session): the API's user mistakes, as a program that embeds
assay makes them, raise ``UsageError`` naming the argument and leave nothing behind.

- ``assay.resume_run(RUN, store="runs/typo.db")`` created the mistyped store, empty, with its
  folders, then said there was no such run in it.
- An ``on_progress`` (or ``on_start``) that is not a function made the run, which failed at
  its first progress line as assay's own "internal error (TypeError)", left in the store.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np
import pytest
from hostile27b_models import by_sex, negation_aware, negation_blind, people

import assay


def _brightness(x: Any) -> np.ndarray:
    return (np.asarray(x).reshape(len(x), -1).mean(axis=1) > 0.5).astype(int)


def _check(technique: str, given: dict[str, Any]) -> Any:
    """A small run of ``technique`` with the keywords ``given``."""
    if technique == "fairness":
        return assay.check_fairness(by_sex, data=people(), protected=["sex"], **given)
    if technique == "text":
        return assay.check_text(
            [negation_blind, negation_aware], grammar="builtin:reviews", **given
        )
    rng = np.random.default_rng(0)
    return assay.check_backdoor(
        _brightness,
        images=rng.random((4, 8, 8)),
        clean=rng.random((12, 8, 8)),
        input_shape="8,8",
        classes=2,
        **given,
    )


def test_resume_run_from_a_store_that_is_not_there_creates_nothing(tmp_path: Path) -> None:
    typo = tmp_path / "runz" / "runs.db"
    with pytest.raises(assay.UsageError, match="no run store at") as caught:
        assay.resume_run("fairness-20261204-000000-abcd", store=typo)
    assert caught.value.argument == "store" and str(typo) in str(caught.value)
    assert not typo.parent.exists()


@pytest.mark.parametrize("technique", ["fairness", "text", "backdoor"])
@pytest.mark.parametrize("callback", ["on_progress", "on_start"])
def test_a_callback_that_is_not_a_function_is_refused_before_the_run(
    tmp_path: Path, technique: str, callback: str
) -> None:
    store = tmp_path / "runs.db"
    given: dict[str, Any] = {callback: "print", "store": store, "max_queries": 2_000, "seed": 1}
    with pytest.raises(assay.UsageError, match="must be a function") as caught:
        _check(technique, given)
    assert caught.value.argument == callback
    assert not store.exists() or not assay.RunStore(store, read_only=True).list_runs()


def test_resume_run_refuses_an_on_note_that_is_not_a_function(tmp_path: Path) -> None:
    store = tmp_path / "runs.db"
    assay.RunStore(store).close()
    with pytest.raises(assay.UsageError, match="must be a function") as caught:
        assay.resume_run("fairness-20261204-000000-abcd", store=store, on_note=[])
    assert caught.value.argument == "on_note"


def _my_bug(*args: Any) -> None:
    raise ValueError("my own bug")


@pytest.mark.parametrize("technique", ["fairness", "text", "backdoor"])
@pytest.mark.parametrize("callback", ["on_progress", "on_start"])
def test_a_callback_that_raises_ends_the_run_as_the_callers_error(
    tmp_path: Path, technique: str, callback: str
) -> None:
    """The caller's exception goes on as it is; the run is never left 'running' (an
    ``on_start`` that raised left it so for good) nor recorded as assay's internal error."""
    store = tmp_path / "runs.db"
    given: dict[str, Any] = {callback: _my_bug, "store": store, "max_queries": 2_000, "seed": 1}
    with pytest.raises(ValueError, match="my own bug"):
        _check(technique, given)
    with assay.RunStore(store, read_only=True) as s:
        (record,) = s.list_runs()
        error = s.get_run(record.id).error or ""
    assert record.status == "failed", record.status
    assert f"function given as {callback} raised ValueError" in error, error
    assert "internal error" not in error


def test_check_text_names_its_classifiers_by_their_keyword(tmp_path: Path) -> None:
    """One classifier for a differential test was refused naming "argument MODEL" (the
    command line's name) where the keyword is ``models``."""
    with pytest.raises(assay.UsageError, match="two or more classifiers") as caught:
        assay.check_text(negation_blind, grammar="builtin:reviews", store=tmp_path / "r.db")
    assert caught.value.argument == "models"
    assert "--oracle" not in str(caught.value)  # the keyword, as Python gives it
