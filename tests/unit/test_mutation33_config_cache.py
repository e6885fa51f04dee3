"""Every read of a kept config entry gets its own copy, the later reads too (bench/RESULTS.md,
mutation33's table: mutant CC3, a kept value handed out itself, survived
``test_text32_config_once.py``, whose reader changed the first read's copy, made as it was
parsed)."""

from __future__ import annotations

from pathlib import Path

from test_text32_config_once import _grammar, _store_with_run, big_parses

from assay.core.store import RunStore

__all__ = ["big_parses"]  # (the fixture, shared)


def test_a_reader_changing_a_kept_value_changes_no_later_reader_s(
    tmp_path: Path, big_parses: list[int]
) -> None:
    path = tmp_path / "runs.db"
    run = _store_with_run(path, _grammar())
    with RunStore(path) as store:
        store.get_run(run)  # (parsed, kept)
        second = store.get_run(run).config  # (the kept value)
        second["grammar"]["text"] = "S -> 'x'"
        third = store.get_run(run).config
    assert third["grammar"]["text"] == _grammar()
    assert len(big_parses) == 1
