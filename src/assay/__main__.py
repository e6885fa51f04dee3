"""``python -m assay`` and the ``assay`` script (``run``, its entry point).

Light on purpose: ``import assay`` imports no numpy, and this module nothing of assay's, so
that a Ctrl-C or a SIGTERM (``timeout``, a CI job's limit) while the command line loads (0.4-
4 s, by the machine's load) ends as one after it does: "interrupted before the command
began", exit 130.  The script generated from ``assay.cli.app:main`` imported that module
first, outside any guard: a traceback for Ctrl-C, and SIGTERM killed it without a word (143).
"""

import os
import sys

TYPE_CHECKING = False  # (``typing`` takes 10-50 ms to import, here before the guard)
if TYPE_CHECKING:
    from typing import Any

__all__ = ["ended_before_it_began", "no_earlier_reports", "run"]

EXIT_INTERRUPTED = 130


def _interrupt(signum: int, frame: object) -> None:
    raise KeyboardInterrupt


def run() -> None:
    """The ``assay`` command: its command line loaded under a guard, then run."""
    # (``_signal``, built in, not ``signal``: its ``enum`` took 5-30 ms before the guard,
    # where a SIGTERM still killed the process without a word)
    import _signal  # type: ignore[import-not-found]

    # SIGTERM (and SIGHUP, unless ignored: ``nohup``) an interrupt while it loads; ``main``
    # sets its own for SIGTERM, and SIGHUP's only where it is at its default (nohup's left
    # alone): SIGHUP's is put back as it was before ``main``
    hangup: dict[int, Any] = {}
    try:
        _signal.signal(_signal.SIGTERM, _interrupt)
        sig = getattr(_signal, "SIGHUP", None)
        if sig is not None and _signal.getsignal(sig) == _signal.SIG_DFL:
            hangup[sig] = _signal.signal(sig, _interrupt)
        from assay.cli.app import main

        for sig, handler in hangup.items():
            _signal.signal(sig, handler)
    except KeyboardInterrupt:  # (no traceback: nothing began)
        if sys.stderr is not None:
            sys.stderr.write("assay: error: interrupted before the command began\n")
        no_earlier_reports()
        ended_before_it_began()
    main()


def no_earlier_reports() -> None:
    """The command line's ``--junit`` file written as one error and its other reports, when
    an earlier run's, removed (``cli.leftover.interrupted_before_it_began``): a CI job read
    an earlier run's passing JUnit file as this command's (README: "FILE is this
    command's").  Another interrupt while it imports or writes ends the attempt."""
    import contextlib

    with contextlib.suppress(BaseException):
        from assay.cli.leftover import interrupted_before_it_began

        interrupted_before_it_began(sys.argv[1:])


def ended_before_it_began() -> None:
    """End the process, interrupted before its command began (nothing to close or finish),
    with exit 130.  Not ``sys.exit``: under ``python -m`` a Ctrl-C or SIGTERM caught during an
    import still ended the process by SIGINT (-2) 4 times in 18 after the line was said."""
    import contextlib

    for stream in (sys.stdout, sys.stderr):
        if stream is not None:
            with contextlib.suppress(OSError, ValueError):
                stream.flush()
    os._exit(EXIT_INTERRUPTED)


if __name__ == "__main__":
    run()
