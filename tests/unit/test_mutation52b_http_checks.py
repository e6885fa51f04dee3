"""An endpoint's readiness and metadata GETs answered by a web page (``models.http``'s page
path, hostile51b) and an endpoint loaded with nothing to tell what it answers
(``loader._http``): the words said once, scrubbed of the credential, the URL masked; no
request sent for the refusal (mutation52b: P2, P3, L1, L2 survived main's tests)."""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import ClassVar

import pytest

from assay.core.model import Capabilities
from assay.errors import ModelError, UsageError
from assay.models.http import HttpModel
from assay.models.loader import load_model

CAPS = Capabilities(modality="tabular", n_classes=2, outputs="proba")
TOKEN = "s3cr3t-t0ken-52b"


class _Portal(BaseHTTPRequestHandler):
    """An Open Inference Protocol server behind a portal whose readiness GET answers a login
    page echoing the request's credential (as a debug page does)."""

    asked: ClassVar[list[str]] = []

    def do_GET(self) -> None:
        self.asked.append(self.path)
        if self.path.split("?")[0].endswith("/ready"):
            said = self.headers.get("Authorization", "")
            body = f"<!DOCTYPE html><html><body>Sign in ({said})</body></html>".encode()
            kind = "text/html"
        else:
            meta = {"name": "m", "inputs": [{"name": "x", "datatype": "FP64", "shape": [-1, 3]}]}
            body, kind = json.dumps(meta).encode(), "application/json"
        self.send_response(200)
        self.send_header("Content-Type", kind)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args: object) -> None:
        pass


@pytest.fixture
def portal() -> Iterator[str]:
    server = ThreadingHTTPServer(("127.0.0.1", 0), _Portal)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/v2/models/m"
    finally:
        server.shutdown()
        server.server_close()


def test_a_page_at_the_readiness_check_is_said_once_and_scrubbed(portal: str) -> None:
    model = HttpModel(
        portal,
        capabilities=CAPS,
        protocol="oip",
        retries=0,
        headers={"Authorization": f"Bearer {TOKEN}"},
    )
    with pytest.raises(ModelError) as got:
        model.connect()
    said = str(got.value)
    assert "answered /v2/health/ready status 200 with a web page (text/html)" in said, said
    assert "Sign in" in said, said
    # the page's own words, not wrapped again as the protocol's failure ("the endpoint X:
    # the endpoint X answered ...")
    assert said.count("the endpoint ") == 1, said
    assert TOKEN not in said, said


def test_an_endpoint_loaded_with_nothing_to_ask_is_refused_before_any_request() -> None:
    _Portal.asked.clear()
    server = ThreadingHTTPServer(("127.0.0.1", 0), _Portal)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        url = f"http://127.0.0.1:{server.server_address[1]}/v2/models/m?api_key=KEY52B"
        with pytest.raises(UsageError) as got:
            load_model(url)
    finally:
        server.shutdown()
        server.server_close()
    said = str(got.value)
    assert "cannot tell what the endpoint" in said and "probe=" in said, said
    assert "outputs=" in said and "--data" in said, said
    assert "KEY52B" not in said, said
    assert _Portal.asked == []
