"""mutation50: a run resumed from its store gets back every part of its search's snapshot
under the prefix the run gave it (``core.run``: ``budget.``, ``search.``): its values and
arrays as last written, its appends and its sets as every checkpoint's added together, and
nothing of the other part's.  A fairness search's sets are the classes it has seen (a set
lost on resume: the resumed search asks and counts those classes again)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np

from assay.core.checkpoint import Snapshot, from_json_lines, json_lines, merge
from assay.core.store import RunStore

ARGS: dict[str, Any] = dict(
    technique="fairness", seed=1, command="c", config={}, model={}, versions={}
)


def _search(step: int) -> Snapshot:
    return Snapshot(
        values={"queries": 10 * step},
        arrays={"changes": np.full(3, step)},
        appends={"rows": json_lines([{"row": step, "label": f"r{step}"}])},
        sets={"idi_keys": np.array([step, 100 + step], dtype=np.uint64)},
    )


def _budget(step: int) -> Snapshot:
    return Snapshot(values={"queries": step}, arrays={"changes": np.zeros(1)})


def test_a_resumed_search_gets_back_every_part_of_its_own_snapshot(tmp_path: Path) -> None:
    with RunStore(tmp_path / "s.db") as store:
        store.create_run(run_id="fairness-c", **ARGS)
        for step in (1, 2):
            both = merge(_budget(step).prefixed("budget."), _search(step).prefixed("search."))
            store.checkpoint("fairness-c", snapshot=both)
        kept = store.load_snapshot("fairness-c")
    assert kept is not None
    search = kept.unprefixed("search.")
    budget = kept.unprefixed("budget.")
    assert search.values == {"queries": 20} and budget.values == {"queries": 2}
    assert set(search.arrays) == {"changes"} and search.arrays["changes"].tolist() == [2, 2, 2]
    assert budget.arrays["changes"].tolist() == [0.0]
    assert from_json_lines(search.appends.get("rows")) == [
        {"row": 1, "label": "r1"},
        {"row": 2, "label": "r2"},
    ]
    assert sorted(np.asarray(search.sets["idi_keys"]).tolist()) == [1, 2, 101, 102]
    assert not budget.appends and not budget.sets


def test_merge_keeps_the_later_snapshots_values_and_every_part() -> None:
    a = Snapshot(values={"x": 1}, sets={"s": np.array([1], dtype=np.uint64)})
    b = Snapshot(values={"x": 2}, appends={"r": json_lines([{"k": 1}])})
    both = merge(a, b)
    assert both.values == {"x": 2} and list(both.sets) == ["s"] and list(both.appends) == ["r"]


def test_json_lines_round_trip_one_record_a_line_and_none_for_an_empty_chunk() -> None:
    records = [{"a": np.int64(3), "b": "x\ny"}, {"a": 4, "b": ""}]
    chunk = json_lines(records)
    assert bytes(chunk).count(b"\n") == 2
    assert from_json_lines(chunk) == [{"a": 3, "b": "x\ny"}, {"a": 4, "b": ""}]
    assert from_json_lines(np.zeros(0, dtype=np.uint8)) == [] and from_json_lines(None) == []
    joined = np.concatenate([json_lines(records[:1]), json_lines(records[1:])])
    assert from_json_lines(joined) == from_json_lines(chunk)
