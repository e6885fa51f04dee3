"""A region's witnesses in the data's own values, typed as ``values`` is (numbers as numbers,
``false`` as a boolean, not ``"58"`` and ``"False"``), and the favourable class of a model
whose class names say nothing (``0``/``1``) said as the class it is, with the option that
names the other: the lines' 'gets 1' reverses if 1 is a default or a risk."""

from __future__ import annotations

import numpy as np

from assay.cli.answer_lines import say_answer
from assay.core.rng import generator
from assay.fairness.schema import Feature, Schema
from assay.fairness.verdict import answer, favourable_class
from assay.models import load_model

SCHEMA = Schema(
    (
        Feature("sex", "categorical", categories=("Female", "Male")),
        Feature("married", "categorical", categories=(False, True)),
        Feature("hours", "continuous", 1, 99),
        Feature("age", "integer", 18, 79),
        Feature("band", "integer", 0, 2, value_labels=("low", "mid", "high")),
    ),
    protected=("sex",),
)


def _refuses_women_below_30(rows: np.ndarray) -> np.ndarray:
    x = np.asarray(rows, dtype=np.float64)
    return ((x[:, 2] >= 30) | (x[:, 0] == 1)).astype(np.int64)


class _Lines:
    def __init__(self) -> None:
        self.lines: list[str] = []

    def say(self, text: str) -> None:
        self.lines.append(text)


def _answer() -> dict:
    model = load_model(_refuses_women_below_30, outputs="labels", n_classes=2)
    return answer(SCHEMA, model, generator(1), samples=3_000)


def test_a_witness_is_typed_as_the_data_is() -> None:
    got = _answer()
    (top, *_) = [r for r in got["regions"] if r["confirmed"]]
    assert top["witnesses"]
    for w in top["witnesses"]:
        assert w["sex"] in ("Female", "Male") and isinstance(w["married"], bool)
        assert isinstance(w["hours"], float) and w["hours"] < 30
        assert isinstance(w["age"], int) and not isinstance(w["age"], bool)
        assert w["band"] in ("low", "mid", "high")
        assert isinstance(w["outcome by sex"], str)


def test_classes_that_say_nothing_are_named_with_the_option_for_the_other() -> None:
    index, name, how = favourable_class(None, 2, None)
    assert (index, name) == (1, "1")
    assert how.startswith("inferred: class '1' (the last class")
    assert "--favourable 0" in how
    _, _, three = favourable_class(["a", "b", "c"], None, None)
    assert "class 'c'" in three and "--favourable CLASS" in three
    # a name that says it: no such wording
    assert "last class" not in favourable_class(["no", "yes"], None, None)[2]


def test_the_command_line_says_which_class_it_took() -> None:
    got = _answer()
    said = {"verdict": got["verdict"], "direction": got["direction"]}
    lines = _Lines()
    say_answer(lines, {**said, "favourable": got["favourable"]})
    assert lines.lines[-1].startswith("note: favourable outcome inferred: class '1'")
    assert "pass --favourable 0" in lines.lines[-1]
    named = _Lines()
    user = {"class": "1", "index": 1, "how": "named by the user (--favourable)"}
    say_answer(named, {**said, "favourable": user})
    assert not any(line.startswith("note:") for line in named.lines)
