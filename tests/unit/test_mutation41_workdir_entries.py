"""mutation41: ``core.workdir.held`` keeps, per thread, the folders of the calls it is in
(``anchored`` reads the innermost) and lets each go when its call ends: with them never let
go (WD5) every test passed, a long-lived program's list growing by one folder a call, and a
relative path anchored outside a call read against a folder of a call long over."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from assay.core import workdir


def test_each_calls_folder_is_let_go_of_when_it_ends(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    first, later = tmp_path / "first", tmp_path / "later"
    first.mkdir()
    later.mkdir()
    monkeypatch.chdir(first)
    for _ in range(3):
        with workdir.held(), workdir.held():
            assert workdir.anchored("s.db") == os.path.join(str(first), "s.db")
    assert getattr(workdir._entries, "folders", []) == []
    os.chdir(later)  # (the program moves on; no call runs)
    assert workdir.anchored("s.db") == os.path.join(str(later), "s.db")
