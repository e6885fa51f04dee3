"""mutation49b: a run's sampled witnesses of one kind read back (and compacted) batch by
batch as alike (``core.store_blobs.alike_groups``): a backdoor run keeping few witnesses
(``--keep-findings 2``) whose STRIP flags came from two checks (the second opinion's in one
unit, the source-class check's in another) failed reading them (KeyError: 'blends': ``assay
show``, ``report``, ``verify``), and compacting them failed the run's commit; joined, every
flag would carry the first check's details."""

from __future__ import annotations

from pathlib import Path

import numpy as np

from assay.core.findings import FindingBatch
from assay.core.store import RunStore


def _flags(n: int, strategy: str, columns: list[str], start: int = 0) -> FindingBatch:
    return FindingBatch(
        kind="strip-flag",
        inputs=np.zeros((n, 1, 2, 2, 1)),
        outputs=np.zeros((n, 1)),
        severity=np.ones(n),
        columns={k: np.arange(start, start + n) for k in columns},
        details={"strategy": strategy},
    )


OPINION = ["image", "blends"]
SOURCE = ["image", "box", "source", "located"]


def _read(store: RunStore) -> dict[str, tuple[int, list[str]]]:
    out: dict[str, tuple[int, list[str]]] = {}
    for batch in store.iter_batches("r"):
        n, cols = out.get(batch.details["strategy"], (0, sorted(batch.columns)))
        assert sorted(batch.columns) == cols, (batch.details, sorted(batch.columns))
        out[batch.details["strategy"]] = (n + len(batch), cols)
    return out


def _run(store: RunStore) -> None:
    store.create_run(run_id="r", technique="backdoor", seed=0, command="assay backdoor m.py",
                     config={}, model={}, versions={}, keep_findings=2)  # fmt: skip


def test_sampled_flags_of_two_checks_are_read_each_with_its_own(tmp_path: Path) -> None:
    with RunStore(tmp_path / "s.db") as store:
        _run(store)
        store.checkpoint("r", findings=[_flags(3, "opinion", OPINION)])
        store.checkpoint("r", findings=[_flags(3, "source-class", SOURCE)])
        read = _read(store)
    assert read["source-class"] == (3, sorted(SOURCE))  # (sampled: none kept for good)
    assert read["opinion"][1] == sorted(OPINION) and 1 <= read["opinion"][0] <= 3


def test_compacting_sampled_flags_of_two_checks_keeps_them_apart(tmp_path: Path) -> None:
    # 4,400 sampled flags: past the dead witnesses tolerated, rewritten (compacted) as kept
    with RunStore(tmp_path / "s.db") as store:
        _run(store)
        store.checkpoint("r", findings=[_flags(2_200, "opinion", OPINION)])
        store.checkpoint("r", findings=[_flags(2_200, "source-class", SOURCE, 2_200)])
        store.checkpoint("r", findings=[_flags(3, "opinion", OPINION, 4_400)])
        read = _read(store)
    assert set(read) == {"opinion", "source-class"}
    assert read["opinion"][1] == sorted(OPINION) and read["source-class"][1] == sorted(SOURCE)
