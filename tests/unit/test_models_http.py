"""HTTP endpoint models, against a small server on 127.0.0.1 run in a thread."""

from __future__ import annotations

import base64
import contextlib
import json
import threading
import time
from collections.abc import Callable, Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import numpy as np
import pytest
from sklearn.linear_model import LogisticRegression

from assay.core.model import Capabilities
from assay.errors import ModelError, ModelUnavailable, UsageError
from assay.models import HttpModel, load_model

Answer = Callable[[dict[str, Any]], tuple[int, bytes]]


class Server:
    """A loopback HTTP server whose answer is a function of the decoded request body."""

    def __init__(self, answer: Answer) -> None:
        self.answer = answer
        self.bodies: list[dict[str, Any]] = []
        self.auth: list[str | None] = []
        outer = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                size = int(self.headers.get("Content-Length", 0))
                body = json.loads(self.rfile.read(size))
                outer.bodies.append(body)
                outer.auth.append(self.headers.get("Authorization"))
                status, payload = outer.answer(body)
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(payload)))
                self.end_headers()
                # the client may have given up first (timeout test)
                with contextlib.suppress(BrokenPipeError, ConnectionResetError):
                    self.wfile.write(payload)

            def log_message(self, format: str, *args: Any) -> None:
                pass

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.httpd.daemon_threads = True
        self.url = f"http://127.0.0.1:{self.httpd.server_address[1]}/predict"
        self.thread = threading.Thread(
            target=self.httpd.serve_forever, kwargs={"poll_interval": 0.02}, daemon=True
        )

    def __enter__(self) -> Server:
        self.thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()
        self.thread.join(timeout=5)


@pytest.fixture(scope="module")
def fitted() -> tuple[LogisticRegression, np.ndarray]:
    rng = np.random.default_rng(11)
    x = np.round(rng.normal(size=(150, 3)), 3)
    y = (x[:, 0] + 0.5 * x[:, 1] > 0).astype(int) + (x[:, 2] > 1)
    return LogisticRegression().fit(x, y), x


def _serving(est: LogisticRegression) -> Answer:
    def answer(body: dict[str, Any]) -> tuple[int, bytes]:
        rows = np.asarray(body["inputs"], dtype=float)
        return 200, json.dumps({"outputs": est.predict_proba(rows).tolist()}).encode()

    return answer


def test_endpoint_gives_the_models_answers_in_bounded_batches(
    fitted: tuple[LogisticRegression, np.ndarray],
) -> None:
    est, x = fitted
    with Server(_serving(est)) as server:
        caps = Capabilities(modality="tabular", n_classes=3, outputs="proba")
        direct = HttpModel(server.url, capabilities=caps, max_batch=40, timeout=5)
        np.testing.assert_allclose(direct.predict(x), est.predict_proba(x), atol=1e-12)
        assert [len(b["inputs"]) for b in server.bodies] == [40, 40, 40, 30]
        model = load_model(server.url, outputs="proba", n_classes=3)
        assert model.spec_info["type"] == "http"
        np.testing.assert_allclose(model.predict(x[:7]), est.predict_proba(x[:7]), atol=1e-12)
        probed = load_model(server.url, probe=x[:1])
        assert (probed.capabilities.outputs, probed.capabilities.n_classes) == ("proba", 3)


def test_labels_and_text_inputs_travel_as_json() -> None:
    def answer(body: dict[str, Any]) -> tuple[int, bytes]:
        return 200, json.dumps({"outputs": [len(s) % 2 for s in body["inputs"]]}).encode()

    with Server(answer) as server:
        model = load_model(server.url, modality="text", outputs="labels", n_classes=2)
        texts = ["good", "bad", "fine film", "ü"]
        assert list(model.predict(texts)) == [0, 1, 1, 1]
        assert server.bodies[-1]["inputs"] == texts
        mixed = np.array([["a", np.int64(3), 1.5]], dtype=object)
        load_model(server.url, outputs="labels", n_classes=2).predict(mixed)
        assert server.bodies[-1]["inputs"] == [["a", 3, 1.5]]


def test_server_error_forever_gives_a_model_error_after_bounded_retries() -> None:
    with Server(lambda body: (500, b'{"error": "model not loaded"}')) as server:
        caps = Capabilities(modality="tabular", n_classes=2, outputs="proba")
        model = HttpModel(server.url, capabilities=caps, retries=2, backoff=0.01, timeout=2)
        started = time.monotonic()
        with pytest.raises(ModelError) as err:
            model.predict(np.zeros((3, 2)))
        assert time.monotonic() - started < 5
        assert len(server.bodies) == 3
        message = str(err.value)
        assert server.url in message and "500" in message and "3 attempts" in message


def test_client_errors_and_bad_answers_are_not_retried(
    fitted: tuple[LogisticRegression, np.ndarray],
) -> None:
    caps = Capabilities(modality="tabular", n_classes=3, outputs="proba")
    cases: list[tuple[Answer, str]] = [
        (lambda body: (404, b"no such route"), "answered status 404"),
        (lambda body: (200, b'{"result": []}'), "wrong form.*result"),
        (lambda body: (200, b'{"outputs": [[0.5, 0.5, 0.0]]}'), "1 answers for 4 inputs"),
        (
            lambda body: (200, json.dumps({"outputs": [["a", "b", "c"]] * 4}).encode()),
            "not numbers",
        ),
    ]
    for answer, problem in cases:
        with Server(answer) as server:
            model = HttpModel(server.url, capabilities=caps, retries=3, backoff=0.01)
            with pytest.raises(ModelError, match=problem) as err:
                model.predict(fitted[1][:4])
            assert server.url in str(err.value)
            assert len(server.bodies) == 1


def test_unreadable_bodies_are_retried_then_named_with_an_excerpt(
    fitted: tuple[LogisticRegression, np.ndarray],
) -> None:
    """A body that is not JSON at all (cut or garbled on the way) is worth another attempt;
    when it never gets better, the error names the endpoint and shows the body."""
    caps = Capabilities(modality="tabular", n_classes=3, outputs="proba")
    # (not an HTML page: one is refused at once whatever its declared type, hostile51b)
    with Server(lambda body: (200, b'{"outputs": [[0.2, oops')) as server:
        model = HttpModel(server.url, capabilities=caps, retries=2, backoff=0.01)
        with pytest.raises(ModelUnavailable, match=r"unreadable JSON.*0\.2, oops") as err:
            model.predict(fitted[1][:4])
        assert server.url in str(err.value)
        assert len(server.bodies) == 3
        assert model.stats.failed == 1 and model.stats.retried == 2


def test_wrong_width_from_the_endpoint_is_caught_by_the_checks(
    fitted: tuple[LogisticRegression, np.ndarray],
) -> None:
    est, x = fitted
    with Server(_serving(est)) as server:
        model = load_model(server.url, outputs="proba", n_classes=2)
        with pytest.raises(ModelError, match=r"3 columns.*declares 2 classes"):
            model.predict(x[:4])


def test_unreachable_and_slow_endpoints_fail_within_the_timeout() -> None:
    caps = Capabilities(modality="tabular", n_classes=2, outputs="labels")
    with Server(lambda body: (200, b"{}")) as server:
        closed_url = server.url
    model = HttpModel(closed_url, capabilities=caps, retries=1, backoff=0.01, timeout=1)
    with pytest.raises(ModelError, match="connection failed"):
        model.predict(np.zeros((1, 2)))

    def slow(body: dict[str, Any]) -> tuple[int, bytes]:
        time.sleep(0.6)
        return 200, b'{"outputs": [0]}'

    with Server(slow) as server:
        model = HttpModel(server.url, capabilities=caps, retries=1, backoff=0.01, timeout=0.2)
        started = time.monotonic()
        with pytest.raises(ModelError, match="2 attempts"):
            model.predict(np.zeros((1, 2)))
        assert time.monotonic() - started < 3


def test_credentials_in_the_url_are_not_stored_or_shown() -> None:
    with Server(lambda body: (503, b"busy")) as server:
        port = server.url.split(":")[2].split("/")[0]
        url = f"http://user:s3cret@127.0.0.1:{port}/predict?api_key=k3y"
        model = load_model(url, outputs="labels", n_classes=2)
        assert "s3cret" not in json.dumps(model.spec_info)
        assert "k3y" not in json.dumps(model.spec_info)
        model.inner.backoff = 0.0  # type: ignore[attr-defined]
        with pytest.raises(ModelError) as err:
            model.predict(np.zeros((1, 2)))
        assert "s3cret" not in str(err.value) and "k3y" not in str(err.value)
        assert f"127.0.0.1:{port}/predict" in str(err.value)
        assert len(server.bodies) == 4  # the default: 3 retries
        assert server.auth[0] == "Basic " + base64.b64encode(b"user:s3cret").decode()


def test_endpoint_needs_declared_capabilities_and_a_real_url() -> None:
    with pytest.raises(UsageError, match="n_classes=") as err:  # (no --outputs: hostile51)
        load_model("http://127.0.0.1:9/predict")
    assert err.value.argument == "MODEL"
    with pytest.raises(UsageError, match="not an http"):
        HttpModel("ftp://example.org/model", capabilities=None)


@pytest.fixture(autouse=True)
def _dead_proxy(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """A proxy that refuses connections: loopback endpoints must not go through it."""
    for name in ("http_proxy", "HTTP_PROXY", "https_proxy", "HTTPS_PROXY"):
        monkeypatch.setenv(name, "http://127.0.0.1:9")
    monkeypatch.delenv("no_proxy", raising=False)
    monkeypatch.delenv("NO_PROXY", raising=False)
    yield
