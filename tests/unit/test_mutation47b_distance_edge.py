"""mutation47b: the distance oracle judges a distance at 12 digits (``TIE``), as the
witnesses' exact count does (``v >= threshold - TIE``): a distance exactly ``TIE`` below
--threshold is a disagreement, one further below is not.  OR2 (``margin < TIE``) left that
edge to the oracle alone; the only floats that reach it exactly are a threshold of 1e-12
against identical answers (a larger distance's difference with the threshold is a multiple
of its own ulp, never 1e-12 exactly)."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from assay.core.model import Capabilities
from assay.core.witnesses import TIE
from assay.text.generate import Sampler
from assay.text.grammar import parse_grammar
from assay.text.oracle import Case, Oracle
from assay.text.panel import build_layout

G = parse_grammar("S -> N 'is' 'here'\nN -> 'Ann' | 'Bob'\n")


class _Even:
    def __init__(self) -> None:
        self.capabilities = Capabilities(
            modality="text", n_classes=2, outputs="proba", class_names=("no", "yes")
        )

    def predict(self, texts: Sequence[str], /) -> np.ndarray:
        return np.full((len(texts), 2), 0.5)


def _judge(threshold: float) -> bool:
    layout = build_layout([_Even(), _Even()], ["m0", "m1"], differential=True)
    oracle = Oracle("differential", G, layout, Sampler(G), mode="distance", threshold=threshold)
    answers = np.asarray([[0.5, 0.5, 0.5, 0.5]])  # both classifiers alike: distance 0
    case = Case(Sampler(G).shortest(G.start))
    verdict = oracle.judge([answers], [case])
    return bool(verdict.error[0])


def test_a_distance_exactly_tie_below_the_threshold_reaches_it() -> None:
    assert TIE - 0.0 == TIE  # (the margin the oracle computes, exactly)
    assert _judge(TIE)


def test_a_distance_further_below_the_threshold_does_not() -> None:
    assert not _judge(2 * TIE)
    assert not _judge(0.5)
