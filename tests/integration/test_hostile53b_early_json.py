"""``--json`` when a CI job's timeout (SIGTERM) or a Ctrl-C lands while assay loads, before
its command began: every other failure writes one JSON document on stdout, this one left
stdout empty (``jq`` read no input and exited 0; ``python -m json.tool`` refused it).  Now
the same document as any failed command's, kind ``interrupted``, exit code 130 (hostile53b).
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

import assay
from assay.cli.failed_json import LEFT_KEYS

from test_docs46_early_junit import HOOK  # isort: skip

SRC = Path(assay.__file__).parents[1]


# numpy: imported in ``assay.__main__.run``'s guard; assay.cli.backdoor_cmd: while
# ``cli.app`` builds the command line (``main``'s own guard)
@pytest.mark.parametrize(
    ("at", "name"), [("numpy", "SIGTERM"), ("assay.cli.backdoor_cmd", "SIGTERM")]
)
def test_an_interrupt_before_the_command_began_prints_its_json_document(
    tmp_path: Path, at: str, name: str
) -> None:
    (tmp_path / "hook").mkdir()
    (tmp_path / "hook" / "sitecustomize.py").write_text(HOOK)
    env = {
        **os.environ,
        "PYTHONPATH": os.pathsep.join([str(tmp_path / "hook"), str(SRC)]),
        "ASSAY_TEST_SIGNAL": name,
        "ASSAY_TEST_AT": at,
    }
    done = subprocess.run(
        [sys.executable, "-m", "assay", "backdoor", "--demo", "--store", "s.db", "--json"],
        cwd=tmp_path, env=env, capture_output=True, text=True, timeout=120,
    )  # fmt: skip
    assert done.returncode == 130, (done.returncode, done.stderr)
    assert "interrupted before the command began" in done.stderr, done.stderr
    document = json.loads(done.stdout)  # (one document, nothing else)
    assert document["exit_code"] == 130 and document["kind"] == "interrupted"
    assert document["run_id"] is None and set(LEFT_KEYS) <= set(document)


def test_without_json_stdout_stays_empty(tmp_path: Path) -> None:
    (tmp_path / "hook").mkdir()
    (tmp_path / "hook" / "sitecustomize.py").write_text(HOOK)
    env = {
        **os.environ,
        "PYTHONPATH": os.pathsep.join([str(tmp_path / "hook"), str(SRC)]),
        "ASSAY_TEST_SIGNAL": "SIGTERM",
        "ASSAY_TEST_AT": "numpy",
    }
    done = subprocess.run(
        [sys.executable, "-m", "assay", "text", "--demo", "--store", "s.db"],
        cwd=tmp_path, env=env, capture_output=True, text=True, timeout=120,
    )  # fmt: skip
    assert done.returncode == 130 and done.stdout == "", (done.stdout, done.stderr)
