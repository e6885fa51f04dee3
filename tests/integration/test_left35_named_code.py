"""A store from elsewhere does not make assay import code (hostile34b's Left): a stored
module spec (``evil:predict``, which ``python -m assay`` imports from the working folder)
is checked as a stored ``file.py`` is, by the spec and the file it imports from; and
``--force`` on resume does not let code this account never named through."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

import test_hostile34b_named_code as h34b  # isort: skip

FIT = ("--data", "d.csv", "--protected", "sex", "--label", "y", "--max-queries", "300")


def _made(tmp: Path, spec: str, file: str) -> str:
    """A fairness run of ``spec`` (its code in ``file``), made by 'another account'."""
    rows = "".join(f"{20 + i % 50},{'FM'[i % 2]},{i % 2}\n" for i in range(200))
    (tmp / "d.csv").write_text("age,sex,y\n" + rows)
    (tmp / file).write_text(h34b.MODEL)
    done = h34b._assay(tmp, tmp / "theirs", "fairness", spec, *FIT, "--quiet")
    assert done.returncode in (0, 1), done.stderr
    (tmp / "IMPORTED").unlink()
    with sqlite3.connect(tmp / "runs.db") as db:
        (run_id,) = db.execute("select id from runs").fetchone()
        db.execute("update runs set status='interrupted'")
    return str(run_id)


@pytest.mark.parametrize("verb", ["verify", "resume"])
def test_a_stored_module_spec_beside_a_file_of_the_folder_is_not_imported(
    tmp_path: Path, verb: str
) -> None:
    run_id = _made(tmp_path, "evilmodel:predict", "evilmodel.py")
    done = h34b._assay(tmp_path, tmp_path / "mine", verb, run_id)
    assert done.returncode == 2, done.stdout + done.stderr
    assert not (tmp_path / "IMPORTED").exists()
    assert "Python code (evilmodel:predict)" in done.stderr
    assert "--model evilmodel:predict" in done.stderr
    named = h34b._assay(tmp_path, tmp_path / "mine", verb, run_id, "--model", "evilmodel:predict")
    assert named.returncode in (0, 1), named.stderr
    assert (tmp_path / "IMPORTED").exists()


def test_a_module_spec_named_from_another_folder_is_not_this_one(tmp_path: Path) -> None:
    """The same spec, named by this account where it imported another file: asked again."""
    run_id = _made(tmp_path, "evilmodel:predict", "evilmodel.py")
    mine = tmp_path / "mine"
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    (elsewhere / "evilmodel.py").write_text(h34b.MODEL)
    (elsewhere / "d.csv").write_text((tmp_path / "d.csv").read_text())
    ran = h34b._assay(elsewhere, mine, "fairness", "evilmodel:predict", *FIT, "--quiet")
    assert ran.returncode in (0, 1), ran.stderr
    assert (elsewhere / "IMPORTED").exists()
    done = h34b._assay(tmp_path, mine, "verify", run_id)
    assert done.returncode == 2, done.stdout + done.stderr
    assert not (tmp_path / "IMPORTED").exists()
    theirs = h34b._assay(tmp_path, tmp_path / "theirs", "verify", run_id)  # its own account
    assert theirs.returncode in (0, 1), theirs.stderr
    assert (tmp_path / "IMPORTED").exists()


def test_force_on_resume_does_not_import_code_never_named(tmp_path: Path) -> None:
    run_id = _made(tmp_path, "m.py:predict", "m.py")
    done = h34b._assay(tmp_path, tmp_path / "mine", "resume", run_id, "--force")
    assert done.returncode == 2, done.stdout + done.stderr
    assert not (tmp_path / "IMPORTED").exists()
    assert "--force lets a changed model through" in done.stderr
    named = h34b._assay(
        tmp_path, tmp_path / "mine", "resume", run_id, "--force", "--model", "m.py:predict"
    )
    assert named.returncode in (0, 1), named.stderr
    assert (tmp_path / "IMPORTED").exists()
