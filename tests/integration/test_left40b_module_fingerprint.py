"""A ``package.module:function`` model's file fingerprinted like a ``file.py:function``'s
(repro40's Left 1): its module edited since the run was not said beside the rerun line of
``assay show``/``assay report`` (the file-backed models' note, repro40), and an interrupted
run's ``assay resume`` mixed the old module's findings with the new one's unsaid.  The file
is the one the run imported to load the model (``sys.modules``): a read-only command hashes
the stored path again and never imports the user's module."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from assay.cli.app import main
from assay.core.integrity import check_fingerprints, model_fingerprint
from assay.core.store import RunStore
from assay.errors import UsageError

_PACKAGE = "left40b_models"
_MODEL = """
def predict(X):
    rich = X["income"].astype(float).values > 90
    return (rich | (X["sex"].astype(str).values == "m")).astype(int)
"""


@pytest.fixture
def package(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """``left40b_models.scoring:predict`` importable from ``tmp_path``, forgotten after."""
    folder = tmp_path / _PACKAGE
    folder.mkdir()
    (folder / "__init__.py").write_text("")
    (folder / "scoring.py").write_text(_MODEL)
    monkeypatch.syspath_prepend(str(tmp_path))
    monkeypatch.chdir(tmp_path)
    yield folder / "scoring.py"
    for name in [n for n in sys.modules if n == _PACKAGE or n.startswith(f"{_PACKAGE}.")]:
        del sys.modules[name]


def _run(tmp_path: Path) -> tuple[Path, str]:
    rng = np.random.default_rng(0)
    pd.DataFrame(
        {
            "sex": rng.choice(["f", "m"], 200),
            "income": rng.integers(10, 200, 200),
            "y": rng.integers(0, 2, 200),
        }
    ).to_csv("people.csv", index=False)
    store = tmp_path / "runs.db"
    model = f"{_PACKAGE}.scoring:predict"
    with pytest.raises(SystemExit):
        main(f"fairness {model} --data people.csv --label y --protected sex --max-queries 100 "
             f"--seed 1 -q --store {store}".split())  # fmt: skip
    with RunStore(store, read_only=True) as s:
        return store, s.list_runs()[0].id


def test_a_module_models_file_changed_since_the_run_is_said_beside_its_rerun_command(
    tmp_path: Path, package: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    store, run_id = _run(tmp_path)
    with RunStore(store, read_only=True) as s:
        prints = s.get_run(run_id).config["fingerprints"]
    assert prints["model"]["path"] == str(package.resolve())  # main: no "model" key
    package.write_text(_MODEL.replace("> 90", "> 80"))
    for name in [n for n in sys.modules if n.startswith(_PACKAGE)]:
        del sys.modules[name]  # (as a new process: the module not imported)
    capsys.readouterr()
    with pytest.raises(SystemExit):
        main(["show", run_id, "--store", str(store)])
    said = " ".join(capsys.readouterr().out.split())
    assert f"note: the model file {package.resolve()} changed since the run started" in said
    with pytest.raises(SystemExit):
        main(["report", run_id, "--store", str(store), "--report", "r.json"])
    doc = json.loads((tmp_path / "r.json").read_text())
    assert f"the model file {package.resolve()} changed" in doc["rerun_note"]
    assert not any(n.startswith(_PACKAGE) for n in sys.modules)  # read-only: nothing imported
    with pytest.raises(UsageError, match=r"the model file .* changed since run"):
        check_fingerprints(prints, run_id=run_id)  # as a resume checks it, as for m.py


def test_only_a_module_this_process_imported_is_fingerprinted() -> None:
    """Nothing is imported to fingerprint: a spec whose module is not imported, a built-in
    model, a module not from a file have none; an imported module's file is hashed."""
    assert model_fingerprint({}, "left40b_never_imported.mod:predict") is None
    assert "left40b_never_imported" not in sys.modules
    assert model_fingerprint({}, "builtin:logistic") is None
    assert model_fingerprint({}, "sys:exit") is None  # (built in: no file)
    got = model_fingerprint({}, "json.decoder:JSONDecoder")
    assert got is not None and got["path"] == str(Path(sys.modules["json.decoder"].__file__))
