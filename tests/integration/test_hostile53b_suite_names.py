"""Two fairness runs of built-in models in one CI job (``builtin:tree`` then
``builtin:forest`` on one data set) wrote JUnit suites of one name, ``assay.fairness
[<sklearn.pipeline.Pipeline>; data german; protected sex]``: the stored model's spec is the
trained object's class, the same for every built-in model, so CI merged the two suites'
cases.  The suite now names the built-in model as the command did (hostile53b)."""

from __future__ import annotations

import os
import subprocess
import sys
import xml.etree.ElementTree as ET
from pathlib import Path


def test_two_builtin_models_make_two_suites(tmp_path: Path) -> None:
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(sys.path)}
    env["XDG_STATE_HOME"] = str(tmp_path / "state")
    names = []
    for model in ("builtin:tree", "builtin:forest"):
        done = subprocess.run(
            [sys.executable, "-m", "assay", "fairness", model, "--dataset", "german",
             "--protected", "sex", "--max-queries", "300", "--seed", "1", "--store", "s.db",
             "--junit", f"{model[8:]}.xml"],
            cwd=tmp_path, env=env, capture_output=True, text=True, timeout=300, check=False,
        )  # fmt: skip
        assert done.returncode in (0, 1), done.stderr
        suite = ET.parse(tmp_path / f"{model[8:]}.xml").getroot().find("testsuite")
        assert suite is not None
        names.append(suite.get("name"))
    assert names[0] != names[1], names
    assert "builtin:tree" in str(names[0]) and "builtin:forest" in str(names[1]), names
