"""text36c: ``assay verify`` of a suite run lists each test with how many of its stored
failing cases still fail (text35b's Left 8): before, it said one count for the whole run,
so a CheckList user could not see which test a fix repaired."""

from __future__ import annotations

import json
from pathlib import Path

from typer.testing import CliRunner

from assay.cli.app import app, register

from test_text35_checklist import LINE_INV, LINE_NEG, LINE_POS, SUITE  # isort: skip

register()
runner = CliRunner()

CLASSIFIERS = (
    "def _scores(batch, reads_not, room):\n"
    "    out = []\n"
    "    for s in batch:\n"
    "        neg = 'bad' in s or 'awful' in s or (reads_not and ' not ' in f' {s} ')\n"
    "        out.append([0.8, 0.2] if neg or (room and 'room' in s) else [0.3, 0.7])\n"
    "    return out\n"
    "def both(batch):  # blind to 'not', and 'room' makes anything negative\n"
    "    return _scores(batch, False, True)\n"
    "def roomy(batch):  # 'not' read now: the negation fixed, the room bug kept\n"
    "    return _scores(batch, True, True)\n"
    "both.classes_ = roomy.classes_ = ['neg', 'pos']\n"
)


def test_verify_of_a_suite_says_which_test_a_fix_repaired(tmp_path: Path) -> None:
    (tmp_path / "clf.py").write_text(CLASSIFIERS, encoding="utf-8")
    (tmp_path / "suite.cfg").write_text(SUITE, encoding="utf-8")
    store = str(tmp_path / "runs.db")
    made = runner.invoke(
        app,
        [
            "text", f"{tmp_path}/clf.py:both", "--grammar", str(tmp_path / "suite.cfg"),
            "--oracle", "suite", "--max-queries", "1500", "--seed", "3", "--store", store,
        ],
    )  # fmt: skip
    assert made.exit_code == 1, made.output
    run = made.output.split("run ", 1)[1].split(",", 1)[0]
    args = ["verify", run, "--store", store, "--model", f"{tmp_path}/clf.py:roomy"]
    got = runner.invoke(app, [*args, "--json"])
    assert got.exit_code == 1, got.output
    # main: no "tests", one count for the whole run
    doc, _ = json.JSONDecoder().raw_decode(got.output)  # (the terminal's lines: stderr)
    tests = {t["test"]: t for t in doc["tests"]}
    assert list(tests)[:3] == [LINE_POS, LINE_NEG, LINE_INV]
    # the room bug kept: every positive MFT failure still fails, and the swaps of "room"
    # into a plain sentence (those into a negated one failed by the negation: fixed)
    assert tests[LINE_POS]["stored"] > 0, tests
    assert tests[LINE_POS]["still_failing"] == tests[LINE_POS]["stored"], tests
    assert 0 < tests[LINE_INV]["still_failing"] < tests[LINE_INV]["stored"], tests
    assert sum(t["stored"] for t in tests.values()) == doc["findings"]
    assert sum(t["still_failing"] for t in tests.values()) == doc["still_failing"]
    assert tests[LINE_NEG]["stored"] > 0 and tests[LINE_NEG]["still_failing"] == 0, tests
    assert tests[LINE_NEG]["no_longer_failing"] == tests[LINE_NEG]["stored"]
    said = runner.invoke(app, args).output
    neg = tests[LINE_NEG]["stored"]
    assert f"  {LINE_NEG}: 0 of {neg:,} still fail; {neg:,} no longer do" in said, said
    pos = tests[LINE_POS]["stored"]
    assert f"  {LINE_POS}: {pos:,} of {pos:,} still fail\n" in said, said
