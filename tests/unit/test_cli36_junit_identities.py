"""Two runs' JUnit files in one CI job stay two suites (cli36: hostile35b's Left 1-2,
hostile35's Left 9).

Runs differing only by their data file, or a text run's ``--mode``/``--strategy``/
``--floor``, shared their suite name and classnames (GitLab and Jenkins merge cases by
them); two commands that made no run both wrote ``assay.COMMAND`` with one case ``no run``.
The names carry what distinguishes them and stay the same when the same command runs again.
The suite's ``timestamp`` is local time without a zone (the JUnit schema's pattern, Ant's
formatter), its instant in UTC the ``timestamp_utc`` property.
"""

from __future__ import annotations

import time
import xml.etree.ElementTree as ET
from datetime import datetime
from pathlib import Path
from typing import Any

import pytest

from assay.cli.app import main
from assay.report.junit import render_junit
from assay.report.junit_subject import suite_name


def _fairness(data: str, protected: list[str], strategy: str = "walk") -> dict[str, Any]:
    return {
        "technique": "fairness",
        "model": {"spec": "pipe.joblib"},
        "config": {"protected": protected, "source": {"data": data}, "strategy": strategy},
    }


def _text(**options: Any) -> dict[str, Any]:
    config = {
        "oracle": "differential",
        "grammar": {"source": "builtin:reviews"},
        "mode": "top1",
        "top_k": 2,
        "threshold": 0.5,
        "strategy": "walk",
        "weighted": True,
        **options,
    }
    return {
        "technique": "text",
        "model": {"classifiers": [{"spec": "a.py:f"}, {"spec": "b.py:g"}]},
        "config": config,
    }


def test_runs_differing_by_data_file_or_text_options_get_their_own_suite_names() -> None:
    names = [
        suite_name(_fairness("/ci/1234/people.csv", ["sex"])),
        suite_name(_fairness("/ci/1234/people_2025.csv", ["sex"])),
        suite_name(_fairness("people.csv", ["sex"], strategy="random")),
        suite_name(_text()),
        suite_name(_text(mode="topk")),
        suite_name(_text(mode="distance", threshold=0.3)),
        suite_name(_text(strategy="harvest")),
        suite_name(_text(floor=100)),
        suite_name(_text(weighted=False)),
    ]
    assert len(set(names)) == len(names), names
    assert names[0] == "assay.fairness [pipe.joblib; data people.csv; protected sex]"
    # the data file by its name, not its folder (a CI checkout's path changes from job to job)
    assert suite_name(_fairness("/ci/9999/people.csv", ["sex"])) == names[0]
    assert names[4] == "assay.text [a.py:f, b.py:g; differential; builtin:reviews; mode topk 2]"
    assert suite_name(_text()) == names[3]  # (the same run again: the same name)


def _no_run(tmp_path: Path, *args: str) -> ET.Element:
    junit = tmp_path / "j.xml"
    junit.unlink(missing_ok=True)
    with pytest.raises(SystemExit) as exc:
        main([*args, "--store", str(tmp_path / "runs.db"), "--junit", str(junit)])
    assert exc.value.code in (2, 3)
    return ET.parse(junit).getroot()


def test_commands_that_made_no_run_are_named_by_what_was_typed(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (tmp_path / "d.csv").write_text("sex,age\n0,30\n1,40\n")
    common = ("--data", str(tmp_path / "d.csv"), "--protected", "sex", "--seed", "7")
    first = _no_run(tmp_path, "fairness", str(tmp_path / "nothere.py:f"), *common)
    second = _no_run(tmp_path, "fairness", str(tmp_path / "other.py:g"), *common)
    bad_value = _no_run(tmp_path, "fairness", str(tmp_path / "nothere.py:f"), *common[:4], "-x")
    again = _no_run(tmp_path, "fairness", str(tmp_path / "nothere.py:f"), *common)
    capsys.readouterr()

    def names(root: ET.Element) -> tuple[str | None, set[str | None]]:
        suite = root.find("testsuite")
        assert suite is not None
        return suite.get("name"), {c.get("classname") for c in suite.iter("testcase")}

    name, classes = names(first)
    assert name == f"assay.fairness [{tmp_path / 'nothere.py:f'}; data d.csv; protected sex]"
    assert classes == {name}
    assert names(second)[0] != name  # two models: two suites
    assert names(again) == (name, classes)  # the same command: the same names
    assert names(bad_value)[0] == name  # (an unknown option: the model is still read)
    resumed = _no_run(tmp_path, "resume", "fairness-20990101-000000-abcd")
    assert names(resumed)[0] == "assay.resume [fairness-20990101-000000-abcd]"


def test_the_timestamp_is_local_time_without_a_zone_and_the_instant_a_property(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("TZ", "Asia/Kolkata")  # (+05:30: a shift no rounding hides)
    time.tzset()
    try:
        created = 1_796_492_378.0  # 2026-12-05T17:39:38Z
        doc = {
            "run": {
                "id": "fairness-x",
                "technique": "fairness",
                "status": "completed",
                "created": created,
                "summary": {},
                **_fairness("d.csv", ["sex"]),
            },
            "findings": {"examples": []},
            "headline": "nothing",
        }
        root = ET.fromstring(render_junit(doc))
        suite = root.find("testsuite")
        assert suite is not None
        assert suite.get("timestamp") == "2026-12-05T23:09:38"
        assert datetime.fromisoformat(str(suite.get("timestamp"))).tzinfo is None
        props = {p.get("name"): p.get("value") for p in suite.iter("property")}
        assert props["timestamp_utc"] == "2026-12-05T17:39:38Z"
    finally:
        monkeypatch.undo()
        time.tzset()


def test_a_text_runs_grammar_file_by_its_name_and_a_max_depth_not_the_default() -> None:
    """cli36b (cli36's Left 6): the grammar file was named by its stored path (a CI
    checkout's changes from job to job), and two runs differing only by ``--max-depth`` had
    one name.  The depth is named from the run's stored config (the report does not import
    text's default): a run at the default stores none and keeps its name."""
    from assay.text.generate import DEFAULT_MAX_DEPTH
    from assay.text.grammar import parse_grammar
    from assay.text.panel import Layout
    from assay.text.technique import TextTest

    here = _text(grammar={"source": "/ci/1234/g.cfg"})
    there = _text(grammar={"source": "/ci/9999/g.cfg"})
    assert suite_name(here) == suite_name(there)
    assert suite_name(here) == "assay.text [a.py:f, b.py:g; differential; g.cfg]"

    grammar = parse_grammar('start -> "a" | "b"\n')
    layout = Layout(("m",), (("neg", "pos"),), (0,), ("neg", "pos"), ((0, 1),))
    configs = [
        TextTest(grammar=grammar, layout=layout, max_depth=depth).config()
        for depth in (DEFAULT_MAX_DEPTH, 30)
    ]
    names = [suite_name({**_text(), "config": {**_text()["config"], **c}}) for c in configs]
    assert names[0] != names[1], names
    assert names[1].endswith("; max depth 30]")
    assert "max_depth_default" not in configs[0]  # (a run at the default stays as it was)


def _backdoor(mode: str, images: str | None, clean: str | None, strategy: str = "assay") -> str:
    source = {"images": images, "clean": clean}
    config = {"mode": mode, "strategy": strategy, "source": source}
    return suite_name({"technique": "backdoor", "model": {"spec": "m.pt"}, "config": config})


def test_backdoor_runs_differing_by_strategy_scan_or_folders_get_their_own_suite_names() -> None:
    """cli36b: two model scans of two clean folders, or two input scans of one images folder
    verified on two clean folders, had one name (the clean folder was not in it)."""
    names = [
        _backdoor("inputs", "/ci/1/suspect", "/ci/1/clean"),
        _backdoor("inputs", "/ci/1/suspect", "/ci/1/clean", strategy="neo"),
        _backdoor("inputs", "/ci/1/suspect", "/ci/1/clean", strategy="strip"),
        _backdoor("inputs", "/ci/1/suspect", "/ci/1/clean_b"),
        _backdoor("inputs", "/ci/1/other", "/ci/1/clean"),
        _backdoor("model", None, "/ci/1/clean"),
        _backdoor("model", None, "/ci/1/clean_b"),
        _backdoor("model", None, "/ci/1/suspect"),  # (a model scan of the images folder)
    ]
    assert len(set(names)) == len(names), names
    assert names[0] == "assay.backdoor [m.pt; input scan of suspect, clean clean]"
    assert names[5] == "assay.backdoor [m.pt; model scan of clean]"
    assert _backdoor("model", None, "/ci/2/clean/") == names[5]  # (another checkout)


def test_a_backdoor_command_that_made_no_run_is_named_as_its_run() -> None:
    from assay.cli.no_run_name import no_run_name, parsed

    for words in (
        ["m.pt", "--images", "/ci/1/suspect", "--clean", "/ci/1/clean", "--strategy", "neo"],
        ["m.pt", "--clean", "/ci/1/clean", "--model-scan"],
    ):
        config = {
            "mode": "model" if "--model-scan" in words else "inputs",
            "strategy": "neo" if "neo" in words else "assay",
            "source": {"images": "/ci/1/suspect" if "--images" in words else None},
        }
        config["source"]["clean"] = "/ci/1/clean"
        run = {"technique": "backdoor", "model": {"spec": "m.pt"}, "config": config}
        assert no_run_name("backdoor", parsed("backdoor", words)) == suite_name(run)
