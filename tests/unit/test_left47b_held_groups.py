"""left47b: a source-class group held by clean images is asked when the scanned images hold
its pixels beyond the clean images' share.

bd46's skip (a group whose pixels 3 or more clean images of its class hold is that class's
style: not asked) hid a source-specific trojan whenever ``--clean`` held 3 or more triggered
images (bd46b: attack45b's 8x8 trojans, 4 of 4 runs found with none, 0 of 4 with 3 or 5).
A class's style is held by the scanned images of the class as often as by its clean images;
a trigger by the scanned images far more often (the images carrying it are what is scanned).
So a held group is asked when the unconfirmed images answered its class outside the group
hold its pixels beyond the clean images' share (a one-sided Fisher test at 0.01), against
controls drawn from the clean images of its class that do not hold them."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np
from source_runs import Windows, asked_source_class
from test_bd46b_clean_holds_trigger import BOX, _images, _model, _stamped

from assay.backdoor.source_class import own_words, source_class, source_words

Model = Callable[[np.ndarray], np.ndarray]


def _clean_model(x: np.ndarray) -> np.ndarray:
    """The trojan's twin: the checker does nothing."""
    out: np.ndarray = x[:, 0, :8, 0].argmax(axis=1)
    return out


def _run(planted: int, model: Model, seed: int = 0, turned: int = 3) -> dict[str, Any]:
    """240 clean images and ``planted`` stamped 3s in ``--clean``; 20 clean images and 12
    stamped 3s scanned, the refill of the checker's window moving 6 of them (the other 6
    moved at other windows, as attack45b's were)."""
    rng = np.random.default_rng(seed)
    clean = np.concatenate([_images(240, rng), _stamped(_images(planted, rng, 3))])
    scanned = np.concatenate([_images(20, rng), _stamped(_images(12, rng, 3))])
    windows: Windows = {i: [(BOX, turned)] for i in range(20, 26)}
    return asked_source_class(model, scanned, windows, clean, seed)[0]


def test_triggered_clean_images_no_longer_hide_the_trigger() -> None:
    for planted in (3, 5):
        for seed in (0, 1, 2):
            r = _run(planted, _model, seed)
            row = r["groups"][0]
            # main: skipped (held by the planted clean images), not given, exit 0
            assert row["own"] == planted and row["enriched"] < 0.01, row
            assert r["given"] and r["flagged"] == list(range(20, 26)), (planted, seed, row)
            words = source_words(r)
            assert "NOT CLEAN by the source-class check" in words, words
            assert (
                f"random groups of clean images of 7 that do not hold those pixels ({planted} of"
                in words
            ), words
            assert (
                f"hold them, 6 of the {row['scan_rest']} other unconfirmed images answered 7: "
                in (words)
            ), words


def test_the_clean_twin_asked_so_is_quiet_and_says_it() -> None:
    for planted in (3, 5):
        for seed in (0, 1, 2):
            # (on the clean model the stamped 3s answer 3; say a refill of the checker's
            # window turned 6 of them to 2: their pixels, held by the stamped clean 3s and
            # the other 6 scanned, are asked, and send no 2 to 3)
            r = _run(planted, _clean_model, seed, turned=2)
            row = r["groups"][0]
            assert row["enriched"] < 0.01 and row["screen"] == 0, row
            assert not r["given"] and r["flagged"] == [], r["groups"]
            assert "1 group(s) held by clean images asked all the same" in source_words(r)
    rows = [{"own": 3, "n_own": 33, "enriched": 0.0005, "scan_held": 6, "scan_rest": 6}]
    words = own_words(rows, "group")
    assert words.startswith(" (1 group(s) held by clean images asked all the same: "), words
    assert "as in 6 of 6 against 3 of 33 (odds 0.0005)" in words, words
    assert "not asked" not in words


def test_a_style_held_as_often_by_the_scanned_images_is_still_not_asked() -> None:
    # every stamped image scanned is in the group: no other unconfirmed image answered 7
    # holds the pixels, so they are not held beyond the clean images' share (bd46b's case)
    rng = np.random.default_rng(0)
    clean = np.concatenate([_images(240, rng), _stamped(_images(3, rng, 3))])
    scanned = np.concatenate([_images(20, rng), _stamped(_images(10, rng, 3))])
    r = source_class(
        scanned,
        _model(scanned),
        list(range(30)),
        {i: [(BOX, 3)] for i in range(20, 30)},
        clean,
        _model(clean),
        _model,
        np.random.default_rng(1),
        lambda: 0,
    )
    assert not r["given"] and "enriched" not in r["groups"][0], r["groups"]
    assert "1 group(s) not asked" in source_words(r)
