"""``assay fairness`` in a folder where every report path is a link planted to another file:
the reports replace the links, the files they pointed to are left as they were, also when
the command is refused before a run (the check then removed a report link's target)."""

from __future__ import annotations

import json
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


def test_report_to_dev_stdout_under_a_redirect_is_written_through(tmp_path: Path) -> None:
    """``assay report RUN --report /dev/stdout > out.json``: /dev/stdout is a link to the
    process's stdout, a regular file here.  It is written through, never replaced nor
    removed (before: the check removed out.json, the file the link led to, and the report
    went to a file no longer there)."""
    import os
    import subprocess
    import sys

    import assay

    args = _folder(tmp_path)[:12]  # (the run alone, no report paths)
    result = runner.invoke(app, ["fairness", f"{tmp_path}/m.py:predict", *args])
    assert result.exit_code == 1, result.output
    run_id = result.output.split("run ", 1)[1].split(",", 1)[0]
    out = tmp_path / "out.json"
    src = str(Path(assay.__file__).resolve().parents[1])
    with out.open("w") as stdout:
        proc = subprocess.run(
            [sys.executable, "-m", "assay", "report", run_id, "--store",
             str(tmp_path / "runs.db"), "--report", "/dev/stdout"],
            stdout=stdout, stderr=subprocess.PIPE, text=True, timeout=120,
            env={**os.environ, "PYTHONPATH": src},
        )  # fmt: skip
    assert proc.returncode == 1, proc.stderr
    assert out.exists(), proc.stderr
    doc, _ = json.JSONDecoder().raw_decode(out.read_text())  # the report whole, first
    assert doc["assay_version"] and doc["run"]["id"] == run_id
    assert os.path.islink("/dev/stdout") or not os.path.exists("/dev/stdout")
