"""The HTML's table of a text suite's tests says what its JUnit cases say (report46b).

Before, a noisy classifier's run whose findings were all unconfirmed (exit 2, failing
nothing: the verdict, the terminal and each JUnit case say so, and JUnit passes each test
with the reason) still read "failing" in the HTML's table of tests.  Now such a test reads
"passing: its failing cases fail nothing (unconfirmed)", the reason said under the table; a
deterministic planted bias still reads "failing".
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from pathlib import Path

import numpy as np
import pytest

import assay
from assay.core.store import RunStore
from assay.report.document import build_document
from assay.report.html import render_html

pytestmark = pytest.mark.filterwarnings("ignore::assay.AssayWarning")

_RNG = np.random.default_rng(0)


def noisy(texts: Sequence[str]) -> np.ndarray:
    """Judges 'good', with 30 % of its answers flipped: every disagreement is noise."""
    p = np.array([0.9 if "good" in t else 0.1 for t in texts])
    flip = _RNG.random(len(p)) < 0.3
    p[flip] = 1 - p[flip]
    return np.stack([1 - p, p], axis=1)


def blind(texts: Sequence[str]) -> np.ndarray:
    """A planted bias, deterministic: positive for sentences naming 'Maria'."""
    p = np.array([0.9 if "Maria" in t else 0.1 for t in texts])
    return np.stack([1 - p, p], axis=1)


def _tests_table(tmp_path: Path, model: object) -> tuple[int, str]:
    store = tmp_path / "s.db"
    assay.check_text(
        model, grammar="builtin:names", oracle="invariance", max_queries=300, seed=3,
        store=store,
    )  # fmt: skip
    run = RunStore(store, read_only=True).list_runs()[0]
    doc = build_document(RunStore(store, read_only=True), run.id)
    tests = doc["run"]["summary"]["text"]["tests"]
    assert len(tests) >= 2 and any(t.get("failing") for t in tests), tests
    page = render_html(doc)
    section = re.search(r"<h2>Tests</h2>.*?</section>", page, re.S)
    assert section, "the page has a Tests section"
    return int(doc["exit_code"]), section.group(0)


def _cells(section: str) -> list[str]:
    found = re.findall(r"<td[^>]*>(.*?)</td>", section, re.S)
    return [re.sub(r"\s+", " ", c).strip() for c in found]


def test_unconfirmed_tests_read_passing_as_in_junit(tmp_path: Path) -> None:
    code, section = _tests_table(tmp_path, noisy)
    assert code == 2
    cells = _cells(section)
    assert "failing" not in cells, cells  # main: "failing" beside a verdict failing nothing
    assert any(c.startswith("passing: its failing cases fail nothing (unconfirmed") for c in cells)
    assert "A test with failing cases passes: unconfirmed:" in section


def test_a_planted_bias_still_reads_failing(tmp_path: Path) -> None:
    code, section = _tests_table(tmp_path, blind)
    assert code == 1
    assert "failing" in _cells(section)
    assert "fail nothing" not in section
