"""report47: a run's ``--json`` under a rule on the share says what its threshold count
counts; every output writes the rule as it pastes into a shell; the retraining's table shows
no interval of a counted share.

Before: ``at_or_above_threshold`` was the findings at severity 0 under ``--fail-on
'share>0.1'`` (19 beside exit 0, the rule named nowhere near it); an ended run wrote "above
--fail-on share>0.1: sex (exit 1)" (``>`` a shell's redirection) where an interrupted run,
the HTML and JUnit wrote ``--fail-on 'share>0.1'``; the retraining's HTML table read "6.19 %
6.19 % to 6.19 %" under "95 % CI" of a share counted over every row."""

from __future__ import annotations

import json
import re
import shlex
from pathlib import Path

import numpy as np
import pytest

from assay.cli.app import main
from assay.fairness.estimate import Estimate
from assay.fairness.mitigate import Measurement, MitigationReport

ROOT = Path(__file__).resolve().parents[2]
HEADING = "## A run's `--json`"

MODEL = """
import numpy as np


def by_sex(x):  # (sex decides a young person's answer)
    x = np.asarray(x, dtype=float)
    return ((x[:, 0] > 40) | (x[:, 2] > 0)).astype(int)


by_sex.classes_ = [0, 1]
"""


def documented() -> dict[str, str]:
    text = (ROOT / "docs" / "report-format.md").read_text()
    assert HEADING in text, "docs/report-format.md has no section on a run's --json"
    section = text.split(HEADING, 1)[1].split("\n## ", 1)[0]
    return dict(re.findall(r"^\| `(\w+)` \| (.+) \|$", section, re.M))


def _cli(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    with pytest.raises(SystemExit) as e:
        main(list(args))
    said = capsys.readouterr()
    return int(e.value.code or 0), said.out, said.err


@pytest.fixture
def command(tmp_path: Path) -> list[str]:
    (tmp_path / "m.py").write_text(MODEL)
    rng = np.random.default_rng(0)
    rows = ["age,hours,sex"]
    for _ in range(200):
        rows.append(f"{rng.integers(18, 80)},{rng.integers(10, 60)},{rng.integers(0, 2)}")
    (tmp_path / "people.csv").write_text("\n".join(rows) + "\n")
    return [
        "fairness", f"{tmp_path}/m.py:by_sex", "--data", str(tmp_path / "people.csv"),
        "--protected", "sex", "--max-queries", "300", "--seed", "1",
        "--store", str(tmp_path / "s.db"),
    ]  # fmt: skip


@pytest.mark.parametrize("limit", ["0.01", "0.99"])
def test_a_rule_runs_json_counts_no_threshold(
    command: list[str], capsys: pytest.CaptureFixture[str], limit: str
) -> None:
    rule = f"share>{limit}"
    code, out, err = _cli(capsys, *command, "--fail-on", rule, "--json")
    doc = json.loads(out)
    assert code == doc["exit_code"] == (1 if limit == "0.01" else 0), err
    assert doc["findings"] > 0 and doc["fail_on_rule"] == rule
    # main: the findings at 0 (``findings`` again), the rule named nowhere beside it
    assert doc["at_or_above_threshold"] is None
    assert doc["threshold_counts"] == (
        f"none: --fail-on '{rule}' judges the answer's share, not the findings"
    )
    docs = documented()
    assert set(doc) == set(docs), set(doc) ^ set(docs)


def test_without_a_rule_the_count_judges(
    command: list[str], capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, err = _cli(capsys, *command, "--json")
    doc = json.loads(out)
    assert code == 1, err
    assert doc["at_or_above_threshold"] == doc["findings"] > 0
    assert doc["threshold_counts"] == "the findings at or above --fail-on 0: each fails the run"


@pytest.mark.parametrize("limit", ["0.01", "0.99"])
def test_an_ended_runs_rule_pastes_into_a_shell(
    command: list[str], capsys: pytest.CaptureFixture[str], limit: str, tmp_path: Path
) -> None:
    report = tmp_path / "r.json"
    code, out, err = _cli(capsys, *command, "--fail-on", f"share>{limit}", "--report", str(report))
    said = out + err
    # main: "above --fail-on share>0.01: sex (exit 1)", "... above --fail-on share>0.99: the
    # run passes", "(--fail-on share>0.01)" on the attribute's line
    assert not re.search(r"--fail-on share", said), said
    quoted = re.findall(r"--fail-on '[^']*'", said)
    assert quoted and all(shlex.split(q) == ["--fail-on", f"share>{limit}"] for q in quoted)
    last = out.strip().splitlines()[-1]
    if code == 1:
        assert last == f"above --fail-on 'share>{limit}': sex (exit 1)", said
    else:
        assert last.startswith(f"no attribute's share is above --fail-on 'share>{limit}'")
    # the reports' command line: main said "exited 1 (findings at or above --fail-on)" of a
    # run its rule failed, whose findings judge nothing
    exited = json.loads(report.read_text())["command_exit"]
    if code == 1:
        assert exited == f"assay fairness exited 1 (above --fail-on 'share>{limit}')"
    else:
        assert exited == "assay fairness exited 0 (the run passed)"


def _measured(k: int, n: int, *, counted: bool = False) -> Measurement:
    return Measurement(Estimate.of("data", k, n, counted=counted), accuracy=0.8)


def test_the_retraining_table_shows_no_interval_of_a_count() -> None:
    report = MitigationReport(
        before=_measured(2_800, 45_222, counted=True),
        after=_measured(40, 8_000),
        control=_measured(300, 8_000),
        rounds=({"round": 1, "kept": True, "added_rows": 10},),
        policy="majority",
        estimator=None,
    )
    rows = report.section()["table"]["rows"]
    assert rows[0][1] == "6.19 %"
    assert rows[0][2] == "none: every row counted"  # main: "6.19 % to 6.19 %"
    assert re.fullmatch(r"[\d.]+ % to [\d.]+ %", rows[1][2])  # a sample's: its interval
    assert rows[1][2].split(" to ")[0] != rows[1][2].split(" to ")[1]
    assert report.section()["table"]["columns"][-1] == "discriminatory of counted"


def test_a_counted_before_is_no_fresh_sample() -> None:
    from assay.fairness.retrain import _before_versus_headline

    counted = Estimate.of("data", 2_800, 45_222, counted=True)
    said = _before_versus_headline([], counted)
    # main: "measured on one fresh random sample" beside "every data row asked"
    assert "random sample" not in said and said.startswith(
        "Before, after and the control count every data row (no sample, so no interval)"
    )
    sampled = _before_versus_headline([], Estimate.of("data", 40, 8_000))
    assert "one fresh random sample" in sampled
