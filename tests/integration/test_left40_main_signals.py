"""left40: ``main(ARGS)`` called from another program (as hostile39b's streams test does)
left that program's SIGTERM handler replaced by the command's (SIGTERM made an interrupt,
``cli.app._as_interrupt``): a server that embeds the command line and shuts down on SIGTERM
got a ``KeyboardInterrupt`` instead, wherever its main thread was, after the command had
returned.  The command puts back the SIGINT and SIGTERM handlers it found
(``core.kept_signals.restored``).  Fails on main (the handler ``_as_interrupt``)."""

from __future__ import annotations

import signal
import sys
from pathlib import Path

import pytest

from assay.cli.app import main

pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(sys.platform == "win32", reason="POSIX signals"),
]


ARGS = [
    "fairness", "builtin:tree", "--dataset", "adult", "--protected", "sex",
    "--max-queries", "600", "--seed", "1", "--store", "s.db", "--quiet",
]  # fmt: skip


def _the_programs(signum: int, frame: object) -> None:
    """The embedding program's own SIGTERM handler (a graceful shutdown)."""


def test_the_programs_signal_handlers_are_its_own_after_main(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    before = {sig: signal.getsignal(sig) for sig in (signal.SIGINT, signal.SIGTERM)}
    signal.signal(signal.SIGTERM, _the_programs)
    try:
        with pytest.raises(SystemExit) as exc:
            main(ARGS)
        assert exc.value.code in (0, 1)
        assert signal.getsignal(signal.SIGTERM) is _the_programs  # (main: _as_interrupt)
        assert signal.getsignal(signal.SIGINT) is before[signal.SIGINT]
    finally:
        for sig, handler in before.items():
            signal.signal(sig, handler)
