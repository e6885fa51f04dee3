"""A top-1 pipeline (``{"label", "score"}``, its top class's score alone) has findings
columns of 1.0/0.0, read as certainty (hostile53's Left): the frame now says so in its
notes (``attrs["notes"]``); a classifier answering probabilities gets none."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import assay

G = (
    's -> subj "ist" adj\nadj -> "gut" | "schlecht" | "toll"\n'
    'subj -> "das Essen" | "der Kellner" | "Maria"\n%invariant subj\n'
)


def pipe(batch: list[str]) -> list[dict[str, Any]]:
    return [
        {"label": "NEG" if "schlecht" in t or "Maria" in t else "POS", "score": 0.9} for t in batch
    ]


def proba(batch: list[str]) -> list[list[float]]:
    return [[0.8, 0.2] if "schlecht" in t or "Maria" in t else [0.3, 0.7] for t in batch]


proba.classes_ = ["NEG", "POS"]  # type: ignore[attr-defined]


def test_a_top1_pipelines_columns_are_said_to_be_labels(tmp_path: Path) -> None:
    r = assay.check_text(
        [pipe], oracle="invariance", grammar=G, max_queries=200, store=tmp_path / "s.db"
    )
    frame = r.findings()
    assert len(frame) and set(frame["pipe: POS"]) <= {0.0, 1.0}
    (note,) = frame.attrs["notes"]
    assert note.startswith("pipe answered labels, not scores: its columns (pipe: LABEL)"), note


def test_scores_get_no_note(tmp_path: Path) -> None:
    r = assay.check_text(
        [proba], oracle="invariance", grammar=G, max_queries=200, store=tmp_path / "s.db"
    )
    frame = r.findings()
    assert len(frame) and "notes" not in frame.attrs
