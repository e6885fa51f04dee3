"""The directional and invariance relations at the edges mutation20 left (bench/RESULTS.md,
"mutation22"): a 'flip' whose label stays though its probability falls below one half, 'away'
that moves away, a tolerance the move falls short of, the variant named when two classifiers
break an invariance at different variants, and a distance threshold no pair could reach."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pytest

from assay.core.model import Capabilities
from assay.errors import UsageError
from assay.text.generate import Sampler
from assay.text.grammar import parse_grammar
from assay.text.oracle import Case, Oracle
from assay.text.panel import build_layout

LABELS = ("neg", "neu", "pos")
G = parse_grammar(
    "S -> N 'is' A\nN -> 'Ann' | 'Bob' | 'Cy'\nA -> '' | 'not'\n"
    "%invariant N\n"
    "%directional A: '' -> 'not' flip\n"
    "%directional A: '' -> 'not' away 0.1\n"
)


class _Labels:
    def __init__(self) -> None:
        self.capabilities = Capabilities(
            modality="text", n_classes=3, outputs="proba", class_names=LABELS
        )

    def predict(self, texts: Sequence[str], /) -> np.ndarray:
        return np.full((len(texts), 3), 1.0 / 3)


def _oracle(kind: str, n: int = 1, **kw: object) -> Oracle:
    layout = build_layout(
        [_Labels() for _ in range(n)],
        [f"m{i}" for i in range(n)],
        differential=kind == "differential",
    )
    return Oracle(kind, G, layout, Sampler(G), **kw)  # type: ignore[arg-type]


FLIP, AWAY = 0, 1


def test_a_flip_that_keeps_the_label_fails_even_below_one_half() -> None:
    """Three labels: 'neg' falls from 0.6 to 0.45 and stays the top label: no flip."""
    o = _oracle("directional")
    out = np.asarray([[0.6, 0.3, 0.1], [0.45, 0.35, 0.2]])
    assert o.breaks(out, FLIP)
    assert not o.breaks(np.asarray([[0.6, 0.3, 0.1], [0.3, 0.2, 0.5]]), FLIP)


def test_away_passes_when_the_first_label_falls_beyond_the_tolerance() -> None:
    o = _oracle("directional")
    assert not o.breaks(np.asarray([[0.9, 0.05, 0.05], [0.4, 0.3, 0.3]]), AWAY)
    assert o.breaks(np.asarray([[0.4, 0.3, 0.3], [0.9, 0.05, 0.05]]), AWAY)


def test_away_fails_when_the_move_is_short_of_the_tolerance() -> None:
    """Tolerance 0.1: a fall of 0.05 is not enough."""
    o = _oracle("directional")
    assert o.breaks(np.asarray([[0.9, 0.05, 0.05], [0.85, 0.1, 0.05]]), AWAY)


def test_the_variant_named_is_the_first_failing_classifiers() -> None:
    """m0 changes at the second variant, m1 at the first: the finding shows m0's."""
    o = _oracle("invariance", n=2)
    a, b = [0.8, 0.1, 0.1], [0.1, 0.1, 0.8]
    out = np.asarray([a + a, a + b, b + a])  # rows: the sentence, variant 1, variant 2
    tree = Sampler(G).shortest(G.start)
    v = o.judge([out], [Case(tree, (0,), 0)])
    assert bool(v.error[0])
    assert v.detail[0]["failed"] == ["m0", "m1"]
    assert v.detail[0]["variant"] == 2


def test_a_distance_threshold_of_one_is_refused() -> None:
    with pytest.raises(UsageError, match="above 0 and below 1"):
        _oracle("differential", n=2, mode="distance", threshold=1.0)
