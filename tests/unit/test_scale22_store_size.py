"""scale22 (twenty-second session): findings of a wide table are stored compactly, and a
refill of large images does not shift every reference for every box."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

import assay.backdoor.repair as repair
from assay.core.columnar import decode_array, encode_array


def _wide_idis(n: int, d: int) -> np.ndarray:
    """``n`` IDIs of ``d`` features and 2 variants (the protected feature last): integer
    codes and floats of 3 decimals, the variants alike but for the protected value."""
    rng = np.random.default_rng(0)
    a = np.empty((n, 2, d))
    for j in range(d - 1):
        a[:, 0, j] = rng.integers(0, 100, n) if j % 2 else np.round(rng.normal(0, 1, n), 3)
    a[:, 0, d - 1] = rng.integers(0, 2, n)
    a[:, 1] = a[:, 0]
    a[:, 1, d - 1] = 1 - a[:, 0, d - 1]
    return a


def test_a_wide_tables_idis_are_stored_by_column() -> None:
    """40 features x 2 variants (80 values a row, beyond 64) were stored as one column of
    float64s: 640 bytes an IDI (the 100,000 witnesses kept: 69 MB; at 300 columns 480 MB),
    the variants' shared features twice and small integer codes in 8 bytes."""
    a = _wide_idis(2_000, 40)
    blob = encode_array(a)
    assert np.array_equal(decode_array(blob), a)
    # 19 floats (8 bytes), 20 codes (1 byte), the protected bits, once: about 172 bytes
    assert len(blob) / len(a) < 250


def test_few_rows_of_many_values_stay_one_column() -> None:
    """Images (thousands of values a row) and small batches: one column, as before."""
    a = _wide_idis(50, 40)
    assert np.array_equal(decode_array(encode_array(a)), a)
    images = np.random.default_rng(1).integers(0, 256, (10, 16, 16, 3)).astype(np.uint8)
    assert np.array_equal(decode_array(encode_array(images)), images)


def test_references_too_large_to_keep_shifted_give_the_same_fill_and_shift_once(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Beyond ``CACHE_BYTES`` (300 64x64x3 references), every box shifted and compared every
    pixel of every reference (9 moves a box): 1.4 s a box, a 2,000-image scan hours.  Now the
    distances are summed once per image and each box reads its part from the sums; the
    contents are those of the cached path (and of the path for references too large even
    for the sums, which compares each box's window)."""
    rng = np.random.default_rng(0)
    refs = rng.random((20, 24, 24, 3))
    image = rng.random((24, 24, 3))
    boxes = [(0, 0, 5, 5), (19, 19, 5, 5), (3, 10, 8, 2), (20, 0, 4, 4)]
    cached = [repair.nearest_contents(image, b, refs, 5, 1) for b in boxes]
    monkeypatch.setattr(repair, "CACHE_BYTES", 0)
    calls = []
    shifted = repair._shifted

    def counting(references: np.ndarray, dy: int, dx: int) -> np.ndarray:
        calls.append((dy, dx))
        return shifted(references, dy, dx)

    monkeypatch.setattr(repair, "_shifted", counting)
    moved = [repair.nearest_contents(image, b, refs, 5, 1) for b in boxes]
    assert all(np.array_equal(c, m) for c, m in zip(cached, moved, strict=True))
    assert len(calls) == 9  # once per move for the image, not per box (was 36)
    monkeypatch.setattr(repair, "SUMS_BYTES", 0)
    windows = [repair.nearest_contents(image, b, refs, 5, 1) for b in boxes]
    assert all(np.array_equal(c, w) for c, w in zip(cached, windows, strict=True))


def test_a_large_batch_of_keys_waits_for_the_compiled_loops(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """A resumed run restores its seen set in one batch (18.7 million keys after 90 s on
    Adult): added to an empty set, it never asked for the compiled loops (only a set already
    holding ``jit.LARGE`` keys did, without waiting) and took 26 s of numpy before the
    search went on, with no line printed."""
    from assay.core import hashset, jit

    asked: list[bool] = []

    def compiled(name: str, *, wait: bool = True) -> None:
        asked.append(wait)
        return None  # as without numba: the numpy loops

    monkeypatch.setattr(jit, "compiled", compiled)
    monkeypatch.setattr(hashset, "WAIT_KEYS", 1000)
    index = hashset.KeyIndex(capacity=16)
    keys = np.arange(1, 5001, dtype=np.uint64)
    assert index.add(keys).all()
    assert asked == [True]
    assert np.array_equal(index.lookup(keys), np.arange(5000))


def test_a_reports_image_examples_are_capped_in_values_as_a_tables_are(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The report's 50 examples were capped by their values for rows of a table only: a
    backdoor scan of 64x64x3 images wrote 12 MB of JSON for 7 findings (three images each,
    as numbers), 50 of them 37 MB, of 224x224x3 images about 450 MB.  Images are now held to
    the same budget of values (``EXAMPLE_VALUES``), fewer of them whole, and the report says
    so."""
    from assay.core.findings import FindingBatch
    from assay.core.store import RunStore
    from assay.report import document

    monkeypatch.setattr(document, "EXAMPLE_VALUES", 3 * 8 * 8 * 3 * 4)  # 4 findings' worth
    store = RunStore(tmp_path / "runs.db")
    store.create_run(
        run_id="bd-1",
        technique="toy",
        seed=1,
        command="assay toy",
        config={},
        model={},
        versions={},
    )
    images = np.random.default_rng(0).random((20, 3, 8, 8, 3))
    batch = FindingBatch(
        kind="poisoned", inputs=images, outputs=np.zeros((20, 3)), severity=np.linspace(0, 1, 20)
    )
    store.checkpoint("bd-1", findings=[batch], status="completed", summary={})
    found = document.build_document(store, "bd-1")["findings"]
    assert found["total"] == 20
    assert found["shown"] == 4  # was 20: every image in the JSON
    assert "at most 4 examples (not 50)" in found["shown_capped"]
    assert found["examples"][0]["severity"] == 1.0  # the most severe kept
