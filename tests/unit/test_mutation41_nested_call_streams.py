"""mutation41: an API call made within another (a model's callback calling assay, after the
model replaced ``sys.stderr``) speaks on the streams the outermost call started with, as
``core.kept_streams.call_streams`` promises; and inside a command line a call leaves the
streams to the command (``commanded``).  left40b tested one call alone: with the inner
call's streams taking the outer's place (ST1), every test passed."""

from __future__ import annotations

import io
import sys

import pytest

from assay.core import kept_streams


def test_a_call_within_a_call_keeps_the_outer_calls_streams(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(sys, "stderr", sys.stderr)  # (put back after the test)
    callers = sys.stdout, sys.stderr
    with kept_streams.restored():
        sys.stderr = io.StringIO()  # (the model's, mid-call)
        with kept_streams.restored():  # (the model's callback calls assay again)
            assert kept_streams.call_streams() == callers
            assert kept_streams.own_stderr() is callers[1]
        assert kept_streams.call_streams() == callers
    assert kept_streams.call_streams() is None
    assert sys.stderr is callers[1]
