"""hostile44b: a model scan whose budget ran out in its verdict (every class scanned, the
checks of the classes a small patch reaches cut before any was judged) said "no suspected
backdoor found within the budget: no class reachable by an anomalously small patch (largest
anomaly index 0.0 < 2)": a colour-checker trojan's 4x4 patch at its trigger's place, sending
98 % of clean images to its target (anomaly index 5.1 by the sides found), was never checked,
and the words read as a clean model's (the run exited 2 only for the re-ask it also lost)."""

from __future__ import annotations

from types import SimpleNamespace

import numpy as np

from assay.backdoor.modelscan import ClassScan
from assay.backdoor.summary import _model_summary

# the sides the scan of the retail CNN found (hostile44b's ms_green: class 4 is the target)
SIDES = [15, 16, None, None, 4, None, 11, None, 16, None]


def _search(verdict: dict[str, object] | None) -> SimpleNamespace:
    scans = [
        ClassScan(
            c,
            side,
            0.975 if c == 4 else 0.6,
            (1, 1, side or 16, side or 16),
            np.zeros((side or 16, side or 16, 3)),
            {},
            queries=1000,
        )
        for c, side in enumerate(SIDES)
    ]
    names = tuple(f"sku_{c}" for c in range(10))
    return SimpleNamespace(
        test=SimpleNamespace(
            mode="model",
            clean=np.zeros((40, 32, 32, 3)),
            max_trigger=None,
            anomaly_threshold=2.0,
            scan_tau=0.8,
        ),
        verdict=verdict,
        class_scans=scans,
        phase="again",
        caps=SimpleNamespace(class_names=names, n_classes=10),
        clean_labels=np.arange(40) % 10,
        model=SimpleNamespace(queries=332_470),
    )


def test_a_verdict_cut_by_the_budget_is_not_said_as_no_class_reachable() -> None:
    headline = _model_summary(_search(None))["headline"]
    assert "no suspected backdoor found" not in headline, headline
    assert "largest anomaly index 0.0" not in headline
    assert "stopped in its verdict: all 10 classes were scanned" in headline
    assert "class sku_4: a 4x4 patch at (row 1, col 1) sends 98% of clean images" in headline
    assert "anomaly index 5.1" in headline and "332,470 queries" in headline


def test_a_judged_verdict_keeps_its_words() -> None:
    index = [0.0] * 10
    index[4] = 5.1
    verdict = {"sizes": [1, 2, 4, 8, 16], "anomaly_index": index, "suspects": []}
    headline = _model_summary(_search(verdict))["headline"]
    assert "stopped in its verdict" not in headline
    assert headline.startswith("no suspected backdoor found within the budget"), headline
