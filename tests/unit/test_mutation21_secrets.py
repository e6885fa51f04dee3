"""Credentials are never stored and never shown, in each form a user gives them.

A token as a URL's user (``https://TOKEN@host``), a short API key in a credential-named query
parameter, an OAuth token in the fragment, a header read from the environment
(``--header-env X-Api-Key=VAR``) that the server echoes in its error page: none reaches the run
store or a message.
"""

from __future__ import annotations

import contextlib
import json
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import numpy as np
import pytest

from assay.core.model import Capabilities
from assay.core.redact import redact_text, redact_url
from assay.core.store import RunStore
from assay.errors import ModelError
from assay.models import HttpModel

TOKEN = "ghp_x1"  # short: masked for where it stands, not for its look
URLS = {
    "user token": f"https://{TOKEN}@git.example/models/m",
    "short api key": f"https://h.example/predict?api_key={TOKEN}&v=2",
    "fragment token": f"https://h.example/predict#token={TOKEN}",
}


@pytest.mark.parametrize("url", list(URLS.values()), ids=list(URLS))
def test_a_credential_is_masked_wherever_it_stands(url: str, tmp_path: Path) -> None:
    shown = redact_url(url)
    assert TOKEN not in shown and "***" in shown
    assert "h.example" in shown or "git.example" in shown  # the URL is still recognisable
    assert TOKEN not in redact_text(f"assay fairness {url} --data d.csv")
    with RunStore(tmp_path / "runs.db") as store:
        store.create_run(
            run_id="r",
            technique="fairness",
            seed=1,
            command=f"assay fairness {url}",
            config={"model": url},
            model={"spec": url},
            versions={},
        )
        store.checkpoint("r", status="failed", error=f"the model at {url} failed")
    stored = b"".join(p.read_bytes() for p in tmp_path.glob("runs.db*"))
    assert TOKEN.encode() not in stored


class _Echo(BaseHTTPRequestHandler):
    """Refuses every request, echoing the headers it got (as some servers' error pages do)."""

    def do_POST(self) -> None:
        self.rfile.read(int(self.headers.get("Content-Length", 0)))
        got = f"{self.headers.get('X-Api-Key')} / {self.headers.get('Cookie')}"
        page = f"forbidden: {got}".encode()
        self.send_response(403)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(page)))
        self.end_headers()
        with contextlib.suppress(BrokenPipeError, ConnectionResetError):
            self.wfile.write(page)

    def log_message(self, *args: Any) -> None:
        return None


@pytest.fixture()
def echo() -> Iterator[str]:
    server = ThreadingHTTPServer(("127.0.0.1", 0), _Echo)
    server.daemon_threads = True
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}/predict"
    server.shutdown()
    server.server_close()


def test_a_header_from_the_environment_is_never_in_an_error(echo: str) -> None:
    caps = Capabilities(modality="tabular", n_classes=2, outputs="labels")
    value = "k3y-Sekrit-5521"
    model = HttpModel(
        echo, capabilities=caps, retries=0, headers={"X-Api-Key": value, "Cookie": "sid=abc123"}
    )
    with pytest.raises(ModelError) as err:
        model.predict(np.zeros((2, 3)))
    message = str(err.value)
    assert "403" in message and "forbidden: *** / ***" in message
    assert value not in message and "abc123" not in message
    assert "X-Api-Key" in json.dumps(model.info)  # named, never valued
    assert value not in json.dumps(model.info)
