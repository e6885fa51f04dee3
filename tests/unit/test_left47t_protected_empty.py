"""``protected=[]`` (an explicit empty list) silently tested the built-in dataset's default
protected attributes: refused now, naming what was given and what to give; None (or leaving
it out) keeps the default, and a run of the default, whose record holds ``[]``, still
resumes (left47t)."""

from __future__ import annotations

from pathlib import Path

import pytest

import assay
from assay.core.store import RunStore
from assay.errors import UsageError
from assay.fairness.bins import parse_protected
from assay.fairness.loading import setup_fairness, setup_from_record


@pytest.mark.parametrize("empty", [[], ()])
def test_an_explicit_empty_list_is_refused(empty: list[str] | tuple[str, ...]) -> None:
    with pytest.raises(UsageError) as refused:
        setup_fairness("builtin:tree", dataset="german", protected=empty)
    text = str(refused.value)
    assert f"protected={empty!r} names no attribute" in text, text
    assert '["sex", "age"]' in text and "leave it out (None)" in text, text
    with pytest.raises(UsageError, match="names no attribute"):
        parse_protected(empty)
    assert parse_protected(None) == ((), {})


def test_none_keeps_the_default_and_its_record_resumes(tmp_path: Path) -> None:
    default = setup_fairness("builtin:tree", dataset="german", protected=None)
    assert default.test.schema.protected  # the dataset's default attributes
    store = str(tmp_path / "r.db")
    result = assay.check_fairness(
        "builtin:tree", dataset="german", max_queries=300, seed=1, store=store
    )
    record = RunStore(store, read_only=True).get_run(result.run_id)
    assert record.config["invocation"]["protected"] == []  # (the record of the default)
    again = setup_from_record(record)
    assert again.test.schema.protected == default.test.schema.protected
