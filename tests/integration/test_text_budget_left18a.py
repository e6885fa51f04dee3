"""left18a: a served text classifier behind a real loopback server is asked at most
``--max-queries`` sentences in all, loading's included (counted by the server itself), and
``assay text --export`` into a folder that refuses writes is refused before anything runs."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from serving_servers import FaultServer

from assay.core.store import RunStore
from assay.models.http import ServingOptions
from assay.text.api import check_text

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "fixtures"))
import text_fakes

pytestmark = pytest.mark.slow


@pytest.mark.parametrize(("budget", "checks"), [(60, True), (200, True), (200, False)])
def test_a_served_classifier_is_never_asked_more_than_max_queries(
    tmp_path: Path, budget: int, checks: bool
) -> None:
    seen: list[str] = []

    def counted(batch: np.ndarray) -> Any:
        seen.extend(str(s) for s in batch)
        return text_fakes.negation_blind(batch)

    lexicon = str(Path(text_fakes.__file__)) + ":lexicon"
    with FaultServer(counted) as server:
        r = check_text(
            [lexicon, server.url],
            names=["a", "b"],
            grammar="builtin:reviews",
            max_queries=budget,
            seed=4,
            store=RunStore(tmp_path / "runs.db"),
            serving=ServingOptions(batch_size=32),
            determinism_check=checks,
        )
    asked = r.summary["model_queries"]
    assert len(seen) <= budget, (len(seen), budget)
    assert asked["loading"] == 2 and asked["total"] == len(seen)


def _chattr(flag: str, path: Path) -> bool:
    try:
        done = subprocess.run(["chattr", flag, str(path)], capture_output=True, check=False)
    except OSError:
        return False
    return done.returncode == 0


def test_an_export_into_an_immutable_folder_is_refused_before_the_run(tmp_path: Path) -> None:
    """An immutable folder refuses writes even to root (the machine's CI runs as root, where
    a folder without write bits is no refusal at all)."""
    locked = tmp_path / "locked"
    locked.mkdir()
    if not _chattr("+i", locked):
        pytest.skip("chattr +i is not available here (not root, or a file system without it)")
    try:
        for target in (locked / "fails.csv", locked / "sub" / "fails.csv"):
            got = subprocess.run(
                [
                    sys.executable, "-m", "assay", "text", "builtin:vader", "builtin:textblob",
                    "--grammar", "builtin:reviews", "--max-queries", "100", "--seed", "1",
                    "--store", str(tmp_path / "runs.db"), "--export", str(target),
                ],
                capture_output=True,
                text=True,
                env={**os.environ, "PYTHONPATH": os.pathsep.join(sys.path)},
                check=False,
            )  # fmt: skip
            assert got.returncode == 2, got.stdout + got.stderr
            said = got.stdout + got.stderr
            assert "--export" in said and str(target) in said, said
            assert "loading the classifiers" not in said
            assert (
                not (tmp_path / "runs.db").exists()
                or not RunStore(tmp_path / "runs.db").list_runs()
            )
    finally:
        _chattr("-i", locked)
