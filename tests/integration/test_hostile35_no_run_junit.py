"""A command stopped before its run was made (a model failing on its first call, a bad
argument) wrote its ``--junit`` file as one error with no property: no command line and no
seed, where every run's JUnit file names both, so a CI reader could not run it again from the
file (hostile35)."""

from __future__ import annotations

import os
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

from assay.cli.app import main


def _props(path: Path) -> dict[str, str]:
    root = ET.parse(path).getroot()
    return {p.get("name", ""): p.get("value", "") for p in root.iter("property")}


def _run(args: list[str]) -> int:
    with pytest.raises(SystemExit) as exc:
        main(args)
    return int(exc.value.code or 0)


def test_a_model_failing_at_its_first_call_leaves_the_command_and_seed(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    (tmp_path / "m.py").write_text("def f(X):\n    raise RuntimeError('no weights')\n")
    (tmp_path / "d.csv").write_text("age,sex\n30,M\n40,F\n50,M\n")
    junit = tmp_path / "j.xml"
    code = _run([
        "fairness", "m.py:f", "--data", "d.csv", "--protected", "sex", "--seed", "7",
        "--store", "s.db", "--junit", str(junit),
    ])  # fmt: skip
    assert code == 3
    props = _props(junit)
    assert props["seed"] == "7", props
    assert props["command"].startswith(f"cd {os.getcwd()} && assay fairness m.py:f"), props
    assert "--seed 7" in props["command"]
    assert ET.parse(junit).getroot().find(".//error") is not None


def test_a_bad_argument_leaves_the_command_with_its_secret_masked(tmp_path: Path) -> None:
    junit = tmp_path / "j.xml"
    code = _run([
        "text", "http://alice:hunter2SECRET@127.0.0.1:1/predict", "builtin:tfidf",
        "--grammar", "builtin:reviews", "--max-queries", "-5", "--junit", str(junit),
    ])  # fmt: skip
    assert code == 2
    props = _props(junit)
    assert "assay text http://alice:***@127.0.0.1:1/predict" in props["command"], props
    assert "hunter2SECRET" not in junit.read_text()
    assert "seed" not in props  # (none was given; a run draws it)
