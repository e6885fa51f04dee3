"""text36c: a text campaign's note "only X of the Y sentences judged could be compared" adds
its units' judged and compared sentences (no unit keeps which it compared), while the
failures beside it count each case once since units36: the note now says it adds the units'
(units36b's Left 2); a single run reads exactly as before."""

from __future__ import annotations

from pathlib import Path

import pytest

from assay.core.store import RunStore
from assay.text.api import check_text
from assay.text.pipeline import WORKER_ENV

from test_hostile30t_partly_compared import GRAMMAR, MAP, three, two  # isort: skip

ADDED = "the 2 units' added (a sentence two units judged counts twice)"


def _headline(tmp_path: Path, units: int | None) -> str:
    r = check_text(
        [three, two], grammar=GRAMMAR, label_map=MAP, max_queries=300, seed=1, units=units,
        store=RunStore(tmp_path / f"u{units}.db"),
    )  # fmt: skip
    return str(r.headline)


def test_a_campaigns_compared_note_says_it_adds_the_units(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv(WORKER_ENV, "inline")
    one = _headline(tmp_path, None)
    assert "only 1 of the 7 sentences judged could be compared (on the others" in one, one
    assert "units'" not in one
    two_units = _headline(tmp_path, 2)
    # main: "only 2 of the 14 sentences judged could be compared", unsaid that it adds
    assert f"only 2 of the 14 sentences judged, {ADDED}, could be compared" in two_units, two_units
