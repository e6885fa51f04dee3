"""left26: a resumed text run of classifiers answering labels by name, undeclared, asked
them 64 sentences again to read their labels: 66 queries of loading, beyond the determinism
re-check's reserve of 64, so the search of the resumed run had 2 queries fewer than the
uninterrupted run's (19,804 of 19,806: not the same search) and the re-check none.  The
labels the first session read are the run's (its layout's): a resumed session takes them as
they are, asking only its 2 loading sentences, which the re-check's reserve pays for."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from assay.core.store import RunStore
from assay.text.api import check_text, resume_text

FAKES = Path(__file__).resolve().parents[1] / "fixtures" / "text_fakes.py"
LABELS = f"""
import importlib.util
spec = importlib.util.spec_from_file_location("fakes", {str(FAKES)!r})
fakes = importlib.util.module_from_spec(spec)
spec.loader.exec_module(fakes)


def good(texts):
    return ["pos" if p[1] >= 0.5 else "neg" for p in fakes.lexicon(texts)]


def blind(texts):
    return ["pos" if p[1] >= 0.5 else "neg" for p in fakes.negation_blind(texts)]
"""
BUDGET = 1500


def _run(specs: list[str], store: RunStore, **kwargs: Any) -> Any:
    return check_text(
        specs, grammar="builtin:reviews", store=store, seed=3, max_queries=BUDGET, **kwargs
    )


def whole_and_resumed(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, labels: str = LABELS
) -> tuple[Any, Any]:
    """The run of ``labels``' two classifiers uninterrupted, and the same run cut after three
    checkpoints and resumed."""
    import assay.core.run as core_run

    (tmp_path / "lab.py").write_text(labels)
    specs = [f"{tmp_path / 'lab.py'}:good", f"{tmp_path / 'lab.py'}:blind"]
    whole = _run(specs, RunStore(tmp_path / "w.db"))
    monkeypatch.setenv("ASSAY_CHECKPOINT_SECONDS", "0")
    orig = core_run.execute

    def cut(*a: Any, **k: Any) -> Any:
        return orig(*a, **{**k, "stop_after_checkpoints": 3})

    store = RunStore(tmp_path / "cut.db")
    monkeypatch.setattr("assay.text.phases.execute", cut)
    first = _run(specs, store)
    monkeypatch.setattr("assay.text.phases.execute", orig)
    assert first.status not in ("completed", "budget_exhausted"), first.status
    store.checkpoint(first.run_id, status="interrupted")
    return whole, resume_text(first.run_id, store=store)


def test_a_resumed_run_does_not_read_its_labels_off_the_answers_again(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    whole, again = whole_and_resumed(tmp_path, monkeypatch)
    asked, was = again.summary["model_queries"], whole.summary["model_queries"]
    assert was["loading"] == 66  # 2, and 64 to read the labels
    assert "loading_resumed" not in asked, asked  # (66 before; 2 before left28b)
    assert asked["search"] == was["search"], (asked, was)  # the same search
    assert asked["checks"] == was["checks"] and asked["total"] == was["total"] == BUDGET
    assert again.findings().equals(whole.findings())
