"""The HTML report's "Rebuild this report" line and the JUnit file's "see them with" line
work pasted as printed.

Both printed ``assay report RUN --store STORE`` alone, which exits 2 ("ask for at least one
of --report, --html, --junit, --json, --export") and rebuilds nothing (hostile30b).
"""

from __future__ import annotations

import html
import os
import re
import subprocess
import sys
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

from assay.backdoor.api import check_backdoor
from assay.backdoor.demo import trojaned_digits

pytestmark = pytest.mark.slow


def _shell(command: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(sys.path)}
    env["PATH"] = os.path.dirname(sys.executable) + os.pathsep + env.get("PATH", "")
    return subprocess.run(
        ["bash", "-c", command], cwd=cwd, capture_output=True, text=True, timeout=300, env=env
    )


def test_the_reports_printed_report_lines_rebuild_a_report(tmp_path: Path) -> None:
    t = trojaned_digits(seed=1, size=3, position=(5, 5), target=7)
    x = t.clean_images
    scan = t.poisoned(x[:70])  # more findings than a JUnit file lists (50)
    page, junit = tmp_path / "r.html", tmp_path / "r.xml"
    r = check_backdoor(
        t.model,
        images=scan * 16.0,
        clean=x[100:250] * 16.0,
        value_range="0,16",
        seed=0,
        store=tmp_path / "runs.db",
        max_queries=20_000,
    )
    assert r.n_findings > 50, r.headline
    done = _shell(
        f"assay report {r.run_id} --store '{tmp_path / 'runs.db'}' --html '{page}' "
        f"--junit '{junit}' --exit-zero",
        tmp_path,
    )
    assert done.returncode == 0, done.stderr
    found = re.search(
        r"Rebuild this report from the run store:</p><pre><code>([^<]*)<", page.read_text()
    )
    assert found is not None
    lines = [html.unescape(found.group(1))]
    text = "".join(e.text or "" for e in ET.parse(junit).iter("failure"))
    said = re.search(r"see them with: (.*)$", text, re.M)
    assert said is not None, text
    lines.append(said.group(1))
    for k, line in enumerate(lines):
        elsewhere = tmp_path / f"elsewhere{k}"
        elsewhere.mkdir()
        again = _shell(line, elsewhere)
        assert again.returncode == 1, (line, again.stderr)  # the run's verdict: findings
        assert list(elsewhere.iterdir()), line  # it wrote the report it names


def test_the_printed_rebuild_line_names_the_reports_the_run_wrote(tmp_path: Path) -> None:
    """It said `--html report.html` whatever the command wrote (`--html r.html --junit
    j.xml`): pasted, it rebuilt neither."""
    import numpy as np
    from skops.io import dump

    t = trojaned_digits(seed=1, size=3, position=(5, 5), target=7)
    x = t.clean_images
    dump(t.model, tmp_path / "model.skops")
    np.save(tmp_path / "scan.npy", t.poisoned(x[:10])[..., 0] * 16.0)
    np.save(tmp_path / "clean.npy", x[100:250, :, :, 0] * 16.0)
    done = _shell(
        "assay backdoor model.skops --images scan.npy --clean clean.npy --range 0,16 --seed 0 "
        "--store runs.db --html r.html --junit j.xml",
        tmp_path,
    )
    assert done.returncode == 1, done.stderr
    (line,) = [s for s in done.stdout.splitlines() if s.startswith("to rebuild the reports: ")]
    for name in ("r.html", "j.xml"):
        (tmp_path / name).unlink()
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    again = _shell(line.removeprefix("to rebuild the reports: "), elsewhere)
    assert again.returncode == 1, again.stderr
    assert (tmp_path / "r.html").is_file() and (tmp_path / "j.xml").is_file(), line
