"""mutation40: ``core.kept_signals`` puts SIGTERM back as well as SIGINT, and a command's
hold ends with it.

hostile39b's tests set SIGINT aside only: SIGTERM left out of the signals kept (a job runner's
stop, which assay reads as an interrupt) passed them."""

from __future__ import annotations

import signal
import sys

import pytest

from assay.core.kept_signals import held, kept

pytestmark = pytest.mark.skipif(sys.platform == "win32", reason="POSIX signals")


def test_sigterm_set_aside_by_a_model_is_put_back_within_a_command() -> None:
    mine = signal.getsignal(signal.SIGTERM)
    try:
        with held(), kept():
            signal.signal(signal.SIGTERM, signal.SIG_IGN)
        assert signal.getsignal(signal.SIGTERM) is mine
    finally:
        signal.signal(signal.SIGTERM, mine)  # type: ignore[arg-type]


def test_a_command_s_hold_ends_with_it_nested_or_not() -> None:
    mine = signal.getsignal(signal.SIGINT)
    try:
        with held():
            with held():
                pass
            with kept():  # (the outer command still runs)
                signal.signal(signal.SIGINT, signal.SIG_IGN)
            assert signal.getsignal(signal.SIGINT) is mine
        with kept():  # (no command runs any more: the program's own handlers)
            signal.signal(signal.SIGINT, signal.SIG_IGN)
        assert signal.getsignal(signal.SIGINT) is signal.SIG_IGN
    finally:
        signal.signal(signal.SIGINT, mine)  # type: ignore[arg-type]
