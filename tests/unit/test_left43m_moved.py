"""left43m: ``moved.drawn_elsewhere`` on objects one window wide (2x2 on 8x8 grey images).

mutation43 left 14 mutants of ``backdoor/moved.py`` alive: bd42b's tests (a square anywhere,
a checker trigger nothing in the class looks like) never reached the checks that tell a
trigger whose look-alike the class's clean images hold from the class's own object.  Here
the model is a few numpy rules over 2x2 windows, so every window the check takes is the whole
object or none of it:

* ``X``: a diagonal (mean >= 0.6) over a dark anti-diagonal (mean <= 0.3) in rows 0-3: class
  1's object, read anywhere in the top half;
* a trigger read at its place only (a diagonal over a grey anti-diagonal at rows 0-1, columns
  6-7: where an X is read too), or anywhere (a bright square, every pixel >= 0.8).

Arguments as ``inputscan._confirm`` passes them (tolerance 0.05, share 0.75, five sources,
margin 0.5, two agreeing)."""

from __future__ import annotations

from itertools import combinations
from typing import Any

import numpy as np

from assay.backdoor.moved import APART, drawn_elsewhere, nearest_windows

CORNER = (0, 6, 2, 2)


def _windows(x: np.ndarray) -> np.ndarray:
    """Every 2x2 window of (n, 8, 8, 1) images: (n, 7, 7, 4) as a, b / c, d."""
    g = x[..., 0]
    return np.stack([g[:, :-1, :-1], g[:, :-1, 1:], g[:, 1:, :-1], g[:, 1:, 1:]], axis=-1)


def _x(win: np.ndarray) -> np.ndarray:
    diag = (win[..., 0] + win[..., 3]) / 2
    anti = (win[..., 1] + win[..., 2]) / 2
    return (diag >= 0.6) & (anti <= 0.3)


def _model(*, at_place: bool = False, anywhere: bool = False, hint: bool = False) -> object:
    def labels(x: np.ndarray) -> np.ndarray:
        win = _windows(np.asarray(x, dtype=np.float64))
        one = _x(win)[:, :3, :].any(axis=(1, 2))  # the object, in rows 0-3
        if at_place:  # a diagonal over a grey anti-diagonal, at the corner only
            c = win[:, 0, 6]
            one |= ((c[:, 0] + c[:, 3]) / 2 >= 0.9) & ((c[:, 1] + c[:, 2]) / 2 >= 0.4)
        if anywhere:
            one |= (win >= 0.8).all(axis=-1).any(axis=(1, 2))
        if hint:  # a bright pixel at (7, 0): the corner's trigger read anywhere
            grey = (win[..., 0] + win[..., 3] >= 1.8) & (win[..., 1] + win[..., 2] >= 0.8)
            one |= (x[:, 7, 0, 0] > 0.5) & grey.any(axis=(1, 2))
        return one.astype(np.int64)

    return labels


def _image(*marks: tuple[int, int, float, float]) -> np.ndarray:
    """A dark 8x8 image with 2x2 marks (row, col, diagonal, anti-diagonal)."""
    out = np.zeros((8, 8, 1))
    for r, c, d, a in marks:
        out[r : r + 2, c : c + 2, 0] = [[d, a], [a, d]]
    return out


def _others(n: int = 10) -> np.ndarray:
    """Clean images of class 0: dark, a faint stripe each."""
    out = np.zeros((n, 8, 8, 1))
    for k in range(n):
        out[k, 4 + k % 2, :, 0] = 0.1
    return out


def _asked(
    labels: object,
    image: np.ndarray,
    box: tuple[int, int, int, int],
    pool: list[np.ndarray],
    *,
    chosen: np.ndarray | None = None,
    tries: int = 3,
) -> bool:
    chosen = _others() if chosen is None else chosen
    stack = np.stack(pool)
    return drawn_elsewhere(
        box,
        1,
        1.0,
        labels,  # type: ignore[arg-type]
        stack,
        chosen,
        image,
        references=np.concatenate([_others(), stack]),
        fills=5,
        tolerance=0.05,
        share=0.75,
        n_sources=5,
        margin=0.5,
        need=2,
        tries=tries,
    )


# class 1's clean images: an X (0.8 over 0.1) each at another place in the top half
OBJECTS = [_image((0, 4, 0.8, 0.1)), _image((2, 0, 0.8, 0.1)), _image((1, 5, 0.8, 0.1))]
TRIGGER = (1.0, 0.5)  # a diagonal over a grey anti-diagonal: nearest the X of every window


def test_the_class_own_object_drawn_elsewhere_is_dismissed() -> None:
    image = _image((1, 1, 1.0, 0.0))
    assert _asked(_model(), image, (1, 1, 2, 2), OBJECTS)


def test_one_image_of_the_class_is_enough_where_it_has_one() -> None:
    """``need`` is capped at the sources found (MV13: two asked of one, kept as a trigger)."""
    image = _image((1, 1, 1.0, 0.0))
    assert _asked(_model(), image, (1, 1, 2, 2), OBJECTS[:1])


def test_a_trigger_read_at_its_place_is_kept() -> None:
    """The X nearest the trigger is drawn by the class and sends images to it at the
    trigger's place; the trigger is not read where the X stands (MV17: that check dropped,
    the trigger dismissed)."""
    image = _image((0, 6, *TRIGGER))
    assert not _asked(_model(at_place=True), image, CORNER, OBJECTS)


def test_a_trigger_firing_on_a_few_images_at_the_objects_place_is_kept() -> None:
    """Pasted where an X stands the trigger sends 2 of the 10 images (a bright pixel of
    theirs) to the class: not as at its own place, so not moved (MV16: any firing)."""
    chosen = _others()
    chosen[:2, 7, 0, 0] = 1.0
    labels = _model(at_place=True, hint=True)
    image = _image((0, 6, *TRIGGER))
    assert not _asked(labels, image, CORNER, OBJECTS, chosen=chosen)


def test_one_object_standing_at_the_triggers_place_is_not_enough() -> None:
    """One clean image of the class holds its X at the corner (where the trigger is read):
    one source agreeing of three, two needed (MV14: one)."""
    pool = [_image((0, 6, 0.8, 0.1)), *OBJECTS[:2]]
    image = _image((0, 6, *TRIGGER))
    assert not _asked(_model(at_place=True), image, CORNER, pool)


def test_a_look_alike_that_does_not_hold_the_class_is_no_source() -> None:
    """A bright square read anywhere, pasted at the bottom; class 1's images hold a square of
    0.85 beside their X (its look-alike, not what puts them in the class: refilled, they stay
    in it).  Their X, pasted at the bottom, is not read (MV8: every window taken, the
    look-alike agrees and the trigger is dismissed)."""
    image = np.zeros((8, 8, 1))
    image[6:8, 3:5] = 1.0
    pool = [o.copy() for o in OBJECTS]
    for k, o in enumerate(pool):
        o[5:7, 2 * k : 2 * k + 2] = 0.85
    assert not _asked(_model(anywhere=True), image, (6, 3, 2, 2), pool)


def test_only_the_tries_nearest_windows_are_taken() -> None:
    """One source: a grey-crossed look-alike nearest (not the class's object), its X second.
    With one try the look-alike only (MV23: one more), with two the X too."""
    src = _image((0, 0, 1.0, 0.32), (0, 5, 0.65, 0.25))
    image = _image((2, 2, 1.0, 0.0))
    assert not _asked(_model(), image, (2, 2, 2, 2), [src], tries=1)
    assert _asked(_model(), image, (2, 2, 2, 2), [src], tries=2)


def test_a_source_whose_windows_do_not_hold_the_class_is_passed_over() -> None:
    """The nearest image of the class draws its X twice (refilled at one, it keeps the
    other): no window of it holds the class; the next two agree (MV20: the nearest only)."""
    twice = _image((0, 0, 0.9, 0.05), (0, 5, 0.9, 0.05))
    image = _image((1, 2, 1.0, 0.0))
    assert _asked(_model(), image, (1, 2, 2, 2), [twice, *OBJECTS[:2]])


def _nearest(pool: list[np.ndarray], image: np.ndarray, box: tuple[int, int, int, int]) -> Any:
    return nearest_windows(np.stack(pool), image, box, 0.05, 0.75, 3)


def test_the_windows_of_a_source_stand_apart() -> None:
    """A bright 3x3 block's four 2x2 windows are equally near a bright 2x2 candidate: of
    them only two at least ``APART`` apart are tried, the third elsewhere (MV2: three
    pixel shifts of one window)."""
    image = np.zeros((8, 8, 1))
    image[1:3, 1:3] = 1.0
    src = np.zeros((8, 8, 1))
    src[4:7, 4:7] = 0.8
    ((_, windows),) = _nearest([src], image, (1, 1, 2, 2))
    places = [(r, c) for r, c, _, _ in windows]
    assert len(places) == 3 and all(4 <= r <= 5 and 4 <= c <= 5 for r, c in places[:2])
    assert not all(4 <= r <= 5 and 4 <= c <= 5 for r, c in places)
    assert all(abs(a - c) + abs(b - d) >= APART for (a, b), (c, d) in combinations(places, 2))


def test_the_image_itself_is_no_source() -> None:
    """(MV4: the image's own other windows taken, its box being a copy of itself.)"""
    image = _image((1, 1, 1.0, 0.0))
    found = _nearest([image, OBJECTS[0]], image, (1, 1, 2, 2))
    assert len(found) == 1 and np.array_equal(found[0][0], OBJECTS[0])


def test_a_window_like_the_candidate_only_in_its_background_is_no_copy() -> None:
    """A candidate of one bright pixel and three dark ones: windows of another image's dark
    background match three of its four pixels, not its bright one: no copy of it (MV11:
    every such window a copy, no source left)."""
    image = np.zeros((8, 8, 1))
    image[2, 2] = 1.0
    src = np.zeros((8, 8, 1))
    src[5, 5] = 0.5
    ((_, windows),) = _nearest([src], image, (2, 2, 2, 2))
    assert windows[0][:2] == (5, 5)


def test_a_candidate_of_the_images_own_background_colour_copies_nothing() -> None:
    """No pixel of the box unlike the image's dominant colour: no window is its copy (MV12:
    the rule asked on no pixel, a mean of none)."""
    image = np.zeros((8, 8, 1))
    src = np.zeros((8, 8, 1))
    src[0, 0] = 0.5
    ((_, windows),) = _nearest([src], image, (3, 3, 2, 2))
    assert len(windows) == 3
