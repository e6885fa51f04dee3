"""A served model's answer cap grows with the batch it answers (mutation26): 1,000 inputs
answered in 20 MB (long explanations, padding) are read, where one input's 20 MB is not."""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import numpy as np
import pytest

from assay.core.model import Capabilities
from assay.errors import ModelError
from assay.models.http import HttpModel

CAPS = Capabilities(modality="tabular", n_classes=2, outputs="proba")
PAD = 20 * 2**20  # bytes of whitespace after the outputs: more than the base cap of 16 MB


class _Padded(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def log_message(self, *a: Any) -> None:
        pass

    def do_POST(self) -> None:
        n = len(json.loads(self.rfile.read(int(self.headers["Content-Length"])))["inputs"])
        body = json.dumps({"outputs": [[0.25, 0.75]] * n}).encode()
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body) + PAD))
        self.end_headers()
        self.wfile.write(body)
        block = b" " * 2**20
        for _ in range(PAD // 2**20):
            self.wfile.write(block)


@pytest.fixture
def url() -> Iterator[str]:
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), _Padded)
    httpd.daemon_threads = True
    threading.Thread(target=httpd.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{httpd.server_address[1]}/predict"
    httpd.shutdown()
    httpd.server_close()


def test_a_large_batchs_long_answer_is_read_and_one_inputs_is_not(url: str) -> None:
    model = HttpModel(url, capabilities=CAPS, retries=0, max_batch=1000)
    try:
        got = np.asarray(model.predict(np.zeros((1000, 3))))
        assert got.shape == (1000, 2) and np.allclose(got[:, 1], 0.75)
        with pytest.raises(ModelError, match=r"answered more than 16 MB"):
            model.predict(np.zeros((1, 3)))
    finally:
        model.close()
