"""A hostile new user's reports and API session (hostile15b): what the JUnit file, the HTML and
the JSON say must agree with the exit code and the headline; the API's run deletion reads
well in a notebook and names its own arguments."""

from __future__ import annotations

import copy
import json
import os
import subprocess
import sys
import xml.etree.ElementTree as ET
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pytest
from ci22_in_process import assay_here

import assay
from assay.core.run import RunInterrupted
from assay.core.store import RunStore
from assay.errors import UsageError
from assay.report import build_document, load_schema, render_html, render_junit

# a model that favours men on a share of the input space near 50 %: found by any search
MODEL = """
import numpy as np
def predict(rows):
    rows = np.asarray(rows, dtype=object)
    return ((rows[:, 0].astype(float) > 40) & (rows[:, 2] == "M")).astype(int)
predict.classes_ = ["no", "yes"]
"""


def _frame(n: int = 200) -> pd.DataFrame:
    rng = np.random.default_rng(0)
    return pd.DataFrame(
        {
            "age": rng.integers(18, 80, n),
            "income": rng.integers(0, 5000, n),
            "sex": rng.choice(["F", "M"], n),
        }
    )


def _by_sex(rows: Any) -> np.ndarray:
    rows = np.asarray(rows, dtype=object)
    out: np.ndarray = ((rows[:, 0].astype(float) > 40) & (rows[:, 2] == "M")).astype(np.int64)
    return out


_by_sex.classes_ = ["no", "yes"]  # type: ignore[attr-defined]


def _junit(doc: dict[str, Any]) -> tuple[int, int, list[ET.Element]]:
    root = ET.fromstring(render_junit(doc))
    failures = root.findall(".//failure")
    assert int(root.get("failures", -1)) == len(failures)  # the count says what is there
    return len(failures), len(root.findall(".//error")), root.findall(".//testcase")


@pytest.fixture(scope="module")
def judged_by_share(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    """A fairness run with IDIs found whose share (about 30 %) is within its rule."""
    store = tmp_path_factory.mktemp("share") / "s.db"
    result = assay.check_fairness(
        _by_sex,
        data=_frame(),
        protected=["sex"],
        max_queries=600,
        seed=1,
        store=store,
        fail_on="share>0.9",
    )
    assert result.n_findings > 0
    with RunStore(store, read_only=True) as s:
        doc = build_document(s, result.run_id)
    loaded: dict[str, Any] = json.loads(json.dumps(doc))
    return loaded


def test_a_run_passing_its_share_rule_has_no_failing_junit_case(
    judged_by_share: dict[str, Any],
) -> None:
    """`--fail-on 'share>0.9'` passed (exit 0), yet every IDI was a failed JUnit case: CI
    read the JUnit file as a failure of the build the exit code let through."""
    doc = judged_by_share
    assert [v["fails"] for v in doc["run"]["summary"]["verdict"]] == [False]
    failures, errors, cases = _junit(doc)
    assert (failures, errors) == (0, 0)
    names = [c.get("name", "") for c in cases]
    assert any(n.startswith("share of discriminatory inputs: sex") for n in names), names
    jsonschema = pytest.importorskip("jsonschema")
    jsonschema.validate(doc, load_schema())


def test_a_share_above_the_rule_fails_junit_even_with_no_finding_stored(
    judged_by_share: dict[str, Any],
) -> None:
    """The answer's share above the rule exits 1; with no finding stored, the JUnit file had
    one passing case ('no finding at or above the threshold'): a false pass for CI."""
    doc = copy.deepcopy(judged_by_share)
    doc["run"]["summary"]["verdict"][0].update(level="fail", fails=True)
    failures, _, cases = _junit(doc)
    assert failures == 1
    failed = [c for c in cases if c.find("failure") is not None]
    assert "sex" in failed[0].get("name", "")
    doc["findings"].update(total=0, examples=[], at_or_above_fail_on=0, by_kind={})
    failures, _, cases = _junit(doc)
    assert failures == 1, [c.get("name") for c in cases]


def test_report_times_are_the_runs_wall_clock(judged_by_share: dict[str, Any]) -> None:
    """The JUnit suite's time and the HTML's 'Elapsed' were the search's seconds (0.06 s)
    beside a headline of '1.2 s (wall clock)'."""
    doc = judged_by_share
    wall = doc["run"]["summary"]["metrics"]["wall-clock seconds"]
    assert wall > doc["run"]["progress"]["elapsed"]  # (loading and the answer count)
    root = ET.fromstring(render_junit(doc))
    assert float(root.get("time", "nan")) == pytest.approx(wall, abs=1e-3)
    html = render_html(doc)
    assert "Elapsed (wall clock)" in html
    assert f"{wall:g} s" in html or f"{wall:.2f} s" in html


def test_the_command_line_and_its_reports_agree_on_a_share_rule(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (tmp_path / "m.py").write_text(MODEL)
    _frame().to_csv(tmp_path / "people.csv", index=False)
    args = ["m.py:predict", "--data", "people.csv", "--protected", "sex"]
    args += ["--max-queries", "600", "--seed", "2", "--store", "s.db", "--fail-on", "share>0.9"]
    done = assay_here(capsys, "fairness", *args, "--junit", "j.xml", "--json", cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    result = json.loads(done.stdout)  # stdout: the JSON alone
    assert result["findings"] > 0
    assert result["fail_on_rule"] == "share>0.9" and result["failing_attributes"] == []
    assert "no attribute's share is above --fail-on 'share>0.9'" in done.stderr
    root = ET.parse(tmp_path / "j.xml").getroot()
    assert root.get("failures") == "0" and root.get("errors") == "0"


# -- the API's run deletion in a notebook -------------------------------------------------


def _two_runs(store: Path) -> list[str]:
    ids = []
    for seed in (1, 2):
        r = assay.check_fairness(
            _by_sex, data=_frame(60), protected=["sex"], max_queries=200, seed=seed, store=store
        )
        ids.append(r.run_id)
    return ids


def test_deleting_runs_from_the_api_reads_well_and_names_its_arguments(tmp_path: Path) -> None:
    store = tmp_path / "s.db"
    first, second = _two_runs(store)
    # one id alone is one id (it was read letter by letter: "no run 'f'")
    dry = assay.delete_runs(first, store=store, dry_run=True)
    assert dry.ids == [first]
    text = repr(dry)  # a notebook shows this: one line, not every run's config
    assert first in text and "would delete 1 run" in text and len(text) < 300, text
    done = assay.delete_runs([first], store=store)
    assert "deleted 1 run" in repr(done) and "MB" in repr(done)
    with RunStore(store, read_only=True) as s:
        assert [r.id for r in s.list_runs()] == [second]
    # errors name the API's arguments, not the command line's options
    with pytest.raises(UsageError) as err:
        assay.prune_runs(store=store, keep_last=-1)
    assert err.value.argument == "keep_last" and "--keep-last" not in str(err.value)
    with pytest.raises(UsageError, match="keep_last=N"):
        assay.prune_runs(store=store)
    with pytest.raises(UsageError) as err:
        assay.delete_runs(["nosuch"], store=store)
    assert err.value.argument == "run_ids"
    # statuses as the command line takes them; an age as Python says it
    assert assay.prune_runs(store=store, status="failed,interrupted", dry_run=True).ids == []
    import datetime

    old = assay.prune_runs(store=store, older_than=datetime.timedelta(days=1), dry_run=True)
    assert old.ids == [] and old.kept == 1


def test_a_mistyped_store_is_refused_not_created_empty(tmp_path: Path) -> None:
    """`prune_runs(store="typo.db", keep_last=0)` created an empty store and said it deleted
    nothing: a cleanup that did nothing, reported as done."""
    typo = tmp_path / "typo.db"
    with pytest.raises(UsageError) as err:
        assay.prune_runs(store=typo, keep_last=0)
    assert err.value.argument == "store"
    with pytest.raises(UsageError):
        assay.delete_runs(["x"], store=typo)
    assert not typo.exists()


def test_an_interrupted_run_says_how_to_go_on() -> None:
    exc = RunInterrupted("text-1", "/tmp/s.db")
    assert isinstance(exc, KeyboardInterrupt) and exc.run_id == "text-1"
    assert "assay.resume_run('text-1', store='/tmp/s.db')" in str(exc)
    assert "stored" in str(exc)


def test_the_last_progress_line_of_an_interrupted_run_does_not_say_done(tmp_path: Path) -> None:
    from assay.core.run import ended_outcome

    seen: list[dict[str, Any]] = []
    with RunStore(tmp_path / "s.db") as store:
        store.create_run(
            run_id="r", technique="toy", seed=1, command="x", config={}, model={}, versions={}
        )
        store.checkpoint("r", status="interrupted")
        ended_outcome(store, "r", "interrupted", {}, {"queries": 3}, None, seen.append)
        ended_outcome(store, "r", "completed", {}, {"queries": 3}, None, seen.append)
    assert [p["phase"] for p in seen] == ["interrupted", "done"]


# -- commands a report carries, pasted wherever the report was read --------------------------


def _shell(command: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(sys.path)}
    env["PATH"] = os.path.dirname(sys.executable) + os.pathsep + env.get("PATH", "")
    return subprocess.run(
        ["bash", "-c", command], cwd=cwd, capture_output=True, text=True, timeout=300, env=env
    )


def test_a_reports_commands_work_pasted_in_another_directory(tmp_path: Path) -> None:
    """The JSON/HTML/JUnit report's rerun command and report command held the run's relative
    paths (``--store 'st ore/r.db'``, ``--data people.csv``): pasted from a CI artifact
    anywhere else, both failed."""
    where = tmp_path / "it's a dir é"
    where.mkdir()
    (where / "m.py").write_text(MODEL)
    _frame().to_csv(where / "people.csv", index=False)
    args = "m.py:predict --data people.csv --protected sex --max-queries 300 --seed 3"
    done = _shell(f"assay fairness {args} --store 'st ore/r.db' --report r.json", where)
    assert done.returncode == 1, done.stderr
    doc = json.loads((where / "r.json").read_text())
    elsewhere = tmp_path / "other"
    elsewhere.mkdir()
    again = _shell(doc["report_command"] + " --json", elsewhere)
    assert again.returncode == 1, again.stderr  # the run's verdict (left26)
    assert json.loads(again.stdout)["run"]["id"] == doc["run"]["id"]
    rerun = _shell(doc["rerun"] + " --json", elsewhere)
    assert rerun.returncode == 1, rerun.stderr
    assert json.loads(rerun.stdout)["findings"] == doc["findings"]["total"]  # same seed


def test_an_api_run_says_how_it_was_called(tmp_path: Path) -> None:
    """An API run's command was '(Python API; seed 1)': the seed, but none of the arguments."""
    result = assay.check_fairness(
        _by_sex, data=_frame(), protected=["sex"], max_queries=300, seed=4, store=tmp_path / "s"
    )
    command = result.command
    assert command.startswith("assay.check_fairness(<_by_sex>, "), command
    for part in ("data=<DataFrame 200 x 3>", "protected=['sex']", "max_queries=300", "seed=4"):
        assert part in command, command


def _pos_if_good(batch: list[str]) -> list[str]:
    return ["pos" if "good" in s or "not bad" in s else "neg" for s in batch]


def _pos_if_only_good(batch: list[str]) -> list[str]:
    return ["pos" if "good" in s else "neg" for s in batch]


_pos_if_good.classes_ = ["neg", "pos"]  # type: ignore[attr-defined]
_pos_if_only_good.classes_ = ["neg", "pos"]  # type: ignore[attr-defined]


def test_a_text_result_shows_in_a_notebook_with_its_findings_escaped(tmp_path: Path) -> None:
    """A text (or backdoor) result had no HTML view: a notebook showed one line, without
    the findings, the seed or how to rerun it."""
    grammar = 'S -> "the" N "is" A\nN -> "<script>x</script>" | "room"\nA -> "good" | "not bad"\n'
    result = assay.check_text(
        [_pos_if_good, _pos_if_only_good],
        grammar=grammar,
        max_queries=50,
        seed=2,
        store=tmp_path / "s.db",
    )
    assert result.n_findings > 0
    html = result._repr_html_()
    assert "<table" in html and "not bad" in html
    assert "<script>" not in html and "&lt;script&gt;" in html
    assert "seed 2" in html and "assay.check_text(" in html


class _SlowBySex:
    """Favours men above 40; 20 ms a call, so that an interrupt finds the run searching."""

    capabilities = assay.Capabilities("tabular", 2, "labels")

    def predict(self, rows: Any) -> np.ndarray:
        import time

        time.sleep(0.02)
        return _by_sex(rows)


def test_a_resumed_fairness_run_counts_its_earlier_sessions_wall_clock(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A resumed run's 'wall clock' was the earlier sessions' search time plus the last
    session's wall clock: the first session's loading and answer dropped out, and its
    rates per wall-clock second rose (4.1 s, then 4.7 s after 4.5 s more)."""
    import threading
    import time

    import assay.fairness.check as fairness_check

    loaded = fairness_check.setup_fairness  # type: ignore[attr-defined]

    def slow_setup(*args: object, **kwargs: object) -> object:
        time.sleep(1.0)  # loading: part of the run's wall clock
        return loaded(*args, **kwargs)

    monkeypatch.setattr(fairness_check, "setup_fairness", slow_setup)
    rng = np.random.default_rng(1)
    frame = pd.DataFrame(
        {
            "age": rng.integers(18, 90, 300),
            "income": rng.integers(0, 100_000, 300),
            "sex": rng.choice(["F", "M"], 300),
        }
    )
    store = tmp_path / "s.db"
    # stopped from another thread (``stop=``: the result is returned; a Ctrl-C now raises
    # RunInterrupted, which left this test skipped on every run)
    stop = threading.Event()
    timer = threading.Timer(2.5, stop.set)
    timer.start()
    try:
        first = assay.check_fairness(
            _SlowBySex(),
            data=frame,
            protected=["sex"],
            max_queries=8_000,
            seed=1,
            store=store,
            stop=stop,
        )
    finally:
        timer.cancel()
    with RunStore(store, read_only=True) as s:
        record = s.list_runs()[0]
    assert record.status == "interrupted", record.status
    wall_first = float(first.summary["wall_seconds"])
    assert wall_first >= 1.0  # loading counted
    t0 = time.monotonic()
    resumed = assay.resume_run(record.id, store=store, model=_SlowBySex(), data=frame)
    session = time.monotonic() - t0
    assert resumed.status in ("completed", "budget_exhausted")
    wall = float(resumed.summary["wall_seconds"])
    assert wall >= wall_first + 0.9 * session - 0.5, (wall, wall_first, session)


def test_paths_written_with_a_tilde_are_the_home_folders(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """`--store=~/runs.db` (a shell leaves `~` after `=` as it is) made a folder named `~` in
    the working directory and put the run there; `--junit=~/j.xml` likewise."""
    home, work = tmp_path / "home", tmp_path / "work"
    home.mkdir()
    work.mkdir()
    (work / "m.py").write_text(MODEL)
    _frame(60).to_csv(work / "people.csv", index=False)
    args = ["m.py:predict", "--data", "people.csv", "--protected", "sex", "--max-queries", "100"]
    done = assay_here(
        capsys, "fairness", *args, "--store=~/runs.db", "--junit=~/j.xml", cwd=work,
        env={"HOME": str(home)},
    )  # fmt: skip
    assert done.returncode in (0, 1), done.stderr
    assert (home / "runs.db").is_file() and (home / "j.xml").is_file()
    assert not (work / "~").exists()


def test_findings_of_a_deleted_run_say_so_not_an_empty_table(tmp_path: Path) -> None:
    """After `assay.delete_runs`, a result's `findings()` was an empty DataFrame beside a
    headline of 39 IDIs: nothing found, as far as the table told."""
    store = tmp_path / "s.db"
    result = assay.check_fairness(
        _by_sex, data=_frame(100), protected="sex", max_queries=200, seed=1, store=store
    )
    # a function fed arrays: findings() raised AttributeError ('numpy.ndarray' object has
    # no attribute 'reset_index'); the user's columns, categories and class names
    frame = result.findings()
    assert len(frame) > 0 and {"age", "income", "sex", "prediction"} <= set(frame.columns)
    assert set(frame["sex"]) == {"F", "M"} and set(frame["prediction"]) <= {"no", "yes"}
    assay.delete_runs(result.run_id, store=store)
    with pytest.raises(UsageError, match="no longer in the store"):
        result.findings()
    assert result.headline in result._repr_html_() or "discriminatory" in result._repr_html_()


def test_a_one_line_grammar_is_read_as_a_grammar(tmp_path: Path) -> None:
    """`grammar='S -> "good" | "bad"'` was taken for a file's name ("no such grammar file:
    S -> ...", the grammar printed twice); several lines were already read as a grammar."""
    result = assay.check_text(
        [_pos_if_good, _pos_if_only_good],
        grammar='S -> "good" | "not bad" | "bad"',
        max_queries=10,
        seed=1,
        store=tmp_path / "s.db",
    )
    assert result.n_findings == 1  # "not bad": one says pos, the other neg
    assert "assay.check_text([<_pos_if_good>, <_pos_if_only_good>]" in result.command


def _fair(rows: Any) -> np.ndarray:
    out: np.ndarray = (np.asarray(rows, dtype=object)[:, 0].astype(float) > 40).astype(np.int64)
    return out


_fair.classes_ = ["no", "yes"]  # type: ignore[attr-defined]


def test_a_result_says_whether_it_passed_as_the_exit_code_does(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """A notebook or pytest user had the findings' count, but no way to judge a run the way
    the command line does: with a rule on the share, 90 IDIs and a pass."""
    from assay.core.outcome import passes

    store = tmp_path / "s.db"
    common: dict[str, Any] = {"data": _frame(), "protected": ["sex"], "store": store}
    within = assay.check_fairness(_by_sex, max_queries=600, seed=1, fail_on="share>0.9", **common)
    assert within.n_findings > 0 and within.passed
    above = assay.check_fairness(_by_sex, max_queries=600, seed=1, fail_on="share>0.1", **common)
    assert not above.passed
    found = assay.check_fairness(_by_sex, max_queries=600, seed=1, **common)
    assert not found.passed
    clean = assay.check_fairness(_fair, max_queries=600, seed=1, **common)
    assert clean.n_findings == 0 and clean.passed
    # the command line's exit code for the same kinds of run agrees
    (tmp_path / "m.py").write_text(MODEL)
    _frame().to_csv(tmp_path / "people.csv", index=False)
    for rule, code in (("share>0.9", 0), ("share>0.1", 1)):
        args = ["m.py:predict", "--data", "people.csv", "--protected", "sex", "--seed", "1"]
        args += ["--max-queries", "600", "--fail-on", rule, "--store", "cli.db", "--json"]
        done = assay_here(capsys, "fairness", *args, cwd=tmp_path)
        assert done.returncode == code, done.stderr
        with RunStore(tmp_path / "cli.db", read_only=True) as s:
            record = s.get_run(json.loads(done.stdout)["run_id"])
            bad = s.count_at_or_above(record.id, 0.0)
        assert passes(record.status, record.summary, record.config, bad) is (code == 0)


def test_a_result_reads_its_store_after_the_notebook_changes_directory(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A result kept the store's path as given (the default `.assay/runs.db`, relative): after
    `os.chdir`, `findings()` looked in (and created) another store."""
    monkeypatch.chdir(tmp_path)
    result = assay.check_fairness(
        _by_sex, data=_frame(100), protected="sex", max_queries=200, seed=1
    )
    assert result.store.is_absolute()
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    monkeypatch.chdir(elsewhere)
    assert len(result.findings()) > 0 and result.passed is False
    assert not (elsewhere / ".assay").exists()


def test_every_techniques_report_fits_its_schema_whatever_the_runs_end(tmp_path: Path) -> None:
    """A guard: the JSON document of a zero-finding fairness run, a budget-exhausted text run,
    a backdoor scan whose budget ended before its images, and an interrupted run fits
    `schema.json`; each JUnit file's counts are its elements'."""
    jsonschema = pytest.importorskip("jsonschema")
    store = tmp_path / "s.db"
    runs = [
        assay.check_fairness(
            _fair, data=_frame(100), protected="sex", max_queries=200, seed=1, store=store
        ).run_id,
        assay.check_text(
            [_pos_if_good, _pos_if_only_good],
            grammar='S -> A A\nA -> "good" | "not bad" | "bad" | "fine"',
            max_queries=5,  # (2 of them loading the callables: the search has 3)
            seed=1,
            store=store,
        ).run_id,
        assay.check_backdoor("builtin:trojan", max_queries=150, seed=1, store=store).run_id,
    ]
    with RunStore(store) as s:
        s.create_run(
            run_id="text-stopped", technique="text", seed=1, command="x", config={}, model={},
            versions={},
        )  # fmt: skip
        s.checkpoint("text-stopped", status="interrupted")
        statuses = {}
        for run_id in [*runs, "text-stopped"]:
            doc = build_document(s, run_id)
            jsonschema.validate(doc, load_schema())
            failures, errors, _ = _junit(doc)
            statuses[doc["run"]["technique"], doc["run"]["status"]] = (failures, errors)
    assert statuses[("fairness", "completed")] == (0, 0)
    assert statuses[("text", "budget_exhausted")][0] >= 1
    assert statuses[("backdoor", "budget_exhausted")][1] == 1  # not everything was tested
    assert statuses[("text", "interrupted")] == (0, 1)  # unfinished: never a pass


def test_a_misspelt_keyword_is_named_in_the_callers_terms(tmp_path: Path) -> None:
    """`check_fairness(..., max_query=5000)` raised "_setup() got an unexpected keyword
    argument 'max_query'": a private function's name, and nothing about `max_queries`."""
    store = tmp_path / "s.db"
    calls = {
        "check_fairness": lambda: assay.check_fairness(
            _by_sex, data=_frame(20), protected="sex", max_query=50, store=store
        ),
        "check_text": lambda: assay.check_text(
            [_pos_if_good, _pos_if_only_good], grammar='S -> "a"', max_query=5, store=store
        ),
        "check_backdoor": lambda: assay.check_backdoor("builtin:trojan", image="x", store=store),
    }
    for name, call in calls.items():
        with pytest.raises(TypeError) as err:
            call()
        text = str(err.value)
        assert text.startswith(f"{name}() got an unexpected keyword argument"), text
        assert "did you mean max_queries?" in text or "did you mean images?" in text, text
    assert not store.exists()  # refused before a run (or a store) was made


# -- --json: stdout is one JSON document, whatever happens ----------------------------------

FLAKY = """
import numpy as np
calls = [0]
def predict(rows):
    calls[0] += 1
    if calls[0] > 12:
        raise RuntimeError("boom")
    rows = np.asarray(rows, dtype=object)
    return ((rows[:, 1].astype(float) % 7 == 0) & (rows[:, 2] == "M")).astype(int)
predict.classes_ = ["no", "yes"]
"""

SLOW = """
import time
import numpy as np
def predict(rows):
    time.sleep(0.8)
    rows = np.asarray(rows, dtype=object)
    return ((rows[:, 1].astype(float) % 7 == 0) & (rows[:, 2] == "M")).astype(int)
predict.classes_ = ["no", "yes"]
"""


def test_json_reports_a_failure_as_json(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """With `--json`, a model that failed mid-run (exit 3), a bad option value and a missing
    store (exit 2) left stdout empty: a CI step parsing it read nothing."""
    (tmp_path / "flaky.py").write_text(FLAKY)
    _frame(300).to_csv(tmp_path / "people.csv", index=False)
    failed = assay_here(
        capsys, "fairness", "flaky.py:predict", "--data", "people.csv", "--protected", "sex",
        "--max-queries", "20000", "--seed", "1", "--store", "s.db", "--json", cwd=tmp_path,
    )  # fmt: skip
    assert failed.returncode == 3, failed.stderr
    doc = json.loads(failed.stdout)
    assert doc["exit_code"] == 3 and doc["kind"] == "model_error" and "boom" in doc["error"]
    assert doc["run_id"].startswith("fairness-")
    for args in (["fairness", "--max-queries", "abc"], ["runs", "--store", "nosuch.db"]):
        bad = assay_here(capsys, *args, "--json", cwd=tmp_path)
        assert bad.returncode == 2, bad.stderr
        assert json.loads(bad.stdout)["exit_code"] == 2


def test_json_of_a_run_interrupted_while_its_model_answers_is_on_stdout(tmp_path: Path) -> None:
    """A run stopped by Ctrl-C while a model call was out is finished by a second `Output`,
    which took the stderr the first had made of stdout for its JSON: exit 130, stdout empty,
    the JSON document on stderr."""
    import signal
    import time

    (tmp_path / "slow.py").write_text(SLOW)
    _frame(300).to_csv(tmp_path / "people.csv", index=False)
    args = ["slow.py:predict", "--data", "people.csv", "--protected", "sex"]
    args += ["--max-queries", "50000", "--seed", "1", "--store", "s.db", "--json"]
    proc = subprocess.Popen(
        [sys.executable, "-m", "assay", "fairness", *args],
        cwd=tmp_path,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env={**os.environ, "PYTHONPATH": os.pathsep.join(sys.path)},
    )
    assert proc.stderr is not None
    seen = ""
    deadline = time.monotonic() + 120
    while "resume with" not in seen and time.monotonic() < deadline:
        seen += proc.stderr.readline()
    time.sleep(1.0)  # in a call of the search (each takes 0.8 s)
    proc.send_signal(signal.SIGINT)
    out, err = proc.communicate(timeout=120)
    assert proc.returncode == 130, seen + err
    doc = json.loads(out)
    assert doc["status"] == "interrupted" and doc["run_id"].startswith("fairness-")
    assert '"run_id"' not in err


def test_an_api_error_names_the_keyword_the_caller_wrote(tmp_path: Path) -> None:
    """`check_fairness(..., protected="gender")` said "argument --protected: ...", and
    `max_queries=-5` "argument --max-queries": the command line's options, to a caller who
    wrote keywords."""
    store = tmp_path / "s.db"
    with pytest.raises(UsageError) as err:
        assay.check_fairness(_by_sex, data=_frame(20), protected="gender", store=store)
    assert err.value.argument == "protected" and "argument protected:" in str(err.value)
    with pytest.raises(UsageError) as err:
        assay.check_fairness(_by_sex, data=_frame(20), protected="sex", max_queries=-5)
    assert err.value.argument == "max_queries"
    with pytest.raises(UsageError) as err:
        assay.check_backdoor("builtin:trojan", clean=None, images=None, max_queries=-1)
    assert err.value.argument == "max_queries"


def test_api_error_prose_names_keywords_not_flags(tmp_path: Path) -> None:
    """The message's prose too: "bins of 'age' need --data" read from Python named a flag the
    caller never wrote; it names the keyword (``data``)."""
    import assay

    with pytest.raises(UsageError) as raised:
        assay.check_fairness(
            dataset="adult", protected="age:bins=25,40", max_queries=2000, store=tmp_path / "s.db"
        )
    text = str(raised.value)
    assert "need data" in text and "--data" not in text and "--protected" not in text, text
