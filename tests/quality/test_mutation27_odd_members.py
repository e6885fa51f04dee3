"""mutation27: a classifier that answers one name unlike the rest names that name alone.  The
variants of an invariance case and the members they are read back as must be in the same
order (the case's own member first): a shift names, beside the odd name, whichever member
stood where it was asked (the lead's quality test allows other names in fewer failures)."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

from assay.core.store import RunStore
from assay.text.api import check_text

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "fixtures"))
import text_fakes

from test_lead26_odd_members import _run  # isort: skip


@pytest.mark.parametrize("strategy", ["walk", "random"])
def test_only_the_name_treated_differently_is_named(tmp_path: Path, strategy: str) -> None:
    r = _run(tmp_path, text_fakes.against("Olga"), strategy)
    n = r.summary["text"]["distinct_minimal"]
    assert r.n_findings > 0 and n > 0
    assert r.summary["text"]["odd_members"] == [{"member": "Olga", "failures": n, "of": n}]


def test_a_run_in_units_names_the_member_too(tmp_path: Path) -> None:
    """Each unit hands on its minimal failures' odd members (``units._record``)."""
    r = check_text(
        [text_fakes.Classifier(text_fakes.against("Olga"))],
        grammar="builtin:names",
        oracle="invariance",
        max_queries=1200,
        units=2,
        seed=3,
        store=RunStore(tmp_path / "runs.db"),
    )
    n = r.summary["text"]["distinct_minimal"]
    assert r.n_findings > 0 and n > 0
    assert r.summary["text"]["odd_members"] == [{"member": "Olga", "failures": n, "of": n}]
