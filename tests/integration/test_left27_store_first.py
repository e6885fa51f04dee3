"""left27: a run store assay will refuse (a newer assay's, a damaged file, a folder) is
refused before the model and data are loaded (a slow model took 13 s to load before the
refusal), with the run's own message and exit code."""

from __future__ import annotations

import random
import sqlite3
from pathlib import Path

import pytest

from assay.cli.app import main
from assay.core.store import RunStore

LOADERS = {
    "fairness": ("assay.api", "setup_fairness"),
    "text": ("assay.text.api", "setup_text"),
    "backdoor": ("assay.backdoor.api", "setup_backdoor"),
}
ARGS = {
    "fairness": ["fairness", "model.pkl", "--data", "data.csv", "--allow-pickle"],
    "text": ["text", "--demo"],
    "backdoor": ["backdoor", "--demo"],
}


def _bad_store(tmp_path: Path, how: str) -> tuple[Path, str]:
    path = tmp_path / "runs.db"
    if how == "newer":
        RunStore(path).close()
        db = sqlite3.connect(path)
        db.execute("UPDATE meta SET value='5' WHERE key='schema'")
        db.commit()
        db.close()
        return path, "store schema 5 is newer than this assay"
    if how == "damaged":
        path.write_bytes(random.Random(1).randbytes(40_000))  # (not SQLite: hostile28 names both)
        return path, "if it was a store, it is damaged"
    path.mkdir()
    return path, "is a folder, not a run store file"


@pytest.mark.parametrize("how", ["newer", "damaged", "folder"])
@pytest.mark.parametrize("command", sorted(LOADERS))
def test_a_store_assay_refuses_is_refused_before_anything_is_loaded(
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    command: str,
    how: str,
) -> None:
    monkeypatch.chdir(tmp_path)  # (a backdoor demo writes its report below the folder)
    loaded: list[str] = []

    def loading(*args: object, **kwargs: object) -> None:
        loaded.append(command)
        raise KeyboardInterrupt  # never reached: the store is refused first

    module, name = LOADERS[command]
    monkeypatch.setattr(f"{module}.{name}", loading)
    path, said = _bad_store(tmp_path, how)
    with pytest.raises(SystemExit) as exit_info:
        main([*ARGS[command], "--store", str(path)])
    err = " ".join(capsys.readouterr().err.split())
    # a newer assay's store fails (4); a file that is no SQLite database at all, or a
    # folder, is no store: the user's mistake, named (2; fuzz45b)
    assert exit_info.value.code == (4 if how == "newer" else 2), err
    assert loaded == []
    assert "loading" not in err
    assert f"{path}:" in err and said in err, err


def test_a_store_not_there_yet_is_left_to_the_run_to_create(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """A model refused while loading leaves no empty store behind."""
    path = tmp_path / "new" / "runs.db"
    with pytest.raises(SystemExit) as exit_info:
        main([*ARGS["fairness"], "--store", str(path)])
    assert exit_info.value.code == 2, capsys.readouterr().err
    assert not path.exists()
