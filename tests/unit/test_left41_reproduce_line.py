"""The printed ``to reproduce`` line of a run whose command names files by relative paths
(``lr.skops --data people.csv``) was printed without its folder in the run's own folder,
while ``--json``'s ``command`` and the resume line named it: pasted from another folder the
terminal's line failed ("no such file").  It now starts with ``cd DIR &&`` as the JSON's
does whenever the command depends on the folder; a command of no relative path stays short
(left41, hostile41f's Left)."""

from __future__ import annotations

from pathlib import Path

import pytest

from assay.core.runinfo import pasteable


def test_a_command_naming_a_file_of_its_folder_says_the_folder(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (tmp_path / "people.csv").write_text("a\n1\n")
    (tmp_path / "clf.py").write_text("")
    monkeypatch.chdir(tmp_path)
    config = {"cwd": str(tmp_path)}
    for command in (
        "assay fairness lr.skops --data people.csv --protected sex --seed 1",
        "assay text clf.py:bias --grammar builtin:reviews --seed 1",
        "assay fairness m.skops --data=people.csv --protected sex --seed 1",
    ):
        line = pasteable(command, config)
        assert line.startswith(f"cd {tmp_path} && assay "), line
        assert line == pasteable(command, config, anywhere=True)  # as --json's command


def test_a_command_of_absolute_paths_or_none_stays_as_it_was(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (tmp_path / "sex").mkdir()  # (a word that is no path of the command's is a path here)
    monkeypatch.chdir(tmp_path)
    config = {"cwd": str(tmp_path)}
    command = f"assay fairness --dataset german --protected race --store {tmp_path / 's.db'}"
    assert pasteable(command, config) == command
