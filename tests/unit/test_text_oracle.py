"""Oracles, label alignment, the classifier panel, built-in classifiers and the report part."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

import numpy as np
import pytest

from assay.core.model import Capabilities
from assay.errors import ModelError, UsageError
from assay.report.text_html import render_text_section
from assay.text.classifiers import drop_negations, score_to_proba
from assay.text.generate import Sampler
from assay.text.grammar import parse_grammar
from assay.text.oracle import Case, Oracle
from assay.text.panel import Panel, build_layout, load_label_map


class Fixed:
    def __init__(self, labels: tuple[str, ...], answer: np.ndarray | None = None) -> None:
        self.capabilities = Capabilities(
            modality="text", n_classes=len(labels), outputs="proba", class_names=labels
        )
        self.answer = answer

    def predict(self, texts: Sequence[str], /) -> np.ndarray:
        if self.answer is not None:
            return self.answer
        return np.full((len(texts), self.capabilities.n_classes or 1), 0.5)


G = parse_grammar("S -> N 'is' A\nN -> 'Ann' | 'Bob'\nA -> '' | 'not' \n%invariant N\n"
                  "%directional A: '' -> 'not' away\n")  # fmt: skip


def _oracle(
    kind: str, labels: tuple[str, ...] = ("neg", "pos"), n: int = 2, **kw: object
) -> Oracle:
    models = [Fixed(labels) for _ in range(n)]
    layout = build_layout(models, [f"m{i}" for i in range(n)], differential=kind == "differential")
    return Oracle(kind, G, layout, Sampler(G), **kw)  # type: ignore[arg-type]


def test_differential_modes_and_signed_margins() -> None:
    o = _oracle("differential")
    out = np.array([[0.9, 0.1, 0.8, 0.2], [0.9, 0.1, 0.3, 0.7], [0.6, 0.4, 0.4, 0.6]])
    tree = Sampler(G).shortest(G.start)
    cases = [Case(tree)] * 3
    v = o.judge([out[i : i + 1] for i in range(3)], cases)
    assert v.error.tolist() == [False, True, True]
    assert v.margin[0] > 0 and v.margin[1] < 0 and v.margin[1] < v.margin[2]
    d = _oracle("differential", mode="distance", threshold=0.5)
    v = d.judge([out[i : i + 1] for i in range(3)], cases)
    assert v.error.tolist() == [False, True, False]
    # two labels: the top 2 of each classifier is every label, no set could ever differ
    with pytest.raises(UsageError, match="--top-k must be below 2"):
        _oracle("differential", mode="topk", k=2)


def test_invariance_and_directional_variants() -> None:
    inv = _oracle("invariance", n=1)
    tree = Sampler(G).shortest(G.start)
    case = inv.case(tree)
    assert case is not None
    from assay.text.generate import tree_text

    assert sorted(tree_text(t) for t in inv.variants(case)) == ["Ann is", "Bob is"]
    same = np.array([[0.8, 0.2], [0.7, 0.3]])
    flipped = np.array([[0.8, 0.2], [0.3, 0.7]])
    v = inv.judge([same, flipped], [case, case])
    assert v.error.tolist() == [False, True] and v.margin[0] > 0 > v.margin[1]
    dr = _oracle("directional", n=1)
    dcase = dr.case(tree)
    assert dcase is not None
    assert [tree_text(t) for t in dr.variants(dcase)] == ["Ann is", "Ann is not"]
    moved = np.array([[0.2, 0.8], [0.6, 0.4]])
    stuck = np.array([[0.2, 0.8], [0.2, 0.8]])
    v = dr.judge([moved, stuck], [dcase, dcase])
    assert v.error.tolist() == [False, True]


def test_metamorphic_oracles_need_declarations() -> None:
    g = parse_grammar("S -> 'a' | 'b'\n")
    layout = build_layout([Fixed(("x", "y"))], ["m"], differential=False)
    with pytest.raises(UsageError, match="no invariance class"):
        Oracle("invariance", g, layout, Sampler(g))
    with pytest.raises(UsageError, match="two or more classifiers"):
        Oracle("differential", g, layout, Sampler(g))


def test_label_map_file(tmp_path: Path) -> None:
    models = [Fixed(("negative", "neutral", "positive")), Fixed(("0", "1"))]
    m = tmp_path / "map.txt"
    m.write_text("2 0 -> negative  # the second model's 0\nm2 1 -> positive\n")
    mapping = load_label_map(m, models, ["m1", "m2"])
    layout = build_layout(models, ["m1", "m2"], mapping)
    assert layout.common == ("negative", "positive")
    assert layout.unmapped() == {"m1": ["neutral"]}
    m.write_text("3 0 -> negative\n")
    with pytest.raises(UsageError) as info:
        load_label_map(m, models, ["m1", "m2"])
    assert (info.value.line, info.value.column) == (1, 1)
    with pytest.raises(UsageError, match="name their labels differently"):
        build_layout(models, ["m1", "m2"])


def test_panel_names_the_classifier_that_fails() -> None:
    models = [Fixed(("a", "b")), Fixed(("a", "b"), answer=np.zeros((1, 3)))]
    layout = build_layout(models, ["good", "bad"])
    panel = Panel(models, ["good", "bad"], layout)
    with pytest.raises(ModelError, match="classifier bad returned shape"):
        panel.predict(["x", "y"])


def test_score_to_proba_follows_the_thresholds() -> None:
    p = score_to_proba(np.array([-0.5, -0.01, 0.0, 0.03, 0.9]), 0.05)
    assert np.allclose(p.sum(axis=1), 1)
    assert np.argmax(p, axis=1).tolist() == [0, 1, 1, 1, 2]
    assert np.argmax(score_to_proba(np.array([0.01]), 0.0), axis=1).tolist() == [2]
    assert drop_negations("I do NOT like it, it isn't good") .split() == [
        "i", "do", "like", "it,", "it", "good",
    ]  # fmt: skip


def test_builtin_lexicon_classifiers_run_offline() -> None:
    from assay.text.classifiers import TextBlobModel, VaderModel

    for model in (VaderModel(), TextBlobModel()):
        out = model.predict(["the food was great", "the food was terrible"])
        assert out.shape == (2, 3)
        assert np.argmax(out, axis=1).tolist() == [2, 0]


def test_text_section_escapes_and_ignores_other_techniques() -> None:
    doc = {
        "run": {
            "technique": "text",
            "summary": {
                "text": {
                    "oracle": "differential",
                    "classifiers": ["a", "b"],
                    "minimal": [
                        {"sentence": "<b>not</b> good", "original": "x <b>not</b> good",
                         "count": 3, "margin": -0.4,
                         "outputs": [{"label": "pos", "probability": 0.9}]},
                    ],
                }
            },
        }
    }  # fmt: skip
    html = render_text_section(doc)
    assert "&lt;b&gt;not&lt;/b&gt;" in html and "<del>x</del>" in html
    assert render_text_section({"run": {"technique": "fairness", "summary": {}}}) == ""
