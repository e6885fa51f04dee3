"""The model scan's shared sweep (``sweep``) and coarse-to-fine step (``shrink``), checked
against what they promise: each kills a hand-made mutant that bd28's tests let live (a
sweep scoring a class on its own images, a chunk's last candidate left unscored, a screen
of the wrong size, a shrink that stops at 2x2 or returns the patch's rate)."""

from __future__ import annotations

import signal
from collections.abc import Iterator
from contextlib import contextmanager

import numpy as np
import pytest
from test_bd28_shrink import _toy

from assay.backdoor.modelscan import first_candidates, scan_class
from assay.backdoor.patches import paste
from assay.backdoor.shrink import shrink
from assay.backdoor.strip import Scorer
from assay.backdoor.sweep import CHUNK, class_score, shared_screen, sweep_scores


@contextmanager
def _within(seconds: float) -> Iterator[None]:
    """Fail rather than hang (a loop that never ends is a bug of its own)."""

    def _late(signum: int, frame: object) -> None:
        raise AssertionError(f"did not return within {seconds} s")

    previous = signal.signal(signal.SIGALRM, _late)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0.0)
        signal.signal(signal.SIGALRM, previous)


def _others(labels: np.ndarray, picked: np.ndarray, c: int) -> int:
    return int((labels[picked] != c).sum())


def test_the_shared_screen_holds_just_enough_images_of_other_classes() -> None:
    """Ten classes and ``n_screen`` 8: nine images, one each of nine classes, and every class
    has at least 8 images of other classes in it; over seeds the class left out varies (the
    classes are taken in a random order)."""
    labels = np.repeat(np.arange(10), 20)
    left_out = set()
    for seed in range(8):
        picked = shared_screen(labels, np.random.default_rng(seed), n_screen=8)
        assert len(picked) == len(set(picked.tolist())) == 9, picked
        assert len(set(labels[picked].tolist())) == 9
        assert all(_others(labels, picked, c) >= 8 for c in range(10))
        left_out |= set(range(10)) - set(labels[picked].tolist())
    assert len(left_out) > 1, left_out


def test_a_screen_with_too_few_images_takes_them_all_and_ends() -> None:
    """Three classes of two images each cannot give any class 8 others: the screen is every
    image, and the call returns (it must not wait for images that are not there)."""
    labels = np.array([0, 0, 1, 1, 2, 2])
    with _within(10.0):
        picked = shared_screen(labels, np.random.default_rng(0), n_screen=8)
    assert sorted(picked.tolist()) == list(range(6))


def _linear_model(n_classes: int, shape: tuple[int, int, int], seed: int = 0) -> Scorer:
    """A fixed softmax over a random linear map of the pixels: patches move its answers."""
    weights = np.random.default_rng(seed).normal(size=(int(np.prod(shape)), n_classes)) * 3

    def scores(x: np.ndarray) -> np.ndarray:
        logits = x.reshape(len(x), -1) @ weights
        e = np.exp(logits - logits.max(axis=1, keepdims=True))
        out: np.ndarray = e / e.sum(axis=1, keepdims=True)
        return out

    return scores


def test_a_sweep_scores_each_candidate_for_each_class_on_the_images_of_other_classes() -> None:
    """Every candidate's row (more than one chunk of them) is, for each class, the share of the
    screen's images of other classes the patch sends to the class and their mean probability
    of it, as asking the model one candidate at a time gives; ``class_score`` is their sum,
    the score ``scan_class`` gives the same candidates on the class's own screen."""
    shape = (6, 6, 1)
    scores = _linear_model(4, shape)
    screen = np.random.default_rng(1).random((7, *shape))
    labels = np.array([0, 1, 2, 3, 0, 1, 3])  # (the model's labels of them, as given)
    cands, table = sweep_scores(2, screen, labels, scores, np.random.default_rng(2), 4)
    assert len(cands) > CHUNK and table.shape == (len(cands), 4, 2)
    again = first_candidates(2, 6, 6, 1, np.random.default_rng(2), 4)
    assert all(
        b == b2 and np.array_equal(c, c2) for (b, c), (b2, c2) in zip(cands, again, strict=True)
    )
    for k, (box, content) in enumerate(cands):
        probs = scores(paste(screen, content, box))
        for c in range(4):
            other = labels != c
            share = float((np.argmax(probs[other], axis=1) == c).mean())
            mean = float(probs[other, c].mean())
            assert table[k, c, 0] == pytest.approx(share, abs=1e-6), (k, c)
            assert table[k, c, 1] == pytest.approx(mean, abs=1e-6), (k, c)
    target = 3
    mine = screen[labels != target]
    expected = []
    for box, content in cands[:40]:
        probs = scores(paste(mine, content, box))
        expected.append((np.argmax(probs, axis=1) == target).mean() + probs[:, target].mean())
    np.testing.assert_allclose(class_score(table, target)[:40], expected, atol=1e-6)


def test_the_climb_is_scored_on_the_sweeps_screen_never_on_the_class_and_restored_exactly() -> None:
    """In the model scan, each class's patch search is given the shared screen's images of
    other classes: the images its first candidates were scored on (its climb's candidates are
    scored on them too, so that their scores compare), none of them of the class itself."""
    import assay.backdoor.technique as technique
    from assay.backdoor.api import setup_backdoor
    from assay.core.budget import BudgetedModel

    setup = setup_backdoor("builtin:trojan", images=False)
    seen: list[tuple[int, np.ndarray | None]] = []
    original = scan_class

    own: list[int] = []

    def spy(target: int, *args: object, **kwargs: object) -> object:
        screen = kwargs.get("screen")
        seen.append((target, None if screen is None else np.asarray(screen)))
        swept = kwargs.get("swept")
        if callable(swept):  # the first candidates' scores the class climbs from: its own
            for size in list(search.sweeps) or [2]:
                _, score = swept(size)
                np.testing.assert_array_equal(score, class_score(search.sweeps[size], target))
                own.append(target)
        return original(target, *args, **kwargs)  # type: ignore[arg-type]

    search = technique.BackdoorSearch(
        setup.test, BudgetedModel(setup.model, cache_size=0), np.random.default_rng(0)
    )
    mp = pytest.MonkeyPatch()
    mp.setattr(technique, "scan_class", spy)
    try:
        while search.phase != "classes" or search.position < 2:
            search.step()
    finally:
        mp.undo()
    assert seen and search._shared is not None and search.clean_labels is not None
    assert any(t != 0 for t in own), own  # (a class other than the first: not class 0's)
    shared = search._shared
    # (a class with images in the screen: the mutant giving it the whole screen differs)
    assert any((search.clean_labels[shared] == t).any() for t, _ in seen)
    for target, screen in seen:
        assert screen is not None and len(screen), target
        mine = shared[search.clean_labels[shared] != target]
        expected = setup.test.clean[mine]
        np.testing.assert_array_equal(screen, expected)
    # the sweeps' scores come back from the scan's state as they were (float32, every bit)
    again = technique.BackdoorSearch(
        setup.test, BudgetedModel(setup.model, cache_size=0), np.random.default_rng(0)
    )
    again.restore(search.snapshot())
    assert search.sweeps and again.sweeps.keys() == search.sweeps.keys()
    for size, table in search.sweeps.items():
        assert again.sweeps[size].dtype == np.float32
        np.testing.assert_array_equal(again.sweeps[size], table)


def test_a_one_pixel_trigger_is_cut_to_one_pixel() -> None:
    """A single white pixel at (5, 6) sends images to class 2: a 4x4 patch holding it is cut
    to the pixel itself, scored with the rate it has there."""
    scores = _toy(lambda x: x[:, 5, 6, 0] == 1.0, 2)
    images = np.zeros((6, 12, 12, 1))
    content = np.ones((4, 4, 1))
    box, part, rate = shrink(2, (3, 4, 4, 4), content, images, scores, 0.95, 0.97)
    assert box == (5, 6, 1, 1) and part.shape == (1, 1, 1), box
    assert rate == 1.0  # the part's own rate, measured: not the patch's 0.97 given


def test_a_part_that_reaches_tau_exactly_is_kept() -> None:
    """'While it still reaches tau': a part sending exactly tau of the images is kept (tau 0.5,
    the trigger works on half of the images, the others have a black pixel where it goes)."""

    def fired(x: np.ndarray) -> np.ndarray:
        out: np.ndarray = np.all(x[:, 2:4, 2:4, 0] == 1.0, axis=(1, 2)) & (x[:, 0, 0, 0] == 0.0)
        return out

    images = np.zeros((8, 10, 10, 1))
    images[4:, 0, 0, 0] = 1.0  # half of them: the trigger does nothing there
    content = np.ones((3, 3, 1))
    box, _, rate = shrink(5, (2, 2, 3, 3), content, images, _toy(fired, 5), 0.5, 0.5)
    assert box == (2, 2, 2, 2) and rate == 0.5


def test_parts_that_send_as_many_images_are_ranked_by_the_targets_probability() -> None:
    """Every 2x2 part of a white 3x3 patch sends every image (four white pixels where it goes)
    and no single pixel does; the part giving the target the higher mean probability (the
    one holding the lower right pixel) is kept: the flip rate alone ties."""

    def scores(x: np.ndarray) -> np.ndarray:
        out = np.full((len(x), 3), 0.1)
        out[:, 0] = 0.8
        fired = x[:, 0:3, 0:3, 0].sum(axis=(1, 2)) >= 4
        strength = 0.81 + 0.1 * x[:, 2, 2, 0]  # the lower right pixel makes it surer
        out[:, 1] = np.where(fired, strength, 0.1)
        return out

    images = np.zeros((4, 6, 6, 1))
    content = np.ones((3, 3, 1))
    box, _, rate = shrink(1, (0, 0, 3, 3), content, images, scores, 0.95, 1.0)
    assert box == (1, 1, 2, 2) and rate == 1.0, box


def test_a_scan_records_the_rate_of_the_size_it_ends_at_and_takes_an_empty_screen_as_none() -> None:
    """After the shrink, the scan's rates hold the size it reports (the part's rate), and a
    screen of no images is the default screen (the first ``n_screen`` images), not a crash."""
    scores = _toy(lambda x: np.all(x[:, 9:11, 5:7, 0] == 1.0, axis=(1, 2)), 3)
    images = np.full((12, 16, 16, 1), 0.4)
    scan = scan_class(3, images, scores, np.random.default_rng(0), [6])
    assert scan.size == 2 and scan.rates.get(2) == 1.0, scan.rates
    empty = images[:0]
    again = scan_class(3, images, scores, np.random.default_rng(0), [6], screen=empty)
    assert again.to_json() == scan.to_json()


def test_the_patch_is_shrunk_on_the_classs_images_not_on_the_screen() -> None:
    """The screen (easy images: a 2x2 trigger at (2, 2) sends them) and the class's images
    (half of them also need pixel (4, 4)): the part kept must reach tau on the class's
    images, so the 6x6 patch (any 6x6 patch of an 8x8 image covers rows and columns 2-5) is
    cut to the 3x3 at (2, 2), not to the 2x2 the screen alone allows."""

    def fired(x: np.ndarray) -> np.ndarray:
        two = np.all(x[:, 2:4, 2:4, 0] == 1.0, axis=(1, 2))
        hard = x[:, 0, 0, 0] == 1.0
        out: np.ndarray = two & (~hard | (x[:, 4, 4, 0] == 1.0))
        return out

    scores = _toy(fired, 3)
    images = np.full((12, 8, 8, 1), 0.4)
    images[6:, 0, 0, 0] = 1.0  # the hard half
    scan = scan_class(3, images, scores, np.random.default_rng(0), [6], screen=images[:6])
    assert scan.size == 3 and scan.box == (2, 2, 3, 3), scan
    assert scan.flip_rate == 1.0
