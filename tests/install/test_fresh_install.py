"""A fresh virtual environment installs assay from the checkout; `assay --help` and
`assay demo` work there."""

from __future__ import annotations

import os
import subprocess
import sys
import venv
from pathlib import Path

import pytest

pytestmark = [pytest.mark.install, pytest.mark.slow]

ROOT = Path(__file__).resolve().parents[2]


def test_fresh_venv_installs_and_runs_the_demo(tmp_path: Path) -> None:
    env_dir = tmp_path / "venv"
    venv.create(env_dir, with_pip=True)
    py = env_dir / "bin" / "python"
    install = subprocess.run(
        [str(py), "-m", "pip", "install", "--quiet", str(ROOT)],
        capture_output=True,
        text=True,
        timeout=1200,
    )
    assert install.returncode == 0, install.stderr[-4000:]
    assay = env_dir / "bin" / "assay"
    helped = subprocess.run([str(assay), "--help"], capture_output=True, text=True, timeout=120)
    assert helped.returncode == 0 and "fairness" in helped.stdout
    env = {k: v for k, v in os.environ.items() if not k.startswith("PYTHON")}
    out = tmp_path / "demo"
    demo = subprocess.run(
        [str(assay), "demo", "--seconds", "4", "--out", str(out)],
        capture_output=True,
        text=True,
        timeout=600,
        cwd=tmp_path,
        env=env,
    )
    assert demo.returncode == 0, demo.stderr[-4000:]
    html = (out / "fairness.html").read_text(encoding="utf-8")
    assert "discriminatory" in html
    assert sys.executable  # the test ran under the project's interpreter
