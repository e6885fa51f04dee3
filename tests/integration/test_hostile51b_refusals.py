"""A served model's refusal of a filter's probe images with another status than a
credential's or an address's (a 422, a 400) says both readings, its status kept, where it
said "not the one f.json was exported for" only (hostile51b); a request ended by a refusal
no retry helps counts in the error rate's window (hostile51's ``_ended`` counted it failed,
not in the window)."""

from __future__ import annotations

import json
from http.server import BaseHTTPRequestHandler
from pathlib import Path

import numpy as np
import pytest
from test_hostile25a_serving import send_body, serve  # noqa: F401  (the fixture)
from test_hostile51_filter_unreached import SPEC, TRIGGER, _proba

from assay.backdoor.filter import load_filter, save_filter
from assay.core.model import Capabilities
from assay.errors import ModelError, ModelUnavailable, UsageError
from assay.models.http import HttpModel, ServingOptions
from assay.models.loader import load_model

pytestmark = pytest.mark.slow

QUICK = ServingOptions(timeout=0.5, retries=1, backoff=0.01)


def test_a_422_on_the_probe_images_says_both_readings(serve, tmp_path: Path) -> None:  # noqa: F811
    refusing = [False]

    def validating(h: BaseHTTPRequestHandler, n: int, k: int) -> None:
        if refusing[0]:
            body = b'{"detail": "field \\"instances\\" required"}'
            send_body(h, 422, body)
            return
        rows = np.asarray(json.loads(h._body)["inputs"], dtype=float)  # type: ignore[attr-defined]
        send_body(h, 200, json.dumps({"outputs": _proba(rows).tolist()}).encode())

    url = serve(validating)
    model = load_model(url, modality="image", outputs="proba", n_classes=10, serving=QUICK)
    clean = np.random.default_rng(0).uniform(0, 1, (20, 8, 8, 1))
    path = save_filter(tmp_path / "f.json", SPEC, [TRIGGER], model=model, references=clean)
    refusing[0] = True
    with pytest.raises(ModelError) as got:
        load_filter(path, model)
    said = str(got.value)
    assert not isinstance(got.value, UsageError), said  # (main: UsageError "not the one")
    assert got.value.status == 422, said
    assert str(path) in said and "otherwise the request was refused for the reason" in said
    assert "instances" in said, said


def test_a_refusal_no_retry_helps_counts_in_the_error_window(serve) -> None:  # noqa: F811
    def expiring(h: BaseHTTPRequestHandler, n: int, k: int) -> None:
        if k <= 3:
            send_body(h, 401, b'{"error": "token expired"}')
        else:
            send_body(h, 500, b'{"error": "down"}')

    caps = Capabilities(modality="tabular", n_classes=2, outputs="proba")
    model = HttpModel(
        serve(expiring), capabilities=caps, retries=0, backoff=0.01, max_error_rate=0.5,
        error_window=10,
    )  # fmt: skip
    for _ in range(3):  # (a caller going on after each refusal)
        with pytest.raises(ModelError, match="status 401"):
            model.predict(np.zeros((2, 3)))
    with pytest.raises(ModelUnavailable, match="4 of the last 4 requests failed"):
        model.predict(np.zeros((2, 3)))  # (main: "1 of the last 1")
