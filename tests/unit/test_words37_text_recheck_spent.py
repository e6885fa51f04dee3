"""A text run's re-check of its minimal failing sentences that failed (or was cut by
--max-time) after its sentences were sent counts them among its queries by phase and says
they bought no result (left37b's Left 4, checked on text: on main they were counted nowhere,
the determinism checks' queries the start's probe alone)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

import assay
import assay.text.recheck as recheck_module

FAKES = Path(__file__).resolve().parents[1] / "fixtures"
MODEL = f"""import sys
from pathlib import Path
sys.path.insert(0, {str(FAKES)!r})
from text_fakes import lexicon
FLAG = Path(__file__).with_name("flag")
def f(texts):
    if FLAG.exists():
        raise RuntimeError("down")
    return lexicon(texts)
"""


def test_a_recheck_failing_after_it_asked_counts_its_queries(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (tmp_path / "m.py").write_text(MODEL, encoding="utf-8")
    real = recheck_module.recheck

    def down_first(*args: Any, **kwargs: Any) -> Any:
        (tmp_path / "flag").write_text("", encoding="utf-8")  # down once the search ended
        return real(*args, **kwargs)

    monkeypatch.setattr(recheck_module, "recheck", down_first)
    result = assay.check_text(
        [f"{tmp_path / 'm.py'}:f", f"{FAKES / 'text_fakes.py'}:negation_blind"],
        grammar="builtin:reviews",
        max_queries=600,
        seed=1,
        store=tmp_path / "s.db",
    )
    assert result.n_findings > 0
    det = result.summary["determinism"]
    lost = det.get("spent_without_result")
    assert lost and lost > 0, det
    assert det["queries"] == det["probe"]["queries"] + lost
    assert "spent without a result" in det["skipped"]
    assert result.summary["model_queries"]["total"] >= det["queries"]
