"""The README's word on ``ASSAY_TEXT_LAG`` beside two lanes: it has no effect (the engine
lags a step only with one lane), where with one lane it changes what is found.  perf49
measured the two together as issue 9's "a search that never waits": the same findings, and
the same replayed share, as the lanes alone."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from assay.core.notices import AssayWarning
from assay.text.pipeline import WORKER_ENV

from test_text_pipeline import _rows, _run  # isort: skip


@pytest.fixture(autouse=True)
def _inline(monkeypatch: pytest.MonkeyPatch) -> Any:
    from assay.text.walk import WalkStrategy

    monkeypatch.setenv(WORKER_ENV, "inline")
    # lagged in every step where it is run (the fakes' errors are common: the walk would
    # stop lagging after its first step)
    monkeypatch.setattr(WalkStrategy, "may_lag", lambda self: True)
    yield


def _found(tmp_path: Path, lanes: int, rounds: int) -> list[tuple[str, str]]:
    r = _run(
        tmp_path,
        f"l{lanes}r{rounds}",
        max_queries=1500,
        seed=5,
        opt={"lanes": lanes, "rounds": rounds},
    )
    rows = _rows(r)
    assert rows, "the planted bug was not found"
    return rows


def test_the_lag_changes_a_one_lane_walk(tmp_path: Path) -> None:
    assert _found(tmp_path, 1, 4) != _found(tmp_path, 1, 1)


def test_the_lag_has_no_effect_beside_two_lanes(tmp_path: Path) -> None:
    # (and the run says so as it starts: left49r, ``text.lag_beside``)
    with pytest.warns(AssayWarning, match="has no effect beside ASSAY_TEXT_LANES=2"):
        lagged = _found(tmp_path, 2, 4)
    assert lagged == _found(tmp_path, 2, 1)
