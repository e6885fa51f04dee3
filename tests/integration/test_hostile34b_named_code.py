"""A store from elsewhere does not make assay import code (hostile34's Left): ``assay
resume RUN`` / ``assay verify RUN`` import a stored ``file.py:name`` model only if this
account imported that file, as it is now, as a model before (``core.named_code``), else
exit 2 naming the file and how to name it; given again with ``--model`` it runs."""

from __future__ import annotations

import os
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

MODEL = """
import pathlib
pathlib.Path(__file__).with_name("IMPORTED").touch()
def predict(X):
    return ((X["age"] > 40) | (X["sex"] == "M")).astype(int).to_numpy()
"""


def _assay(tmp: Path, state: Path, *args: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(sys.path), "XDG_STATE_HOME": str(state)}
    return subprocess.run(
        [sys.executable, "-m", "assay", *args, "--store", str(tmp / "runs.db")],
        capture_output=True,
        text=True,
        timeout=300,
        env=env,
        cwd=tmp,
        check=False,
    )


@pytest.fixture
def made(tmp_path: Path) -> tuple[Path, str]:
    """A finished fairness run of ``m.py:predict``, made by 'another account'."""
    rows = "".join(f"{20 + i % 50},{'FM'[i % 2]},{i % 2}\n" for i in range(200))
    (tmp_path / "d.csv").write_text("age,sex,y\n" + rows)
    (tmp_path / "m.py").write_text(MODEL)
    done = _assay(
        tmp_path,
        tmp_path / "theirs",
        "fairness",
        "m.py:predict",
        "--data",
        "d.csv",
        "--protected",
        "sex",
        "--label",
        "y",
        "--max-queries",
        "300",
        "--quiet",
    )
    assert done.returncode in (0, 1), done.stderr
    (tmp_path / "IMPORTED").unlink()
    with sqlite3.connect(tmp_path / "runs.db") as db:
        (run_id,) = db.execute("select id from runs").fetchone()
    return tmp_path, str(run_id)


def test_verify_of_a_foreign_store_does_not_import_its_model(made: tuple[Path, str]) -> None:
    tmp, run_id = made
    mine = tmp / "mine"
    done = _assay(tmp, mine, "verify", run_id)
    assert done.returncode == 2, done.stdout + done.stderr
    assert not (tmp / "IMPORTED").exists()
    assert "Python code" in done.stderr and "m.py:predict" in done.stderr
    named = _assay(tmp, mine, "verify", run_id, "--model", str(tmp / "m.py") + ":predict")
    assert named.returncode in (0, 1), named.stderr
    assert (tmp / "IMPORTED").exists()
    (tmp / "IMPORTED").unlink()
    again = _assay(tmp, mine, "verify", run_id)  # named once: this account's now
    assert again.returncode in (0, 1), again.stderr
    assert (tmp / "IMPORTED").exists()


def test_resume_of_a_foreign_store_does_not_import_its_model(made: tuple[Path, str]) -> None:
    tmp, run_id = made
    with sqlite3.connect(tmp / "runs.db") as db:
        db.execute("update runs set status='interrupted'")
    done = _assay(tmp, tmp / "mine", "resume", run_id)
    assert done.returncode == 2, done.stdout + done.stderr
    assert not (tmp / "IMPORTED").exists()
    assert "Python code" in done.stderr and "--model" in done.stderr
    theirs = _assay(tmp, tmp / "theirs", "resume", run_id)  # the account that made it
    assert "Python code" not in theirs.stderr
    assert (tmp / "IMPORTED").exists()
