"""mutation23: scale22's code where its tests could not fail: the rule for storing a batch
by column, when a key set waits for (or takes) the compiled loops, the backdoor refill's
remembered sums for another image or shift, and the report's cap on examples' values."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

import assay.backdoor.repair as repair
from assay.core.columnar import _by_position


@pytest.mark.parametrize(
    ("rows", "positions", "by_position"),
    [
        (1, 1, True),
        (1, 64, True),  # up to 64 positions: always by position, whatever the rows
        (10, 65, False),  # beyond: by position only for at least as many rows as positions
        (64, 65, False),
        (65, 65, True),
        (5_000, 4_096, True),
        (5_000, 4_097, False),  # and never beyond 4,096 positions (images)
    ],
)
def test_a_batch_is_stored_by_position_as_documented(
    rows: int, positions: int, by_position: bool
) -> None:
    assert _by_position(rows, positions) is by_position


def test_a_batch_of_exactly_the_waiting_size_waits_for_the_compiled_loops(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from assay.core import hashset, jit

    asked: list[bool] = []

    def compiled(name: str, *, wait: bool = True) -> None:
        asked.append(wait)
        return None

    monkeypatch.setattr(jit, "compiled", compiled)
    monkeypatch.setattr(hashset, "WAIT_KEYS", 1000)
    index = hashset.KeyIndex(capacity=16)
    assert index.add(np.arange(1, 1001, dtype=np.uint64)).all()
    assert asked == [True]


def test_a_large_set_takes_the_compiled_loops_for_small_batches_without_waiting(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """A set already holding ``jit.LARGE`` keys asks for the compiled loops for any batch,
    but waits for them only for a batch of ``WAIT_KEYS``; a small set never asks."""
    from assay.core import hashset, jit

    asked: list[bool] = []

    def compiled(name: str, *, wait: bool = True) -> None:
        asked.append(wait)
        return None

    monkeypatch.setattr(jit, "compiled", compiled)
    monkeypatch.setattr(jit, "LARGE", 200)
    monkeypatch.setattr(hashset, "WAIT_KEYS", 10_000)
    index = hashset.KeyIndex(capacity=16)
    index.add(np.arange(1, 201, dtype=np.uint64))
    assert asked == []  # 0 keys held: numpy, not asked
    index.add(np.arange(201, 211, dtype=np.uint64))
    assert asked == [False]
    assert np.array_equal(index.lookup(np.arange(1, 211, dtype=np.uint64)), np.arange(210))


def _fills(image: np.ndarray, refs: np.ndarray, shift: int) -> list[np.ndarray]:
    boxes = [(0, 0, 5, 5), (19, 19, 5, 5), (3, 10, 8, 2)]
    return [repair.nearest_contents(image, b, refs, 4, shift) for b in boxes]


def test_the_remembered_sums_are_for_the_same_image_and_shift_only(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """The summed distances are kept for the last image: another image (the scan's next),
    the same references with another shift, or the same array written over in place must
    not read them."""
    rng = np.random.default_rng(1)
    refs = rng.random((12, 24, 24, 3))
    first, second = rng.random((24, 24, 3)), rng.random((24, 24, 3))
    want = {
        (name, shift): _fills(img, refs, shift)
        for name, img in (("first", first), ("second", second))
        for shift in (0, 1)
    }
    monkeypatch.setattr(repair, "CACHE_BYTES", 0)  # the path of the remembered sums
    repair._LAST_SUMS.clear()
    for name, img, shift in (
        ("first", first, 1),
        ("second", second, 1),  # another image, same references
        ("second", second, 0),  # same image, another shift
    ):
        got = _fills(img, refs, shift)
        assert all(np.array_equal(a, b) for a, b in zip(got, want[name, shift], strict=True))
    image = first.copy()
    _fills(image, refs, 1)
    image[...] = second  # the caller's array written over with the next image
    got = _fills(image, refs, 1)
    assert all(np.array_equal(a, b) for a, b in zip(got, want["second", 1], strict=True))


def _store_with(tmp_path: Path, images: np.ndarray) -> object:
    from assay.core.findings import FindingBatch
    from assay.core.store import RunStore

    store = RunStore(tmp_path / "runs.db")
    store.create_run(
        run_id="bd-1", technique="toy", seed=1, command="assay toy", config={}, model={},
        versions={},
    )  # fmt: skip
    n = len(images)
    batch = FindingBatch(
        kind="poisoned", inputs=images, outputs=np.zeros((n, 3)), severity=np.linspace(0, 1, n)
    )
    store.checkpoint("bd-1", findings=[batch], status="completed", summary={})
    return store


def test_a_finding_larger_than_the_budget_is_still_shown_once(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from assay.report import document

    monkeypatch.setattr(document, "EXAMPLE_VALUES", 100)  # less than one finding (576)
    store = _store_with(tmp_path, np.random.default_rng(0).random((5, 3, 8, 8, 3)))
    found = document.build_document(store, "bd-1")["findings"]  # type: ignore[arg-type]
    assert found["total"] == 5 and found["shown"] == 1
    assert found["examples"][0]["severity"] == 1.0


def test_small_images_are_still_held_to_the_examples_asked_for(tmp_path: Path) -> None:
    """The budget in values lowers the number of examples, never raises it past what was
    asked (50 by default; 60 findings of 576 values fit the budget 1,820 times)."""
    from assay.report import document

    store = _store_with(tmp_path, np.random.default_rng(0).random((60, 3, 8, 8, 3)))
    found = document.build_document(store, "bd-1")["findings"]  # type: ignore[arg-type]
    assert found["total"] == 60 and found["shown"] == 50
    assert "shown_capped" not in found
    few = document.build_document(store, "bd-1", max_examples=7)["findings"]  # type: ignore[arg-type]
    assert few["shown"] == 7


def test_the_sums_are_kept_up_to_their_bytes_bound_only(monkeypatch: pytest.MonkeyPatch) -> None:
    """``SUMS_BYTES`` bounds the table's float64 bytes: (moves x references) tables of
    (H + 1) x (W + 1); one byte beyond, each box compares its window instead."""
    rng = np.random.default_rng(2)
    refs, image = rng.random((6, 10, 12, 3)), rng.random((10, 12, 3))
    table = len(repair._moves(1)) * 6 * 11 * 13 * 8
    monkeypatch.setattr(repair, "SUMS_BYTES", table)
    repair._LAST_SUMS.clear()
    sums = repair._move_sums(image, refs, 1)
    assert sums is not None and sums.nbytes == table
    monkeypatch.setattr(repair, "SUMS_BYTES", table - 1)
    repair._LAST_SUMS.clear()
    assert repair._move_sums(image, refs, 1) is None
