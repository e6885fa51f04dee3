"""mutation46: the class-map check's edges (``backdoor.class_map``), each a surviving mutant's.

Its groups (the fewest images, the windows asked, largest first), where a group agrees (the
median absolute deviation under 0.1, every channel), what it costs (``most_map_queries``: the
budget check before it), its screen's half-of-the-classes bar, and the fresh bases and controls
a given window stands on: every figure the headline says."""

from __future__ import annotations

from typing import Any

import numpy as np

from assay.backdoor.class_map import (
    agreed,
    class_map,
    groups,
    map_score,
    map_words,
    most_map_queries,
    not_given_words,
    put,
)

A, B, C, D = (0, 0, 2, 2), (0, 2, 2, 2), (2, 0, 2, 2), (2, 2, 2, 2)


def test_a_group_is_three_or_more_images_and_three_windows_are_asked_largest_first() -> None:
    windows = {i: [(A, 1)] for i in range(2)}  # 2 images: too few
    assert groups(list(range(10)), windows) == []
    windows = {i: [(A, 1)] for i in range(3)}  # 3: judged
    assert groups(list(range(10)), windows) == [(A, [0, 1, 2])]
    # four windows of 3, 6, 5 and 4 images: the three largest, largest first
    windows = {}
    for box, members in ((A, range(3)), (B, range(6)), (C, range(5)), (D, range(4))):
        for i in members:
            windows.setdefault(i, []).append((box, 1))
    asked = groups(list(range(10)), windows)
    assert [(b, len(g)) for b, g in asked] == [(B, 6), (C, 5), (D, 4)]
    # only the images left unconfirmed count
    assert groups([0, 1], {i: [(A, 1)] for i in range(5)}) == []


def test_the_most_queries_are_a_screen_and_three_fresh_bases_per_class_and_8_controls() -> None:
    windows = {i: [(A, 1), (B, 2)] for i in range(3)}
    # per window and class: 1 screen base, then 3 fresh bases asked with the group's pattern
    # and with each of 8 controls
    assert most_map_queries(list(range(3)), windows, 10) == 2 * 10 * (1 + 3 * 9)
    assert most_map_queries([], windows, 10) == 0


def test_a_pixel_is_agreed_where_its_median_absolute_deviation_is_under_a_tenth() -> None:
    stack = np.zeros((3, 1, 4, 1))
    stack[:, 0, 0, 0] = [0.0, 0.01, 0.02]  # deviation 0.01: agreed
    stack[:, 0, 1, 0] = [0.0, 0.5, 1.0]  # 0.5: not
    stack[:, 0, 2, 0] = [0.0, 0.125, 0.25]  # 0.125: not (above the tenth)
    stack[:, 0, 3, 0] = [0.5, 0.5, 0.5]
    out = agreed(stack)
    assert out[0, 0, 0] == 0.01 and out[0, 3, 0] == 0.5
    assert np.isnan(out[0, 1, 0]) and np.isnan(out[0, 2, 0])
    # the median deviation, not the mean: one outlier of five does not undo agreement
    five = np.zeros((5, 1, 1, 1))
    five[4] = 1.0
    assert agreed(five)[0, 0, 0] == 0.0
    # a deviation of exactly a tenth is not under it
    edge = np.zeros((3, 1, 1, 1))
    edge[:, 0, 0, 0] = [0.0, 0.25, 0.5]
    edge = edge * 0.4  # (0, 0.1, 0.2): deviation 0.1
    assert np.isnan(agreed(edge)[0, 0, 0])


def test_a_pixel_of_colour_is_agreed_only_where_every_channel_agrees() -> None:
    stack = np.zeros((3, 1, 1, 2))
    stack[:, 0, 0, 1] = [0.0, 0.5, 1.0]  # the second channel disagrees
    out = agreed(stack)
    assert np.isnan(out).all() and out.shape == (1, 1, 2)


def test_put_writes_only_agreed_pixels_inside_the_box() -> None:
    base = np.full((2, 4, 4, 1), 0.5)
    pattern = np.array([[[1.0], [np.nan]], [[0.0], [1.0]]])
    out = put(base, pattern, (1, 2, 2, 2))
    assert out[0, 1, 2, 0] == 1.0 and out[1, 2, 2, 0] == 0.0 and out[1, 2, 3, 0] == 1.0
    assert out[0, 1, 3, 0] == 0.5  # (NaN: the base's own)
    assert not np.isnan(out).any() and base[0, 1, 2, 0] == 0.5


def test_map_score_credits_each_destination_to_its_largest_source() -> None:
    own = np.array([0, 0, 0, 1, 1, 2])
    answers = np.array([1, 1, 1, 1, 2, 2])
    # 0 -> 1 (3), 1 -> 2 (1: one of its two left it), 2 stays
    assert map_score(answers, own) == 4
    # two sources to one destination: the larger credited alone
    assert map_score(np.array([2, 2, 2, 2, 2, 2]), own) == 3
    assert map_score(np.array([2, 2, 1, 2, 2, 2]), own) == 2


def _digits(n: int, k: int, rng: np.random.Generator) -> tuple[np.ndarray, np.ndarray]:
    labels = np.arange(n) % k
    x = rng.uniform(0.0, 0.3, (n, 6, 6, 1))
    x[np.arange(n), 0, labels, 0] = 1.0
    return x, labels


def _own(x: np.ndarray) -> np.ndarray:
    out: np.ndarray = x[:, 0, :5, 0].argmax(axis=1)
    return out


def _check(
    answers: Any,
    n_left: int = 4,
    seed: int = 0,
    k: int = 5,
    windows: Any = None,
    n_clean: int = 60,
) -> dict[str, Any]:
    rng = np.random.default_rng(seed)
    clean, clean_labels = _digits(n_clean, k, rng)
    images, _ = _digits(10, k, rng)
    images[:, 3:5, 3:5, 0] = 1.0  # the group's shared pixels
    asked = [100]  # (queries asked before the check: not its own)

    def counted(x: np.ndarray) -> np.ndarray:
        asked[0] += len(x)
        out: np.ndarray = answers(x)
        return out

    windows = windows or {i: [((3, 3, 2, 2), 0)] for i in range(n_left)}
    return class_map(
        images,
        list(range(10)),
        windows,
        clean,
        clean_labels,
        counted,
        np.random.default_rng(seed + 1),
        lambda: asked[0],
    )


def _shifted(x: np.ndarray) -> np.ndarray:
    fired = (x[:, 3:5, 3:5, 0] == 1.0).all(axis=(1, 2))
    out: np.ndarray = np.where(fired, (_own(x) + 1) % 5, _own(x))
    return out


def test_a_given_window_stands_on_three_fresh_bases_per_class_and_eight_controls() -> None:
    r = _check(_shifted)
    assert r["given"], r
    row = r["window"]
    assert row["classes"] == 5 and row["screen"] == 5
    assert row["fresh"] == 15 and row["score"] == 15
    assert len(row["controls"]) == 8 and max(row["controls"]) == 0
    assert r["flagged"] == [0, 1, 2, 3]
    # every query counted: the screen's 5, the 15 fresh with the pattern, 8 controls' 15 each
    assert r["queries"] == 5 + 15 * 9
    words = map_words(r)
    assert "move 15 of 15 clean images" in words and "at most 0: beyond all 8" in words
    assert "the 4 unconfirmed images" in words and "2x2 window at row 3, column 3" in words


def test_the_screen_bases_are_not_asked_again_as_fresh_ones() -> None:
    seen: list[np.ndarray] = []

    def answers(x: np.ndarray) -> np.ndarray:
        seen.append(x[:, 1:, :, 0].copy())
        return _shifted(x)

    _check(answers, n_clean=20)  # (4 clean images of each class: 1 screened, 3 fresh)
    screen, fresh = seen[0], seen[1]
    assert len(screen) == 5 and len(fresh) == 15
    for s in screen:  # (rows 1-5 are the clean bases' own noise: the paste is at 3:5, 3:5)
        assert not any(np.array_equal(s[:2], f[:2]) for f in fresh)


def test_a_screen_moving_half_the_classes_or_fewer_asks_nothing_more() -> None:
    def two_of_five(x: np.ndarray) -> np.ndarray:
        out = _shifted(x)
        own = _own(x)
        keep = own >= 2
        out[keep] = own[keep]  # classes 0 and 1 moved, 2-4 not: 2 of 5
        return out

    r = _check(two_of_five)
    assert not r["given"] and r["windows"][0]["screen"] == 2
    assert r["queries"] == 5 and "fresh" not in r["windows"][0]

    def three_of_five(x: np.ndarray) -> np.ndarray:
        out = _shifted(x)
        own = _own(x)
        keep = own >= 3
        out[keep] = own[keep]
        return out

    r = _check(three_of_five)
    assert r["windows"][0]["screen"] == 3 and r["windows"][0]["fresh"] == 15


def test_a_window_moving_fewer_than_a_third_of_its_fresh_bases_is_not_given() -> None:
    # (scan51: a third, was half; 6 of 15 was not given before)
    for still, moved, given in ((1, 3, False), (2, 6, True)):
        calls = [0]

        def screen_only(x: np.ndarray, still: int = still, calls: list[int] = calls) -> np.ndarray:
            calls[0] += 1
            if calls[0] == 1:
                return _shifted(x)
            out = _shifted(x) if calls[0] == 2 else _own(x)
            own = _own(x)
            out[own >= still] = own[own >= still]  # (the fresh bases; the controls none)
            return out

        r = _check(screen_only)
        row = r["windows"][0]
        assert (row["score"], row["fresh"], max(row["controls"])) == (moved, 15, 0)
        assert r["given"] is given, r
        assert (row["odds"] == 1.0) is not given


def test_the_controls_are_groups_of_the_groups_size(monkeypatch: Any) -> None:
    import assay.backdoor.class_map as cm

    sizes: list[int] = []

    def spy(stack: np.ndarray) -> np.ndarray:
        sizes.append(len(stack))
        return agreed(stack)

    monkeypatch.setattr(cm, "agreed", spy)
    _check(_shifted, n_left=4)
    assert sizes == [4] * 9  # the group's own, then 8 controls of 4 clean images each


def test_the_words_of_a_check_not_asked_skipped_or_quiet() -> None:
    assert not_given_words(None, "x", "3 windows", "none") == ""
    assert "not asked (short)" in str(not_given_words({"skipped": "short"}, "x", "", ""))
    quiet = not_given_words({"given": False, "queries": 1234}, "x", "3 windows", "none")
    assert quiet == "; the x check (3 windows, 1,234 queries): none"
    assert not_given_words({"given": True}, "x", "", "") is None


def test_a_screen_moving_exactly_half_the_classes_is_asked_further() -> None:
    # (scan51: at least half, was more than half: issue 10's 32x32 all-to-all CNN screened 5
    # of 10)
    for moved, asked in ((2, True), (1, False)):

        def some_of_four(x: np.ndarray, moved: int = moved) -> np.ndarray:
            own = x[:, 0, :4, 0].argmax(axis=1)
            fired = (x[:, 3:5, 3:5, 0] == 1.0).all(axis=(1, 2)) & (own < moved)
            out: np.ndarray = np.where(fired, (own + 1) % 4, own)
            return out

        r = _check(some_of_four, k=4)
        assert r["windows"][0]["screen"] == moved
        assert ("fresh" in r["windows"][0]) is asked
        assert (r["queries"] == 4) is not asked


def test_the_odds_line_is_split_over_the_windows_asked(monkeypatch: Any) -> None:
    import assay.backdoor.class_map as cm
    from assay.backdoor.strip import STRIP_ODDS

    monkeypatch.setattr(cm, "beyond_controls", lambda score, null, n: STRIP_ODDS * 1.5)
    assert not _check(_shifted)["given"]  # (odds above the line)
    monkeypatch.setattr(cm, "beyond_controls", lambda score, null, n: STRIP_ODDS / 2)
    one = _check(_shifted)
    assert one["given"] and len(one["windows"]) == 1
    # three windows of the same group asked: the line is a third of the odds
    boxes = [(3, 3, 2, 2), (0, 3, 2, 2), (3, 0, 2, 2)]
    three = _check(_shifted, windows={i: [(b, 0) for b in boxes] for i in range(4)})
    assert not three["given"] and len(three["windows"]) == 3


def test_the_first_window_given_ends_the_asking() -> None:
    windows: dict[int, list[tuple[tuple[int, int, int, int], int]]] = {
        i: [((3, 3, 2, 2), 0)] for i in range(5)
    }
    for i in range(4):  # (a smaller group's window holding the same pixels: given too)
        windows[i].append(((2, 2, 3, 3), 0))
    r = _check(_shifted, windows=windows)
    assert r["given"] and r["flagged"] == [0, 1, 2, 3, 4]
    assert len(r["windows"]) == 1 and r["queries"] == 5 + 15 * 9


def test_a_given_window_s_words_say_the_controls_highest() -> None:
    row = {"box": [1, 2, 3, 4], "images": 4, "score": 9, "fresh": 12, "controls": [0, 3, 1]}
    words = map_words({"given": True, "queries": 1500, "window": {**row, "odds": 0.0004}})
    assert "(1,500 queries)" in words and "at most 3: beyond all 3" in words
    assert "t bound 0.0004)" in words
    assert "3x4 window at row 1, column 2" in words and "move 9 of 12 clean images" in words


def test_a_window_clean_images_move_as_much_through_is_not_given() -> None:
    # a clean model reading its answer off the window (any content there moves the image on):
    # the controls, clean images' own pixels there, move the fresh bases as the group does
    def window_reader(x: np.ndarray) -> np.ndarray:
        lit = x[:, 3:5, 3:5, 0].mean(axis=(1, 2)) > 0.05
        out: np.ndarray = np.where(lit, (_own(x) + 1) % 5, _own(x))
        return out

    r = _check(window_reader)
    row = r["windows"][0]
    assert row["score"] == 15 and min(row["controls"]) == 15
    assert not r["given"] and r["flagged"] == []
