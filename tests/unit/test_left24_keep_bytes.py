"""The witnesses a capped run keeps are bounded in bytes as well as in number: a kind whose
findings are large keeps as many as ``KEEP_BYTES`` holds (its most severe among them), every
finding still counted, and the run, ``assay show`` and the reports say what was not kept.
``--keep-findings all`` keeps every one whatever its size."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

import assay.core.witnesses as witnesses_module
from assay.core.findings import FindingBatch
from assay.core.store import RunStore
from assay.report import build_document

KIND = "image"
VALUES = 2_000  # float64 noise: about 16 KB a finding in the store, deflated or not


def _batches(n_batches: int = 30, size: int = 100) -> list[FindingBatch]:
    rng = np.random.default_rng(0)
    out = []
    for b in range(n_batches):
        num = np.arange(b * size, (b + 1) * size)
        inputs = rng.random((size, 1, VALUES))
        inputs[:, 0, 0] = num  # the finding's number
        out.append(
            FindingBatch(
                kind=KIND,
                inputs=inputs,
                outputs=(num % 2)[:, None],
                severity=rng.random(size).round(3),
                details={},
            )
        )
    return out


def _created(tmp_path: Path, run_id: str, keep: int | None) -> RunStore:
    store = RunStore(tmp_path / "s.db")
    store.create_run(
        run_id=run_id, technique="toy", seed=3, command="x", config={}, model={},
        versions={}, keep_findings=keep,
    )  # fmt: skip
    return store


def _run(tmp_path: Path, keep: int | None) -> tuple[RunStore, str]:
    store = _created(tmp_path, "big-run", keep)
    for batch in _batches():
        store.checkpoint("big-run", findings=[batch])
    store.checkpoint("big-run", status="completed")
    return store, "big-run"


def _stored_bytes(store: RunStore, run_id: str) -> int:
    rows = store._db.execute(
        "SELECT SUM(LENGTH(data)) FROM findings WHERE run_id=?", (run_id,)
    ).fetchone()
    return int(rows[0] or 0)


def _kept(store: RunStore, run_id: str) -> np.ndarray:
    return np.concatenate([b.inputs[:, 0, 0] for b in store.iter_batches(run_id)])


def test_large_findings_are_kept_as_many_as_the_bytes_bound_holds(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(witnesses_module, "KEEP_BYTES", 4 * 1024 * 1024)
    store, run_id = _run(tmp_path, keep=1_000)
    (counts,) = store.witness_counts(run_id).values()
    assert counts["found"] == 3_000  # every finding counted
    each = counts["bytes_each"]
    assert 15_000 < each < 17_500
    room = int(4 * 1024 * 1024 // each)
    assert counts["keep"] == room - 64  # the rest: its 64 most severe
    kept = _kept(store, run_id)
    assert len(np.unique(kept)) == counts["kept"] <= room
    assert _stored_bytes(store, run_id) <= 4 * 1024 * 1024 * 1.1
    # the most severe found are among those kept
    sev = np.concatenate([b.severity for b in _batches()])
    worst = np.argsort(-sev, kind="stable")[:10]
    assert set(worst.tolist()) <= set(kept.astype(int).tolist())
    doc = build_document(store, run_id)
    note = doc["findings"]["bounded_by_bytes"]
    assert note.startswith(
        f"image findings take about 16 KB each in the store: it keeps {counts['kept']:,} of "
        "the 3,000 found as witnesses"
    )
    assert "not 1,000 (--keep-findings), so that they take at most about 4.0 MB" in note


def test_show_and_the_html_say_what_was_not_kept(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    from assay.cli.app import main
    from assay.report import render_html

    monkeypatch.setattr(witnesses_module, "KEEP_BYTES", 4 * 1024 * 1024)
    store, run_id = _run(tmp_path, keep=1_000)
    page = render_html(build_document(store, run_id))
    assert "Witnesses kept for their size: image findings take about 16 KB each" in page
    store.close()
    with pytest.raises(SystemExit):
        main(["show", run_id, "--store", str(tmp_path / "s.db")])
    out = capsys.readouterr().out
    assert "(note: image findings take about 16 KB each in the store: it keeps" in out


def test_small_findings_and_keep_all_are_not_bounded(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    store, run_id = _run(tmp_path, keep=1_000)  # 16 KB x 1,064: far below 256 MB
    (counts,) = store.witness_counts(run_id).values()
    assert "keep" not in counts and counts["kept"] >= 1_000
    assert build_document(store, run_id)["findings"]["bounded_by_bytes"] is None
    store.close()
    monkeypatch.setattr(witnesses_module, "KEEP_BYTES", 4 * 1024 * 1024)
    every = tmp_path / "all"
    every.mkdir()
    store, run_id = _run(every, keep=None)  # --keep-findings all: every one, as asked
    assert len(_kept(store, run_id)) == 3_000
    assert build_document(store, run_id)["findings"]["bounded_by_bytes"] is None


def test_the_bound_survives_a_reopened_store(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The kind's own cap is kept with the tallies: a resumed run keeps to it."""
    monkeypatch.setattr(witnesses_module, "KEEP_BYTES", 4 * 1024 * 1024)
    store = _created(tmp_path, "r", 1_000)
    batches = _batches()
    for batch in batches[:10]:
        store.checkpoint("r", findings=[batch])
    store.close()
    store = RunStore(tmp_path / "s.db")
    for batch in batches[10:]:
        store.checkpoint("r", findings=[batch])
    store.checkpoint("r", status="completed")
    (counts,) = store.witness_counts("r").values()
    assert counts["found"] == 3_000 and counts["kept"] <= 4 * 1024 * 1024 // counts["bytes_each"]


def test_a_bound_that_dropped_nothing_is_not_said(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(witnesses_module, "KEEP_BYTES", 4 * 1024 * 1024)
    store = _created(tmp_path, "r", 1_000)
    store.checkpoint("r", findings=_batches(n_batches=1), status="completed")
    (counts,) = store.witness_counts("r").values()
    assert counts["keep"] < 1_000 and counts["kept"] == counts["found"] == 100
    assert build_document(store, "r")["findings"]["bounded_by_bytes"] is None
