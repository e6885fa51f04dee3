"""mutation38: edges of the thirty-sixth session's code that its own tests left free (each
test here fails under a mutant named in bench/RESULTS.md, mutation38's table)."""

from __future__ import annotations

from assay.backdoor.again import answered_alike, stuck_again


def test_two_images_asked_again_one_of_which_moved_is_noise() -> None:
    """AG9: "at least two of them" were in other classes, also when only two were asked
    again (a budget that left two): one moved image is a noisy model's, not a stuck one."""
    assert stuck_again([3, 5], [5, 5]) is None
    assert stuck_again([3, 7], [5, 5]) == (5, 2)


def test_images_mostly_of_the_class_they_are_now_in_are_not_a_stuck_model() -> None:
    """AG11: at least half of the images asked again were elsewhere at the start; two of
    eight moving into the class six were in already is no model stuck on it."""
    assert stuck_again([0, 0, 0, 0, 0, 0, 3, 5], [0] * 8) is None
    assert stuck_again([0, 0, 0, 0, 3, 5, 7, 9], [0] * 8) == (0, 4)


def test_images_never_asked_again_do_not_show_a_steady_model() -> None:
    """AG16: no image asked again (a budget spent before, a run stored before the check):
    nothing shows the model answered alike to the end, so the scan's own one-class answers
    are still judged (``changed``)."""
    assert answered_alike([]) is False
    assert answered_alike([None, None]) is False
    assert answered_alike([{"then": [1, 2], "now": [1, 2]}, None]) is True


def test_a_campaign_is_answered_alike_only_when_every_unit_was() -> None:
    """AG17: one unit answered its images as at the start, the other's moved: not alike (the
    moved unit's one-class answers are still judged by ``changed``)."""
    alike = {"then": [1, 2], "now": [1, 2]}
    moved = {"then": [1, 2], "now": [0, 0]}
    assert answered_alike([alike, moved]) is False
    assert answered_alike([alike, alike]) is True


def test_moved_answers_are_judged_against_a_steady_determinism_check_only() -> None:
    """AG20: a model whose determinism check already saw answers change (a noisy model, said
    by that check) is not said to have changed during the scan by the images asked again."""
    from assay.backdoor.again import moved_since_probe

    asked = {"images": 8, "changed": 8}
    steady = {"determinism": {"probe": {"changed": 0, "images": 10}}, "asked_again": asked}
    noisy = {"determinism": {"probe": {"changed": 3, "images": 10}}, "asked_again": asked}
    assert moved_since_probe(steady) is not None
    assert moved_since_probe(noisy) is None
    # (AG22) two asked again, one moved: noise, as ``stuck_again`` reads it
    one = {"images": 2, "changed": 1}
    assert moved_since_probe({**steady, "asked_again": one}) is None
    assert moved_since_probe({**steady, "asked_again": {"images": 2, "changed": 2}}) is not None
    # (AG24) three of eight moved: under half, noise
    assert moved_since_probe({**steady, "asked_again": {"images": 8, "changed": 3}}) is None
    assert moved_since_probe({**steady, "asked_again": {"images": 8, "changed": 4}}) is not None
    # (AG21) a check of three images that repeated itself is too small to call steady
    small = {"determinism": {"probe": {"changed": 0, "images": 3}}, "asked_again": asked}
    assert moved_since_probe(small) is None
