"""mutation46b: mutation46's surviving mutants of how a text run counts and names the labels
it could not compare (``text.oracle``): a differential replay's sentences are not counted
again, and a metamorphic run names only the labels that are no answer (a label without a
counterpart in the others is compared as itself there)."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from assay.core.model import Capabilities
from assay.text.generate import Sampler
from assay.text.grammar import parse_grammar
from assay.text.oracle import Case, Oracle
from assay.text.panel import build_layout

_G = "S -> N 'is' A\nN -> 'Ann' | 'Bob' | 'Cy'\nA -> 'good' | 'bad'\n%invariant N\n"


class Labels:
    """A classifier answering probabilities over ``names`` (a third each)."""

    def __init__(self, names: tuple[str, ...]) -> None:
        self.capabilities = Capabilities(
            modality="text", n_classes=len(names), outputs="proba", class_names=names
        )

    def predict(self, texts: np.ndarray | Sequence[str], /) -> np.ndarray:
        n = len(self.capabilities.class_names or ())
        return np.full((len(texts), n), 1.0 / n)


def test_a_differential_replays_sentences_are_not_counted_again() -> None:
    """OR6: VADER's ``neutral`` has no counterpart; the sentence it was the top label of is
    counted once, not again when a replay (``fresh`` False) judges it."""
    g = parse_grammar(_G)
    layout = build_layout(
        [Labels(("neg", "pos")), Labels(("neg", "pos", "neutral"))],
        ["clf", "vader"],
        {1: {"neg": "neg"}},
    )
    oracle = Oracle("differential", g, layout, Sampler(g))
    sentence = Case(Sampler(g).shortest(g.start))
    out = [np.asarray([[0.8, 0.2, 0.1, 0.1, 0.8]]), np.asarray([[0.8, 0.2, 0.8, 0.1, 0.1]])]
    oracle.judge(out, [sentence, sentence])
    oracle.judge(out, [sentence, sentence], fresh=[False, False])
    assert (oracle.judged, oracle.compared) == (2, 1)
    assert oracle.unmapped_said() == "vader: 'neutral' (1 sentence)"
    assert oracle.partly_compared() == (
        "only 1 of the 2 sentences judged could be compared (on the others a classifier's "
        "label had no counterpart: vader: 'neutral' (1 sentence)), so no disagreement could "
        "be seen on those"
    )


def test_a_metamorphic_run_names_only_the_answers_that_are_none() -> None:
    """OR8: in an invariance run of an LLM (whose "" is no answer) beside VADER (whose
    ``neutral`` the LLM has not), ``neutral`` is compared as itself: not named among the
    labels left unjudged, and VADER, with none of those, not named at all."""
    g = parse_grammar(_G)
    layout = build_layout(
        [Labels(("neg", "pos", "")), Labels(("neg", "pos", "neutral"))],
        ["llm", "vader"],
        differential=False,
    )
    assert layout.unmapped() == {"llm": [""], "vader": ["neutral"]}
    oracle = Oracle("invariance", g, layout, Sampler(g))
    case = Case(Sampler(g).shortest(g.start), (0,), 0)
    none, neg, neutral = [0.1, 0.1, 0.8], [0.8, 0.1, 0.1], [0.1, 0.1, 0.8]
    out = np.asarray([none + neutral, neg + neg, neg + neg])
    v = oracle.judge([out], [case])
    assert v.judged == [True] and v.error[0]  # (vader's neutral to neg: a change)
    assert oracle.unmapped_said() == "llm: '' (1 sentence)"


def _one_llm() -> tuple[Oracle, Case]:
    g = parse_grammar(_G)
    layout = build_layout([Labels(("neg", "pos", ""))], ["llm"], differential=False)
    return Oracle("invariance", g, layout, Sampler(g)), Case(Sampler(g).shortest(g.start), (0,), 0)


NEG, NONE = [0.8, 0.1, 0.1], [0.1, 0.1, 0.8]


def test_a_sentence_whose_variants_all_got_no_answer_is_not_judged() -> None:
    """OR4: the sentence answered, each of its variants not: nothing to compare it with, so
    the case is not judged (nor compared), and a run of such cases says none could be
    (OR7: in a metamorphic run's words, not a differential one's)."""
    oracle, case = _one_llm()
    v = oracle.judge([np.asarray([NEG, NONE, NONE])], [case])
    assert v.judged == [False] and not v.error[0]
    assert (oracle.judged, oracle.compared) == (1, 0)
    assert oracle.never_compared(0) == (
        "none of the 1 cases judged could be: in each, every classifier gave no answer to a "
        "sentence (llm: '' (2 sentences)), so nothing could fail"
    )
    v = oracle.judge([np.asarray([NEG, NONE, NEG])], [case])  # (one variant answered)
    assert v.judged == [True]


def test_a_units_unanswered_counts_are_added_to_the_campaigns() -> None:
    """OR10: a campaign adds each unit's sentences given no answer to its own."""
    oracle, case = _one_llm()
    oracle.judge([np.asarray([NEG, NONE, NONE])], [case])
    assert oracle.without_state() == [[0, 0, 2]]
    oracle.load_without([[0, 0, 3]], add=True)
    assert oracle.without_state() == [[0, 0, 5]]
    oracle.load_without([[0, 0, 3]])  # (a checkpoint's state: as it kept it)
    assert oracle.without_state() == [[0, 0, 3]]


def test_an_empty_answer_is_no_answer_whatever_the_map_maps_it_to() -> None:
    """PN2: "" (or spaces) mapped to a common label by a label map is still no answer."""
    from assay.text.panel import silent_labels

    assert silent_labels([("neg", "", " ")], {0: {"": "neg", " ": "neg"}}) == ((False, True, True),)
