"""A text suite's tests in JUnit fail only when the run's findings do (report46).

Before, a noisy classifier's run whose findings were all unconfirmed (exit 2: "they may be
its noise ... failing nothing", said by the terminal, the JSON report, the HTML's verdict and
each finding's JUnit case) still failed one JUnit case per test of the grammar ("19 of 20
cases failing"): CI showed test failures the run's own verdict withdrew.  A deterministic
classifier's failing tests still fail.
"""

from __future__ import annotations

import xml.etree.ElementTree as ET
from collections.abc import Sequence
from pathlib import Path

import numpy as np
import pytest

import assay
from assay.core.store import RunStore
from assay.report.document import build_document
from assay.report.junit import render_junit

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


def _junit(tmp_path: Path, model: object, fail_on: float = 0.0) -> tuple[int, ET.Element]:
    store = tmp_path / "s.db"
    result = assay.check_text(
        model, grammar="builtin:names", oracle="invariance", max_queries=300, seed=3,
        store=store, fail_on=fail_on,
    )  # fmt: skip
    run = RunStore(store, read_only=True).list_runs()[0]
    doc = build_document(RunStore(store, read_only=True), run.id)
    tests = doc["run"]["summary"]["text"]["tests"]
    assert len(tests) >= 2 and any(t.get("failing") for t in tests), tests
    assert result.n_findings > 0
    return int(doc["exit_code"]), ET.fromstring(render_junit(doc))


def test_unconfirmed_noise_fails_no_test(tmp_path: Path) -> None:
    code, xml = _junit(tmp_path, noisy)
    assert code == 2
    assert not xml.findall(".//failure"), "unconfirmed findings fail nothing (as the exit code)"
    tests = [c for c in xml.iter("testcase") if c.get("name", "").startswith("test line")]
    said = [c.findtext("system-out") or "" for c in tests]
    assert any("cases failing" in s and "unconfirmed" in s for s in said), said
    assert len(xml.findall(".//error")) == 1  # not everything was tested: the one error


def test_a_planted_bias_still_fails_its_test(tmp_path: Path) -> None:
    code, xml = _junit(tmp_path, blind)
    assert code == 1
    failed = [c.get("name", "") for c in xml.iter("testcase") if c.find("failure") is not None]
    assert any(name.startswith("test line") for name in failed), failed


def test_findings_below_fail_on_fail_no_test(tmp_path: Path) -> None:
    """The same bias's findings (severity 0.8) under fail_on 0.9 fail nothing (the run exits
    2 for its pronoun test's too few cases alone, one error case), nor do its tests, each
    saying why."""
    code, xml = _junit(tmp_path, blind, fail_on=0.9)
    assert code == 2
    assert not xml.findall(".//failure") and len(xml.findall(".//error")) == 1
    said = [c.findtext("system-out") or "" for c in xml.iter("testcase")]
    assert any("cases failing" in s and "below --fail-on 0.9" in s for s in said), said
