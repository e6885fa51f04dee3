"""The text search's optional compiled build (``make compiled``, ``assay.text.compiled``).

The guard that keeps a stale build from running, and the lanes' state put back by
``setattr`` (a compiled class has no live ``__dict__``), are tested on every run; the
compiled build against the pure modules, finding for finding, only where it is built
(``make test-compiled``), else skipped.
"""

from __future__ import annotations

import importlib.machinery
import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from assay.text import compiled
from assay.text.pipeline import restore

SRC = Path(compiled.__file__).resolve().parents[2]


def _folder(tmp_path: Path) -> Path:
    """A package folder holding every compiled module's source, an extension beside each
    (empty files: never imported here) and the stamp of those sources."""
    folder = tmp_path / "text"
    folder.mkdir()
    suffix = importlib.machinery.EXTENSION_SUFFIXES[0]
    for name in compiled.MODULES:
        (folder / f"{name}.py").write_text(f"X = {name!r}\n", encoding="utf-8")
        (folder / f"{name}{suffix}").write_bytes(b"")
    stamp = {
        "python": compiled.python_tag(),
        "sources": {n: compiled.digest(folder / f"{n}.py") for n in compiled.MODULES},
        "shared": [],
    }
    (folder / compiled.STAMP).write_text(json.dumps(stamp), encoding="utf-8")
    return folder


def test_a_fresh_build_is_used_and_a_changed_source_is_not(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("ASSAY_COMPILED", raising=False)
    folder = _folder(tmp_path)
    assert compiled.why_not(folder) is None
    (folder / "shrink.py").write_text("X = 'edited'\n", encoding="utf-8")
    assert compiled.why_not(folder) == "shrink.py changed since the build (make compiled)"


def test_a_build_without_its_stamp_or_of_another_python_or_switched_off_is_not_used(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("ASSAY_COMPILED", raising=False)
    folder = _folder(tmp_path)
    monkeypatch.setenv("ASSAY_COMPILED", "0")
    assert compiled.why_not(folder) == "ASSAY_COMPILED=0"
    monkeypatch.delenv("ASSAY_COMPILED")
    stamp = json.loads((folder / compiled.STAMP).read_text(encoding="utf-8"))
    (folder / compiled.STAMP).write_text(json.dumps({**stamp, "python": "cpython-29"}))
    assert "another Python" in str(compiled.why_not(folder))
    (folder / compiled.STAMP).unlink()
    assert "no readable compiled.json" in str(compiled.why_not(folder))


def test_one_module_missing_from_a_build_keeps_them_all_from_source(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # compiled modules call each other's C code directly: none is used unless all are
    monkeypatch.delenv("ASSAY_COMPILED", raising=False)
    folder = _folder(tmp_path)
    suffix = importlib.machinery.EXTENSION_SUFFIXES[0]
    (folder / f"walk{suffix}").unlink()
    assert compiled.why_not(folder) == "not the build of these modules"
    assert sorted(compiled.extensions(folder)) == sorted(set(compiled.MODULES) - {"walk"})


def test_no_build_means_nothing_to_refuse(tmp_path: Path) -> None:
    assert compiled.why_not(tmp_path) is None
    assert compiled.extensions(tmp_path) == {}


def test_the_makefile_rebuilds_when_any_compiled_module_changes() -> None:
    # ``make compiled`` is a file target on the modules' sources: one left out of its list
    # would leave the build stale (refused by the guard: every module then runs as Python)
    text = (SRC.parent / "Makefile").read_text(encoding="utf-8").replace("\\\n", " ")
    line = next(ln for ln in text.splitlines() if ln.startswith("COMPILED :="))
    named = re.findall(r"(\w+)\.py", line)
    assert sorted(named) == sorted(compiled.MODULES)


def test_the_source_finder_serves_the_compiled_modules_only_as_their_sources(
    tmp_path: Path,
) -> None:
    finder = compiled._FromSource(tmp_path)
    spec = finder.find_spec("assay.text.walk", None)
    assert spec is not None and spec.origin == str(tmp_path / "walk.py")
    assert finder.find_spec("assay.text.oracle", None) is None
    assert finder.find_spec("assay.core.walk", None) is None


def test_a_lanes_state_is_put_back_on_an_object_without_a_dict() -> None:
    # a mypyc class keeps its attributes in C slots: ``__dict__.update`` (the lanes' and the
    # lagged rounds' swap before) left both lanes on one strategy, silently (fast30)
    class Slotted:
        __slots__ = ("draws", "strategy")

        def __init__(self) -> None:
            self.strategy = "lane 0"
            self.draws = 0

    s = Slotted()
    restore(s, {"strategy": "lane 1", "draws": 7})
    assert (s.strategy, s.draws) == ("lane 1", 7)


RUN = r"""
import hashlib, sys, tempfile
from pathlib import Path
import assay
from assay.text import compiled

def blind(batch):
    return ["pos" if any(w in s for w in ("good", "great", "love")) else "neg" for s in batch]

def careful(batch):
    out = blind(batch)
    return ["neg" if " not " in f" {s} " and o == "pos" else o for s, o in zip(batch, out)]

blind.classes_ = careful.classes_ = ["neg", "pos"]
with tempfile.TemporaryDirectory() as tmp:
    r = assay.check_text([blind, careful], names=["blind", "careful"],
                         grammar="builtin:reviews", max_queries=int(sys.argv[1]),
                         seed=int(sys.argv[2]), store=Path(tmp) / "r.db")
    rows = r.findings().to_csv()
    print(",".join(compiled.in_use()) or "pure", len(r.findings()),
          hashlib.sha1(rows.encode()).hexdigest())
"""


def _run(env: dict[str, str], queries: int, seed: int) -> tuple[str, int, str]:
    full = {**os.environ, "PYTHONPATH": str(SRC), **env}
    done = subprocess.run(
        [sys.executable, "-c", RUN, str(queries), str(seed)],
        env=full,
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert done.returncode == 0, done.stderr[-3000:]
    code, found, sha = done.stdout.split()[-3:]
    return code, int(found), sha


built = pytest.mark.skipif(
    not compiled.extensions() or compiled.why_not() is not None,
    reason="the compiled text search is not in use here: "
    + (compiled.why_not() or "not built (make compiled)"),
)


@built
@pytest.mark.parametrize(
    "opts",
    [{}, {"ASSAY_TEXT_LANES": "2"}, {"ASSAY_TEXT_LAG": "8"}],
    ids=["default", "two-lanes", "lagged"],
)
def test_the_compiled_search_finds_what_the_pure_one_does(opts: dict[str, str]) -> None:
    for seed in (1, 2):
        pure = _run({**opts, "ASSAY_COMPILED": "0"}, 2000, seed)
        fast = _run({**opts, "ASSAY_COMPILED": "1"}, 2000, seed)
        assert pure[0] == "pure"
        assert fast[0] == ",".join(compiled.MODULES)
        assert pure[1] > 0  # the careful classifier disagrees with the blind one
        assert fast[1:] == pure[1:]


def test_clean_removes_the_build_and_leaves_the_sources(tmp_path: Path) -> None:
    from assay.text.build import clean

    folder = tmp_path / "src" / "assay" / "text"
    folder.mkdir(parents=True)
    made = _folder(tmp_path)
    for path in made.iterdir():
        path.rename(folder / path.name)
    shared = tmp_path / "src" / "abc__mypyc.so"
    shared.write_bytes(b"")
    stamp = json.loads((folder / compiled.STAMP).read_text(encoding="utf-8"))
    (folder / compiled.STAMP).write_text(json.dumps({**stamp, "shared": [shared.name]}))
    removed = clean(folder)
    assert len(removed) == len(compiled.MODULES) + 2  # the extensions, the library, the stamp
    assert not shared.exists() and not (folder / compiled.STAMP).exists()
    assert compiled.extensions(folder) == {}
    assert sorted(p.name for p in folder.iterdir()) == sorted(f"{n}.py" for n in compiled.MODULES)


def test_a_build_without_mypyc_says_so(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from assay.text import build

    monkeypatch.setattr(build.sys, "executable", str(tmp_path / "python"))
    monkeypatch.setattr(build.shutil, "which", lambda name: None)
    with pytest.raises(RuntimeError, match="mypyc not found: install mypy"):
        build.build(tmp_path)
    assert build.main(["nonsense"]) == 2
