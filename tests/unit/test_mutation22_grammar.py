"""The grammar reader's and the label map's refusals, at the edges a one-token bug would pass.

Each test kills a mutation the rest of the suite let through (bench/RESULTS.md, "mutation22"):
a weight of 0, an invariance class of one alternative, the start symbol's own reach, a symbol
reached twice read as a loop, a label map's classifier 0, a label mapped twice, a third
classifier's labels, one shared label after a map, a label like '1.5'.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

import numpy as np
import pytest

from assay.core.model import Capabilities
from assay.errors import UsageError
from assay.text.generate import count_derivations
from assay.text.grammar import parse_grammar
from assay.text.panel import build_layout, fold_label, load_label_map


class _Labels:
    def __init__(self, labels: tuple[str, ...]) -> None:
        self.capabilities = Capabilities(
            modality="text", n_classes=len(labels), outputs="proba", class_names=labels
        )

    def predict(self, texts: Sequence[str], /) -> np.ndarray:
        n = self.capabilities.n_classes or 1
        return np.full((len(texts), n), 1.0 / n)


def _refused(text: str) -> UsageError:
    with pytest.raises(UsageError) as info:
        parse_grammar(text, source="g.cfg")
    return info.value


def test_a_weight_of_zero_is_refused_where_it_stands() -> None:
    """A weight of 0 would make an alternative never drawn, silently: refused at its '['."""
    err = _refused("S -> 'a' [0] | 'b'\n")
    assert "positive" in str(err)
    assert (err.line, err.column) == (1, 10)


def test_an_invariance_class_of_one_alternative_is_refused() -> None:
    """One member: no swap to make, so the invariance oracle could test nothing."""
    err = _refused("S -> N 'x'\nN -> 'a' | 'b'\n%invariant N: 'a'\n")
    assert "two alternatives" in str(err) and err.line == 3


def test_the_first_rule_unreachable_from_the_start_symbol_is_warned() -> None:
    g = parse_grammar("%start T\nS -> 'a'\nT -> 'b'\n", source="g.cfg")
    assert any("'S' is unreachable from 'T'" in w for w in g.warnings)


def test_a_symbol_reached_by_two_paths_is_no_loop() -> None:
    """C is reached from A and from B: a finite language (not 'infinite', enumerable)."""
    g = parse_grammar("S -> A B\nA -> C\nB -> C\nC -> 'x' | 'y'\n", source="g.cfg")
    assert not g.infinite
    assert not any("infinite" in w for w in g.warnings)
    assert count_derivations(g) == 4


def _map(tmp_path: Path, text: str) -> Path:
    p = tmp_path / "map.txt"
    p.write_text(text)
    return p


def test_a_label_map_counts_classifiers_from_one(tmp_path: Path) -> None:
    """'0' is no classifier (it was read as the last one)."""
    models = [_Labels(("a", "b")), _Labels(("x", "b"))]
    with pytest.raises(UsageError, match="unknown classifier '0'") as info:
        load_label_map(_map(tmp_path, "0 x -> a\n"), models, ["m1", "m2"])
    assert (info.value.line, info.value.column) == (1, 1)


def test_a_label_mapped_twice_differently_is_refused_and_the_same_twice_is_fine(
    tmp_path: Path,
) -> None:
    models = [_Labels(("a", "b")), _Labels(("x", "b"))]
    same = load_label_map(_map(tmp_path, "2 x -> a\n2 x -> a\n"), models, ["m1", "m2"])
    assert same == {1: {"x": "a"}}
    with pytest.raises(UsageError, match="mapped twice") as info:
        load_label_map(_map(tmp_path, "2 x -> a\nm2 x -> b\n"), models, ["m1", "m2"])
    assert (info.value.line, info.value.column) == (2, 4)


def test_a_third_classifier_naming_its_labels_otherwise_is_refused() -> None:
    models = [_Labels(("neg", "pos")), _Labels(("neg", "pos")), _Labels(("bad", "good"))]
    with pytest.raises(UsageError, match="m3 has bad, good"):
        build_layout(models, ["m1", "m2", "m3"])


def test_one_label_shared_after_a_label_map_is_refused() -> None:
    """Differential testing needs two shared labels: with one, no sentence could disagree."""
    models = [_Labels(("a", "b")), _Labels(("a", "c"))]
    with pytest.raises(UsageError, match="share 1 label"):
        build_layout(models, ["m1", "m2"], {1: {"c": "z"}})
    layout = build_layout(models, ["m1", "m2"], {1: {"c": "b"}})
    assert layout.common == ("a", "b")


@pytest.mark.parametrize(
    ("label", "folded"), [("1.0", "1"), (" 2 ", "2"), ("1.5", "1.5"), ("Pos ", "pos")]
)
def test_labels_fold_to_whole_numbers_only_when_whole(label: str, folded: str) -> None:
    assert fold_label(label) == folded
