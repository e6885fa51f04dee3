"""scan51b: a source-class group whose pixels send by their class's own content is not given.

At a window over half the image a group's agreed pixels can be most of an image of its class:
scan51's clean 28x28 digits MLP was "NOT CLEAN" (exit 1) by 12 stamped '3's whose agreed
'3' strokes, pasted at the 20x20 window, turned clean '0's into '3's.  Here a clean model
reads an 8x8 image's class from the brightest pixel of its first row; 20 scanned '3's (each
the brightest possible, stamped with a checker it ignores) agree on their row at a 6x6 window
holding it, where random groups of clean '3's (whose brightest pixel varies) disagree: pasted
on clean '0's, the stamped '3's' pixels make every one a '3', the random groups' few.  The
pixels many clean '3's carry do it alone: content, not a trigger.  bd45's source-specific
trojan (scan50's scattered group) is still given: its carried pixels send none."""

from __future__ import annotations

from typing import Any

import numpy as np
from source_runs import asked_source_class, bounded_record
from test_scan50_scattered_source import _run as scan50_run

from assay.backdoor.source_class import source_words, undecided
from assay.backdoor.source_content import OWN_SHARE, carried, content_odds

N = 8
ROW_BOX = (0, 0, 6, 6)  # 36 of the 64 pixels, holding the class pixels 0-5 of the first row
CHECKER = (np.indices((3, 3)).sum(axis=0) % 2 == 0).astype(float)


def _images(n: int, rng: np.random.Generator, cls: int | None = None) -> np.ndarray:
    labels = rng.integers(0, N, n) if cls is None else np.full(n, cls)
    x = rng.uniform(0.0, 0.3, (n, 8, 8, 1))
    x[np.arange(n), 0, labels, 0] = rng.uniform(0.4, 1.0, n)  # (how bright varies)
    return x


def _reads_the_row(x: np.ndarray) -> np.ndarray:
    """A clean model: the class is the brightest pixel of the first row."""
    out: np.ndarray = x[:, 0, :N, 0].argmax(axis=1)
    return out


def _content_run(seed: int) -> tuple[dict[str, Any], int]:
    rng = np.random.default_rng(seed)
    clean = _images(300, rng)
    threes = _images(20, rng, cls=3)
    threes[:, 0, 3, 0] = 1.0  # (alike: the brightest '3's)
    threes[:, 4:7, 4:7, 0] = CHECKER  # (a stamp the model ignores)
    scanned = np.concatenate([_images(20, rng), threes])
    # the 6x6 window's refill replaced the row: the stamped '3's' answers spread
    spread = [c for c in range(N) if c != 3]
    windows = {i: [(ROW_BOX, spread[i % len(spread)])] for i in range(20, 40)}
    return asked_source_class(_reads_the_row, scanned, windows, clean, seed)


def test_a_group_sending_by_its_class_s_own_content_is_not_given() -> None:
    for seed in range(3):
        r, _ = _content_run(seed)
        assert not r["given"] and r["flagged"] == [], r
        row = next(g for g in r["groups"] if "carried" in g)
        # the group sent the fresh '0's beyond its controls: main gave it (exit 1)
        assert row["sent"] == row["fresh"] and row["odds"] == 1.0, row
        assert max(row["controls"]) < row["sent"] // 2, row
        kept, agreed, sent = row["carried"]
        assert 0 < kept < agreed and sent * 2 >= row["fresh"], row  # (its row, carried, does it)
        assert "no place's content" in source_words(r)


def test_a_source_specific_trigger_at_a_wide_window_is_still_given() -> None:
    for seed in range(3):
        r = scan50_run(trojan=True, seed=seed)
        assert r["given"] and r["flagged"] == list(range(20, 40)), r
        kept, agreed, sent = r["group"]["carried"]
        assert kept < agreed and sent * 2 < r["group"]["fresh"], r["group"]  # (carried: no trigger)
        assert r["asked"] <= r["bound"]  # (the carried pixels' count within the bound)
        assert "of the clean images of 7 carry, alone: 0" in source_words(r)


def test_carried_keeps_the_pixels_a_share_of_the_class_carries() -> None:
    own = np.zeros((4, 2, 2, 1))
    own[0, 0, 0, 0] = 1.0  # (one of four carries 1 at (0, 0): a quarter)
    pattern = np.ones((2, 2, 1))
    pattern[1, 1, 0] = 0.0
    got = carried(pattern, own, (0, 0, 2, 2))
    assert OWN_SHARE == 0.25
    assert np.isnan(got[0, 1, 0]) and np.isnan(got[1, 0, 0])  # (no clean image carries 1)
    assert got[0, 0, 0] == 1.0 and got[1, 1, 0] == 0.0  # (a quarter; all four)
    assert np.isnan(carried(pattern, own[:0], (0, 0, 2, 2))).all()  # (no clean image of a)


def test_a_window_under_half_the_image_asks_nothing_more() -> None:
    asked: list[int] = []

    def model(x: np.ndarray) -> np.ndarray:
        asked.append(len(x))
        return np.zeros(len(x), dtype=np.int64)

    row: dict[str, Any] = {"box": [3, 3, 5, 5], "class": 7}
    fresh = np.zeros((10, 8, 8, 1))
    assert content_odds(row, model, np.zeros((5, 5, 1)), fresh, fresh, (8, 8, 1)) == 0.0
    assert asked == [] and "carried" not in row


def test_a_bounded_group_its_class_s_content_sends_is_decided() -> None:
    """scan51's 28x28 clean twin's first group: 14 '3's the 20x20 refill turns to '9' sent 10
    of the 10 clean '9's counted, every control 4 (odds 0.003, the line 0.002 for six groups):
    undecided (exit 2) but for its carried pixels, which sent all 10 too."""
    record = bounded_record()
    row, *others = record["groups"]
    assert undecided(record) is not None  # (as main had it, its carried pixels not asked)
    content = {**row, "odds": 1.0, "carried": [262, 286, 10]}
    assert undecided({**record, "groups": [content, *others]}) is None
    trigger = {**row, "carried": [3, 26, 0]}  # (carried pixels sending nothing: still short)
    assert undecided({**record, "groups": [trigger, *others]}) is not None
