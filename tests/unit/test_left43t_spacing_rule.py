"""left43t: a text run keeps the rule its sentences were joined by (``text.spacing``).  A run
stored before the rules of each script (its config without ``spacing``) joined a Chinese
grammar's terminals with spaces, as English; its resumed session, its replay and its rerun
join them so too (before, they joined its new sentences the new way: a resumed run was not
the uninterrupted one)."""

from __future__ import annotations

import sqlite3
import time
from pathlib import Path
from typing import Any

import pytest

from assay.core.runinfo import pasteable
from assay.core.store import RunStore
from assay.text.api import check_text, resume_text, setup_text
from assay.text.pipeline import WORKER_ENV
from assay.text.spacing import SPACING_ENV

GRAMMAR = """\
s -> subj neg verb obj end
subj -> "我" | "他" | "我们" | "你们" | "她"
neg -> "" [3] | "不" | "没有"
verb -> "喜欢" | "爱" | "讨厌"
obj -> "这部电影" | "这家餐厅" | "这本书" | "那首歌"
end -> "。" | "！" | "，真的。"
"""
ASKED: list[str] = []


def first(batch: list[str]) -> list[str]:
    ASKED.extend(batch)
    return ["neg" if "不" in t or "没" in t else "pos" for t in batch]


def second(batch: list[str]) -> list[str]:
    ASKED.extend(batch)
    return ["neg" if "不" in t or "讨厌" in t else "pos" for t in batch]


def _stopped_run(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, rule: str = "2"
) -> tuple[RunStore, str]:
    import assay.core.run as core_run

    monkeypatch.setenv(SPACING_ENV, rule)
    monkeypatch.setenv(WORKER_ENV, "inline")
    monkeypatch.setenv("ASSAY_CHECKPOINT_SECONDS", "0")
    (tmp_path / "zh.cfg").write_text(GRAMMAR, encoding="utf-8")
    orig = core_run.execute

    def cut(*a: Any, **k: Any) -> Any:
        k.setdefault("stop_after_checkpoints", 2)
        return orig(*a, **k)

    monkeypatch.setattr("assay.text.phases.execute", cut)
    setup = setup_text([first, second], grammar=str(tmp_path / "zh.cfg"), batch=8)
    store = RunStore(tmp_path / "s.db")
    run = check_text(setup=setup, store=store, seed=2, max_queries=400, started=time.monotonic())
    monkeypatch.setattr("assay.text.phases.execute", orig)
    monkeypatch.delenv(SPACING_ENV)
    assert run.status not in ("completed", "budget_exhausted"), run.status
    return store, run.run_id


def _spaced(sentences: list[str]) -> set[bool]:
    return {" " in s for s in sentences}


def test_a_new_run_keeps_its_rule_and_resumes_by_it(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    store, run_id = _stopped_run(tmp_path, monkeypatch)
    record = store.get_run(run_id)
    assert record.config["spacing"] == 2
    assert "SPACING" not in pasteable("assay text c.py:first c.py:second", record.config)
    ASKED.clear()
    resume_text(run_id, store=store, model=[first, second])
    assert ASKED and _spaced(ASKED) == {False}  # "我不喜欢这部电影。"


def test_a_run_stored_before_the_rule_was_kept_resumes_joined_as_it_began(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    store, run_id = _stopped_run(tmp_path, monkeypatch, "1")  # (as main made it then)
    store.close()
    with sqlite3.connect(tmp_path / "s.db") as db:  # (as a run stored before 2026-12-06)
        db.execute("DELETE FROM configs WHERE run_id = ? AND key = 'spacing'", (run_id,))
    store = RunStore(tmp_path / "s.db")
    record = store.get_run(run_id)
    assert "spacing" not in record.config
    ASKED.clear()
    resume_text(run_id, store=store, model=[first, second])
    # every sentence its first session would have asked: "我 不 喜欢 这部电影 。"
    assert ASKED and _spaced(ASKED) == {True}
    # its rerun joins so too (the command line's: a Python call's is the call)
    rerun = pasteable("assay text c.py:first c.py:second --grammar zh.cfg", record.config)
    assert rerun.startswith("ASSAY_TEXT_SPACING=1 assay text"), rerun
