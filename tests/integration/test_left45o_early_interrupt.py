"""A Ctrl-C or SIGTERM while ``python -m assay`` or the ``assay`` script loads (left45o).

ops45 made an interrupt while the command line's parser is built say "interrupted before
the command began" (exit 130).  Before that, the process spent 0.4-4 s importing: ``import
assay`` imported numpy (``python -m assay`` imports the package before ``__main__``), and the
script pip generates from ``[project.scripts]`` imported ``assay.cli.app`` outside any
guard.  A Ctrl-C there printed a ``KeyboardInterrupt`` traceback; a SIGTERM killed the
process without a word (-15, 143 to a shell)."""

from __future__ import annotations

import os
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest

import assay

SRC = Path(assay.__file__).parents[1]
ROOT = SRC.parent

# imported at the interpreter's start (``sitecustomize`` on PYTHONPATH): the signal named by
# ASSAY_TEST_SIGNAL is sent when numpy is first imported, the heaviest of the imports
HOOK = """
import os, signal, sys

class _SendOnNumpy:
    def find_spec(self, name, path=None, target=None):
        if name == "numpy":
            sys.meta_path.remove(self)
            os.kill(os.getpid(), getattr(signal, os.environ["ASSAY_TEST_SIGNAL"]))
        return None

sys.meta_path.insert(0, _SendOnNumpy())
"""


def _script(folder: Path) -> Path:
    """The ``assay`` script as pip writes it from pyproject.toml's ``[project.scripts]``."""
    entry = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]["scripts"]["assay"]
    module, _, function = entry.partition(":")
    script = folder / "assay"
    script.write_text(
        f"#!{sys.executable}\nimport re\nimport sys\nfrom {module} import {function}\n"
        "if __name__ == '__main__':\n"
        "    sys.argv[0] = re.sub(r'(-script\\.pyw|\\.exe)?$', '', sys.argv[0])\n"
        f"    sys.exit({function}())\n"
    )
    script.chmod(0o755)
    return script


@pytest.mark.parametrize("name", ["SIGINT", "SIGTERM"])
def test_an_interrupt_while_assay_loads_is_said_without_a_traceback(
    tmp_path: Path, name: str
) -> None:
    (tmp_path / "hook").mkdir()
    (tmp_path / "hook" / "sitecustomize.py").write_text(HOOK)
    env = {
        **os.environ,
        "PYTHONPATH": os.pathsep.join([str(tmp_path / "hook"), str(SRC)]),
        "ASSAY_TEST_SIGNAL": name,
    }
    script = _script(tmp_path)
    for how in ([sys.executable, "-m", "assay"], [str(script)]):
        done = subprocess.run(
            [*how, "runs", "--store", "s.db"], cwd=tmp_path, env=env,
            capture_output=True, text=True, timeout=120,
        )  # fmt: skip
        assert done.returncode == 130, (how, name, done.returncode, done.stderr)
        assert "Traceback" not in done.stderr, done.stderr
        assert "interrupted before the command began" in done.stderr, done.stderr
        assert not (tmp_path / "s.db").exists()


def test_the_command_runs_as_before_through_its_entry_point(tmp_path: Path) -> None:
    """The guard changes nothing for a command that is not interrupted: the script's exit
    code is the command's, and ``import assay`` still gives the API's names."""
    env = {**os.environ, "PYTHONPATH": str(SRC)}
    done = subprocess.run(
        [str(_script(tmp_path)), "runs", "--store", "none.db"], cwd=tmp_path, env=env,
        capture_output=True, text=True, timeout=120,
    )  # fmt: skip
    assert done.returncode == 2 and "no run store" in done.stderr, done.stderr
    light = subprocess.run(
        [sys.executable, "-c", "import sys, assay; print('numpy' in sys.modules); "
         "from assay import RunStore, Finding, Capabilities; print(RunStore.__name__)"],
        env=env, capture_output=True, text=True, timeout=120,
    )  # fmt: skip
    assert light.stdout.split() == ["False", "RunStore"], light.stderr
