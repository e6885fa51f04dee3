"""left30: ``assay salvage`` never writes its new store through a link planted at TARGET (a
link to nothing was followed: SQLite made the store at the link's target, a file the user
never named) nor at the WAL beside it; its copies of the damaged store go into a folder of
its own (``tempfile.TemporaryDirectory``: made by it, private), where no link can be planted."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from assay.cli.app import main
from assay.core import salvage as salvage_module
from assay.core.salvage import salvage
from assay.core.store import RunStore
from assay.errors import UsageError


def _store(path: Path) -> None:
    with RunStore(path, compaction="off") as store:
        store.create_run(
            run_id="r1", technique="toy", seed=0, command="x", config={}, model={},
            versions={},
        )  # fmt: skip
        store.checkpoint("r1", status="completed")


@pytest.mark.parametrize("at", ["", "-wal", "-shm", "-journal"])
def test_a_link_to_nothing_at_the_target_or_beside_it_is_refused(tmp_path: Path, at: str) -> None:
    source, target = tmp_path / "runs.db", tmp_path / "saved.db"
    _store(source)
    victim = tmp_path / "victim"
    os.symlink(victim, target.with_name(target.name + at))
    with pytest.raises(UsageError, match="is a link"):
        salvage(source, target)
    assert not victim.exists()  # (before: the store, or its WAL, made there)


def test_the_command_refuses_a_link_and_says_so(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    _store(tmp_path / "runs.db")
    os.symlink(tmp_path / "victim.db", tmp_path / "saved.db")
    with pytest.raises(SystemExit) as exit_:
        main(["salvage", "runs.db", "saved.db"])
    assert exit_.value.code == 2
    assert "saved.db is a link" in capsys.readouterr().err
    assert not (tmp_path / "victim.db").exists()


def test_a_link_planted_after_the_check_is_not_followed(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    source, target = tmp_path / "runs.db", tmp_path / "saved.db"
    _store(source)
    victim = tmp_path / "victim"
    real = salvage_module._refuse_existing

    def check_then_plant(path: Path) -> None:
        real(path)
        os.symlink(victim, path)  # (between the check and the store's making)

    monkeypatch.setattr(salvage_module, "_refuse_existing", check_then_plant)
    with pytest.raises(UsageError, match="appeared"):
        salvage(source, target)
    assert not victim.exists()


def test_a_plain_salvage_still_saves(tmp_path: Path) -> None:
    source, target = tmp_path / "runs.db", tmp_path / "saved.db"
    _store(source)
    done = salvage(source, target)
    assert done.complete and [r.id for r in done.runs] == ["r1"]
    assert not target.is_symlink()
