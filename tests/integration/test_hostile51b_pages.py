"""A web page answered 200 is refused at once whatever its declared type, and at the
readiness and metadata GETs too (hostile51b): a page sent as ``application/json`` was retried
as a body cut on the way until ``--call-timeout``, and an Open Inference Protocol server's
page said "no metadata for model ...: status 200"."""

from __future__ import annotations

import json
from http.server import BaseHTTPRequestHandler

import numpy as np
import pytest
from test_hostile25a_serving import send_body, serve  # noqa: F401  (the fixture)

from assay.core.model import Capabilities
from assay.errors import ModelError, ModelUnavailable
from assay.models.http import HttpModel

pytestmark = pytest.mark.slow

CAPS = Capabilities(modality="tabular", n_classes=2, outputs="proba")
PAGE = b"\n  <!DOCTYPE html>\n<html><body><form action='/sso'>Sign in</form></body></html>"


@pytest.mark.parametrize("declared", ["application/json", None], ids=["json", "no-type"])
def test_a_page_declared_as_json_is_refused_at_once(serve, declared: str | None) -> None:  # noqa: F811
    posts: list[int] = []

    def portal(h: BaseHTTPRequestHandler, n: int, k: int) -> None:
        posts.append(k)
        h.send_response(200)
        if declared:
            h.send_header("Content-Type", declared)
        h.send_header("Content-Length", str(len(PAGE)))
        h.end_headers()
        h.wfile.write(PAGE)

    model = HttpModel(serve(portal), capabilities=CAPS, retries=3, backoff=0.01)
    with pytest.raises(ModelError, match=r"with a web page \(HTML, ") as got:
        model.predict(np.zeros((2, 3)))
    assert not isinstance(got.value, ModelUnavailable)
    assert "Sign in" in str(got.value)
    assert len(posts) == 1  # (main: 4 attempts, then sent again until --call-timeout)


def test_a_cut_json_body_is_still_retried(serve) -> None:  # noqa: F811
    def cut_once(h: BaseHTTPRequestHandler, n: int, k: int) -> None:
        body = json.dumps({"outputs": [[0.25, 0.75]] * n}).encode()
        send_body(h, 200, body[: len(body) // 2] if k == 1 else body)

    model = HttpModel(serve(cut_once), capabilities=CAPS, retries=2, backoff=0.01)
    assert model.predict(np.zeros((2, 3))).tolist() == [[0.25, 0.75]] * 2


@pytest.mark.parametrize("page_at", ["/v2/health/ready", "/v2/models/m"])
def test_a_page_at_the_readiness_or_metadata_check_is_said(serve, page_at: str) -> None:  # noqa: F811
    def oip(h: BaseHTTPRequestHandler, n: int, k: int) -> None:
        if h.path.split("?")[0] == page_at:
            send_body(h, 200, PAGE, **{"Content-Type": "text/html"})
        elif h.path.endswith("/ready"):
            send_body(h, 200, b"{}")
        else:
            meta = {"name": "m", "inputs": [{"name": "x", "datatype": "FP64", "shape": [-1, 3]}]}
            send_body(h, 200, json.dumps(meta).encode())

    url = serve(oip).replace("/predict", "") + "/v2/models/m"
    model = HttpModel(url, capabilities=CAPS, protocol="oip", retries=0)
    with pytest.raises(ModelError, match=f"answered {page_at} status 200 with a web page"):
        model.connect()
