"""A notebook's classifiers in the forms people have, refused at loading with what they
answered and the wrapper that reads them (hostile53).  Before, a spaCy-like `{"cats": ...}`
per sentence, the `Doc`s of `nlp.pipe`, and a Series of `{class: score}` dicts were all
"cannot tell what the model answers from an answer of shape (2,) and type object"; a
function of a pandas Series (`batch.map(...)`) and a spaCy-like `nlp` object were told
`lambda batch: [f(s) for s in batch]`, which fails again as pasted.  Each advice is
followed here, and then the run is made."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pandas as pd
import pytest

import assay
from assay.errors import AssayError

pytestmark = pytest.mark.filterwarnings("ignore::assay.AssayWarning")

GRAMMAR = """S -> "the" N "was" neg A
N -> "food" | "pasta" | "service" | "room"
neg -> "" | "not"
A -> "good" | "great" | "bad" | "poor"
"""


def p_pos(text: str) -> float:
    bad = any(w in text for w in ("bad", "poor")) != ("not" in text.split())
    return 0.2 if bad else 0.8


def labels(batch: list[str]) -> list[str]:
    return ["pos" if p_pos(t) > 0.5 else "neg" for t in batch]


class Doc:
    def __init__(self, text: str) -> None:
        p = p_pos(text)
        self.cats = {"pos": p, "neg": 1 - p}


class Nlp:
    """spaCy's shape: `nlp(text)` one document, `nlp.pipe(texts)` several."""

    def __call__(self, text: str) -> Doc:
        return Doc(text.lower())

    def pipe(self, texts: list[str]) -> Any:
        return (self(t) for t in texts)


nlp = Nlp()


def cats_dicts(batch: list[str]) -> list[dict[str, Any]]:
    return [{"cats": d.cats} for d in nlp.pipe(batch)]


def docs(batch: list[str]) -> list[Doc]:
    return list(nlp.pipe(batch))


def series_of_dicts(batch: list[str]) -> pd.Series:
    return pd.Series([d.cats for d in nlp.pipe(batch)])


def frame_with_text(batch: list[str]) -> pd.DataFrame:
    p = [p_pos(t) for t in batch]
    return pd.DataFrame({"text": batch, "neg": [1 - x for x in p], "pos": p})


def frame_of_labels(batch: list[str]) -> pd.DataFrame:
    return pd.DataFrame({"label": labels(batch), "score": [0.9] * len(batch)})


def pairs(batch: list[str]) -> list[tuple[str, float]]:
    return [(label, 0.9) for label in labels(batch)]


def of_a_series(texts: pd.Series) -> pd.Series:
    return texts.map(lambda t: "pos" if p_pos(t) > 0.5 else "neg")


def of_a_frame(frame: pd.DataFrame) -> list[str]:
    return labels(list(frame["text"]))


def refused(model: object, tmp_path: Path) -> str:
    with pytest.raises(AssayError) as caught:
        assay.check_text(
            [model, labels], grammar=GRAMMAR, max_queries=100, seed=1, store=tmp_path / "r.db"
        )
    return str(caught.value)


def runs(model: object, tmp_path: Path) -> None:
    result = assay.check_text(
        [model, labels], grammar=GRAMMAR, max_queries=100, seed=1, store=tmp_path / "r.db"
    )
    assert result.summary["text"]["labels"]["common"] == ["neg", "pos"]


@pytest.mark.parametrize(
    ("model", "said", "wrapper"),
    [
        (
            cats_dicts,
            "each answer is a dict holding it under 'cats'",
            lambda batch: [a["cats"] for a in cats_dicts(batch)],
        ),
        (
            docs,
            "it answered Doc objects, their scores in .cats",
            lambda batch: [doc.cats for doc in docs(batch)],
        ),
        (
            series_of_dicts,
            "a pandas Series of {class: score} dicts",
            lambda batch: list(series_of_dicts(batch)),
        ),
        (
            frame_with_text,
            "it answered a DataFrame of columns 'text', 'neg', 'pos', not all numbers",
            lambda batch: frame_with_text(batch)[["neg", "pos"]],
        ),
        (
            frame_of_labels,
            "it answered a DataFrame of columns 'label', 'score'",
            lambda batch: list(frame_of_labels(batch)["label"]),
        ),
        (
            pairs,
            "each answer is a (label, score) pair",
            lambda batch: [label for label, score in pairs(batch)],
        ),
    ],
)
def test_an_answer_of_another_form_is_named_with_its_wrapper(
    model: Any, said: str, wrapper: Any, tmp_path: Path
) -> None:
    message = refused(model, tmp_path)
    assert said in message, message
    runs(wrapper, tmp_path)


def test_a_function_of_a_series_is_told_to_take_one(tmp_path: Path) -> None:
    message = refused(of_a_series, tmp_path)
    assert "`lambda batch: of_a_series(pd.Series(batch))`" in message, message
    assert "[of_a_series(s) for s in batch]" not in message
    runs(lambda batch: of_a_series(pd.Series(batch)), tmp_path)


def test_a_function_of_a_frame_is_told_to_take_one(tmp_path: Path) -> None:
    message = refused(of_a_frame, tmp_path)
    assert '`lambda batch: of_a_frame(pd.DataFrame({"text": batch}))`' in message, message
    runs(lambda batch: of_a_frame(pd.DataFrame({"text": batch})), tmp_path)


def test_a_spacy_like_object_is_told_its_pipe(tmp_path: Path) -> None:
    message = refused(nlp, tmp_path)
    assert "`lambda batch: [doc.cats for doc in nlp.pipe(batch)]`" in message, message
    runs(lambda batch: [doc.cats for doc in nlp.pipe(batch)], tmp_path)


def test_a_function_of_one_sentence_keeps_its_advice(tmp_path: Path) -> None:
    def one(text: str) -> str:
        return "pos" if p_pos(text.lower()) > 0.5 else "neg"

    message = refused(one, tmp_path)
    assert "`lambda batch: [one(s) for s in batch]`" in message, message


def test_a_dict_of_classifiers_is_told_the_list_and_names(tmp_path: Path) -> None:
    """(`{"v1": a, "v2": b}` was refused as one model: "a dict is not a model: expected a
    fitted estimator, a callable, ...")"""
    models = {"v1": labels, "v2": lambda batch: [labels([t])[0] for t in batch]}
    with pytest.raises(AssayError) as caught:
        assay.check_text(models, grammar=GRAMMAR, max_queries=100, seed=1, store=tmp_path / "d")
    said = str(caught.value)
    assert "`check_text(list(models.values()), names=list(models), ...)`" in said, said
    result = assay.check_text(
        list(models.values()),
        names=list(models),
        grammar=GRAMMAR,
        max_queries=100,
        seed=1,
        store=tmp_path / "d",
    )
    assert result.summary["text"]["classifiers"] == ["v1", "v2"]


def by_sentence(batch: list[str]) -> dict[str, str]:
    return dict(zip(batch, labels(batch), strict=True))


def test_a_dict_of_the_sentences_is_told_to_answer_in_order(tmp_path: Path) -> None:
    """(told `lambda batch: [by_sentence(s) for s in batch]`, which calls it with a
    sentence: a dict of its characters)"""
    message = refused(by_sentence, tmp_path)
    wrapper = "`lambda batch: [d[s] for d in [by_sentence(batch)] for s in batch]`"
    assert wrapper in message, message
    runs(lambda batch: [d[s] for d in [by_sentence(batch)] for s in batch], tmp_path)
