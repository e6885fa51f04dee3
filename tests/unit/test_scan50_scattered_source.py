"""scan50: the source-class check's groups whose window's refill names no one source class.

On attack45b's 32x32 scenes the coarse window is 23x23: refilling it replaces most of the
scene, so the triggered '3's a source-specific CNN answers '7' turned to eight classes, never
half of them to '3', and no (window, 7, b) group was judged: the trojan passed (exit 0).  A
*scattered* group (answered ``a``, changed by the window's refill, no one answer holding
half) gets its source class from what its agreed pixels do to a few clean images of each
class, then is judged as any group.  The fake models are bd45's (``test_bd45_families``).

scan50b: only at a window holding more than half the image (``source_pick.wide``); bd45's
5x5 window of these 8x8 images (39 %) leaves most of the image, whose answer is then its
own, so its scattered groups are no trigger's and cost a clean run its queries: not asked."""

from __future__ import annotations

from typing import Any

import numpy as np
from source_runs import asked_source_class
from test_bd45_families import BOX, N_CLASSES, source_scene

from assay.backdoor.source_class import most_source_queries, source_words
from assay.backdoor.source_pick import PICK, scattered, wide

WIDE_BOX = (2, 2, 6, 6)  # 36 of the 64 pixels, holding the trigger (rows and columns 4-6)


def _run(trojan: bool, seed: int = 0, box: tuple[int, int, int, int] = WIDE_BOX) -> dict[str, Any]:
    clean, scanned, model, windows = source_scene(trojan, seed)
    labels = model(scanned)
    # the window's refill replaced most of the image: the stamped images' answers after it
    # spread over the classes (3 among them, never half), on the trojan and on its twin
    spread = [c for c in range(N_CLASSES) if c != int(labels[20])]
    windows |= {i: [(box, spread[i % len(spread)])] for i in range(20, 40)}
    record, asked = asked_source_class(model, scanned, windows, clean, seed)
    bound = most_source_queries(list(range(40)), labels, windows, model(clean), scanned.shape[1:])
    return record | {"bound": bound, "asked": asked}


def test_a_source_trigger_whose_refill_names_no_class_is_given() -> None:
    r = _run(trojan=True)
    assert r["given"], r
    row = r["group"]
    assert row["wide"] and (row["box"], row["class"], row["source"]) == (list(WIDE_BOX), 7, 3)
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
    box = WIDE_BOX
    half = {i: [(box, b)] for i, b in enumerate([3, 3, 3, 3, 1, 2, 4, 5])}
    assert scattered(list(range(8)), labels, half, (8, 8)) == []  # (an ordinary (7, 3) group)
    spread = {i: [(box, b)] for i, b in enumerate([3, 3, 3, 1, 2, 4, 5, 6])}
    assert scattered(list(range(8)), labels, spread, (8, 8)) == [(box, 7, None, list(range(8)))]
    assert scattered([0, 1], labels, spread, (8, 8)) == []  # (fewer than MIN_GROUP)


def test_a_window_leaving_most_of_the_image_forms_no_scattered_group() -> None:
    """The same spread refills at bd45's 5x5 window (39 % of the 8x8 image): not asked, and
    the clean twin's run asks none of a scattered group's queries."""
    labels = np.full(8, 7)
    spread = {i: [(BOX, b)] for i, b in enumerate([3, 3, 3, 1, 2, 4, 5, 6])}
    assert scattered(list(range(8)), labels, spread, (8, 8)) == []
    for seed in range(3):
        small, large = _run(False, seed, box=BOX), _run(False, seed)
        assert not small["given"] and not any(g.get("wide") for g in small["groups"]), small
        assert small["asked"] < large["asked"] and small["asked"] <= small["bound"]
        assert small["bound"] < large["bound"]  # (the budget's bound counts no pick either)


def test_the_default_windows_wide_from_28x28_on() -> None:
    """The coarse window of an HxW image (top min(H, W) // 2, stride half that): 8x8's 5x5
    (39 %) and 16x16's 11x11 (47 %) leave most of the image; 28x28's 20x20 (51 %), 32x32's
    23x23 (52 %) and 64x64's 47x47 (54 %) do not."""

    def coarse(side: int) -> tuple[int, int, int, int]:
        top = side // 2
        size = top + (top + 1) // 2 - 1
        return (0, 0, size, size)

    got = {side: wide(coarse(side), (side, side, 3)) for side in (8, 16, 28, 32, 64)}
    assert got == {8: False, 16: False, 28: True, 32: True, 64: True}
