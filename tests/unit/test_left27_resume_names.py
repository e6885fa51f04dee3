"""left27: ``assay.resume_run`` refusals name the API's arguments (``run_id``, ``store=``),
not the command line's (``RUN_ID``, ``--store``), and the default store in full; ``assay
resume`` keeps its own terms."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

import assay
from assay.cli.app import main
from assay.core.store import RunStore
from assay.errors import StoreError, UsageError


def _store(path: Path) -> Path:
    with RunStore(path) as store:
        for k in (1, 2):
            store.create_run(
                run_id=f"toy-{k}", technique="toy", seed=k, command="x", config={}, model={},
                versions={},
            )  # fmt: skip
    return path


@pytest.mark.parametrize(
    ("run_id", "said"),
    [("nope", "no run 'nope' in {path}"), ("toy", "'toy' matches 2 runs in {path}")],
)
def test_an_unknown_run_is_named_by_the_api_argument_with_the_store_in_full(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, run_id: str, said: str
) -> None:
    monkeypatch.chdir(tmp_path)
    _store(tmp_path / ".assay" / "runs.db")  # the default store, written relative
    with pytest.raises(UsageError) as err:
        assay.resume_run(run_id)
    assert err.value.argument == "run_id"
    assert str(err.value).startswith("argument run_id: ")
    assert said.format(path=tmp_path / ".assay" / "runs.db") in str(err.value)


def test_a_run_of_no_known_technique_is_named_by_run_id(tmp_path: Path) -> None:
    path = _store(tmp_path / "runs.db")
    with pytest.raises(UsageError, match=r"^argument run_id: cannot resume a toy run"):
        assay.resume_run("toy-1", store=path)


def test_a_newer_default_store_is_named_in_full_with_the_api_keyword(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    path = _store(Path(".assay") / "runs.db")
    db = sqlite3.connect(path)
    db.execute("UPDATE meta SET value='5' WHERE key='schema'")
    db.commit()
    db.close()
    with pytest.raises(StoreError) as err:
        assay.resume_run("toy-1")
    said = str(err.value)
    assert said.startswith(f"{tmp_path / '.assay' / 'runs.db'}: store schema 5 is newer")
    assert "--store" not in said and "store=" in said


@pytest.mark.parametrize("run_id", ["nope", "toy-1"])
def test_the_command_line_keeps_its_own_terms(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], run_id: str
) -> None:
    path = _store(tmp_path / "runs.db")
    with pytest.raises(SystemExit) as exit_info:
        main(["resume", run_id, "--store", str(path)])
    err = " ".join(capsys.readouterr().err.split())
    assert exit_info.value.code == 2, err
    assert "argument RUN_ID: " in err and "run_id" not in err, err
