"""hostile25a: endpoints that misbehave in ways the transport did not bound.

A redirect (said where it points, the secret of its Location masked, not followed); a 429
or 503 asking to wait an hour (stopped at once, resumable, not "hung" a minute later); a
503's Retry-After honoured; an answer that trickles in a byte a second (``--timeout`` bounds
the whole answer); an answer of tens of megabytes to two inputs (refused at its cap, not
read into memory); a URL in a message followed by a colon (its mask not re-encoded).
"""

from __future__ import annotations

import contextlib
import json
import threading
import time
from collections.abc import Callable, Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from typer.testing import CliRunner

from assay.cli.app import app, register
from assay.core.model import Capabilities
from assay.core.redact import redact_text
from assay.errors import ModelError, ModelUnavailable
from assay.models.http import HttpModel

register()
runner = CliRunner()
CAPS = Capabilities(modality="tabular", n_classes=2, outputs="proba")
SECRET = "SEKRETLOCATION123456789"

# a handler's answer: (status, headers, body) or a callable writing it itself
Reply = Callable[[BaseHTTPRequestHandler, int, int], Any]


def _json_answer(h: BaseHTTPRequestHandler, n: int, status: int = 200, **headers: str) -> None:
    body = json.dumps({"outputs": [[0.5, 0.5]] * n}).encode() if status == 200 else b"busy"
    send_body(h, status, body, **headers)


def send_body(h: BaseHTTPRequestHandler, status: int, body: bytes, **headers: str) -> None:
    """Answer ``status`` with ``body`` (JSON unless ``headers`` say otherwise)."""
    h.send_response(status)
    for k, v in {"Content-Type": "application/json", **headers}.items():
        h.send_header(k, v)
    h.send_header("Content-Length", str(len(body)))
    h.end_headers()
    h.wfile.write(body)


@pytest.fixture
def serve() -> Iterator[Callable[[Reply], str]]:
    servers: list[ThreadingHTTPServer] = []

    def start(reply: Reply) -> str:
        posts = [0]

        class H(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, *a: Any) -> None:
                pass

            def do_POST(self) -> None:
                self._body = self.rfile.read(int(self.headers["Content-Length"]))
                n = len(json.loads(self._body)["inputs"])
                posts[0] += 1
                with contextlib.suppress(BrokenPipeError, ConnectionResetError):
                    reply(self, n, posts[0])

            def do_GET(self) -> None:  # readiness and metadata: asked with no inputs
                reply(self, 0, 0)

        httpd = ThreadingHTTPServer(("127.0.0.1", 0), H)
        httpd.daemon_threads = True
        threading.Thread(target=httpd.serve_forever, daemon=True).start()
        servers.append(httpd)
        return f"http://127.0.0.1:{httpd.server_address[1]}/predict"

    yield start
    for s in servers:
        s.shutdown()
        s.server_close()


def test_a_redirect_says_where_it_points_without_its_secret(serve, tmp_path: Path) -> None:
    def redirect(h: BaseHTTPRequestHandler, n: int, k: int) -> None:
        port = h.server.server_address[1]
        where = f"http://127.0.0.1:{port}/v2/predict?api_key={SECRET}"
        h.send_response(302)
        h.send_header("Location", where)
        h.send_header("Content-Length", "0")
        h.end_headers()

    url = serve(redirect)
    result = runner.invoke(
        app,
        ["fairness", url, "--dataset", "adult", "--protected", "sex", "--max-queries", "200",
         "--store", str(tmp_path / "r.db"), "--junit", str(tmp_path / "j.xml")],
    )  # fmt: skip
    out = result.output
    assert result.exit_code == 3, out
    assert "a redirect to http://127.0.0.1:" in out and "/v2/predict?***: assay does not" in out
    assert "does not follow redirects" in out and "MODEL" in out
    assert SECRET not in out and "%2A" not in out
    for f in tmp_path.iterdir():
        assert SECRET.encode() not in f.read_bytes(), f


def test_a_url_ending_a_clause_keeps_its_mask() -> None:
    text = "the endpoint http://h/p?***: down; at http://h/x?api_key=SEKRETVALUE1234567890."
    assert redact_text(text) == "the endpoint http://h/p?***: down; at http://h/x?api_key=***."


@pytest.mark.parametrize("status", [429, 503])
def test_retry_after_beyond_the_wait_stops_at_once_as_unavailable(serve, status: int) -> None:
    url = serve(lambda h, n, k: _json_answer(h, n, status, **{"Retry-After": "3600"}))
    model = HttpModel(url, capabilities=CAPS, retries=3, backoff=0.0)
    t0 = time.monotonic()
    with pytest.raises(ModelUnavailable, match=r"retry after 3,600 s \(Retry-After\)"):
        model.predict(np.zeros((2, 3)))
    assert time.monotonic() - t0 < 5  # it waited a minute per attempt
    assert model.stats.requests == 1
    model.close()


def test_a_503_retry_after_is_honoured(serve) -> None:
    def busy_once(h: BaseHTTPRequestHandler, n: int, k: int) -> None:
        _json_answer(h, n, 503 if k == 1 else 200, **{"Retry-After": "1"})

    model = HttpModel(serve(busy_once), capabilities=CAPS, retries=2, backoff=0.0)
    t0 = time.monotonic()
    out = model.predict(np.zeros((2, 3)))
    assert out.shape == (2, 2) and model.stats.retried == 1
    assert time.monotonic() - t0 >= 0.95  # backoff 0 would retry at once
    model.close()


def test_an_answer_trickling_in_is_bounded_by_the_timeout(serve) -> None:
    def trickle(h: BaseHTTPRequestHandler, n: int, k: int) -> None:
        h.send_response(200)
        h.send_header("Content-Length", "1000000")
        h.end_headers()
        for _ in range(60):
            h.wfile.write(b" ")
            h.wfile.flush()
            time.sleep(0.25)

    model = HttpModel(serve(trickle), capabilities=CAPS, timeout=1.0, retries=0)
    t0 = time.monotonic()
    with pytest.raises(ModelUnavailable, match=r"no whole answer within 1 s \(--timeout\)"):
        model.predict(np.zeros((2, 3)))
    assert time.monotonic() - t0 < 5  # each read came within the timeout: it waited 15 s
    model.close()


def test_a_huge_answer_is_refused_at_its_cap(serve) -> None:
    def huge(h: BaseHTTPRequestHandler, n: int, k: int) -> None:
        h.send_response(200)
        h.send_header("Content-Type", "application/json")
        h.send_header("Content-Length", str(40 * 2**20))
        h.end_headers()
        block = b" " * 2**20
        for _ in range(40):
            h.wfile.write(block)

    model = HttpModel(serve(huge), capabilities=CAPS, retries=0)
    with pytest.raises(ModelError, match=r"answered more than 16 MB \(status 200\) to 2 inputs"):
        model.predict(np.zeros((2, 3)))
    model.close()


def test_a_text_endpoint_answering_indices_is_told_what_an_endpoint_can_do(
    serve, tmp_path: Path
) -> None:
    def indices(h: BaseHTTPRequestHandler, n: int, k: int) -> None:
        body = json.dumps({"outputs": [i % 2 for i in range(n)]}).encode()
        h.send_response(200)
        h.send_header("Content-Type", "application/json")
        h.send_header("Content-Length", str(len(body)))
        h.end_headers()
        h.wfile.write(body)

    result = runner.invoke(
        app,
        ["text", serve(indices), "builtin:tfidf", "--grammar", "builtin:reviews",
         "--max-queries", "300", "--seed", "1", "--store", str(tmp_path / "r.db")],
    )  # fmt: skip
    out = " ".join(result.output.split())
    assert result.exit_code == 2, out
    assert "answers class indices without saying which classes there are" in out
    assert "an endpoint is asked over HTTP" in out and "answer its labels by name" in out
    assert "beside the function, in order" not in out  # there is no function to declare


@pytest.mark.parametrize("value", ["income", "logit"])
def test_one_value_outside_0_1_is_no_probability_and_no_pass(
    serve, tmp_path: Path, value: str
) -> None:
    """A served regressor (an income) or one logit per input, following 'sex': read as the
    probability of the second class (> 0.5) it gave one decision to every input, and the
    run passed (exit 0, nothing found)."""

    def answer(h: BaseHTTPRequestHandler, n: int, k: int) -> None:
        rows = json.loads(h._body)["inputs"]  # type: ignore[attr-defined]
        sex = [r[8] == "Male" or r[8] == 1 for r in rows]
        out = [(60000.5 if s else 20000.5) if value == "income" else (2.0 if s else -2.0)
               for s in sex]  # fmt: skip
        body = json.dumps({"outputs": out}).encode()
        h.send_response(200)
        h.send_header("Content-Length", str(len(body)))
        h.end_headers()
        h.wfile.write(body)

    result = runner.invoke(
        app,
        ["fairness", serve(answer), "--dataset", "adult", "--protected", "sex",
         "--max-queries", "300", "--seed", "1", "--store", str(tmp_path / "r.db")],
    )  # fmt: skip
    out = " ".join(result.output.split())
    # (refused at loading, before any run, since hostile47s: its probe's answers are read)
    assert result.exit_code == 2, out
    assert "answers outside [0, 1]" in out and "--cutoff C" in out


@pytest.mark.parametrize("given", [False, True])
def test_a_refused_credential_says_which_headers_were_sent(serve, given: bool) -> None:
    def refuse(h: BaseHTTPRequestHandler, n: int, k: int) -> None:
        body = json.dumps({"error": f"bad token {h.headers.get('Authorization')}"}).encode()
        h.send_response(401)
        h.send_header("Content-Length", str(len(body)))
        h.end_headers()
        h.wfile.write(body)

    headers = {"Authorization": f"Bearer {SECRET}"} if given else {}
    model = HttpModel(serve(refuse), capabilities=CAPS, headers=headers)
    with pytest.raises(ModelError) as err:
        model.predict(np.zeros((2, 3)))
    text = str(err.value)
    said = "the credential headers sent (Authorization) were refused" if given else "no credential"
    assert said in text and "--header-env 'Authorization=ENV_VAR'" in text
    assert SECRET not in text
    model.close()


def test_a_readiness_check_redirected_to_a_login_says_so(serve) -> None:
    """An OIP server behind a login: /v2/health/ready redirected to the login page was
    "the server is not ready: /v2/health/ready answered 302"."""

    def login(h: BaseHTTPRequestHandler, n: int, k: int) -> None:
        h.send_response(302)
        h.send_header("Location", f"https://sso.example.com/login?state={SECRET}")
        h.send_header("Content-Length", "0")
        h.end_headers()

    model = HttpModel(serve(login).replace("/predict", "/v2/models/m"), capabilities=CAPS)
    with pytest.raises(ModelError) as err:
        model.connect()
    text = str(err.value)
    assert "/v2/health/ready answered status 302, a redirect to https://sso.example.com" in text
    assert "not ready" not in text and SECRET not in text and "--header-env" in text
    model.close()
