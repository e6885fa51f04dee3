"""The labelled sentiment tweets the built-in text classifiers are trained on (offline)."""

from __future__ import annotations

import functools

import numpy as np
import pandas as pd

from assay.datasets.registry import open_data_file

__all__ = ["TWEET_LABELS", "load_tweets"]

TWEET_LABELS = ("negative", "neutral", "positive")


@functools.lru_cache(maxsize=1)
def load_tweets() -> tuple[tuple[str, ...], np.ndarray]:
    """The tweets' texts and their labels as indices into ``TWEET_LABELS``."""
    with open_data_file("sentiment-tweets.csv.gz") as fh:
        frame = pd.read_csv(fh, compression="gzip", encoding="utf-8", encoding_errors="replace")
    frame = frame.dropna(subset=["text", "sentiment"])
    frame = frame[frame["sentiment"].isin(TWEET_LABELS)]
    labels = frame["sentiment"].map({n: i for i, n in enumerate(TWEET_LABELS)}).to_numpy()
    return tuple(frame["text"].astype(str)), labels.astype(np.int64)
