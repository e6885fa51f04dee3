"""A resumed text session loads its classifiers again; loading asks each a probe of 2
sentences to learn what it answers.  It asked them again in every resumed session, out of
the determinism re-check's reserve (64): past 32 resumes of one run the search itself
shrank, and with the checks off every resume took them from the search (its findings those
of a smaller run).  Now the first session keeps each classifier's answers to the probe with
the run (``models.probe_answers``) and a resumed session is answered from them: nothing
asked again, the budget and the findings the uninterrupted run's however often it is
stopped.  An answer that cannot be kept (a DataFrame) is asked again, counted as before."""

from __future__ import annotations

import hashlib
from pathlib import Path
from typing import Any

import numpy as np
import pytest

from assay.core.store import RunStore
from assay.models.probe_answers import NOT_KEPT, kept, recording, replayed, replaying
from assay.text.api import check_text, resume_text

FAKES = Path(__file__).resolve().parents[1] / "fixtures" / "text_fakes.py"
SPECS = [f"{FAKES}:lexicon", f"{FAKES}:negation_blind"]
BUDGET = 1500


def _sha(result: Any) -> str:
    return hashlib.sha1(result.findings().to_csv().encode()).hexdigest()


def _stopped_again_and_again(
    specs: list[str], store: RunStore, monkeypatch: pytest.MonkeyPatch
) -> tuple[Any, int]:
    """The run of ``specs`` stopped after every checkpoint and resumed until it ends; the
    last session's result and how many sessions were resumed."""
    import assay.core.run as core_run

    monkeypatch.setenv("ASSAY_CHECKPOINT_SECONDS", "0")
    orig = core_run.execute

    def cut(*a: Any, **k: Any) -> Any:
        return orig(*a, **{**k, "stop_after_checkpoints": 1})

    monkeypatch.setattr("assay.text.phases.execute", cut)
    result = check_text(specs, grammar="builtin:reviews", store=store, seed=3, max_queries=BUDGET)
    resumes = 0
    while result.status not in ("completed", "budget_exhausted"):
        store.checkpoint(result.run_id, status="interrupted")
        result = resume_text(result.run_id, store=store)
        resumes += 1
        assert resumes < 200, result.status
    return result, resumes


@pytest.mark.parametrize("checks", [True, False], ids=["checks", "no-checks"])
def test_a_run_resumed_many_times_asks_loading_once_and_finds_what_one_session_finds(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, checks: bool
) -> None:
    if not checks:  # (no reserve: every resume's loading came out of the search's budget)
        monkeypatch.setenv("ASSAY_TEXT_RECHECK", "0")
    whole = check_text(
        SPECS, grammar="builtin:reviews", store=tmp_path / "w.db", seed=3, max_queries=BUDGET
    )
    store = RunStore(tmp_path / "cut.db")
    last, resumes = _stopped_again_and_again(SPECS, store, monkeypatch)
    assert resumes >= 3, resumes
    asked = last.summary["model_queries"]
    assert "loading_resumed" not in asked, asked  # (2 a resume before)
    assert asked == whole.summary["model_queries"] and asked["total"] <= BUDGET
    assert _sha(last) == _sha(whole)


def test_an_answer_that_cannot_be_kept_is_asked_again_within_the_budget(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (tmp_path / "frame.py").write_text(
        "import importlib.util\nimport pandas as pd\n"
        f"spec = importlib.util.spec_from_file_location('fakes', {str(FAKES)!r})\n"
        "fakes = importlib.util.module_from_spec(spec)\nspec.loader.exec_module(fakes)\n\n"
        "def lexicon(texts):\n    return pd.DataFrame(fakes.lexicon(texts))\n"
    )
    specs = [f"{tmp_path / 'frame.py'}:lexicon", SPECS[1]]
    store = RunStore(tmp_path / "cut.db")
    last, resumes = _stopped_again_and_again(specs, store, monkeypatch)
    asked = last.summary["model_queries"]
    assert asked["loading_resumed"] == 2 * resumes, (asked, resumes)
    assert asked["total"] <= BUDGET, asked


ANSWERS = [
    np.array([[0.25, 0.75], [0.5, 0.5]], dtype=np.float32),
    np.array([0, 1], dtype=np.int64),
    np.array(["pos", "neg"]),
    np.array([float("nan"), 0.1 + 0.2]),
    ["pos", "neg"],
    [{"label": "POSITIVE", "score": 0.9}, {"label": "NEGATIVE", "score": 0.6}],
    [[{"label": "a", "score": 0.3}, {"label": "b", "score": 0.7}]],
    ({"x": (1, 2)}, None, True),
    np.float32(0.1),
]


@pytest.mark.parametrize("answer", ANSWERS, ids=[str(i) for i in range(len(ANSWERS))])
def test_a_kept_answer_comes_back_exactly(answer: Any) -> None:
    probe = ["a sentence", "another"]
    with recording() as stored:
        kept(probe, answer)
    with replaying(stored):
        back = replayed(probe)
    assert type(back) is type(answer)
    if isinstance(answer, np.ndarray | np.generic):
        assert back.dtype == answer.dtype and np.shape(back) == np.shape(answer)
        np.testing.assert_array_equal(back, answer)
    else:
        assert back == answer


def test_a_kept_answer_is_for_its_own_probe_only() -> None:
    import pandas as pd

    with recording() as stored:
        kept(["one"], ["pos"])
        kept(["two"], pd.DataFrame({"p": [0.5]}))
    assert stored[1][1] is None  # (not kept: asked again)
    with replaying(stored):
        assert replayed(["other"]) is NOT_KEPT  # (other sentences: asked)
        assert replayed(["two"]) is NOT_KEPT
    with replaying(stored):
        assert replayed(["one"]) == ["pos"]


def test_the_kept_answers_are_data_not_shown_on_the_page(tmp_path: Path) -> None:
    from assay.report import build_document, write_reports

    store = RunStore(tmp_path / "r.db")
    run = check_text(SPECS, grammar="builtin:reviews", store=store, seed=3, max_queries=300)
    doc = build_document(store, run.run_id)
    assert len(doc["run"]["config"]["loading_answers"]) == 2  # (one list per classifier)
    write_reports(doc, html_path=tmp_path / "r.html")
    assert "loading_answers" not in (tmp_path / "r.html").read_text()


def test_a_failed_probe_keeps_its_place_and_a_huge_answer_is_not_kept() -> None:
    """An adapter trying a second form after a failed call (a function written for
    DataFrames) replays in the same order: the failed call asked again, the next answered."""
    from assay.models.probe_answers import MAX_KEPT_CHARS, not_kept

    with recording() as stored:
        not_kept(["a"])
        kept(["a"], ["pos"])
        kept(["b"], ["x" * MAX_KEPT_CHARS])
    assert [entry[1] is None for entry in stored] == [True, False, True]
    with replaying(stored):
        assert replayed(["a"]) is NOT_KEPT  # (asked again: it fails again, as the first time)
        assert replayed(["a"]) == ["pos"]
        assert replayed(["b"]) is NOT_KEPT
