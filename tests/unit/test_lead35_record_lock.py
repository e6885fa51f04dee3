"""The named-code record is read and written again under one lock: a process appending an
entry while another drops gone entries keeps its line (left35's Left 2)."""

from __future__ import annotations

import threading
from pathlib import Path

import pytest

from assay.core import named_code


def _record(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("XDG_STATE_HOME", str(tmp_path / "state"))
    record = named_code.record_path()
    record.parent.mkdir(parents=True)
    return record


def test_an_entry_added_while_another_writer_rewrites_the_record_is_kept(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    record = _record(tmp_path, monkeypatch)
    gone = tmp_path / "gone.py"
    record.write_text(f"{gone}\n")  # an entry whose file is gone: forget() rewrites
    model = tmp_path / "model.py"
    model.write_text("def predict(x):\n    return x\n")

    real_read = named_code._read
    has_read, go = threading.Event(), threading.Event()

    def slow_read(path: Path) -> list[str]:
        lines = real_read(path)
        if threading.current_thread().name == "rewriter" and not has_read.is_set():
            has_read.set()
            go.wait(10)  # the rewriter holds what it read while the other writer runs
        return lines

    monkeypatch.setattr(named_code, "_read", slow_read)
    rewriter = threading.Thread(target=named_code.forget, args=([],), name="rewriter")
    rewriter.start()
    assert has_read.wait(10)
    adder = threading.Thread(target=named_code.remember, args=(model,))
    adder.start()
    adder.join(0.5)  # unlocked, the line is appended now, then lost to the rewrite
    go.set()
    rewriter.join(10)
    adder.join(10)
    assert not rewriter.is_alive() and not adder.is_alive()
    assert named_code.was_named(model)
    assert str(gone) not in record.read_text()


def test_the_lock_file_is_never_opened_through_a_link(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    record = _record(tmp_path, monkeypatch)
    target = tmp_path / "precious"
    target.write_text("keep me\n")
    (record.parent / ".named-code.lock").symlink_to(target)
    model = tmp_path / "model.py"
    model.write_text("x = 1\n")
    named_code.remember(model)  # the lock is not taken through the link; still noted
    assert named_code.was_named(model)
    assert target.read_text() == "keep me\n"
