"""``text.label_watch.LabelWatch`` piece by piece (mutation34: mutants LW3, LW4, LW7, LW9 and
TR3 survived the tests merged with it, which run whole searches of one classifier whose
label never moves): a classifier is "still" only while every sentence since the first got
its first label, each classifier on its own; the state survives a resume; units merge to
still only where every unit kept the same label; a replay's one label is every
classifier's."""

from __future__ import annotations

import numpy as np
import pytest

from assay.text.label_watch import LabelWatch
from assay.text.panel import Layout
from assay.text.replay import _Answers

TWO = Layout(
    names=("a", "b"),
    labels=(("pos", "neg"), ("pos", "neg")),
    offsets=(0, 2),
    common=("pos", "neg"),
    maps=((0, 1), (0, 1)),
)


def _answers(a: list[int], b: list[int]) -> np.ndarray:
    """Rows of both classifiers' probabilities, their labels ``a`` and ``b`` (0: pos), the
    scores moving from row to row."""
    rows = []
    for i, (x, y) in enumerate(zip(a, b, strict=True)):
        p, q = 0.9 - i / 100, 0.8 - i / 100
        rows.append([p, 1 - p][:: 1 if x == 0 else -1] + [q, 1 - q][:: 1 if y == 0 else -1])
    return np.asarray(rows)


def test_one_classifiers_label_moving_leaves_the_others_watched() -> None:
    w = LabelWatch()
    w.see(TWO, _answers([0, 1], [0, 0]))  # a moved; b has not yet
    assert w.still == [False, True] and not w.moved
    w.see(TWO, _answers([0, 0], [0, 1]))  # b moves later
    assert w.still == [False, False] and w.moved


def test_a_label_that_moved_is_never_still_again() -> None:
    w = LabelWatch()
    w.see(TWO, _answers([0, 1], [0, 0]))
    w.see(TWO, _answers([0, 0], [0, 0]))  # a batch of a's first label alone
    assert w.still == [False, True]


def test_the_watch_survives_a_resume() -> None:
    w = LabelWatch()
    w.see(TWO, _answers([0, 1], [1, 1]))
    again = LabelWatch()
    again.load(w.state())
    assert again.first == [0, 1] and again.still == [False, True]
    again.see(TWO, _answers([0, 0], [1, 1]))  # the resumed session's: a moved before
    assert again.still == [False, True]
    assert again.label(TWO, 1) == "neg"


def test_units_merged_are_still_only_where_each_kept_the_same_label() -> None:
    one, other = LabelWatch(), LabelWatch()
    one.see(TWO, _answers([0, 0], [1, 1]))
    other.see(TWO, _answers([1, 1], [1, 1]))  # a: another label in this unit
    merged = LabelWatch()
    merged.merge(one.state())
    merged.merge(other.state())
    assert merged.still == [False, True]


def test_a_replays_one_label_is_every_classifiers() -> None:
    some = _Answers(TWO, LabelWatch())
    some.add(_answers([0, 1, 0], [0, 0, 0]))  # a's label moves, b's does not
    assert some.varied and some.one_label() == "" and some.moved()
    none = _Answers(TWO, LabelWatch())
    none.add(_answers([0, 0, 0], [1, 1, 1]))
    assert none.one_label() == "'pos'; 'neg'" and not none.moved()


def test_a_constant_classifier_beside_a_varying_one_is_said_constant_not_of_one_label() -> None:
    """Classifier 'a' gave one answer (so one label too) while 'b' varied: it is said to have
    given the same answer, not one label "its scores varying" (mutant UT2)."""
    from types import SimpleNamespace

    from assay.text.untested import untested_part, untested_reason

    watch = LabelWatch()
    watch.first, watch.still = [0, 1], [True, False]
    search = SimpleNamespace(
        errors=0,
        cases=5,
        wordy=True,
        apart=True,
        varied=True,
        first_answer=np.array([0.9, 0.1, 0.8, 0.2]),
        asked=["s1", "s2", "s3"],
        oracle=SimpleNamespace(kind="invariance", layout=TWO),
        still=[True, True, False, False],
        label_watch=watch,
    )
    # (b was tested: not everything was, said as such rather than nothing: left44t)
    assert untested_reason(search) is None
    why = untested_part(search)
    assert why is not None and why.startswith("a gave the same answer to every one of the 3"), why


def test_a_differential_run_of_one_still_classifier_beside_a_moving_one_could_disagree() -> None:
    """Two classifiers in --mode top1, one label each for 'a' while 'b''s moves: they could
    disagree, so it tested something (mutant TU1 said they could never disagree)."""
    from types import SimpleNamespace

    from assay.text.untested import untested_reason

    watch = LabelWatch()
    watch.first, watch.still = [0, 1], [True, False]
    search = SimpleNamespace(
        errors=0,
        cases=5,
        wordy=True,
        apart=True,
        varied=True,
        first_answer=np.array([0.9, 0.1, 0.8, 0.2]),
        asked=["s1", "s2", "s3"],
        oracle=SimpleNamespace(kind="differential", mode="top1", layout=TWO),
        still=[False, False, False, False],
        label_watch=watch,
    )
    assert untested_reason(search) is None
    watch.still = [True, True]
    assert "could never disagree" in (untested_reason(search) or "")


def test_one_class_a_batch_but_another_in_the_next_has_moved() -> None:
    """(mutant OC3: each batch compared with its own first class)"""
    from assay.core.replay import OneClass

    classes = OneClass()
    classes.see(np.array([1, 1, 1]))
    assert classes.one == 1 and classes.untested("1", "inputs asked")
    classes.see(np.array([0, 0]))
    assert classes.one is None and classes.untested("0", "inputs asked") == ""


def test_the_engines_label_watch_is_saved_and_restored(monkeypatch: pytest.MonkeyPatch) -> None:
    """A resumed text run watches on from what its earlier sessions saw (mutants ES1, ES2:
    not saved, not restored, and a label that moved then could be judged still)."""
    from test_strat33_novel_drafts import _engine

    engine = _engine(True, "flipped_words", monkeypatch)
    engine.step()
    seen = engine.label_watch.state()
    assert seen["first"] is not None
    again = _engine(True, "flipped_words", monkeypatch)
    again.restore(engine.snapshot())
    assert again.label_watch.state() == seen
