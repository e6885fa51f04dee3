"""A text run's re-check whose answers come back in another shape than the search's stored
ones (mutation38's TR3): the sentences were sent and answered, so they are counted among the
determinism checks' queries and the summary says why nothing was compared; on main the
re-check returned None and its queries were counted nowhere, with no reason given."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np
import pytest

import assay
import assay.text.recheck as recheck_module

FAKES = Path(__file__).resolve().parents[1] / "fixtures"


def test_a_recheck_answered_in_another_shape_is_said_and_counted(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    real = recheck_module._stored

    def wider(*args: Any, **kwargs: Any) -> Any:  # the stored answers, one column more
        sentences, before = real(*args, **kwargs)
        if before is not None:
            before = np.hstack([before, np.zeros((len(before), 1))])
        return sentences, before

    monkeypatch.setattr(recheck_module, "_stored", wider)
    result = assay.check_text(
        [f"{FAKES / 'text_fakes.py'}:lexicon", f"{FAKES / 'text_fakes.py'}:negation_blind"],
        grammar="builtin:reviews",
        max_queries=600,
        seed=1,
        store=tmp_path / "s.db",
    )
    assert result.n_findings > 0
    det = result.summary["determinism"]
    lost = det.get("spent_without_result")
    assert lost and lost > 0, det
    assert "answered" in det["skipped"] and "values per sentence" in det["skipped"], det
    assert det["queries"] == det["probe"]["queries"] + lost
    assert any("could not be asked again" in w for w in result.summary.get("warnings", []))
