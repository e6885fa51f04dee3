"""mutation37: a JUnit suite's name holds what changes what a run tests, and nothing else
(mutants JS4, JS6 of bench/RESULTS.md's mutation37)."""

from __future__ import annotations

import os
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import pytest

from assay.report.junit_subject import suite_name
from assay.report.region_text import covered_text
from assay.text.summary import too_few_reason


def _text(**config: Any) -> dict[str, Any]:
    return {
        "technique": "text",
        "model": {"classifiers": [{"spec": "a.py:f"}]},
        "config": {"grammar": {"source": "/ci/1/g.cfg"}, "strategy": "walk", **config},
    }


def test_a_metamorphic_runs_name_holds_no_differential_mode() -> None:
    # (JS4) --mode is the differential check's: an invariance run is named without it
    plain = suite_name(_text(oracle="invariance"))
    assert plain == "assay.text [a.py:f; invariance; g.cfg]"
    assert suite_name(_text(oracle="invariance", mode="topk", top_k=2)) == plain


def test_a_run_stored_without_the_weighted_key_is_not_named_uniform() -> None:
    # (JS6) only ``weighted: false`` (--uniform) is said; a run stored before the key was
    # kept keeps its name
    assert "uniform" not in suite_name(_text(oracle="invariance"))
    assert suite_name(_text(oracle="invariance", weighted=False)).endswith("; uniform]")


def test_a_max_depth_is_named_only_where_it_differs_from_the_stored_default() -> None:
    # (JS7) the default depth, or a run stored without its default: no "max depth"
    plain = suite_name(_text(oracle="invariance"))
    assert suite_name(_text(oracle="invariance", max_depth=8, max_depth_default=8)) == plain
    assert suite_name(_text(oracle="invariance", max_depth=8)) == plain
    deeper = suite_name(_text(oracle="invariance", max_depth=12, max_depth_default=8))
    assert deeper.endswith("; max depth 12]")


def test_a_share_of_the_idis_stored_as_a_whole_number_is_said() -> None:
    # (RT5) a recall of 1 or 0 written as an integer (a JSON of another writer) is a share
    assert covered_text({"recall": 1, "figures": "exact"}) == "100.00 % of the IDIs"
    assert covered_text({"recall": 0}) == "about 0.00 % of the IDIs"


def test_a_kept_count_that_is_no_number_says_the_store_holds_them() -> None:
    # (JK2) ``kept: true`` (no count) is not read as "keeps 1"
    from assay.report.junit import _where_kept

    assert _where_kept({"kept": True}, 5) == "in the run store"
    assert _where_kept({"kept": 5}, 5) == "in the run store"
    assert _where_kept({"kept": 2}, 5) == (
        "counted in the run store, which keeps 2 of the 5 as witnesses"
    )


def test_a_command_that_made_no_run_is_named_as_its_run_would_be() -> None:
    # (NR2) ``--protected ' sex , race'`` as the run stores it; (NR3) ``--dataset``'s name;
    # (NR4) ``--clean`` alone: a model scan
    from assay.cli.no_run_name import no_run_name

    fair = no_run_name("fairness", {"model": "m.py:f", "protected": " sex , race", "data": "d.csv"})
    assert fair == "assay.fairness [m.py:f; data d.csv; protected sex, race]"
    named = no_run_name("fairness", {"model": "m.py:f", "protected": "sex", "dataset": "adult"})
    assert named == "assay.fairness [m.py:f; data adult; protected sex]"
    scan = no_run_name("backdoor", {"model": "m.onnx", "clean": "/ci/3/clean"})
    assert scan == "assay.backdoor [m.onnx; model scan of clean]"


def test_too_few_reason_advises_a_larger_budget_only_for_tests_short_of_cases() -> None:
    # (SS8) a test of no case is short of cases, not blind; (SS9) every short test blind
    # (one label to every sentence): no larger budget gives them anything
    def row(test: str, cases: int, outcome: str) -> dict[str, object]:
        return {"test": test, "cases": cases, "outcome": outcome}

    none = {"text": {"tests": [row("a", 0, "not tested"), row("b", 50, "no failure found")]}}
    said = too_few_reason(none, "suite") or ""
    assert "a larger --max-queries or --floor" in said and "none that could fail" not in said
    blind = {"text": {"tests": [row("a", 40, "not tested"), row("b", 50, "no failure found")]}}
    said = too_few_reason(blind, "suite") or ""
    assert "none that could fail" in said and "--max-queries" not in said


def test_a_text_command_that_made_no_run_names_its_uniform_draws() -> None:
    # (NR6) ``--uniform`` typed: named as its run would be
    from assay.cli.no_run_name import no_run_name

    params = {"models": ["a.py:f"], "grammar": "/ci/g.cfg", "oracle": "invariance"}
    assert no_run_name("text", params) == "assay.text [a.py:f; invariance; g.cfg]"
    assert no_run_name("text", {**params, "uniform": True}).endswith("; g.cfg; uniform]")


def test_a_single_classifiers_failures_name_no_failing_classifier() -> None:
    # (SS12) "failed by" is said among several classifiers only
    from assay.text.summary import _failed_by

    rec = {"detail": {"failed": ["a.py:f"]}}
    one: Any = SimpleNamespace(metamorphic=True, layout=SimpleNamespace(names=["a.py:f"]))
    two: Any = SimpleNamespace(metamorphic=True, layout=SimpleNamespace(names=["a", "b"]))
    assert _failed_by(one, rec) == {}
    assert _failed_by(two, rec) == {"failed": ["a.py:f"]}


def test_a_negative_number_typed_is_a_value_not_an_unknown_option() -> None:
    # (NR5) ``--threshold -0.5`` read as typed (unknown options are passed over)
    from assay.cli.app import register
    from assay.cli.no_run_name import parsed

    register()
    words = ["a.py:f", "--grammar", "g.cfg", "--mode", "distance", "--threshold", "-0.5", "--x"]
    params = parsed("text", words)
    assert params is not None and params["threshold"] == -0.5


def test_a_runs_pythonpath_names_the_working_folder_as_dot_each_folder_once(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # (RI1) the working folder as "."; (RI2) a folder two models came from, once; (RI3) a
    # Python call (no argv) keeps none: its rerun is the call
    from assay.core.runinfo import code_environment

    monkeypatch.chdir(tmp_path)
    lib = str(tmp_path / "lib")
    models = [{"import_path": [str(tmp_path), lib]}, {"import_path": lib}, None]
    assert code_environment(["fairness"], models) == {"PYTHONPATH": os.pathsep.join([".", lib])}
    assert code_environment(None, models) == {}


def test_a_printed_command_becomes_the_call_with_numbers_and_switches_as_python_has_them() -> None:
    # (KW2) a valued option at the end, with no value: left as it is; (KW5) a number as
    # written; (KW1) a switch True
    from assay.core.keywords import calls_for_commands

    said = calls_for_commands("again: assay resume r-1 --call-timeout 30 --force")
    assert said == "again: assay.resume_run('r-1', call_timeout=30, force=True)"
    assert calls_for_commands("assay verify r --model") == "assay verify r --model"


def test_a_run_stored_with_one_import_folder_as_text_keeps_it(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # (RI5) ``import_path`` as one string (a run of before the list): its folder kept
    from assay.core.runinfo import code_environment

    monkeypatch.chdir(tmp_path)
    assert code_environment(["text"], [{"import_path": "/opt/lib"}]) == {"PYTHONPATH": "/opt/lib"}
