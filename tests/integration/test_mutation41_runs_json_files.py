"""mutation41: ``assay runs --json`` does not hash every listed run's files again (041738ef:
only ``show``, one run, and ``report`` name the files changed since); ``show --json`` does.
repro40's tests checked ``show`` and ``report`` only: with every ``rerun_note`` hashing the
run's files (RS6, RU10) they all passed."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from assay.cli.app import main
from assay.core import integrity

from test_repro40_rerun_files import _MODEL, _run  # isort: skip


def test_runs_json_reads_no_file_of_a_run_show_json_names_the_changed_one(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    store, run_id = _run(tmp_path, monkeypatch)
    (tmp_path / "m.py").write_text(_MODEL.replace("> 90", "> 80"))
    capsys.readouterr()
    hashed: list[str] = []
    real = integrity._now

    def counted(stored: dict[str, object]) -> str | None:
        hashed.append(str(stored.get("path")))
        return real(stored)

    monkeypatch.setattr(integrity, "_now", counted)
    with pytest.raises(SystemExit):
        main(["runs", "--store", str(store), "--json"])
    listed = json.loads(capsys.readouterr().out)["runs"]
    assert [r["id"] for r in listed] == [run_id]
    assert hashed == []  # (no file read again for a list)
    assert "changed since the run" not in str(listed[0]["rerun_note"])
    with pytest.raises(SystemExit):
        main(["show", run_id, "--store", str(store), "--json"])
    note = json.loads(capsys.readouterr().out)["rerun_note"]
    assert hashed and "the model file" in note and "changed since the run" in note


def test_a_run_reads_none_of_its_files_again_for_its_own_reports(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """(Its reports at its end name no changed file: it read them as they are; each is hashed
    again only for a stored run shown later.  With every report naming them (DO2) the run's
    model and data were read twice.)"""
    hashed: list[object] = []
    real = integrity._now
    monkeypatch.setattr(integrity, "_now", lambda stored: hashed.append(stored) or real(stored))
    _run(tmp_path, monkeypatch)
    assert hashed == []
