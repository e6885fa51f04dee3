"""mutation47: bench/outputs_agree.py's checks can fail.

report46/report46b's checker reads every output of one run side by side and lists each
disagreement; no test read it, so a check that never fires (a comparison flipped, a key left
out, a case's noise filter applied to every case) passed unseen.  Each test here feeds the
checker's own functions outputs that disagree in one way (its subprocesses replaced by a fake
of what ``assay`` printed and wrote) and asserts the disagreement is listed, and that the same
outputs made to agree list none."""

from __future__ import annotations

import importlib
import json
import os
import sys
from collections.abc import Iterator
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest

BENCH = Path(__file__).resolve().parents[2] / "bench"


@pytest.fixture(scope="module")
def oa(tmp_path_factory: pytest.TempPathFactory) -> Iterator[ModuleType]:
    here = tmp_path_factory.mktemp("agree")
    saved = {k: os.environ.get(k) for k in ("OUTPUTS_AGREE_DIR", "PRINTED_COMMANDS_DIR")}
    os.environ["OUTPUTS_AGREE_DIR"] = str(here)  # (read at import: no stray temp folders)
    os.environ["PRINTED_COMMANDS_DIR"] = str(here)
    sys.path.insert(0, str(BENCH))
    try:
        yield importlib.import_module("outputs_agree")
    finally:
        sys.path.remove(str(BENCH))
        for k, v in saved.items():
            if v is None:
                os.environ.pop(k, None)
            else:
                os.environ[k] = v


def _problems(oa: ModuleType, name: str, facts: dict[str, dict[str, Any]]) -> list[str]:
    problems: list[str] = []
    oa._compare(name, facts, problems)
    return problems


def test_two_outputs_that_disagree_are_listed(oa: ModuleType) -> None:
    same = {"piped": {"exit": 1}, "junit": {"exit": 1}}
    assert _problems(oa, "f-found", same) == []
    problems = _problems(oa, "f-found", {"piped": {"exit": 1}, "junit": {"exit": 2}})
    assert len(problems) == 1 and "exit disagrees" in problems[0], problems
    # the verdict's own exit code is compared too
    problems = _problems(oa, "f-found", {"show": {"verdict_exit": 1}, "runs": {"verdict_exit": 2}})
    assert problems and "verdict_exit disagrees" in problems[0], problems


def test_only_a_noisy_cases_separate_runs_are_left_out(oa: ModuleType) -> None:
    facts = {"piped": {"findings": 4}, "json": {"findings": 6}, "tty": {"findings": 5}}
    # a deterministic case: the --json run and the TTY run are the same run's outputs
    assert len(_problems(oa, "f-found", facts)) == 1
    # a noisy model's separate invocations differ run to run: only their seed and rerun line
    assert _problems(oa, "t-noisy", facts) == []
    assert _problems(oa, "t-noisy", {"piped": {"seed": 3}, "json": {"seed": 4}})


def test_a_verdict_is_compared_without_the_reason_show_says_above_it(oa: ModuleType) -> None:
    facts = {
        "piped": {"verdict": "NOT EVERYTHING WAS TESTED: the budget ended (exit 2)"},
        "show": {"verdict": "not everything was tested (exit 2)"},
    }
    assert _problems(oa, "f-budget", facts) == []
    facts["runs"] = {"verdict": "not everything was tested (exit 1)"}
    assert _problems(oa, "f-budget", facts)


def test_headlines_are_compared_without_their_times(oa: ModuleType) -> None:
    facts = {
        "piped": {"headline": "12 found in 3.2 s; 40.1 per second (wall clock)"},
        "junit": {"headline": "12 found in 4.7 s; 38.0 per second (wall clock)"},
    }
    assert _problems(oa, "t-found", facts) == []
    facts["junit"]["headline"] = "13 found in 4.7 s; 38.0 per second (wall clock)"
    assert _problems(oa, "t-found", facts)


def test_the_words_each_output_is_read_by(oa: ModuleType) -> None:
    assert oa._norm("the run's verdict: passed (exit 0)") == "passed (exit 0)"
    assert oa._norm(f"cd /tmp/x && {sys.executable} -m assay show r1") == "assay show r1"
    assert oa._notes("warning: a caveat\nnote: a note\nplain line") == ["a caveat", "a note"]
    text = (
        "note: verify it with: assay verify fairness-1 --store s.db.\n"
        "see: assay show fairness-1 --store s.db;\n"
    )
    assert oa._commands(text) == [
        "assay verify fairness-1 --store s.db",
        "assay show fairness-1 --store s.db",
    ]
    demo = (
        "the demonstration found the bugs it demonstrates (exit 0)\n"
        "the demonstration's files: out/\n"
        "the demonstration found none of the bugs it demonstrates (exit 1)\n"
        "the demonstration ran for 3 s\n"
    )
    assert (
        oa._demo_line(demo) == "the demonstration found none of the bugs it demonstrates (exit 1)"
    )


def _junit(path: Path, *, failures: int, errors: int, exit_said: str, heads: list[str]) -> Path:
    suites = "".join(
        f'<testsuite name="s{k}" tests="1" failures="{failures if k == 0 else 0}" '
        f'errors="{errors if k == 0 else 0}"><properties>'
        f'<property name="command_exit" value="{exit_said}"/>'
        f'<property name="headline" value="{head}"/></properties></testsuite>'
        for k, head in enumerate(heads)
    )
    path.write_text(f"<testsuites>{suites}</testsuites>")
    return path


def test_a_junit_file_is_read_as_ci_reads_it(oa: ModuleType, tmp_path: Path) -> None:
    said = "assay backdoor exited 2 (not everything was tested)"
    f = oa._junit_facts(_junit(tmp_path / "a.xml", failures=0, errors=1, exit_said=said,
                               heads=["first", "second"]))  # fmt: skip
    assert f["red"] and f["exit"] == 2 and f["errors"] == 1, f
    assert f["headline"] == "first", f  # (the first suite's, as every suite's is the run's)
    f = oa._junit_facts(_junit(tmp_path / "b.xml", failures=0, errors=0, exit_said=said,
                               heads=["one"]))  # fmt: skip
    assert not f["red"], f


class _Verify:
    """``assay verify``'s two answers (piped and --json) as the checker's ``_run`` gives them."""

    def __init__(self, rc: int, still: int, of: int, js: dict[str, Any], rc_j: int | None = None):
        self.rc, self.rc_j = rc, rc if rc_j is None else rc_j
        self.text = f"{still:,} of {of:,} stored findings still fail against the model; x"
        self.js = js

    def __call__(self, argv: list[str], *, cwd: Path, tty: bool = False) -> tuple[int, str, str]:
        if "--json" in argv:
            return self.rc_j, json.dumps(self.js), ""
        return self.rc, self.text, ""


def _verify(oa: ModuleType, monkeypatch: pytest.MonkeyPatch, tmp_path: Path, fake: _Verify,
            said: dict[str, Any], name: str = "f-found") -> list[str]:  # fmt: skip
    monkeypatch.setattr(oa, "_run", fake)
    problems: list[str] = []
    oa.check_verify(name, tmp_path, "fairness-1", said, problems)
    return problems


def test_verify_agrees_with_itself_and_the_run(
    oa: ModuleType, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    run = {"exit": 1, "findings": 5}
    good = {"exit_code": 1, "still_failing": 5, "findings": 5}
    assert _verify(oa, monkeypatch, tmp_path, _Verify(1, 5, 5, good), run) == []
    # its --json says another exit code than both processes exited
    bad = _verify(oa, monkeypatch, tmp_path, _Verify(1, 5, 5, {**good, "exit_code": 2}), run)
    assert any("exit codes disagree" in p for p in bad), bad
    # its "N of M": M not the JSON's
    bad = _verify(oa, monkeypatch, tmp_path, _Verify(1, 5, 5, {**good, "findings": 6}), run)
    assert any("'N of M' is not its --json's" in p for p in bad), bad
    # more replayed than the run counted
    six = {**good, "still_failing": 6, "findings": 6}
    bad = _verify(oa, monkeypatch, tmp_path, _Verify(1, 6, 6, six), run)
    assert any("replayed 6 of a run that counted 5" in p for p in bad), bad
    # a deterministic run that exited 1 whose findings no longer all fail
    part = {**good, "still_failing": 3}
    bad = _verify(oa, monkeypatch, tmp_path, _Verify(1, 3, 5, part), run)
    assert any("no longer all fail" in p for p in bad), bad
    assert _verify(oa, monkeypatch, tmp_path, _Verify(1, 3, 5, part), run, "t-noisy") == []
    # exit 0 beside findings still failing
    zero = {**good, "exit_code": 0}
    bad = _verify(oa, monkeypatch, tmp_path, _Verify(0, 5, 5, zero), run)
    assert any("verify exits 0 with 5 still failing" in p for p in bad), bad


class _Case:
    """One case's three runs as ``assay`` would answer them: the piped run writes its files."""

    def __init__(self, rc: int, *, failures: int = 0, errors: int = 0, json_exit: int | None = None,
                 html_cell: str = "passing") -> None:  # fmt: skip
        self.rc, self.failures, self.errors = rc, failures, errors
        self.json_exit = rc if json_exit is None else json_exit
        self.html_cell = html_cell

    def __call__(self, argv: list[str], *, cwd: Path, tty: bool = False) -> tuple[int, str, str]:
        verdict = f"the run's verdict: judged (exit {self.rc})"
        text = f"the headline\n{verdict}\n"
        if tty:
            return self.rc, text, ""
        if "--json" in argv:
            return self.rc, json.dumps({"exit_code": self.json_exit, "seed": 3}), ""
        said = f"assay text exited {self.rc} (x)"
        _junit(cwd / "r.xml", failures=self.failures, errors=self.errors, exit_said=said,
               heads=["the headline"])  # fmt: skip
        (cwd / "r.html").write_text(
            f"<p>the headline</p><table><tr><td>{self.html_cell}</td></tr></table>"
        )
        doc = {"command_exit_code": self.rc, "exit_code": self.rc, "headline": "the headline"}
        (cwd / "r.json").write_text(json.dumps(doc))
        return self.rc, text, ""


def _case(oa: ModuleType, monkeypatch: pytest.MonkeyPatch, tmp_path: Path, fake: Any) -> list[str]:
    """The problems the checker lists of one case (a demonstration's when ``fake`` is a
    ``_Demo``) whose ``assay`` runs ``fake`` answers."""
    monkeypatch.setattr(oa, "HERE", tmp_path)
    monkeypatch.setattr(oa, "_run", fake)
    problems: list[str] = []
    if isinstance(fake, _Demo):
        oa.check_demo("d-x", ["demo"], problems)
    else:
        oa.check_case("t-x", ["text"], problems, run_commands=False)
    return problems


def test_a_cases_junit_html_and_json_are_held_to_its_exit_code(
    oa: ModuleType, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    assert _case(oa, monkeypatch, tmp_path, _Case(1, failures=1, html_cell="failing")) == []
    assert _case(oa, monkeypatch, tmp_path, _Case(2, errors=1)) == []
    # a failed case beside exit 2 (a finding's failure where the run was not judged by it)
    bad = _case(oa, monkeypatch, tmp_path, _Case(2, failures=1, errors=1))
    assert any("JUnit 1 failures but exit 2" in p for p in bad), bad
    # the HTML's table of tests says 'failing' beside exit 2
    bad = _case(oa, monkeypatch, tmp_path, _Case(2, errors=1, html_cell="failing"))
    assert any("says 'failing' beside exit 2" in p for p in bad), bad
    # --json's exit code not the process's
    bad = _case(oa, monkeypatch, tmp_path, _Case(2, errors=1, json_exit=1))
    assert any("--json says exit 1, the process exited 2" in p for p in bad), bad


class _Demo:
    """``assay demo``'s runs: the piped one writes its files under ``--out``."""

    def __init__(self, rc: int, *, red: bool = False, exit_said: str | None = None) -> None:
        self.rc, self.red = rc, red
        self.exit_said = exit_said or f"assay demo exited {rc} (the demonstration found ...)"

    def __call__(self, argv: list[str], *, cwd: Path, tty: bool = False) -> tuple[int, str, str]:
        line = f"the demonstration found the bugs it demonstrates (exit {self.rc})\n"
        if not tty:
            out = cwd / argv[argv.index("--out") + 1]
            out.mkdir(exist_ok=True)
            _junit(out / "d.junit.xml", failures=int(self.red), errors=0,
                   exit_said=self.exit_said, heads=["h"])  # fmt: skip
        return self.rc, line, ""


def test_a_demonstrations_junit_is_held_to_its_exit_code(
    oa: ModuleType, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    assert _case(oa, monkeypatch, tmp_path, _Demo(0)) == []
    bad = _case(oa, monkeypatch, tmp_path, _Demo(0, red=True))
    assert any("junit has 1 failures, 0 errors beside exit 0" in p for p in bad), bad
    bad = _case(
        oa, monkeypatch, tmp_path, _Demo(0, exit_said="assay demo exited 0 (the run passed)")
    )
    assert any("says 'assay demo exited 0 (the run passed)' of a demonstration" in p for p in bad)
