"""left36b (cli36's Left 3): the ``PYTHONPATH`` entries a model of the user's code keeps for
its rerun: the user's folders, not the interpreter's own nor assay's (a ``PYTHONPATH``
copied from ``sys.path``), nor one that does not exist; nothing for a spec of no code."""

from __future__ import annotations

import os
import sysconfig
from pathlib import Path

import pytest

import assay
from assay.models.import_path import import_entries


def test_the_users_pythonpath_entries_are_kept(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    lib, other = tmp_path / "lib", tmp_path / "other"
    for folder in (lib, other):
        folder.mkdir()
    entries = [
        str(lib),
        sysconfig.get_paths()["stdlib"],
        sysconfig.get_paths()["purelib"],
        str(Path(assay.__file__).parents[1]),
        str(tmp_path / "gone"),
        str(other),
        str(lib),
    ]
    monkeypatch.setenv("PYTHONPATH", os.pathsep.join(entries))
    want = [str(lib.resolve()), str(other.resolve())]
    assert import_entries(str(tmp_path / "m.py") + ":f") == want
    for spec in ("m.skops", "http://host/predict", "builtin:tree"):
        assert import_entries(spec) == []
    monkeypatch.delenv("PYTHONPATH")
    assert import_entries(str(tmp_path / "m.py") + ":f") == []
