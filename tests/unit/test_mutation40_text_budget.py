"""mutation40: a text run whose probe asked its third round stays within ``--max-queries``.

hostile39b paid the probe's third round (asked when answers changed) from the re-check's
reserve (``text.phases`` hands ``extra_probe_queries`` to ``recheck_limit``), and tested the
arithmetic alone: the run not handing it on (615 sentences of 600, as before) passed them.
Here the panel's answers to the probe's second round are moved (the classifiers look bound
to their batch), so that the third round is asked, and every sentence sent is counted."""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest
from test_text_check_budget import _run

from assay.text.loading import LOADING_PROBE
from assay.text.pipeline import WORKER_ENV
from assay.text.recheck import plan


def test_the_probe_s_third_round_is_paid_from_the_recheck_s_reserve(
    tmp_path: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Every sentence the classifiers are asked counted; the answers of the second and third
    calls (the probe's second round, in two batches) turned over."""
    from assay.text import panel as text_panel

    asked: list[int] = []
    answer = text_panel.Panel.predict

    def turned(self: Any, inputs: Any) -> Any:
        asked.append(len(inputs))
        out = answer(self, inputs)
        return 1.0 - np.asarray(out, dtype=float) if len(asked) in (2, 3) else out

    monkeypatch.setenv(WORKER_ENV, "inline")
    monkeypatch.delenv("ASSAY_TEXT_RECHECK", raising=False)
    monkeypatch.setattr(text_panel.Panel, "predict", turned)
    budget = 600
    r = _run(tmp_path, "third", max_queries=budget)
    probe = r.summary["determinism"]["probe"]
    assert probe["queries"] == 3 * probe["sentences"] == 3 * plan(budget).probe
    assert probe["batch_changed"] > 0
    assert sum(asked) + LOADING_PROBE <= budget, sum(asked)
