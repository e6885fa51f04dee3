"""left47f: an interrupted fairness run judged by a rule on the share says the rule and that
it was not judged, on the terminal, in ``--json``, the JSON report, the HTML and JUnit alike.

Before, a run given ``--fail-on 'share>0.1'`` and stopped by a Ctrl-C in its search said
"its findings so far: 227 at or above --fail-on 0" (a threshold the user did not give; the
rule judges the answer's share, which an interrupted run never computed); the HTML said none
of it, and JUnit failed each finding as if they judged the run.  With the answer computed
before the search (``--max-time``) and the run interrupted after it, the terminal printed
"above --fail-on share>0.1: sex (exit 1)" under a command that exited 130.

The first test's model sends a SIGINT to its own process group (a Ctrl-C; the command runs in
a session of its own) on its 8th call, in the search; the second builds the stored runs."""

from __future__ import annotations

import html
import json
import os
import re
import subprocess
import sys
import xml.etree.ElementTree as ET
from pathlib import Path

import numpy as np
import pytest

import assay
from assay.cli.app import main
from assay.core.findings import FindingBatch
from assay.core.store import RunStore
from assay.report.document import build_document
from assay.report.html import render_html
from assay.report.junit import render_junit

SRC = str(Path(assay.__file__).parents[1])

MODEL = """
import os, signal
import numpy as np
_n = [0]


def by_sex(x):  # (sex decides a young person's answer)
    _n[0] += 1
    if _n[0] == 8:
        os.killpg(os.getpgid(0), signal.SIGINT)  # (a Ctrl-C: to its own session's group)
    x = np.asarray(x, dtype=float)
    return ((x[:, 0] > 40) | (x[:, 2] > 0)).astype(int)


by_sex.classes_ = [0, 1]
"""

NOT_JUDGED = (
    "--fail-on 'share>0.1' not judged: it judges the answer's share, which the run has not "
    "computed yet (resuming the run computes it)"
)


def _files(tmp: Path) -> None:
    (tmp / "m.py").write_text(MODEL)
    rng = np.random.default_rng(0)
    rows = ["age,hours,sex,income"]
    for _ in range(300):
        age, hours, sex = rng.integers(18, 80), rng.integers(10, 60), rng.integers(0, 2)
        rows.append(f"{age},{hours},{sex},{rng.integers(0, 90000)}")
    (tmp / "people.csv").write_text("\n".join(rows) + "\n")


def _page(text: str) -> str:
    return html.unescape(re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", text)))


@pytest.mark.parametrize("as_json", [False, True])
def test_an_interrupted_rule_run_says_the_rule_was_not_judged(
    tmp_path: Path, as_json: bool
) -> None:
    _files(tmp_path)
    args = ["fairness", "m.py:by_sex", "--data", "people.csv", "--protected", "sex"]
    args += ["--fail-on", "share>0.1", "--seed", "1", "--store", "s.db"]
    args += ["--report", "r.json", "--html", "r.html", "--junit", "r.xml"]
    args += ["--json"] if as_json else []
    env = {**os.environ, "PYTHONPATH": SRC}
    run = subprocess.run(
        [sys.executable, "-m", "assay", *args],
        cwd=tmp_path, env=env, capture_output=True, text=True, timeout=300,
        start_new_session=True,  # (its group is its own: the model's Ctrl-C reaches it alone)
    )  # fmt: skip
    said = run.stdout + run.stderr
    assert run.returncode == 130, said
    verdicts = [ln for ln in said.splitlines() if ln.startswith("the run's verdict:")]
    if as_json:
        verdicts.append(json.loads(run.stdout)["verdict"])
    verdicts.append(json.loads((tmp_path / "r.json").read_text())["verdict"])
    assert len(verdicts) == 2 + as_json, said
    for line in verdicts:
        # main: "...; its findings so far: 227 at or above --fail-on 0 (exit 130)"
        assert re.fullmatch(
            r"the run's verdict: the run is interrupted: it has not ended; "
            + re.escape(NOT_JUDGED)
            + r"; its findings so far: [0-9,]+ discriminatory inputs \(the rule judges the "
            r"share, not them\) \(exit 130\)",
            line,
        ), line
        assert "at or above --fail-on 0" not in line
    so_far = verdicts[0].split("it has not ended; ", 1)[1].removesuffix(" (exit 130)")
    # the HTML's verdict (main: "none yet: the run has not ended (interrupted)" alone)
    assert f"none yet: the run has not ended (interrupted); {so_far}" in _page(
        (tmp_path / "r.html").read_text()
    )
    # JUnit: its error says it, and no finding fails a run the rule judges (main: each did)
    root = ET.parse(tmp_path / "r.xml").getroot()
    errors = [e.get("message", "") for e in root.iter("error")]
    assert any(so_far in e for e in errors), errors
    assert not list(root.iter("failure")), "a finding failed under a rule not judged"
    assert "(exit 1)" not in said


def _stored(path: Path, rule: str, status: str, summary: dict[str, object]) -> Path:
    """A fairness run judged by ``rule``, holding one IDI, as ``status`` and ``summary``."""
    with RunStore(path) as store:
        store.create_run(
            run_id="fairness-1", technique="fairness", seed=1,
            command=f"assay fairness m.py:f --dataset german --max-time 60 --fail-on '{rule}'",
            config={"answer": {"fail_on": rule}}, model={}, versions={},
        )  # fmt: skip
        batch = FindingBatch(
            kind="fairness.idi",
            inputs=np.asarray([[[20.0, 0.0], [20.0, 1.0]]]),
            outputs=np.asarray([[0, 1]]),
            severity=np.asarray([1.0]),
        )
        headline = "1 discriminatory input found for sex in 400 queries"
        store.checkpoint(
            "fairness-1", findings=[batch], status=status, progress={"queries": 400},
            summary={"headline": headline, "tested": 400, **summary},
        )  # fmt: skip
    return path


def _store(tmp_path: Path, fails: bool) -> Path:
    """An interrupted run whose answer was computed before its search (``--max-time``)."""
    row = {
        "attribute": "sex", "basis": "sampled", "share_uniform": 0.37, "uniform_low": 0.36,
        "uniform_high": 0.38, "uniform_sampled": 20000, "share_data": None, "data_low": None,
        "data_high": None, "level": "fail" if fails else "pass", "fails": fails,
        "certificate": None, "undecided": False,
    }  # fmt: skip
    rule = "share>0.1" if fails else "share>0.5"
    return _stored(tmp_path / "runs.db", rule, "interrupted", {"verdict": [row]})


@pytest.mark.parametrize("fails", [True, False])
def test_an_interrupted_runs_judged_rule_is_said_alike(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], fails: bool
) -> None:
    path = _store(tmp_path, fails)
    doc = build_document(RunStore(path, read_only=True), "fairness-1")
    with pytest.raises(SystemExit) as e:
        main(["show", "fairness-1", "--store", str(path)])
    shown = [ln for ln in capsys.readouterr().out.splitlines() if ln.startswith("the run's")]
    assert e.value.code in (0, None)
    answer = (
        "its answer: above --fail-on 'share>0.1' on sex"
        if fails
        else "its answer: no attribute's share above --fail-on 'share>0.5'"
    )
    so_far = f"{answer}; its findings so far: 1 discriminatory input (the rule judges the "
    so_far += "share, not them)"
    # main: "its findings so far: above --fail-on share>0.1 on sex", and for a passing
    # answer nothing at all (the HTML: nothing either way)
    assert (
        doc["verdict"]
        == f"the run's verdict: the run is interrupted: it has not ended; {so_far} (exit 130)"
    )
    assert shown == [doc["verdict"]]
    assert so_far in _page(render_html(doc))
    junit = ET.fromstring(render_junit(doc).split("\n", 1)[1])
    errors = [x.get("message", "") for x in junit.iter("error")]
    assert any(so_far in x for x in errors), errors
    # the judged answer's case fails or passes as the answer did; the finding fails nothing
    assert len(list(junit.iter("failure"))) == int(fails)


def test_a_rule_runs_answer_never_computed_says_its_findings_judge_in_its_place(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """A run whose search ended without its answer (``--max-time`` left it none, or an
    interrupt came while it was computed) never judged its rule: its findings fail it in the
    rule's place (exit 1, as before), said so (main: "1 finding at or above --fail-on 0
    (exit 1)", a threshold the user did not give)."""
    missing = (
        "the answer (the share of discriminatory inputs per protected attribute, and its "
        "verdict) was not computed within --max-time"
    )
    summary: dict[str, object] = {"incomplete_reason": missing}
    path = _stored(tmp_path / "runs.db", "share>0.1", "completed", summary)
    doc = build_document(RunStore(path, read_only=True), "fairness-1")
    unjudged = (
        "--fail-on 'share>0.1' not judged: it judges the answer's share, which the run has not "
        "computed (resuming the run computes it); its 1 discriminatory input fails the run in "
        "its place"
    )
    assert doc["exit_code"] == 1
    assert doc["verdict"] == f"the run's verdict: {unjudged} (exit 1)"
    with pytest.raises(SystemExit) as e:
        main(["report", "fairness-1", "--store", str(path), "--junit", str(tmp_path / "j.xml")])
    assert e.value.code == 1
    assert doc["verdict"] in capsys.readouterr().out.splitlines()
    assert f"fails: {unjudged}" in _page(render_html(doc))
    junit = ET.fromstring(render_junit(doc).split("\n", 1)[1])
    assert len(list(junit.iter("failure"))) == 1  # (the finding fails, as the exit code)
    assert any(unjudged in x.get("message", "") for x in junit.iter("error"))
