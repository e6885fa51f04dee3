"""left44m: mutation44's survivors in ``json_taken``, ``nltk_grammar`` and ``listed`` (JT6,
JT7, JT11, NG3, NG7, LI9): a PCFG's weights, a nonterminal not named by a string, ``--json``'s
hint only for the parser's extra-argument message, for the first of two ``--json`` and not
after ``--``; a listed category added after the values the data holds."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from sklearn.compose import ColumnTransformer
from sklearn.pipeline import Pipeline
from sklearn.preprocessing import OneHotEncoder
from sklearn.tree import DecisionTreeClassifier

import assay
from assay.cli.json_taken import json_value_said
from assay.errors import UsageError
from assay.text.grammar import parse_grammar
from assay.text.nltk_grammar import nltk_text

nltk = pytest.importorskip("nltk")


def test_a_pcfgs_weights_reach_the_grammar() -> None:
    """NG3 (weights dropped): 'a' nine times in ten became one time in two."""
    text = nltk_text(nltk.PCFG.fromstring("S -> 'a' [0.9] | 'b' [0.1]"))
    assert text is not None
    assert parse_grammar(text, source="g").weights == [0.9, 0.1]


def test_a_nonterminal_not_named_by_a_string_is_refused_by_name() -> None:
    """NG7 (the check dropped): the tuple was written as the symbol's name."""
    from nltk.grammar import CFG, Nonterminal, Production

    start = Nonterminal(("S", "sg"))
    grammar = CFG(start, [Production(start, ["a"])])
    with pytest.raises(UsageError, match="not named by a string"):
        nltk_text(grammar)


def test_only_the_extra_argument_message_is_explained() -> None:
    """JT6 (any parser message): an invalid value quoting the word is no value of --json."""
    message = "Invalid value for '--seed': (g.json) is not a valid integer"
    assert json_value_said(message, ["m.skops", "--json", "g.json"]) == message


def test_the_first_of_two_json_values_is_named() -> None:
    """JT11 (the last ``--json``'s word looked for): the hint lost for two ``--json``."""
    message = "Got unexpected extra arguments (a.json b.json)"
    said = json_value_said(message, ["m.skops", "--json", "a.json", "--json", "b.json"])
    assert "--json takes no value" in said and "--report a.json" in said


def test_words_after_a_double_dash_are_no_options() -> None:
    """JT7 (``--`` not read): ``-- --json g.json`` names a model "--json"; g.json is an
    extra word, not a value given to the option."""
    message = "Got unexpected extra argument (g.json)"
    assert json_value_said(message, ["--", "--json", "g.json"]) == message


def _people(n: int, values: list[str], seed: int) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    sex = pd.Categorical(rng.choice(values, n), categories=["F", "M", "X"])
    return pd.DataFrame({"sex": sex, "income": rng.integers(10, 120, n)})


def test_a_listed_category_leaves_the_datas_values_as_they_are(tmp_path: Path) -> None:
    """``X`` listed by the dtype, held by no row, added after ``F`` and ``M`` (LI9, put
    first: the data's codes read as other values, the searched rows of men and women shown
    as ``X`` and ``F``).  The search starts from the data: its inputs hold F or M."""
    data = _people(400, ["F", "M"], 2)
    fitted = pd.concat([data, _people(60, ["X"], 3)])
    label = np.where((fitted["income"] > 60) & (fitted["sex"] != "X"), "good", "bad")
    front = ColumnTransformer(
        [("oh", OneHotEncoder(handle_unknown="ignore"), ["sex"])], remainder="passthrough"
    )
    model = Pipeline([("ct", front), ("tree", DecisionTreeClassifier(random_state=0))])
    result = assay.check_fairness(
        model.fit(fitted, label), data, protected="sex", max_queries=500, seed=1,
        store=tmp_path / "s",
    )  # fmt: skip
    found = result.findings()
    searched = found[found["generated"]]
    assert len(searched) and set(searched["sex"].astype(str)) <= {"F", "M"}
