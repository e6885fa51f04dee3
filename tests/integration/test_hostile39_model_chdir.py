"""hostile39: a model that changes the process's current folder (``os.chdir`` at import, to
read its files by relative paths, or in every call) sent the command's relative paths into
the model's folder: the run store, ``--report`` and ``--junit`` were written there, and a CI
job reading ``j.xml`` where it asked for it read yesterday's green file.  A second
classifier's relative spec (``assay text ../m.py:a ../m.py:b``) was looked for there too
("no such file", exit 2).  The command's folder is now its own (``core.workdir``); the
model keeps the folder it moved to for its calls."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from assay.cli.app import main

pytestmark = pytest.mark.slow

_MODEL = """
import os
import numpy as np

os.makedirs({away!r}, exist_ok=True)
with open(os.path.join({away!r}, "threshold.txt"), "w") as f:
    f.write("4")
{at_import}


def predict(X):
    {in_call}
    with open("threshold.txt") as f:  # the model's own file, in the folder it moved to
        t = float(f.read())
    X = np.asarray(X, dtype=float)
    return ((X[:, 0] > t) & (X[:, 8] > 0.5)).astype(np.int64)


def a(batch):
    return np.array([0 if "not" in s else 1 for s in batch])


def b(batch):
    {in_call}
    return np.array([1 for s in batch])


a.classes_ = b.classes_ = ["neg", "pos"]
"""


def _model(tmp: Path, *, at_import: bool) -> Path:
    away = str(tmp / "away")
    move = f"os.chdir({away!r})"
    path = tmp / "m.py"
    path.write_text(
        _MODEL.format(
            away=away,
            at_import=move if at_import else "",
            in_call="pass" if at_import else move,
        )
    )
    return tmp / "away"


def _run(args: list[str]) -> int:
    with pytest.raises(SystemExit) as exc:
        main(args)
    return int(exc.value.code or 0)


@pytest.mark.parametrize("at_import", [True, False], ids=["at import", "in each call"])
def test_a_model_that_changes_folder_leaves_the_reports_where_they_were_asked(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, at_import: bool
) -> None:
    away = _model(tmp_path, at_import=at_import)
    here = tmp_path / "job"
    here.mkdir()
    monkeypatch.chdir(here)
    (here / "j.xml").write_text('<testsuite tests="1" failures="0"></testsuite>')  # yesterday's
    code = _run(
        [
            "fairness", "../m.py:predict", "--dataset", "adult", "--protected", "sex",
            "--max-queries", "1500", "--seed", "1", "--store", "s.db",
            "--report", "r.json", "--junit", "j.xml", "--quiet",
        ]
    )  # fmt: skip
    assert code == 1  # (the model reads its threshold file where it moved: it still works)
    assert os.getcwd() == str(here)
    assert sorted(p.name for p in here.iterdir()) == ["j.xml", "r.json", "s.db"]
    assert 'failures="0"' not in (here / "j.xml").read_text()  # today's, failing
    assert not {"j.xml", "r.json", "s.db"} & {p.name for p in away.iterdir()}


def test_a_second_classifier_is_found_where_the_command_was_given(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("ASSAY_TEXT_WORKER", "inline")
    away = _model(tmp_path, at_import=True)
    here = tmp_path / "job"
    here.mkdir()
    monkeypatch.chdir(here)
    code = _run(
        [
            "text", "../m.py:a", "../m.py:b", "--grammar", "builtin:reviews",
            "--max-queries", "300", "--seed", "1", "--store", "s.db", "--junit", "j.xml",
            "--quiet",
        ]
    )  # fmt: skip
    assert code == 1
    assert {"j.xml", "s.db"} <= {p.name for p in here.iterdir()}
    assert not {"j.xml", "s.db"} & {p.name for p in away.iterdir()}


def test_the_api_opens_a_relative_store_where_it_was_called(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import assay

    away = tmp_path / "away"
    away.mkdir()
    here = tmp_path / "notebook"
    here.mkdir()
    monkeypatch.chdir(here)

    def predict(X: object) -> object:
        os.chdir(away)  # (in its first call: loading's probe, before the store is opened)
        import numpy as np

        rows = np.asarray(X, dtype=float)
        return ((rows[:, 0] > 4) & (rows[:, 8] > 0.5)).astype(np.int64)

    result = assay.check_fairness(
        predict, dataset="adult", protected="sex", max_queries=1000, seed=1, store="s.db"
    )
    assert result.findings() is not None
    assert (here / "s.db").is_file()
    assert not (away / "s.db").exists()
