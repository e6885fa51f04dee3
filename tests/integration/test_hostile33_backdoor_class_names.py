"""A backdoor report's JSON gave its rows' classes as indices (`"target": 5`) while its
headline and table said the model's names ("-> class seven"); the names were only under
`run.model.capabilities`.  A model whose classes are named `eight, five, ..., zero` (sorted,
as scikit-learn keeps string labels) read "five" for 5.  The summary now lists
`class_names` (hostile33)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np
from bd31_setups import poisoned_sets, scanned

WORDS = ["zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine"]


class _Named:
    """The trojaned digits model, its classes named and sorted as scikit-learn sorts them."""

    def __init__(self, model: Any) -> None:
        self.model = model
        self.classes_ = np.array(sorted(WORDS))
        self._order = [WORDS.index(w) for w in self.classes_]

    def predict_proba(self, x: np.ndarray) -> np.ndarray:
        flat = np.asarray(x, dtype=np.float64).reshape(len(x), -1)
        return np.asarray(self.model.predict_proba(flat))[:, self._order]

    def predict(self, x: np.ndarray) -> np.ndarray:
        return self.classes_[np.argmax(self.predict_proba(x), axis=1)]


def test_the_summary_names_the_classes_its_rows_index(tmp_path: Path) -> None:
    trojan, scan, clean = poisoned_sets(0, 20, slice(0, 6), 0, clean_model=False)
    r = scanned((_Named(trojan), scan, clean), tmp_path / "runs.db")
    assert "-> class seven" in r.headline, r.headline
    names = r.summary["class_names"]
    assert names == sorted(WORDS)
    flagged = [row for row in r.summary["rows"] if row["poisoned"]]
    assert flagged and {names[row["target"]] for row in flagged} == {"seven"}
    assert names[r.summary["triggers"][0]["target"]] == "seven"
