"""The text oracles at the edges where a wrong comparison would pass a disagreement.

Each test kills a one-token bug (a mutation) that the rest of the suite let through: the
top-k sets of two classifiers that differ by one label, a third classifier that disagrees
with two that agree, an invariance class with several members of which one changes the
answer, a directional expectation that goes the wrong way (bench/RESULTS.md, "mutation20").
"""

from __future__ import annotations

from collections.abc import Sequence
from types import SimpleNamespace

import numpy as np

from assay.core.model import Capabilities
from assay.text.generate import Sampler
from assay.text.grammar import parse_grammar
from assay.text.oracle import Case, Oracle
from assay.text.panel import build_layout
from assay.text.untested import untested_part, untested_reason


class _Labels:
    """A classifier with named labels (the oracle reads its answers, never calls it)."""

    def __init__(self, labels: tuple[str, ...]) -> None:
        self.capabilities = Capabilities(
            modality="text", n_classes=len(labels), outputs="proba", class_names=labels
        )

    def predict(self, texts: Sequence[str], /) -> np.ndarray:
        n = self.capabilities.n_classes or 1
        return np.full((len(texts), n), 1.0 / n)


PLAIN = "S -> N 'is' A\nN -> 'Ann' | 'Bob' | 'Cy' | 'Di'\nA -> '' | 'not' | 'very'\n"
G = parse_grammar(PLAIN + "%invariant N\n%directional A: '' -> 'not' down pos\n")
D = parse_grammar(PLAIN)  # (its directional names a label the differential panels lack)


def _oracle(kind: str, labels: tuple[str, ...], n: int, **kw: object) -> Oracle:
    layout = build_layout(
        [_Labels(labels) for _ in range(n)],
        [f"m{i}" for i in range(n)],
        differential=kind == "differential",
    )
    g = D if kind == "differential" else G
    return Oracle(kind, g, layout, Sampler(g), **kw)  # type: ignore[arg-type]


def _one(o: Oracle, row: list[float]) -> tuple[bool, float]:
    v = o.judge([np.asarray([row])], [Case(Sampler(D).shortest(D.start))])
    return bool(v.error[0]), float(v.margin[0])


def test_top_k_sets_that_differ_by_one_label_disagree() -> None:
    """Three labels, top 2: {a, b} against {a, c} is a disagreement (it was judged only
    when every member of the sets differed)."""
    o = _oracle("differential", ("a", "b", "c"), 2, mode="topk", k=2)
    error, margin = _one(o, [0.5, 0.3, 0.2, 0.5, 0.2, 0.3])
    assert error and margin < 0
    error, margin = _one(o, [0.5, 0.3, 0.2, 0.3, 0.5, 0.2])  # {a, b} both: the order aside
    assert not error and margin > 0


def test_a_third_classifier_that_disagrees_is_a_disagreement_in_every_mode() -> None:
    """Two classifiers agree and the third does not: top-1, top-k and distance each judge
    the sentence failing (the third was compared with nobody, or only its top label)."""
    agree = [0.9, 0.05, 0.05, 0.9, 0.05, 0.05]
    third = [0.05, 0.05, 0.9]
    assert _one(_oracle("differential", ("a", "b", "c"), 3), agree + third)[0]
    topk = _oracle("differential", ("a", "b", "c"), 3, mode="topk", k=1)
    assert _one(topk, agree + third)[0]
    distance = _oracle("differential", ("a", "b", "c"), 3, mode="distance", threshold=0.5)
    error, margin = _one(distance, agree + third)
    assert error and margin < 0
    assert not _one(distance, [*agree, 0.9, 0.05, 0.05])[0]


def _metamorphic(o: Oracle, rows: list[list[float]]) -> tuple[bool, float]:
    case = o.case(Sampler(G).shortest(G.start))
    assert case is not None
    v = o.judge([np.asarray(rows)], [case])
    return bool(v.error[0]), float(v.margin[0])


def test_one_member_of_an_invariance_class_that_changes_the_answer_fails() -> None:
    """'Ann is' and three other names: the answer changes for one of them only.  That is
    a failure (it was one only when every name changed it)."""
    o = _oracle("invariance", ("neg", "pos"), 1)
    error, margin = _metamorphic(o, [[0.8, 0.2], [0.7, 0.3], [0.3, 0.7], [0.8, 0.2]])
    assert error and margin < 0
    error, margin = _metamorphic(o, [[0.8, 0.2], [0.7, 0.3], [0.6, 0.4], [0.8, 0.2]])
    assert not error and margin > 0


def test_a_directional_expectation_is_judged_in_its_own_direction() -> None:
    """``'' -> 'not' down 'pos'``: 'pos' must fall.  It rising fails; it falling passes."""
    o = _oracle("directional", ("neg", "pos"), 1)
    error, margin = _metamorphic(o, [[0.4, 0.6], [0.2, 0.8]])
    assert error and margin < 0
    error, margin = _metamorphic(o, [[0.4, 0.6], [0.8, 0.2]])
    assert not error and margin > 0


def test_a_distance_at_the_threshold_is_a_disagreement() -> None:
    """``--mode distance --threshold 0.5``: a distance of exactly 0.5 fails (margin <= 0)."""
    o = _oracle("differential", ("a", "b"), 2, mode="distance", threshold=0.5)
    error, margin = _one(o, [0.75, 0.25, 0.25, 0.75])
    assert error and margin < 0
    assert not _one(o, [0.75, 0.25, 0.3, 0.7])[0]


def test_a_flip_that_keeps_the_label_fails() -> None:
    """``'' -> 'not' flip``: the label must change; the same label fails, another passes."""
    g = parse_grammar(PLAIN + "%directional A: '' -> 'not' flip\n")
    layout = build_layout([_Labels(("neg", "pos"))], ["m0"], differential=False)
    o = Oracle("directional", g, layout, Sampler(g))
    case = o.case(Sampler(g).shortest(g.start))
    assert case is not None
    kept = o.judge([np.asarray([[0.2, 0.8], [0.4, 0.6]])], [case])
    assert kept.error.tolist() == [True] and kept.margin[0] < 0
    flipped = o.judge([np.asarray([[0.2, 0.8], [0.7, 0.3]])], [case])
    assert flipped.error.tolist() == [False] and flipped.margin[0] > 0


def test_sentences_never_compared_are_no_test() -> None:
    """The second classifier answers 'neutral', a label the first has not, to every
    sentence: none could disagree, so the search tested nothing (its reason says so; it
    was ``None``, and the run read as a pass with no disagreement found)."""
    models = [_Labels(("neg", "pos")), _Labels(("neg", "pos", "neutral"))]
    layout = build_layout(models, ["a", "b"], {1: {"neg": "neg"}})  # (a --label-map)
    o = Oracle("differential", D, layout, Sampler(D))
    error, _ = _one(o, [0.9, 0.1, 0.1, 0.1, 0.8])
    assert not error
    why = o.never_compared(0)
    assert why is not None and "none of the 1 sentences judged could be compared" in why
    _one(o, [0.9, 0.1, 0.8, 0.1, 0.1])  # one compared (and agreeing): a test
    assert o.never_compared(0) is None


def _search(kind: str, **kw: object) -> SimpleNamespace:
    """What ``untested_reason`` reads of a search (an ``Engine``)."""
    facts: dict[str, object] = {
        "errors": 0,
        "cases": 5,
        "wordy": True,
        "varied": False,
        "first_answer": np.array([0.0, 1.0]),
        "asked": ["s1", "s2"],
        "oracle": SimpleNamespace(kind=kind, layout=None),
        "still": None,
    }
    return SimpleNamespace(**{**facts, **kw})


def test_classifiers_constant_over_two_sentences_tested_nothing() -> None:
    """Two sentences, the same answer from every classifier to both: nothing was tested,
    in a differential run too (one sentence compared is a test; the bound was moved)."""
    for kind in ("differential", "invariance"):
        assert "same answer" in (untested_reason(_search(kind)) or "")
    assert untested_reason(_search("differential", asked=["s1"])) is None


def test_one_constant_classifier_of_an_invariance_panel_is_said() -> None:
    """Classifier 'a' gave one answer to every sentence while 'b' varied: no swap could
    change a's answer, so nothing was tested of it (it read as tested)."""
    layout = SimpleNamespace(names=["a", "b"], offsets=[0, 2], labels=[("n", "p"), ("n", "p")])
    search = _search(
        "invariance",
        varied=True,
        still=[True, True, False, False],
        oracle=SimpleNamespace(kind="invariance", layout=layout),
    )
    # (b was tested: not everything was, rather than nothing: left44t)
    assert untested_reason(search) is None
    why = untested_part(search)
    assert why is not None and why.startswith("a gave the same answer")
