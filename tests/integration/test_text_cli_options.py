"""Options of ``assay text`` reach the run (and its resume)."""

from __future__ import annotations

from pathlib import Path

import pytest

from assay.cli.app import main
from assay.core.store import RunStore

FAKES = Path(__file__).resolve().parents[1] / "fixtures" / "text_fakes.py"


def test_uniform_drawing_reaches_the_run(tmp_path: Path) -> None:
    store = tmp_path / "runs.db"
    for extra in ([], ["--uniform"]):
        with pytest.raises(SystemExit):
            main(
                [
                    "text",
                    f"{FAKES}:lexicon",
                    f"{FAKES}:negation_blind",
                    "--grammar",
                    "builtin:reviews",
                    "--max-queries",
                    "50",
                    "--seed",
                    "1",
                    "--store",
                    str(store),
                    "-q",
                    *extra,
                ]
            )
    runs = sorted(RunStore(store).list_runs(), key=lambda r: r.created)
    weighted = [r.config["invocation"]["weighted"] for r in runs]
    assert weighted == [True, False]
