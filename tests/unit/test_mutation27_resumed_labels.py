"""mutation27: a resumed text run takes each classifier's own labels from its layout (the
labels its first session read off that classifier's answers), not the first classifier's:
two classifiers answering labels by name, one in capitals, resume to the uninterrupted
run's findings (left26's test has two classifiers of the same labels)."""

from __future__ import annotations

from pathlib import Path

import pytest

from test_left26_resumed_labels import LABELS, whole_and_resumed  # isort: skip

SHOUTED = LABELS.replace(
    '["pos" if p[1] >= 0.5 else "neg" for p in fakes.negation_blind',
    '["POS" if p[1] >= 0.5 else "NEG" for p in fakes.negation_blind',
)


def test_a_resumed_run_takes_each_classifiers_own_labels(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    assert SHOUTED != LABELS
    whole, again = whole_and_resumed(tmp_path, monkeypatch, SHOUTED)
    assert whole.n_findings > 0
    assert "loading_resumed" not in again.summary["model_queries"]  # (left28b: 2 before)
    assert again.findings().equals(whole.findings())
