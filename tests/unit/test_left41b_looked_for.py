"""left41b: the default backdoor scan's headline "0 of 40 images carry a confirmed trigger" did
not say that it looked for patch triggers only (it said its bound only with --max-trigger):
hostile41b's blended trigger (20 of 40 images carrying it) read "0 of 40", exit 0, as a clean
model would.  The headline (terminal, JSON, HTML, JUnit) says what was looked for, and a pass's
verdict text says it too."""

from __future__ import annotations

from pathlib import Path
from types import SimpleNamespace
from typing import Any

from assay.backdoor.summary import _input_summary
from assay.core.store import RunStore
from assay.core.verdict import run_verdict, verdict_line
from assay.report.verdict_text import run_verdict_text


def _summary(
    strategy: str, max_trigger: int | None, top: int, second: dict[str, Any] | None = None
) -> dict[str, Any]:
    test = SimpleNamespace(strategy=strategy, images=None, max_trigger=max_trigger, top=top)
    rows = [
        {"image": i, "poisoned": False, "queries": 40, "seconds": 0.01, "status": "done"}
        for i in range(40)
    ]
    search = SimpleNamespace(
        test=test,
        rows=rows,
        triggers=[],
        model=None,
        clean_labels=None,
        threshold=0.1,
        second=second,
    )
    return _input_summary(search)


def test_the_default_scan_says_it_looked_for_patches_up_to_its_bound() -> None:
    s = _summary("assay", None, 16)
    assert s["headline"].startswith(
        "0 of 40 images carry a confirmed trigger; looked for patch triggers up to 16x16 pixels "
        "only (not blended or image-wide triggers: --strategy strip looks at those); "
    ), s["headline"]
    assert s["looked_for"] == "patch triggers up to 16x16 pixels"


def test_a_scan_with_strip_s_second_opinion_does_not_say_patches_only() -> None:
    """bd41: the default scan asks STRIP's second opinion on the images it did not confirm;
    "patch triggers ... only (not blended ...)" beside it contradicted the opinion's words."""
    s = _summary("assay", None, 16, {"given": False, "low": 0})
    assert s["headline"].startswith(
        "0 of 40 images carry a confirmed trigger; looked for patch triggers up to 16x16 pixels "
        "and other triggers by STRIP's second opinion; "
    ), s["headline"]
    assert "only" not in s["headline"].split(";")[1]
    assert s["looked_for"].endswith("and other triggers by STRIP's second opinion")
    skipped = _summary("assay", None, 16, {"skipped": "the budget"})  # (not asked: patches only)
    assert "16x16 pixels only (not blended" in skipped["headline"]


def test_the_user_s_bound_is_named() -> None:
    s = _summary("assay", 4, 4)
    assert "; looked for patch triggers up to 4x4 pixels only (--max-trigger 4)" in s["headline"]


def test_neo_is_not_said_to_look_for_the_default_scan_s_patches() -> None:
    s = _summary("neo", None, 16)
    assert "looked for patch" not in s["headline"] and "looked_for" not in s


def _doc(summary: dict[str, Any]) -> dict[str, Any]:
    return {
        "run": {
            "id": "backdoor-1",
            "technique": "backdoor",
            "status": "completed",
            "command": "assay backdoor m.onnx --images s.npy --clean c.npy",
            "config": {"fail_on": 0.0},
            "summary": summary,
        },
        "findings": {"total": 0, "at_or_above_fail_on": 0, "examples": []},
    }


def test_a_pass_says_what_was_looked_for() -> None:
    looked = {"tested": 40, "looked_for": "patch triggers up to 16x16 pixels"}
    assert run_verdict_text(_doc(looked)) == (
        "passes: nothing found (looked for patch triggers up to 16x16 pixels only)"
    )
    assert run_verdict_text(_doc({"tested": 40})) == "passes: nothing found"


def test_the_verdict_line_of_a_pass_says_what_was_looked_for(tmp_path: Path) -> None:
    """``assay report``/``show`` and the JSON ``verdict``: read from the stored run."""
    store = RunStore(tmp_path / "runs.db")
    run_id = "backdoor-1"
    store.create_run(
        run_id=run_id,
        technique="backdoor",
        seed=0,
        command="assay backdoor m.onnx --images s.npy --clean c.npy",
        config={"fail_on": 0.0},
        model={"spec": "m.onnx"},
        versions={},
    )
    store.checkpoint(
        run_id,
        summary={"tested": 40, "looked_for": "patch triggers up to 16x16 pixels"},
        status="completed",
    )
    line = verdict_line(run_verdict(store, run_id), "completed")
    assert line == (
        "the run's verdict: tested, nothing found at or above --fail-on 0 (looked for patch "
        "triggers up to 16x16 pixels only) (exit 0)"
    )
