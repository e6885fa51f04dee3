"""``assay ARGS`` run inside the test's own process, as ``python -m assay`` runs it.

A new interpreter costs each command 2-8 s of imports (numpy, pandas, scikit-learn; skops
imports every estimator and torch) before it does anything, and most tests that started one
test what the command says and leaves, not the process.  This runs ``assay.cli.app.main``
itself, so what it does beyond the Typer app is kept (the repeated-option check, the
click errors turned into assay's own with their JUnit file, the guarded streams, the
SIGTERM handler), in ``cwd`` with ``env`` added to the environment, and gives what
``subprocess.run(..., capture_output=True)`` gives.  Tests about a real process (signals,
kill -9, pipes, a closed or full stdout, a pasted command line) keep their subprocess.
"""

from __future__ import annotations

import signal
from dataclasses import dataclass
from pathlib import Path

import pytest

from assay.cli.app import main


@dataclass(frozen=True)
class Done:
    """What a finished command left: its exit code and what it printed."""

    returncode: int
    stdout: str
    stderr: str


def assay_here(
    capsys: pytest.CaptureFixture[str],
    *args: str,
    cwd: Path | None = None,
    env: dict[str, str] | None = None,
) -> Done:
    """``assay ARGS`` run by ``main`` in ``cwd`` with ``env`` set, as a finished process."""
    capsys.readouterr()  # what the test printed before is not the command's
    sigterm = signal.getsignal(signal.SIGTERM)
    with pytest.MonkeyPatch.context() as patch:
        if cwd is not None:
            patch.chdir(cwd)
        for key, value in (env or {}).items():
            patch.setenv(key, value)
        try:
            with pytest.raises(SystemExit) as exc:
                main(list(args))
        finally:
            signal.signal(signal.SIGTERM, sigterm)  # main's handler is for its own process
    said = capsys.readouterr()
    code = exc.value.code
    return Done(0 if code is None else code if isinstance(code, int) else 1, said.out, said.err)
