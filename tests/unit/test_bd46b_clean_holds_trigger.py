"""bd46b: a ``--clean`` set holding triggered images hid a source-specific trigger in silence.

The source-class check does not ask a group whose agreed pixels 3 or more clean images of its
class hold (a class's own style, bd46).  A ``--clean`` set sampled from live traffic may hold
triggered images: attack45b's 8x8 source-specific trojans were found with 0 or 1 of them in
``--clean`` and passed with 3 or 5, the headline saying only "no place's content ... beyond
that class's own features".  Now it says which groups were not asked and names the clean
images holding their pixels (exactly the planted ones there).

The class-map check has no such skip: with it, 3 or 5 stamped images in ``--clean`` lost
attack45b's all-to-all trojans in 5 of 6 runs (its screen already keeps a class's style out).
"""

from __future__ import annotations

from typing import Any

import numpy as np
from source_runs import Windows, asked_source_class, counted

from assay.backdoor.class_map import class_map, map_words
from assay.backdoor.source_class import own_words, source_words

N_CLASSES = 8
BOX = (3, 3, 5, 5)
CHECKER = (np.indices((3, 3)).sum(axis=0) % 2 == 0).astype(float)


def _images(n: int, rng: np.random.Generator, label: int | None = None) -> np.ndarray:
    """8x8 images whose class is the brightest pixel of their first row, with noise."""
    labels = rng.integers(0, N_CLASSES, n) if label is None else np.full(n, label)
    x = rng.uniform(0.0, 0.3, (n, 8, 8, 1))
    x[np.arange(n), 0, labels, 0] = 1.0
    return x


def _stamped(x: np.ndarray) -> np.ndarray:
    out = x.copy()
    out[:, 4:7, 4:7, 0] = CHECKER
    return out


def _model(x: np.ndarray) -> np.ndarray:
    """A source-specific trojan: the checker sends 3s to 7, other classes keep theirs."""
    own = x[:, 0, :N_CLASSES, 0].argmax(axis=1)
    fired = np.abs(x[:, 4:7, 4:7, 0] - CHECKER).max(axis=(1, 2)) < 0.05
    out: np.ndarray = np.where(fired & (own == 3), 7, own)
    return out


def _run(planted: int, seed: int = 0) -> tuple[dict[str, Any], int]:
    rng = np.random.default_rng(seed)
    clean = _images(240, rng)
    clean = np.concatenate([clean, _stamped(_images(planted, rng, 3))])  # (from traffic)
    scanned = np.concatenate([_images(20, rng), _stamped(_images(10, rng, 3))])
    windows: Windows = {i: [(BOX, 3)] for i in range(20, 30)}  # (the refill took it away)
    source, _ = asked_source_class(_model, scanned, windows, clean, seed)
    return source, len(clean) - planted


def test_the_trigger_is_found_with_no_or_one_triggered_clean_image() -> None:
    for planted in (0, 1):
        source, _ = _run(planted)
        assert source["given"] and source["flagged"] == list(range(20, 30)), source


def test_three_or_more_in_clean_are_named_not_passed_in_silence() -> None:
    for planted in (3, 5):
        source, first = _run(planted)
        assert not source["given"]  # (the group is held by clean images of 7: not asked)
        words = source_words(source)
        named = ", ".join(str(first + i) for i in range(planted))
        # before: "... beyond that class's own features" and nothing more (exit 0)
        assert "1 group(s) not asked" in words, words
        assert f"held by up to {planted} --clean images ({named}; counted from 0)" in words
        assert "a trigger there passes this check" in words
        assert "left out of --clean, it is judged" in words


def test_nothing_is_said_when_no_group_was_skipped() -> None:
    assert own_words([{"own": 2}, {"own": 0}], "group") == ""
    rows = [{"own": 4, "held_by": [7, 9, 11, 12]}, {"own": 9, "held_by": [1, 2, 3, 4, 5]}]
    words = own_words(rows, "group")
    assert words.startswith(" (2 group(s) not asked: their pixels are held by up to 9 ")
    assert "(1, 2, 3, 4, 5 ...; counted from 0)" in words  # (the first five named)


def _all_to_all(x: np.ndarray) -> np.ndarray:
    """An all-to-all trojan: the checker sends k to k + 1."""
    own = x[:, 0, :N_CLASSES, 0].argmax(axis=1)
    fired = np.abs(x[:, 4:7, 4:7, 0] - CHECKER).max(axis=(1, 2)) < 0.05
    out: np.ndarray = np.where(fired, (own + 1) % N_CLASSES, own)
    return out


def _map_run(planted: int) -> dict[str, Any]:
    rng = np.random.default_rng(planted)
    clean = np.concatenate([_images(240, rng), _stamped(_images(planted, rng))])
    scanned = np.concatenate([_images(20, rng), _stamped(_images(10, rng))])
    windows = {i: [(BOX, 0)] for i in range(20, 30)}  # (the window's refill moved them)
    counting, asked = counted(_all_to_all)
    return class_map(
        scanned,
        list(range(30)),
        windows,
        clean,
        _all_to_all(clean),
        counting,
        np.random.default_rng(1),
        lambda: asked[0],
    )


def test_an_all_to_all_trigger_some_clean_images_carry_is_still_given() -> None:
    for planted in (0, 3, 5):
        r = _map_run(planted)
        # with the source-class check's skip: not asked at 3 and 5 (held by the stamped
        # clean images), nothing flagged, exit 0
        assert r["given"] and r["flagged"] == list(range(20, 30)), (planted, r["windows"])
        assert "NOT CLEAN by the class-map check" in map_words(r)
