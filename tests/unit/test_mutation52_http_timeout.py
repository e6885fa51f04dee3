"""A request a served model did not answer in time names the option that set the time
(hostile51: "no answer within 1 s (--timeout; ReadTimeout)"; it named no option) (mutation52)."""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import numpy as np
import pytest

from assay.core.model import Capabilities
from assay.errors import ModelError
from assay.models.http import HttpModel


class _Slow(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def log_message(self, *a: Any) -> None:
        pass

    def do_POST(self) -> None:
        self.rfile.read(int(self.headers["Content-Length"]))
        time.sleep(1.5)  # (longer than the client's --timeout)
        body = b'{"outputs": [[0.5, 0.5]]}'
        try:
            self.send_response(200)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)
        except (BrokenPipeError, ConnectionResetError):
            pass


@pytest.fixture
def slow_url() -> Iterator[str]:
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), _Slow)
    httpd.daemon_threads = True
    threading.Thread(target=httpd.serve_forever, daemon=True).start()
    try:
        yield f"http://127.0.0.1:{httpd.server_address[1]}/predict"
    finally:
        httpd.shutdown()
        httpd.server_close()


def test_a_request_unanswered_in_time_names_timeout(slow_url: str) -> None:
    caps = Capabilities(modality="tabular", n_classes=2, outputs="proba")
    model = HttpModel(slow_url, capabilities=caps, timeout=0.2, retries=0, backoff=0.01)
    with pytest.raises(ModelError) as failed:
        model.predict(np.zeros((1, 3)))
    assert "no answer within 0.2 s (--timeout; ReadTimeout)" in str(failed.value), failed.value
