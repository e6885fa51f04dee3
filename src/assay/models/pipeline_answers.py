"""Answers in the form of a Hugging Face text-classification pipeline, read without
importing transformers.

Such a pipeline answers a batch with one ``{"label": ..., "score": ...}`` per input (its top
class), or, called with ``top_k=None`` (or ``top_k=k``), a list of them per input, best
first.  Its classes are in ``pipeline.model.config.id2label`` ({0: "NEGATIVE", ...}).
A list per input that names every class is a row of probabilities (each class's score in the
model's class order); otherwise the label with the best score is the answer (so too a list
whose probabilities add up to less than 1: ``top_k`` below the number of classes, whose
labels are read off its answers, ``is_partial``).  spaCy's ``{class: score}`` dicts are read
as such lists (``score_dicts``).
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import Any

import numpy as np

from assay.errors import ModelError

__all__ = [
    "independent_scores",
    "is_partial",
    "is_ranked",
    "one_output_scores",
    "pipeline_classes",
    "ranked_labels",
    "ranked_to_labels",
    "ranked_to_proba",
]


def pipeline_classes(obj: Any) -> tuple[str, ...] | None:
    """The classes of a pipeline-like object in index order (``model.config.id2label``),
    or None when it has no such map (or a map that is not two or more distinct names)."""
    config = getattr(getattr(obj, "model", None), "config", None)
    mapping = getattr(config, "id2label", None)
    if not isinstance(mapping, dict) or len(mapping) < 2:
        return None
    try:
        ordered = sorted((int(k), str(v)) for k, v in mapping.items())
    except (TypeError, ValueError):
        return None
    names = tuple(v for _, v in ordered)
    if [k for k, _ in ordered] != list(range(len(names))) or len(set(names)) != len(names):
        return None
    return names


def _is_entry(v: Any) -> bool:
    return isinstance(v, dict) and "label" in v and "score" in v


def is_ranked(answer: Any) -> bool:
    """Whether ``answer`` holds, per input, a non-empty list of ``{label, score}`` dicts."""
    if isinstance(answer, np.ndarray) and answer.dtype != object:
        return False
    try:
        rows = list(answer)
    except TypeError:
        return False
    return bool(rows) and all(
        isinstance(r, list | tuple) and r and all(_is_entry(e) for e in r) for r in rows
    )


def ranked_labels(answer: Any) -> tuple[str, ...] | None:
    """The class names of a ranked answer whose every row names the same classes (a
    pipeline called with ``top_k=None``), sorted; None otherwise."""
    if not is_ranked(answer) or is_partial(answer):
        return None  # (a top_k below the classes: its labels are read off its answers)
    sets = {frozenset(str(e["label"]) for e in row) for row in answer}
    if len(sets) != 1:
        return None
    (names,) = sets
    return tuple(sorted(names)) if len(names) >= 2 else None


def is_partial(answer: Any) -> bool:
    """Whether a row of a ranked answer holds probabilities adding up to less than 1 (by
    more than 0.02, as ``checked`` allows): a part of the distribution.  A pipeline called
    with ``top_k=2`` over three classes answers so: its best label, not probabilities (read
    as probabilities, its two classes were taken for all of them and the run ended "class
    probabilities ... sum to 0.9, not 1", exit 3).  Scores outside [0, 1] (logits) are read
    as before."""
    try:
        rows = [[float(e["score"]) for e in row] for row in answer]
    except (TypeError, ValueError):
        return False
    return any(all(0.0 <= v <= 1.0 for v in row) and sum(row) < 0.98 for row in rows)


def independent_scores(answer: Any, inputs: Any = ()) -> str | None:
    """What to say of a ranked answer (``{label, score}`` lists, spaCy's cats read as such)
    one of whose rows holds scores, each in [0, 1], adding up to more than 1 (by more than
    0.02, as ``checked`` allows): an independent score per class, as a multi-label model
    answers (a sigmoid per class: toxic-bert's ``toxic``, ``insult``, ``obscene``, ... with
    ``top_k=None``), not one class per sentence.  Such an answer was read by its best
    label when loading's probe held a row adding up to less than 1 (as a ``top_k`` below the
    classes: ``toxic`` against ``insult``, whichever scored higher on a clean sentence), or
    taken as probabilities and the run ended on its first batch (exit 3); hostile44t.
    None for any other answer."""
    if not is_ranked(answer):
        return None
    for i, row in enumerate(answer):
        try:
            scores = [float(e["score"]) for e in row]
        except (TypeError, ValueError):
            return None
        if all(0.0 <= v <= 1.0 for v in scores) and sum(scores) > 1.02:
            shown = ", ".join(f"{e['label']}: {float(e['score']):.2g}" for e in list(row)[:4])
            more = ", ..." if len(row) > 4 else ""
            text = inputs[i] if isinstance(inputs, list) and i < len(inputs) else None
            said = f" ({text!r})" if isinstance(text, str) else ""
            return (
                f"answered {{label, score}} lists whose scores add up to more than 1 "
                f"({sum(scores):.2f} for input {i}{said}: {shown}{more}): an independent "
                "score per class, as a multi-label model answers (a sigmoid per class), "
                "not one class per sentence, so neither its best label nor its scores say "
                "which class it gives; answer one label, or one probability per class adding "
                'up to 1, e.g. for the class you test, [{"label": "toxic", "score": p}, '
                '{"label": "clean", "score": 1 - p}] per sentence'
            )
    return None


def one_output_scores(answer: Any) -> str | None:
    """What to say of a pipeline's answer naming one label to every input, its score under
    0.5 on some and over it on others (``{label, score}`` dicts, or one-element lists of
    them): a model of one output (``num_labels=1``: a sigmoid, toxic-bert's regression
    heads) through a pipeline names its one label, ``LABEL_0``, whatever its score, which is
    the probability of what the model scores.  Its label was taken as its answer: a
    classifier answering ``LABEL_0`` to everything, every sentence another called toxic a
    "disagreement", every ``flip`` a failure (hostile44t).  A top label of ``k`` classes
    scores ``1/k`` at least: one under a quarter is no top label of four classes or fewer
    (a three-class model answering ``neutral`` to every sentence, scored 0.4 to 0.8, is a
    classifier as before); None for any other answer."""
    try:
        rows = list(answer)
    except TypeError:
        return None
    entries = []
    for row in rows:
        if isinstance(row, list | tuple) and len(row) == 1:
            row = row[0]
        if not (isinstance(row, dict) and "label" in row and "score" in row):
            return None
        entries.append(row)
    try:
        scores = [float(e["score"]) for e in entries]
    except (TypeError, ValueError):
        return None
    labels = {str(e["label"]) for e in entries}
    if len(labels) != 1 or not scores or not (min(scores) < 0.25 and 0.5 < max(scores) <= 1.0):
        return None  # (a top label of four classes or fewer scores a quarter at least)
    (label,) = labels
    return (
        f"answered one label, {label!r}, to every one of the {len(entries)} sentences asked, "
        f"its score from {min(scores):.2f} to {max(scores):.2f}: a top label scored under "
        "a quarter beside one over a half is what a pipeline of a model with one output "
        "(num_labels=1, a sigmoid) answers, naming its one label whatever the score, the "
        "probability of what the model scores; answer a label by that score, e.g. lambda "
        "batch: ['toxic' if r['score'] > 0.5 else 'clean' for r in FUNCTION(batch)] "
        "(r[0]['score'] for lists)"
    )


def covers(answer: Any, names: Sequence[str]) -> bool:
    """Whether every row of a ranked answer scores every class in ``names``."""
    want = set(names)
    return all(want <= {str(e["label"]) for e in row} for row in answer)


def ranked_to_proba(answer: Any, index: dict[str, int]) -> np.ndarray:
    """A ranked answer as rows of scores in class order; a row lacking a class, or naming
    one not declared, is a ModelError naming the input."""
    rows = list(answer)
    out = np.full((len(rows), len(index)), np.nan, dtype=np.float64)
    for i, row in enumerate(rows):
        for entry in row:
            at = _position(entry, index, i)
            out[i, at] = _score(entry, i)
        if np.isnan(out[i]).any():
            missing = [n for n, j in index.items() if np.isnan(out[i, j])]
            raise ModelError(
                f"the model's scores for input {i} lack class {missing[0]!r} (a pipeline "
                "answering every class's score, top_k=None, was expected, as on its first call)"
            )
    return out


def ranked_to_labels(answer: Any, index: dict[str, int]) -> np.ndarray:
    """A ranked answer as class indices: each input's best-scored label."""
    rows = list(answer)
    out = np.empty(len(rows), dtype=np.int64)
    for i, row in enumerate(rows):
        best = max(row, key=lambda e: _score(e, i))
        out[i] = _position(best, index, i)
    return out


def _position(entry: dict[str, Any], index: dict[str, int], i: int) -> int:
    name = str(entry["label"])
    at = index.get(name)
    if at is None:
        raise ModelError(
            f"the model answered {name!r} for input {i}, which is not one of its classes "
            f"{list(index)!r}"
        )
    return at


def _score(entry: dict[str, Any], i: int) -> float:
    try:
        score = float(entry["score"])
    except (TypeError, ValueError):
        score = math.nan
    if not math.isfinite(score):  # (a NaN read as "lacks the class", or ranked anywhere)
        raise ModelError(
            f"the model's score for {entry['label']!r} (input {i}) is {entry['score']!r}, "
            "not a finite number"
        )
    return score
