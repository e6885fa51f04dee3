"""A long input scan writes bounded data: its per-image rows go to the resume state as
appends (each checkpoint only the new rows), and its summary keeps every row only up to
``summary.ROWS_KEPT`` images, the flagged images' rows past it."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

import assay
from assay.backdoor import summary as summary_mod
from assay.backdoor.api import setup_backdoor
from assay.backdoor.repair import nearest_contents
from assay.backdoor.technique import BackdoorSearch
from assay.core.budget import BudgetedModel
from assay.core.checkpoint import Snapshot, from_json_lines, json_lines


def test_json_lines_round_trip_records_with_numpy_values() -> None:
    rows = [{"image": np.int64(3), "box": [1, 2, 3, 3], "name": "é.png"}, {"flip_rate": None}]
    chunk = json_lines(rows)
    assert chunk.dtype == np.uint8
    two = np.concatenate([chunk, json_lines([{"image": 4}])])
    assert from_json_lines(two) == [
        {"image": 3, "box": [1, 2, 3, 3], "name": "é.png"},
        {"flip_rate": None},
        {"image": 4},
    ]
    assert from_json_lines(None) == [] and from_json_lines(np.zeros(0, np.uint8)) == []


def test_each_snapshot_holds_only_the_new_rows_and_restore_gives_them_all() -> None:
    setup = setup_backdoor("builtin:trojan")
    budgeted = BudgetedModel(setup.model)
    search = BackdoorSearch(setup.test, budgeted, np.random.default_rng(0))
    chunks = []
    for _ in range(3):
        for _ in range(6):
            search.step()
        snap = search.snapshot()
        chunks.append(snap.appends.get("rows", np.zeros(0, np.uint8)))
        assert "rows" not in snap.values
    sizes = [len(from_json_lines(c)) for c in chunks]
    assert sum(sizes) == len(search.rows) and all(s < len(search.rows) for s in sizes)
    assert search.snapshot().appends.get("rows") is None  # nothing new: nothing written
    again = BackdoorSearch(setup.test, BudgetedModel(setup.model), np.random.default_rng(0))
    last = search.snapshot()
    again.restore(
        Snapshot(values=last.values, arrays=last.arrays, appends={"rows": np.concatenate(chunks)})
    )
    assert again.rows == search.rows
    # a state stored before the appends (rows in values) still restores
    old = BackdoorSearch(setup.test, BudgetedModel(setup.model), np.random.default_rng(0))
    old.restore(Snapshot(values={**last.values, "rows": search.rows}, arrays=last.arrays))
    assert old.rows == search.rows


def test_a_summary_past_rows_kept_holds_the_flagged_rows_only(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(summary_mod, "ROWS_KEPT", 10)
    r = assay.check_backdoor("builtin:trojan", seed=0, store=tmp_path / "runs.db")
    s = r.summary
    assert s["metrics"]["images scanned"] > 10
    assert s["rows"] and all(row["poisoned"] for row in s["rows"])
    assert len(s["rows"]) == s["metrics"]["images flagged"] == r.n_findings
    assert "flagged images" in s["rows_note"]
    assert len(r.findings()) == r.n_findings  # the DataFrame loses no flagged image


def test_the_references_shifted_once_give_the_same_contents_as_shifting_each_time() -> None:
    rng = np.random.default_rng(3)
    refs = rng.random((7, 8, 8, 1))
    image = rng.random((8, 8, 1))
    box = (2, 3, 3, 2)
    first = nearest_contents(image, box, refs, k=4, shift=1)
    refs2 = refs.copy()  # another array: its own shifts, never the first one's
    refs2[:, 1:6, 2:6] = 0.0  # the box and one pixel around it (the shifts reach it)
    second = nearest_contents(image, box, refs2, k=4, shift=1)
    assert np.array_equal(nearest_contents(image, box, refs, k=4, shift=1), first)
    assert np.allclose(second, 0.0) and not np.allclose(first, 0.0)


def test_nearest_contents_agree_with_and_without_the_cached_shifts(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from assay.backdoor import repair

    rng = np.random.default_rng(5)
    refs = rng.random((30, 12, 12, 3))
    boxes = [(0, 0, 3, 3), (4, 5, 4, 2), (9, 9, 3, 3), (2, 7, 5, 5)]
    for image in (rng.random((12, 12, 3)), refs[4].copy()):
        cached = [nearest_contents(image, b, refs, k=5, shift=1) for b in boxes]
        monkeypatch.setattr(repair, "CACHE_BYTES", 0)  # too large to keep: move by move
        direct = [nearest_contents(image, b, refs, k=5, shift=1) for b in boxes]
        monkeypatch.undo()
        for a, b in zip(cached, direct, strict=True):
            assert np.allclose(a, b)


def test_a_known_trigger_keeps_new_pixels_at_its_box_to_match_later_images() -> None:
    """A trigger first confirmed on an image whose own strokes fire it, then with its planted
    pixels at the same box: only the strokes were kept to match later images with, so each
    paid a full scan (and on the full 8x8 bench, 2x2 random grey triggers, 8 of 98 firing
    images of one model went unflagged)."""
    from types import SimpleNamespace

    from assay.backdoor.patches import Trigger

    lure = Trigger((0, 6, 2, 2), np.array([[[0.62], [0.88]], [[0.88], [0.06]]]), 5, 1.0, 3)
    planted = Trigger((0, 6, 2, 2), np.array([[[0.11], [0.69]], [[0.73], [0.02]]]), 5, 1.0, 9)
    again = Trigger((0, 6, 2, 2), planted.content + 0.05, 5, 1.0, 12)
    search = SimpleNamespace(triggers=[], matchers=[])
    ids = [BackdoorSearch._register(search, t) for t in (lure, planted, again)]  # type: ignore[arg-type]
    assert ids == [0, 0, 0] and len(search.triggers) == 1
    assert [m for _, m in search.matchers] == [lure, planted]  # the same pixels: not again
    image = np.zeros((8, 8, 1))
    image[0:2, 6:8] = planted.content
    assert any(m.matches(image[0:2, 6:8]) for _, m in search.matchers)


def test_the_scan_reads_probabilities_as_given_one_column_and_scores_alike() -> None:
    """The corrected label reads the model's class probabilities (``inputscan._combined``):
    rows that are probabilities are taken as they are, one column is the second class's,
    scores that are not probabilities (negative, not summing to 1) are read as logits; the
    argmax, the label the rest of the scan sees, is the same in each case."""
    setup = setup_backdoor("builtin:trojan")
    search = BackdoorSearch(setup.test, BudgetedModel(setup.model), np.random.default_rng(0))

    class Stub:
        def __init__(self, out: np.ndarray) -> None:
            self.out = out

        def predict(self, x: np.ndarray) -> np.ndarray:
            return self.out

    x = np.zeros((2, 8, 8, 1))
    probs = np.array([[0.2, 0.7, 0.1], [0.5, 0.25, 0.25]])
    assert np.array_equal(search._scores(Stub(probs), x), probs)
    one = search._scores(Stub(np.array([[0.8], [0.3]])), x)
    assert np.allclose(one, [[0.2, 0.8], [0.7, 0.3]])
    logits = np.array([[-1.0, 2.0, 0.5], [3.0, -2.0, 0.0]])
    read = search._scores(Stub(logits), x)
    assert np.allclose(read.sum(axis=1), 1.0) and (read > 0).all()
    assert read.argmax(axis=1).tolist() == logits.argmax(axis=1).tolist() == [1, 0]
