"""mutation49b: the text search's optional compiled build (``text.compiled``,
``text.build``, perf48): a stale build set aside for the sources (once), a fresh one used, and
a build that failed exits non-zero (``make compiled`` stops there, not "built")."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

from assay.text import build, compiled


def _from_source() -> int:
    return sum(isinstance(f, compiled._FromSource) for f in sys.meta_path)


def test_a_stale_build_is_set_aside_and_a_fresh_one_used(monkeypatch: pytest.MonkeyPatch) -> None:
    # (CO5) the finder of the sources goes in only when the build must not be used
    kept = [f for f in sys.meta_path if not isinstance(f, compiled._FromSource)]
    monkeypatch.setattr(sys, "meta_path", kept)
    monkeypatch.setattr(compiled, "why_not", lambda folder=compiled.HERE: None)
    compiled.use_fresh_build()
    assert _from_source() == 0
    monkeypatch.setattr(compiled, "why_not", lambda folder=compiled.HERE: "scan.py changed")
    compiled.use_fresh_build()
    compiled.use_fresh_build()
    assert _from_source() == 1
    assert isinstance(sys.meta_path[0], compiled._FromSource)


def test_a_failed_build_exits_one(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    # (BLD2) no mypyc: said, exit 1 (0 let `make compiled` write on as if built)
    monkeypatch.setattr("assay.text.build.sys.executable", str(tmp_path / "python"))
    monkeypatch.setattr("assay.text.build.shutil.which", lambda name: None)
    assert build.main(["build"]) == 1
    said = capsys.readouterr()
    assert "the compiled build failed: mypyc not found" in said.err
    assert "compiled 2" not in said.out and not said.out.startswith("compiled")
