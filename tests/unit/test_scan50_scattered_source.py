"""scan50: the source-class check's groups whose window's refill names no one source class.

On attack45b's 32x32 scenes the coarse window is 23x23: refilling it replaces most of the
scene, so the triggered '3's a source-specific CNN answers '7' turned to eight classes, never
half of them to '3', and no (window, 7, b) group was judged: the trojan passed (exit 0).  A
*scattered* group (answered ``a``, changed by the window's refill, no one answer holding
half) gets its source class from what its agreed pixels do to a few clean images of each
class, then is judged as any group.  The fake models are bd45's (``test_bd45_families``)."""

from __future__ import annotations

from typing import Any

import numpy as np
from test_bd45_families import BOX, N_CLASSES, _images, _source_model, _stamped

from assay.backdoor.source_class import most_source_queries, source_class, source_words
from assay.backdoor.source_pick import PICK, scattered


def _run(trojan: bool, seed: int = 0) -> dict[str, Any]:
    rng = np.random.default_rng(seed)
    clean, _ = _images(300, rng)
    scanned, _ = _images(40, rng)
    scanned[20:, 0, :, 0] = 0.0
    scanned[20:, 0, 3, 0] = 1.0  # 20 images of class 3, stamped
    scanned[20:] = _stamped(scanned[20:])
    model = _source_model(trojan)
    labels = model(scanned)
    asked = [0]

    def counted(x: np.ndarray) -> np.ndarray:
        asked[0] += len(x)
        out: np.ndarray = model(x)
        return out

    # the window's refill replaced most of the image: the stamped images' answers after it
    # spread over the classes (3 among them, never half), on the trojan and on its twin
    windows: dict[int, list[tuple[tuple[int, int, int, int], int]]] = {
        i: [((0, 0, 5, 5), (int(labels[i]) + 1) % N_CLASSES)] for i in range(6)
    }
    spread = [c for c in range(N_CLASSES) if c != int(labels[20])]
    windows |= {i: [(BOX, spread[i % len(spread)])] for i in range(20, 40)}
    record = source_class(
        scanned,
        labels,
        list(range(40)),
        windows,
        clean,
        model(clean),
        counted,
        np.random.default_rng(seed + 1),
        lambda: asked[0],
    )
    bound = most_source_queries(list(range(40)), labels, windows, model(clean))
    return record | {"bound": bound, "asked": asked[0]}


def test_a_source_trigger_whose_refill_names_no_class_is_given() -> None:
    r = _run(trojan=True)
    assert r["given"], r
    row = r["group"]
    assert row["wide"] and (row["box"], row["class"], row["source"]) == (list(BOX), 7, 3)
    assert r["flagged"] == list(range(20, 40))
    assert row["sent"] == row["fresh"] and max(row["controls"]) < row["sent"] // 2
    # the source was named from PICK clean images of each other class, 3 sending both
    assert dict(map(tuple, row["pick"]))[3] == PICK
    words = source_words(r)
    assert "NOT CLEAN by the source-class check" in words
    assert "changes (to no one class; 3:" in words and "fires on images of 3 only" in words
    assert r["asked"] <= r["bound"]


def test_the_clean_twin_with_the_same_scattered_refills_is_quiet() -> None:
    for seed in range(3):
        r = _run(trojan=False, seed=seed)
        assert not r["given"] and r["flagged"] == [], r
        wide = [g for g in r["groups"] if g.get("wide")]
        assert wide, r  # (the scattered group was asked, and sent no clean image to 3's class)
        assert all(g["source"] is None for g in wide)
        assert "no place's content" in source_words(r)
        assert r["asked"] <= r["bound"]


def test_a_group_one_answer_holds_half_of_is_not_scattered() -> None:
    labels = np.full(8, 7)
    box = (0, 0, 5, 5)
    half = {i: [(box, b)] for i, b in enumerate([3, 3, 3, 3, 1, 2, 4, 5])}
    assert scattered(list(range(8)), labels, half) == []  # (bd45's own (window, 7, 3) group)
    spread = {i: [(box, b)] for i, b in enumerate([3, 3, 3, 1, 2, 4, 5, 6])}
    assert scattered(list(range(8)), labels, spread) == [(box, 7, None, list(range(8)))]
    assert scattered([0, 1], labels, spread) == []  # (fewer than MIN_GROUP)
