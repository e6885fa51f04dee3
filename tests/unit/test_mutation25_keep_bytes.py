"""mutation25: the ``--keep-findings`` bound in bytes at its edges: a cap whose witnesses
fit the bytes but not with its most severe beside them is bounded too (the store keeps at
most what ``KEEP_BYTES`` holds), and a bound of two findings still keeps the most severe."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np
import pytest
from test_left24_keep_bytes import _batches, _created, _kept

import assay.core.store as store_module
import assay.core.witnesses as witnesses_module
from assay.core.store import RunStore
from assay.core.witnesses import TOP


def _kept_of(tmp_path: Path, keep: int, room: int, monkeypatch: pytest.MonkeyPatch) -> Any:
    batches = _batches()
    each = store_module._bytes_each(batches[0])
    monkeypatch.setattr(witnesses_module, "KEEP_BYTES", int(each * (room + 0.5)))
    store = _created(tmp_path, "r", keep)
    for batch in batches:
        store.checkpoint("r", findings=[batch])
    store.checkpoint("r", status="completed")
    (counts,) = store.witness_counts("r").values()
    assert int(witnesses_module.KEEP_BYTES // counts["bytes_each"]) == room
    return counts, _kept(store, "r").astype(int), batches


def test_a_cap_that_fits_without_its_most_severe_is_bounded(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    keep = 100
    counts, kept, _ = _kept_of(tmp_path, keep, keep + TOP // 2, monkeypatch)
    assert counts["found"] == 3_000 and counts["keep"] < keep
    assert len(np.unique(kept)) == counts["kept"] <= keep + TOP // 2


def test_a_bound_of_two_findings_keeps_the_most_severe(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    counts, kept, batches = _kept_of(tmp_path, 100, 2, monkeypatch)
    assert counts["keep"] == 2 and counts["kept"] <= 3
    sev = np.concatenate([b.severity for b in batches])
    worst = int(np.argsort(-sev, kind="stable")[0])
    assert worst in set(kept.tolist())


def test_a_reopened_store_keeps_the_kinds_own_most_severe_count(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A bound of 12 findings keeps its 4 most severe beside 8 others; a resumed run (the
    store reopened) keeps to the same 4, not ``TOP``."""
    batches = _batches()
    each = store_module._bytes_each(batches[0])
    monkeypatch.setattr(witnesses_module, "KEEP_BYTES", int(each * 12.5))
    store = _created(tmp_path, "r", 100)
    for batch in batches[:10]:
        store.checkpoint("r", findings=[batch])
    store.close()
    store = RunStore(tmp_path / "s.db")
    for batch in batches[10:]:
        store.checkpoint("r", findings=[batch])
    store.checkpoint("r", status="completed")
    (counts,) = store.witness_counts("r").values()
    assert counts["keep"] == 8 and counts["found"] == 3_000
    assert len(np.unique(_kept(store, "r"))) == counts["kept"] <= 12


def test_the_size_is_measured_on_the_first_findings_not_the_first_alone(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A first finding of zeros (deflated to almost nothing) beside 16 KB ones: measured on
    it alone, the kind seemed small and went unbounded."""
    batches = _batches()
    first = batches[0]
    first.inputs[0, 0, 1:] = 0.0
    each = store_module._bytes_each(first)
    assert 10_000 < each < 17_500  # the first 64's mean
    monkeypatch.setattr(witnesses_module, "KEEP_BYTES", 4 * 1024 * 1024)
    store = _created(tmp_path, "r", 1_000)
    for batch in batches:
        store.checkpoint("r", findings=[batch])
    store.checkpoint("r", status="completed")
    (counts,) = store.witness_counts("r").values()
    assert counts["keep"] < 1_000 and counts["kept"] <= 4 * 1024 * 1024 // each
