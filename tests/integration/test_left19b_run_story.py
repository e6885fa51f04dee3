"""A fairness run's progress says 'done' only once its answer and checks have ended, and
a resume refused for a changed model says so without announcing that it is resuming."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np
import pytest
from typer.testing import CliRunner

from assay.cli.app import app, register
from assay.core.store import RunStore

register()

MODEL = """
import numpy as np


def biased(x):
    x = np.asarray(x, dtype=float)
    return ((x[:, 0] > 60) | ((x[:, -1] == 1) & (x[:, 0] > 40))).astype(int)
"""


@pytest.fixture
def files(tmp_path: Path) -> Path:
    (tmp_path / "models.py").write_text(MODEL)
    rng = np.random.default_rng(0)
    rows = np.column_stack([rng.integers(0, 100, (300, 2)), rng.integers(0, 2, 300)])
    rows[:2, :2] = [[0, 0], [99, 99]]
    body = "\n".join(",".join(map(str, r)) for r in rows)
    (tmp_path / "people.csv").write_text("x,z,sex\n" + body + "\n")
    return tmp_path


@pytest.mark.parametrize("budget", [{"max_queries": 20_000}, {"max_time": 20.0}])
def test_done_is_the_last_thing_the_progress_says(files: Path, budget: dict[str, Any]) -> None:
    from assay.api import check_fairness

    seen: list[dict[str, Any]] = []
    check_fairness(
        f"{files / 'models.py'}:biased",
        data=str(files / "people.csv"),
        protected="sex",
        seed=1,
        store=RunStore(files / "runs.db"),
        overlap=False,
        on_progress=seen.append,
        **budget,
    )
    phases = [str(p.get("phase")) for p in seen]
    assert seen[-1].get("final") and phases[-1] == "done"
    assert "done" not in phases[:-1] and sum(bool(p.get("final")) for p in seen) == 1
    assert "answer" in phases and "checks" in phases
    # with --max-time the answer comes first; else after the search: either way it is shown
    searched = [i for i, p in enumerate(seen[:-1]) if "queries" in p]
    # (the checks after the search, the last named; left20a names the one before it too)
    assert len(phases) - 1 - phases[::-1].index("checks") > max(searched)


def test_a_refused_resume_does_not_say_it_is_resuming(files: Path) -> None:
    from assay.api import check_fairness

    store = RunStore(files / "runs.db")
    result = check_fairness(
        f"{files / 'models.py'}:biased",
        data=str(files / "people.csv"),
        protected="sex",
        max_queries=20_000,
        seed=3,
        store=store,
        overlap=False,
    )
    store.checkpoint(result.run_id, status="interrupted")  # as if stopped half-way
    with (files / "models.py").open("a") as f:
        f.write("\n# retrained\n")
    runner = CliRunner()
    refused = runner.invoke(app, ["resume", result.run_id, "--store", str(files / "runs.db")])
    assert refused.exit_code not in (0, 1), refused.output
    assert "changed" in refused.output and "resuming" not in refused.output.replace(
        "resuming would", ""
    )
    forced = runner.invoke(
        app, ["resume", result.run_id, "--store", str(files / "runs.db"), "--force"]
    )
    assert f"resuming {result.run_id} from" in forced.output, forced.output
    assert forced.output.index("--force") < forced.output.index(f"resuming {result.run_id}")


def _pos_if_good(batch: list[str]) -> list[str]:
    return ["pos" if "good" in s or "not bad" in s else "neg" for s in batch]


def _pos_if_only_good(batch: list[str]) -> list[str]:
    return ["pos" if "good" in s else "neg" for s in batch]


_pos_if_good.classes_ = ["neg", "pos"]  # type: ignore[attr-defined]
_pos_if_only_good.classes_ = ["neg", "pos"]  # type: ignore[attr-defined]


def test_a_text_run_says_done_after_its_recheck(tmp_path: Path) -> None:
    import assay

    seen: list[dict[str, Any]] = []
    assay.check_text(
        [_pos_if_good, _pos_if_only_good],
        grammar='S -> "the" N "is" A\nN -> "room" | "view"\nA -> "good" | "not bad"\n',
        max_queries=200,
        seed=2,
        store=tmp_path / "s.db",
        on_progress=seen.append,
    )
    phases = [str(p.get("phase")) for p in seen]
    assert phases[-2:] == ["checks", "done"] and seen[-1].get("final"), phases
    assert phases[0] == "checks"  # the probe before the search is named too (left20a)
    assert "done" not in phases[:-1]
