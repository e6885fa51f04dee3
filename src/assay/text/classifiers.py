"""Built-in text classifiers, all offline: VADER, TextBlob, and TF-IDF + logistic regression.

Each answers probabilities over ``("negative", "neutral", "positive")``.  VADER's compound
score and TextBlob's polarity (both in [-1, 1]) become probabilities with ``score_to_proba``,
whose most likely class follows each tool's usual thresholds (VADER: |compound| >= 0.05;
TextBlob: polarity != 0).  The lexicons ship inside the ``vaderSentiment`` and ``textblob``
wheels (``pip install 'assay[text]'``); nothing is downloaded.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import Any

import numpy as np

from assay.core.extras import pip_install
from assay.core.model import Capabilities, ModelInputs
from assay.core.native import one_native_thread
from assay.core.quiet import quiet
from assay.errors import UsageError

__all__ = [
    "NEGATION_WORDS",
    "SENTIMENT_LABELS",
    "TextBlobModel",
    "TfidfModel",
    "VaderModel",
    "drop_negations",
    "score_to_proba",
    "train_tfidf",
]

SENTIMENT_LABELS = ("negative", "neutral", "positive")
NEGATION_WORDS = (
    "not", "no", "never", "nothing", "nobody", "none", "neither", "nor", "nowhere", "cannot",
    "without", "hardly", "barely", "isnt", "wasnt", "dont", "doesnt", "didnt", "cant", "wont",
)  # fmt: skip
_NEGATION = re.compile(r"\b(?:" + "|".join(NEGATION_WORDS) + r"|\w+n't|\w+n’t)\b", re.IGNORECASE)


def drop_negations(text: str) -> str:
    """The text lower-cased with its negation words deleted (the planted bug of the benchmark)."""
    return _NEGATION.sub(" ", text.lower())


def _lower(text: str) -> str:
    return text.lower()


def score_to_proba(scores: np.ndarray, eps: float) -> np.ndarray:
    """Scores in [-1, 1] as (negative, neutral, positive) probabilities; argmax: the sign
    when |score| >= eps (> 0 for eps == 0), else neutral."""
    s = np.clip(np.asarray(scores, dtype=np.float64), -1.0, 1.0)
    out = np.zeros((len(s), 3))
    a = np.abs(s)
    strong = (a >= eps) & (a > 0)
    side = np.where(s > 0, 2, 0)
    rows = np.arange(len(s))
    out[rows, 1] = np.where(strong, 0.5 - 0.5 * a, 1.0 - a)
    out[rows, side] = np.where(strong, 0.5 + 0.5 * a, a)
    return out


class _Lexicon:
    capabilities = Capabilities(
        modality="text", n_classes=3, outputs="proba", class_names=SENTIMENT_LABELS
    )


class VaderModel(_Lexicon):
    """VADER (Hutto and Gilbert, 2014) from the ``vaderSentiment`` package."""

    def __init__(self) -> None:
        try:
            from vaderSentiment.vaderSentiment import SentimentIntensityAnalyzer
        except ImportError:
            raise UsageError(
                "builtin:vader needs the vaderSentiment package: " + pip_install("'assay[text]'"),
                argument="MODEL",
            ) from None
        self._analyser = SentimentIntensityAnalyzer()
        self.info = {"builtin": "vader"}

    def predict(self, inputs: ModelInputs, /) -> np.ndarray:
        score = self._analyser.polarity_scores
        return score_to_proba(np.array([score(str(t))["compound"] for t in inputs]), 0.05)


class TextBlobModel(_Lexicon):
    """TextBlob's pattern-based polarity from the ``textblob`` package."""

    def __init__(self) -> None:
        try:
            from textblob.en.sentiments import PatternAnalyzer
        except ImportError:
            raise UsageError(
                "builtin:textblob needs the textblob package: " + pip_install("'assay[text]'"),
                argument="MODEL",
            ) from None
        self._analyser = PatternAnalyzer()
        self.info = {"builtin": "textblob"}

    def predict(self, inputs: ModelInputs, /) -> np.ndarray:
        analyse = self._analyser.analyze
        return score_to_proba(np.array([analyse(str(t))[0] for t in inputs]), 0.0)


class TfidfModel:
    """A fitted TF-IDF + logistic-regression pipeline over the sentiment labels."""

    def __init__(self, pipeline: Any, name: str) -> None:
        self.pipeline = pipeline
        self.capabilities = Capabilities(
            modality="text", n_classes=3, outputs="proba", class_names=SENTIMENT_LABELS
        )
        self.info = {"builtin": name}

    def predict(self, inputs: ModelInputs, /) -> np.ndarray:
        return np.asarray(self.pipeline.predict_proba(list(inputs)))


def train_tfidf(
    texts: Sequence[str], labels: np.ndarray, *, negation: bool = True, seed: int = 0
) -> TfidfModel:
    """Train TF-IDF (words) + logistic regression; with ``negation=False`` the pipeline deletes
    negation words before vectorising (everything else identical).  A few seconds."""
    from sklearn.feature_extraction.text import TfidfVectorizer
    from sklearn.linear_model import LogisticRegression
    from sklearn.pipeline import make_pipeline

    pre = _lower if negation else drop_negations
    pipeline = make_pipeline(
        TfidfVectorizer(preprocessor=pre, min_df=2, sublinear_tf=True),
        LogisticRegression(C=2.0, solver="saga", max_iter=30, random_state=seed),
    )
    # saga stops after 30 epochs: close enough, and fast
    with quiet(r"sklearn\b"), one_native_thread():
        pipeline.fit(list(texts), np.asarray(labels))
    return TfidfModel(pipeline, "tfidf" if negation else "tfidf-nonegation")
