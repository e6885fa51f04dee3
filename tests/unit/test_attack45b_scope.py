"""attack45b: a model scan of a trojan it cannot see (an all-to-all trigger sending each digit
to the next, or one firing on a single source class) read "no suspected backdoor found within
the budget: no class reachable by an anomalously small patch (largest anomaly index 0.0 < 2);
45,730 queries. This is what the search found, not a proof that the model is clean.", exit
0, as the clean twin did, and its verdict line said "tested, nothing found" without saying
what was looked for.  The exit code stays the table's 0 (nothing found); the headline and
the verdict line now say what the scan looked for and which families it did not."""

from __future__ import annotations

from pathlib import Path
from types import SimpleNamespace
from typing import Any

import numpy as np

from assay.backdoor.modelscan import ClassScan
from assay.backdoor.scope import (
    INPUT_SCAN_NOT,
    MODEL_SCAN_NOT,
    input_scope,
    model_looked_for,
)
from assay.backdoor.summary import _model_summary, summarise
from assay.core.store import RunStore
from assay.core.verdict import run_verdict, verdict_line
from assay.report.verdict_text import run_verdict_text


def _search(verdict: dict[str, object] | None, sides: list[int | None]) -> SimpleNamespace:
    scans = [
        ClassScan(
            c,
            side,
            0.96 if side else 0.5,
            (0, 0, side or 4, side or 4),
            np.zeros((side or 4, side or 4, 1)),
            {},
            queries=4000,
        )
        for c, side in enumerate(sides)
    ]
    return SimpleNamespace(
        test=SimpleNamespace(
            mode="model",
            clean=np.zeros((150, 8, 8, 1)),
            max_trigger=None,
            anomaly_threshold=2.0,
            scan_tau=0.95,
        ),
        verdict=verdict,
        class_scans=scans,
        phase="done",
        caps=SimpleNamespace(class_names=None, n_classes=len(sides)),
        clean_labels=np.arange(150) % len(sides),
        model=SimpleNamespace(queries=45_730),
    )


# the all-to-all digits MLP's scan: no class reached by any patch up to 4x4 (sizes 1-4)
ALL_TO_ALL = {"sizes": [1, 2, 3, 4], "anomaly_index": [0.0] * 10, "suspects": []}


def test_a_pass_says_what_the_model_scan_looked_for_and_did_not() -> None:
    s = _model_summary(_search(ALL_TO_ALL, [None] * 10))
    head = s["headline"]
    assert head.startswith("no suspected backdoor found within the budget"), head
    assert (
        "45,730 queries; looked for a square patch of up to 4x4 pixels that sends clean images "
        "of every other class to one class only, not for a trigger that fires on one source "
        "class only, one that sends each class to another (all-to-all)" in head
    ), head
    assert head.endswith("not a proof that the model is clean."), head
    assert s["looked_for"] == model_looked_for([1, 2, 3, 4])


def test_the_verdict_line_of_a_model_scan_pass_says_what_was_looked_for(tmp_path: Path) -> None:
    s = _model_summary(_search(ALL_TO_ALL, [None] * 10))
    store = RunStore(tmp_path / "runs.db")
    store.create_run(
        run_id="backdoor-1",
        technique="backdoor",
        seed=0,
        command="assay backdoor m.skops --clean c.npy",
        config={"fail_on": 0.0},
        model={"spec": "m.skops"},
        versions={},
    )
    store.checkpoint("backdoor-1", summary=s, status="completed")
    v = run_verdict(store, "backdoor-1")
    assert v.code == 0
    line = verdict_line(v, "completed")
    assert line.startswith(
        "the run's verdict: tested, nothing found at or above --fail-on 0 (looked for a square "
        "patch of up to 4x4 pixels that sends clean images of every other class to one class "
        "only)"
    ), line
    assert line.endswith("(exit 0)"), line


def test_a_suspected_target_is_said_without_the_pass_words() -> None:
    index = [0.0] * 10
    index[7] = 4.7
    verdict = {"sizes": [1, 2, 3, 4], "anomaly_index": index, "suspects": [7]}
    head = _model_summary(_search(verdict, [4, 4, 4, 4, 4, 4, 4, 1, 4, 4]))["headline"]
    assert head.startswith("suspected backdoor: class 7"), head
    assert MODEL_SCAN_NOT not in head


def test_a_cut_verdict_names_no_scope() -> None:
    s = _model_summary(_search(None, [None] * 10))
    assert "looked_for" not in s


def _input_summary(second: dict[str, object] | None, flagged: bool = False) -> dict[str, Any]:
    test = SimpleNamespace(strategy="assay", images=None, max_trigger=None, top=4, mode="inputs")
    rows = [
        {
            "image": i,
            "poisoned": flagged and i == 0,
            "queries": 20,
            "seconds": 0.01,
            "status": "done",
        }
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
    return summarise(search)


# the all-to-all digits MLP's run's opinion (its entropies left out), the check not asked
QUIET = {
    "blends": 8,
    "clean": 40,
    "clean_low": 0,
    "clean_median": 0.6745,
    "flagged": [],
    "given": False,
    "line": 0.1349,
    "low": 0,
    "odds": 1.0,
    "queries": 557,
    "sampled": 28,
    "unblended": 0,
    "unconfirmed": 40,
}


def test_an_input_scan_that_found_nothing_says_which_families_it_did_not_look_for() -> None:
    """The all-to-all digits MLP's input scan: "0 of 40 ... looked for patch triggers up to
    4x4 pixels and other triggers by STRIP's second opinion; ...", exit 0, unsaid."""
    s = _input_summary(QUIET)
    head = s["headline"]
    assert head.startswith(
        "0 of 40 images carry a confirmed trigger; looked for patch triggers up to 4x4 pixels "
        "and other triggers by STRIP's second opinion; "
    ), head
    assert head.endswith(f"; not looked for: {INPUT_SCAN_NOT}"), head
    assert "sends each class to another (all-to-all)" in INPUT_SCAN_NOT
    assert s["not_looked_for"] == INPUT_SCAN_NOT


def test_the_verdict_text_of_an_input_scan_pass_names_what_was_not_looked_for() -> None:
    s = _input_summary(QUIET)
    doc = {
        "run": {
            "id": "backdoor-1",
            "technique": "backdoor",
            "status": "completed",
            "command": "assay backdoor m.skops --images s.npy --clean c.npy",
            "config": {"fail_on": 0.0},
            "summary": s,
        },
        "findings": {"total": 0, "at_or_above_fail_on": 0, "examples": []},
    }
    text = run_verdict_text(doc)
    assert text is not None and text.startswith("passes: nothing found (looked for patch")
    assert text.endswith(f"(not looked for: {INPUT_SCAN_NOT})"), text


def test_a_scan_that_flagged_an_image_does_not_add_the_words() -> None:
    s = _input_summary(QUIET, flagged=True)
    assert "not looked for" not in s["headline"] and "not_looked_for" not in s
    given = _input_summary({**QUIET, "given": True, "flagged": [1, 2, 3], "low": 3})
    assert "not_looked_for" not in given


def test_strip_and_neo_passes_name_the_two_families_too() -> None:
    """STRIP flagged 0 of 20 all-to-all and 0 of 20 source-specific digits ("STRIP flagged 0
    of 40 images ...", exit 0): its pass says so; one that flagged an image does not."""
    rows = [{"image": i, "poisoned": False} for i in range(40)]
    for strategy in ("strip", "neo"):
        s: dict[str, Any] = {"headline": "STRIP flagged 0 of 40 images"}
        input_scope(s, rows, strategy)
        assert s["not_looked_for"] == INPUT_SCAN_NOT
        assert s["headline"].endswith(f"; not looked for: {INPUT_SCAN_NOT}")
    flagged: dict[str, Any] = {"headline": "STRIP flagged 1 of 40 images"}
    input_scope(flagged, [{"image": 0, "poisoned": True}], "strip")
    assert "not_looked_for" not in flagged
    other: dict[str, Any] = {"headline": "h"}
    input_scope(other, rows, "assay-block")  # (a strategy of the bench's: no words)
    assert "not_looked_for" not in other
