"""A request that ends the run with an error no retry helps (the endpoint's 401 as its token
expired, an answer of the wrong form) is counted in the serving summary: its ``failed`` and
its last ``errors`` (hostile51).  A run stopped by its endpoint's 401 said "failed 0" and no
error in its report's Serving section, beside the run's error naming that 401."""

from __future__ import annotations

import os

import numpy as np
import pytest
from serving_servers import FaultServer

from assay.core.model import Capabilities
from assay.errors import ModelError
from assay.models.http import HttpModel, header_values

pytestmark = pytest.mark.slow

CAPS = Capabilities(modality="tabular", n_classes=2, outputs="proba")


def _proba(x: np.ndarray) -> np.ndarray:
    p = (np.asarray(x, dtype=float)[:, 0] > 0).astype(float)
    return np.stack([1 - p, p], axis=1)


def _short(x: np.ndarray) -> np.ndarray:
    return _proba(x)[:-1]


def test_a_refused_credential_is_a_failed_request_with_its_error() -> None:
    os.environ["H51_FAILED_TOK"] = "Bearer h51-expired"
    headers = header_values(["Authorization=H51_FAILED_TOK"])
    with FaultServer(_proba, token="Bearer h51-current") as server:
        model = HttpModel(server.url, capabilities=CAPS, headers=headers, retries=1)
        with pytest.raises(ModelError, match="status 401"):
            model.predict(np.zeros((3, 2)))
    stats = model.stats.to_json()
    assert stats["failed"] == 1, stats
    assert "status 401" in stats["errors"][-1]["error"]
    assert "h51-expired" not in str(stats)


def test_an_answer_of_the_wrong_form_is_a_failed_request_with_its_error() -> None:
    with FaultServer(_short) as server:
        model = HttpModel(server.url, capabilities=CAPS, retries=1)
        with pytest.raises(ModelError, match="wrong form"):
            model.predict(np.zeros((3, 2)))
    stats = model.stats.to_json()
    assert stats["failed"] == 1 and "wrong form" in stats["errors"][-1]["error"], stats


def test_a_request_timed_out_names_the_timeout_option() -> None:
    """A slow endpoint's "unavailable ... last: no answer within 1 s (ReadTimeout)" never
    said which option that second is (the answer cut short by it, "(--timeout)", did)."""
    faults = dict.fromkeys(range(1, 100), "slow")
    with FaultServer(_proba, faults=faults, slow_seconds=1.0) as server:
        model = HttpModel(server.url, capabilities=CAPS, timeout=0.2, retries=0)
        with pytest.raises(ModelError, match=r"no answer within 0\.2 s \(--timeout"):
            model.predict(np.zeros((3, 2)))
