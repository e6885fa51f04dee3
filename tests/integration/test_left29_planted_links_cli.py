"""``assay fairness`` in a folder where every report path is a link planted to another file:
the reports replace the links, the files they pointed to are left as they were, also when
the command is refused before a run (the check then removed a report link's target)."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
from typer.testing import CliRunner

from assay.cli.app import app, register

register()
runner = CliRunner()

NAMES = ("r.html", "r.json", "r.xml", "ex.csv")


def _folder(tmp_path: Path) -> list[str]:
    rng = np.random.default_rng(1)
    n = 200
    frame = pd.DataFrame({"age": rng.integers(18, 70, n), "sex": rng.choice(["F", "M"], n)})
    frame["y"] = ((frame.sex == "F") ^ (frame.age > 40)).astype(int)
    frame.to_csv(tmp_path / "people.csv", index=False)
    (tmp_path / "m.py").write_text(
        "def predict(X):\n"
        "    return ((X['sex'] == 'F').to_numpy() ^ (X['age'].to_numpy() > 40)).astype(int)\n",
        encoding="utf-8",
    )
    for name in NAMES:
        victim = tmp_path / f"victim-{name}"
        victim.write_text(f"the user's own {name}\n", encoding="utf-8")
        (tmp_path / name).symlink_to(victim)
    return [
        "--data", str(tmp_path / "people.csv"), "--label", "y", "--protected", "sex",
        "--max-queries", "500", "--seed", "2", "--store", str(tmp_path / "runs.db"),
        "--html", str(tmp_path / "r.html"), "--report", str(tmp_path / "r.json"),
        "--junit", str(tmp_path / "r.xml"), "--export", str(tmp_path / "ex.csv"),
    ]  # fmt: skip


def _victims_kept(tmp_path: Path) -> None:
    for name in NAMES:
        victim = tmp_path / f"victim-{name}"
        assert victim.read_text() == f"the user's own {name}\n", name


def test_reports_replace_planted_links(tmp_path: Path) -> None:
    args = _folder(tmp_path)
    result = runner.invoke(app, ["fairness", f"{tmp_path}/m.py:predict", *args])
    assert result.exit_code == 1, result.output
    _victims_kept(tmp_path)
    for name in NAMES:
        assert not (tmp_path / name).is_symlink(), name
    assert "<html" in (tmp_path / "r.html").read_text().lower()
    assert "age,sex" in (tmp_path / "ex.csv").read_text()


def test_a_refused_command_removes_no_link_target(tmp_path: Path) -> None:
    args = _folder(tmp_path)
    result = runner.invoke(app, ["fairness", f"{tmp_path}/nosuch.py:predict", *args])
    assert result.exit_code == 2, result.output
    _victims_kept(tmp_path)
