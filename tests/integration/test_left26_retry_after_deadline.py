"""left26: an endpoint answering 429 or 503 with a ``Retry-After`` within the minute assay
waits but longer than ``--call-timeout`` leaves the call ended, after the deadline, as "the
model did not answer within 5 s (--call-timeout); it may be hung".  It is said at once now:
the endpoint asked to be retried after N s, longer than the call has left, and which
--call-timeout would wait for it.  A wait the call outlives is still made."""

from __future__ import annotations

import time
from collections.abc import Iterator
from pathlib import Path

import numpy as np
import pytest
from serving_servers import FaultServer
from typer.testing import CliRunner

from assay.cli.app import app, register
from assay.core.calls import WatchedCaller
from assay.core.model import Capabilities
from assay.models.http import HttpModel

register()
runner = CliRunner()


def _half(x: np.ndarray) -> np.ndarray:
    return np.full((len(x), 2), 0.5)


@pytest.fixture
def busy_for_20_s() -> Iterator[str]:
    """A model answering every request 429, asking to be retried after 20 s."""
    with FaultServer(_half, faults=dict.fromkeys(range(1, 10_000), "429"), retry_after="20") as s:
        yield s.url


def test_a_retry_after_beyond_the_call_timeout_is_said_at_once(
    busy_for_20_s: str, tmp_path: Path
) -> None:
    t0 = time.monotonic()
    result = runner.invoke(
        app,
        ["fairness", busy_for_20_s, "--dataset", "german", "--protected", "sex",
         "--max-queries", "200", "--call-timeout", "5", "--store", str(tmp_path / "r.db")],
    )  # fmt: skip
    out = " ".join(result.output.split())
    assert result.exit_code == 3, out
    assert "may be hung" not in out
    assert "asking to retry after 20 s (Retry-After), longer than the call has left" in out
    assert "--call-timeout (5 s" in out and "--call-timeout 40" in out
    assert time.monotonic() - t0 < 60


def test_a_retry_after_the_call_outlives_is_waited_for() -> None:
    caps = Capabilities(modality="tabular", n_classes=2, outputs="proba")
    with FaultServer(_half, faults={1: "429"}, retry_after="1") as server:
        model = HttpModel(server.url, capabilities=caps, retries=2, backoff=0.0)
        caller = WatchedCaller(call_timeout=30)
        try:
            t0 = time.monotonic()
            out = caller.submit(lambda: model.predict(np.zeros((2, 3)))).result()
            assert out.shape == (2, 2) and model.stats.retried == 1
            assert time.monotonic() - t0 >= 0.95
        finally:
            caller.close()
            model.close()
