"""A run id typed with a typo names the run meant (store53: a store of 1,500 runs said only
"no run ...; latest runs: (five others)")."""

from __future__ import annotations

from pathlib import Path

import pytest

from assay.core.near_ids import near_ids
from assay.core.store import RunStore
from assay.errors import UsageError

IDS = [
    "fairness-20261207-215622-c813",
    "fairness-20261207-215634-c957",
    "fairness-20261207-215646-9eec",
    "text-20261207-215701-0373",
]


@pytest.mark.parametrize(
    ("typed", "meant"),
    [
        ("fairness-20261207-215622-c831", IDS[0]),  # two characters swapped
        ("fairness-20261207-21562-c813", IDS[0]),  # one dropped
        ("fairnes-20261207-215622-c813", IDS[0]),
        ("text-2026120-215701-0373", IDS[3]),
    ],
)
def test_a_typo_names_the_run_meant_alone(typed: str, meant: str) -> None:
    assert near_ids(typed, IDS) == [meant]


def test_nothing_alike_suggests_nothing() -> None:
    assert near_ids("zzz", IDS) == []
    assert near_ids("", IDS) == []


def test_the_store_says_the_run_meant(tmp_path: Path) -> None:
    with RunStore(tmp_path / "runs.db", compaction="off") as store:
        for run_id in IDS:
            store.create_run(
                run_id=run_id, technique="toy", seed=1, command="x", config={}, model={},
                versions={},
            )  # fmt: skip
        with pytest.raises(UsageError) as err:
            store.get_run("fairness-20261207-215622-c831")
    assert f"did you mean {IDS[0]}?" in str(err.value)
