"""CheckList's monotonic DIR test, ``not-up CLASS`` / ``not-down CLASS``: an edit that must
not move a class's probability the wrong way.  ``down pos`` asks the probability to fall,
so a sentence already far from ``pos``, or a classifier answering labels only that said
``neg`` both times, failed it: a review written with CheckList's DIR in mind drowned in
findings that are no bugs.  The monotonic form catches the planted bug (a classifier whose
"not" raises ``pos``) and stays quiet on a classifier whose "not" lowers it or leaves it."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

import numpy as np
import pytest

from assay.core.model import Capabilities
from assay.core.store import RunStore
from assay.errors import UsageError
from assay.text.api import check_text
from assay.text.grammar import parse_grammar

GRAMMAR = (
    "S -> 'the' THING 'is' NEG QUALITY\n"
    "THING -> 'food' | 'room' | 'service' | 'view'\n"
    "NEG -> '' | 'not'\n"
    "QUALITY -> 'good' | 'bad' | 'fine' | 'awful'\n"
    "%directional NEG: '' -> 'not' {expect} pos\n"
)


class Clf:
    """neg/pos from a rule; ``labels_only``: one-hot answers (a classifier without scores)."""

    def __init__(self, rule: str, labels_only: bool = False) -> None:
        self.rule, self.labels_only = rule, labels_only
        self.capabilities = Capabilities(
            modality="text", n_classes=2, outputs="proba", class_names=("neg", "pos")
        )

    def _pos(self, s: str) -> float:
        good = any(w in s.split() for w in ("good", "fine"))
        p = 0.8 if good else 0.2
        if " not " in f" {s} ":
            if self.rule == "sound":  # "not" lowers pos a little, never raises it
                p = max(p - 0.5, 0.1) if good else p
            elif self.rule == "planted":  # "not" raises pos: the bug
                p = min(p + 0.3, 0.95)
        return round(p) if self.labels_only else p

    def predict(self, texts: Sequence[str], /) -> np.ndarray:
        p = np.array([self._pos(t) for t in texts], dtype=float)
        return np.stack([1.0 - p, p], axis=1)


def _run(tmp_path: Path, clf: Clf, expect: str) -> int:
    g = parse_grammar(GRAMMAR.format(expect=expect))
    r = check_text(
        [clf],
        grammar=g,
        oracle="directional",
        max_queries=200,
        seed=1,
        store=RunStore(tmp_path / f"{expect}.db"),
    )
    assert r.status == "completed", r.headline
    return int(r.n_findings)


@pytest.mark.parametrize("labels_only", [False, True])
def test_not_up_stays_quiet_where_down_flags_sentences_that_cannot_fall(
    tmp_path: Path, labels_only: bool
) -> None:
    sound = Clf("sound", labels_only)
    assert _run(tmp_path, sound, "not-up") == 0
    # the strict form fails the 'bad'/'awful' sentences, whose pos cannot fall (no bug)
    assert _run(tmp_path, sound, "down") > 0


def test_not_up_catches_a_negation_that_raises_the_class(tmp_path: Path) -> None:
    assert _run(tmp_path, Clf("planted"), "not-up") > 0
    assert _run(tmp_path, Clf("planted"), "not-down") == 0  # pos only rises


def test_the_monotonic_form_needs_a_class_and_a_tolerance_in_range() -> None:
    with pytest.raises(UsageError, match="needs a class name"):
        parse_grammar(GRAMMAR.replace("{expect} pos", "not-up"))
    with pytest.raises(UsageError, match="may move the wrong way"):
        parse_grammar(GRAMMAR.format(expect="not-down").replace("pos\n", "pos 2\n"))
    g = parse_grammar(GRAMMAR.format(expect="not-down").replace("pos\n", "pos 0.25\n"))
    assert g.directionals[0].expect == "not-down"
    assert g.directionals[0].tolerance == 0.25
    assert "not-down pos 0.25" in g.to_text()
