"""Every test process stands for a user at a terminal: Ctrl-C reaches it.

``make test`` runs part of the suite in the background of its shell, and a shell ignores
SIGINT in the commands it backgrounds (as it does for ``assay ... &``).  assay keeps an
inherited "ignore" (a backgrounded run must not stop on the terminal's Ctrl-C), so the tests
that interrupt a run, in this process or in a child, would test nothing there: Python's own
handler is put back here, and children started from this process inherit the default action.
"""

from __future__ import annotations

import atexit
import os
import shutil
import signal
import sys
import tempfile
from typing import Any

if signal.getsignal(signal.SIGINT) is signal.SIG_IGN:
    signal.signal(signal.SIGINT, signal.default_int_handler)

# The tests stand for a user whose ``assay`` is on the PATH (an activated virtualenv: the
# commands assay prints then say ``assay``, as the tests read them); ``make test`` runs the
# virtualenv's pytest without activating it.  The tests of the other case
# (``core.program``) set their own PATH.
_BIN = os.path.dirname(sys.executable)
_PATH = os.environ.get("PATH", "")
if os.path.isfile(os.path.join(_BIN, "assay")) and _BIN not in _PATH.split(os.pathsep):
    os.environ["PATH"] = os.pathsep.join([_BIN, _PATH]) if _PATH else _BIN

# The tests read assay's plain output.  A colour forced by the environment that runs them
# (FORCE_COLOR, which rich and so typer's help honour; some CI services set it) made 19 help
# and terminal tests fail (flake40): the suite's verdict must not depend on who runs it.
for _forced in ("FORCE_COLOR", "CLICOLOR_FORCE", "TTY_COMPATIBLE", "TTY_INTERACTIVE"):
    os.environ.pop(_forced, None)

# The tests name model code (a `file.py:f` run) as a user does, into a state folder of their
# own: never this account's ``~/.local/state/assay/named-code``, which the suite had filled
# with 1,277 lines of ``/tmp/pytest-of-.../m.py`` (docs42: `assay code` listed them to the
# account's user).  Children inherit it; a test that sets XDG_STATE_HOME itself still does.
_STATE = tempfile.mkdtemp(prefix="assay-tests-state-")
os.environ["XDG_STATE_HOME"] = _STATE
atexit.register(shutil.rmtree, _STATE, True)


def pytest_configure(config: Any) -> None:
    config.addinivalue_line(
        "markers",
        "pure_text: fakes or patches a module of the text search that its compiled build "
        "(make compiled) fixes in C; skipped while that build is in use, run on the pure one "
        "(the build is tested against the pure modules in test_perf48_compiled.py)",
    )


def pytest_collection_modifyitems(config: Any, items: list[Any]) -> None:
    marked = [item for item in items if item.get_closest_marker("pure_text")]
    if not marked:
        return
    from assay.text.compiled import in_use

    if in_use():
        import pytest

        skip = pytest.mark.skip(reason="the compiled text search is in use (make compiled)")
        for item in marked:
            item.add_marker(skip)
