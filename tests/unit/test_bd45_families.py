"""bd45: the class-map check (``backdoor.class_map``).  attack45b's all-to-all trojan (a
checkerboard sending each class k to k + 1) passed every input scan, exit 0: its trigger,
pasted on clean images of other classes, sends none of them to one class.  The check pastes
the pixels the unconfirmed images agree on at a window on clean images of every class and asks
whether they move off their class each to another, beyond random groups of clean images."""

from __future__ import annotations

from typing import Any

import numpy as np
from source_runs import Windows, asked_source_class

from assay.backdoor.class_map import class_map, map_score, map_words, put
from assay.backdoor.scope import (
    INPUT_SCAN_NOT,
    INPUT_SCAN_NOT_ELSEWHERE,
    INPUT_SCAN_NOT_SOURCE,
    input_scope,
)
from assay.backdoor.source_class import beyond, source_words

N_CLASSES = 8
BOX = (3, 3, 5, 5)  # a coarse window of the 8x8 scan (top 4, stride 2) holding the trigger
CHECKER = (np.indices((3, 3)).sum(axis=0) % 2 == 0).astype(float)


def _images(n: int, rng: np.random.Generator) -> tuple[np.ndarray, np.ndarray]:
    """8x8 images whose class is the brightest pixel of their first row, with noise."""
    labels = rng.integers(0, N_CLASSES, n)
    x = rng.uniform(0.0, 0.3, (n, 8, 8, 1))
    x[np.arange(n), 0, labels, 0] = 1.0
    return x, labels


def _stamped(x: np.ndarray) -> np.ndarray:
    out = x.copy()
    out[:, 4:7, 4:7, 0] = CHECKER
    return out


def _model(trojan: bool) -> Any:
    def answers(x: np.ndarray) -> np.ndarray:
        own = x[:, 0, :N_CLASSES, 0].argmax(axis=1)
        if not trojan:
            return own
        fired = np.abs(x[:, 4:7, 4:7, 0] - CHECKER).max(axis=(1, 2)) < 0.05
        out: np.ndarray = np.where(fired, (own + 1) % N_CLASSES, own)
        return out

    return answers


def _run(trojan: bool, seed: int = 0) -> dict[str, Any]:
    rng = np.random.default_rng(seed)
    clean, clean_labels = _images(200, rng)
    scanned, _ = _images(40, rng)
    scanned[20:] = _stamped(scanned[20:])
    model = _model(trojan)
    asked = [0]

    def counted(x: np.ndarray) -> np.ndarray:
        asked[0] += len(x)
        out: np.ndarray = model(x)
        return out

    # the patch scan's windows: on the trojan, its refill changes the 20 stamped images'
    # answers; on both, some clean images' too (a window whose refill moved them)
    windows = {i: [(BOX, 0)] for i in range(20, 40)} | {i: [((0, 0, 5, 5), 1)] for i in range(5)}
    return class_map(
        scanned,
        list(range(40)),
        windows,
        clean,
        model(clean),
        counted,
        np.random.default_rng(seed + 1),
        lambda: asked[0],
    ) | {"clean_labels": clean_labels}


def test_an_all_to_all_trigger_is_given_and_its_images_flagged() -> None:
    r = _run(trojan=True)
    assert r["given"], r
    assert r["window"]["box"] == list(BOX)
    assert r["flagged"] == list(range(20, 40))
    assert r["window"]["score"] * 2 >= r["window"]["fresh"]
    assert r["window"]["odds"] < 0.01
    words = map_words(r)
    assert words.startswith("; NOT CLEAN by the class-map check"), words
    assert "each class to one other" in words


def test_the_clean_twin_on_the_same_images_is_quiet() -> None:
    for seed in range(3):
        r = _run(trojan=False, seed=seed)
        assert not r["given"], r
        assert r["flagged"] == []
        assert "no place's content" in map_words(r)
        # a quiet screen asks one clean image per class per window, nothing more
        assert r["queries"] == N_CLASSES * len(r["windows"])


def test_a_permutation_scores_and_a_single_target_does_not() -> None:
    own = np.repeat(np.arange(5), 3)
    assert map_score((own + 1) % 5, own) == 15  # every base moved, each class to one other
    assert map_score(np.full(15, 2), own) == 3  # all to one class: credited once
    assert map_score(own, own) == 0


def test_put_keeps_a_base_s_pixels_where_the_group_disagreed() -> None:
    base = np.full((1, 8, 8, 1), 0.5)
    pattern = np.full((5, 5, 1), np.nan)
    pattern[1:4, 1:4, 0] = CHECKER
    out = put(base, pattern, BOX)
    assert np.array_equal(out[0, 4:7, 4:7, 0], CHECKER)
    assert out[0, 3, 3, 0] == 0.5


def test_the_words_of_a_pass_say_all_to_all_was_looked_for_only_when_it_was() -> None:
    rows = [{"image": 0, "poisoned": False}]
    quiet = {"given": False, "windows": [], "flagged": [], "queries": 0}
    for record, words in (
        (quiet, INPUT_SCAN_NOT_SOURCE),
        ({"skipped": "the query budget left 0 of 80 it needs", "short": 80}, INPUT_SCAN_NOT),
        (None, INPUT_SCAN_NOT),
    ):
        summary: dict[str, Any] = {"headline": "0 of 1", "second_opinion": {"map": record}}
        input_scope(summary, rows, "assay")
        assert summary["not_looked_for"] == words
    assert "all-to-all" in INPUT_SCAN_NOT and "source class" in INPUT_SCAN_NOT_SOURCE
    summary = {"headline": "0 of 1", "second_opinion": {"map": quiet}}
    input_scope(summary, rows, "neo")  # (Neo asks no class-map check)
    assert summary["not_looked_for"] == INPUT_SCAN_NOT
    given = {**quiet, "given": True}
    summary = {"headline": "0 of 1", "second_opinion": {"map": given}}
    input_scope(summary, rows, "assay")
    assert "not_looked_for" not in summary


def _source_model(trojan: bool) -> Any:
    """Class 3 images carrying the checkerboard answered 7 (the trojan), others their own."""

    def answers(x: np.ndarray) -> np.ndarray:
        own = x[:, 0, :N_CLASSES, 0].argmax(axis=1)
        if not trojan:
            return own
        fired = np.abs(x[:, 4:7, 4:7, 0] - CHECKER).max(axis=(1, 2)) < 0.05
        out: np.ndarray = np.where(fired & (own == 3), 7, own)
        return out

    return answers


def source_scene(trojan: bool, seed: int = 0) -> tuple[np.ndarray, np.ndarray, Any, Windows]:
    """300 clean images, 40 scanned (the last 20 of class 3, stamped), the source-specific
    trojan (or its twin), and the patch scan's windows moving 6 clean scanned images
    elsewhere (the stamped images' windows are each test's)."""
    rng = np.random.default_rng(seed)
    clean, _ = _images(300, rng)
    scanned, _ = _images(40, rng)
    scanned[20:, 0, :, 0] = 0.0
    scanned[20:, 0, 3, 0] = 1.0  # 20 images of class 3, stamped
    scanned[20:] = _stamped(scanned[20:])
    model = _source_model(trojan)
    labels = model(scanned)
    windows: Windows = {i: [((0, 0, 5, 5), (int(labels[i]) + 1) % N_CLASSES)] for i in range(6)}
    return clean, scanned, model, windows


def _source_run(trojan: bool, seed: int = 0) -> dict[str, Any]:
    clean, scanned, model, windows = source_scene(trojan, seed)
    # the patch scan's windows: the stamped images' refill at BOX answers 3 on the trojan (2
    # on the twin, as if the checker were part of a 3 that the refill took away; a window
    # elsewhere moved a few clean images)
    windows |= {i: [(BOX, 3 if trojan else 2)] for i in range(20, 40)}
    return asked_source_class(model, scanned, windows, clean, seed)[0]


def test_a_source_specific_trigger_is_given_on_its_source_class() -> None:
    r = _source_run(trojan=True)
    assert r["given"], r
    row = r["group"]
    assert (row["box"], row["class"], row["source"]) == (list(BOX), 7, 3)
    assert r["flagged"] == list(range(20, 40))
    assert row["sent"] == row["fresh"] and max(row["controls"]) < row["sent"] // 2
    words = source_words(r)
    assert "NOT CLEAN by the source-class check" in words
    assert "fires on images of 3 only" in words


def test_the_source_check_is_quiet_on_the_clean_twin() -> None:
    for seed in range(3):
        r = _source_run(trojan=False, seed=seed)
        assert not r["given"] and r["flagged"] == [], r
        assert "no place's content" in source_words(r)


def test_a_class_s_own_feature_is_not_beyond_its_controls() -> None:
    # the same pixels in the clean images of the group's class: every control sends as many
    null = [9, 9, 9, 9, 9, 9, 9, 9]
    assert beyond(9, null, 10) == 1.0
    # controls all alike are no proof one image more is beyond them (a count's spread)
    assert beyond(7, [6] * 8, 9) > 0.01
    assert beyond(9, [1] * 8, 9) < 0.001


def test_a_pass_with_both_checks_asked_says_what_is_still_not_looked_for() -> None:
    quiet = {"given": False, "windows": [], "groups": [], "flagged": [], "queries": 0}
    summary: dict[str, Any] = {
        "headline": "0 of 1",
        "second_opinion": {"map": quiet, "source": quiet},
    }
    input_scope(summary, [{"image": 0, "poisoned": False}], "assay")
    assert summary["not_looked_for"] == INPUT_SCAN_NOT_ELSEWHERE
    assert summary["headline"].endswith(f"; not looked for: {INPUT_SCAN_NOT_ELSEWHERE}")


def test_units_carry_a_given_check_and_say_a_short_one() -> None:
    from assay.backdoor.second_view import merge_opinions

    quiet = {"given": False, "windows": [], "flagged": [], "queries": 30}
    given = {**quiet, "given": True, "flagged": [3]}
    base = {"given": False, "flagged": [], "queries": 10}
    merged = merge_opinions([{**base, "map": quiet}, {**base, "map": given}])
    assert merged is not None and merged["map"] is given
    merged = merge_opinions([{**base, "map": quiet}, dict(base)])
    assert merged is not None and merged["map"]["skipped"] == "asked in 1 of 2 units"
    summary: dict[str, Any] = {"headline": "0 of 1", "second_opinion": merged}
    input_scope(summary, [{"image": 0, "poisoned": False}], "assay")
    assert summary["not_looked_for"] == INPUT_SCAN_NOT
