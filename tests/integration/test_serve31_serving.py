"""serve31: served models' checks before the run, and TLS.

The readiness and metadata GETs (OIP, MLflow, KServe v1) are bounded as a batch's answer is:
one trickling in a byte at a time held the run before it began for ever, and one of 1.5 GB
was read whole (5.6 GB of memory).  A certificate assay does not trust is said once, with
how to trust it (``SSL_CERT_FILE``), not retried four times and called "unavailable"; and
``SSL_CERT_FILE`` is honoured for a loopback address too.
"""

from __future__ import annotations

import json
import shutil
import ssl
import subprocess
import threading
import time
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import numpy as np
import pytest
from test_hostile25a_serving import CAPS, _json_answer, serve  # noqa: F401  (the fixture)

from assay.core.model import Capabilities
from assay.errors import ModelError, UsageError
from assay.models.http import HttpModel


def _trickle(h: BaseHTTPRequestHandler, n: int, k: int) -> None:
    h.send_response(200)
    h.send_header("Content-Length", "1000000")
    h.end_headers()
    for _ in range(60):
        h.wfile.write(b" ")
        h.wfile.flush()
        time.sleep(0.25)


def _huge(h: BaseHTTPRequestHandler, n: int, k: int) -> None:
    h.send_response(200)
    h.send_header("Content-Type", "application/json")
    h.send_header("Content-Length", str(40 * 2**20))
    h.end_headers()
    block = b" " * 2**20
    for _ in range(40):
        h.wfile.write(block)


def test_a_readiness_check_trickling_in_is_bounded_by_the_timeout(serve) -> None:  # noqa: F811
    url = serve(_trickle).replace("/predict", "/v2/models/m")
    model = HttpModel(url, capabilities=CAPS, timeout=1.0, retries=0)
    t0 = time.monotonic()
    with pytest.raises(ModelError, match=r"did not answer /v2/health/ready within 1 s"):
        model.connect()
    assert time.monotonic() - t0 < 5  # each byte came within the read timeout: 15 s
    model.close()


def test_a_huge_readiness_answer_is_refused_at_its_cap(serve) -> None:  # noqa: F811
    url = serve(_huge).replace("/predict", "/invocations")
    model = HttpModel(url, capabilities=CAPS, retries=0)
    with pytest.raises(ModelError, match=r"answered /ping with more than 16 MB \(status 200\)"):
        model.connect()
    model.close()


def test_a_readiness_check_that_says_nothing_names_the_timeout(serve) -> None:  # noqa: F811
    def silent(h: BaseHTTPRequestHandler, n: int, k: int) -> None:
        time.sleep(3)

    url = serve(silent).replace("/predict", "/v1/models/m:predict")
    model = HttpModel(url, capabilities=CAPS, timeout=0.5, retries=0)
    with pytest.raises(ModelError, match=r"did not answer /v1/models/m within 0.5 s \(--timeout\)"):
        model.connect()
    model.close()


# -- TLS ---------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def certificate(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    """A self-signed certificate for 127.0.0.1 (openssl's command line)."""
    if shutil.which("openssl") is None:
        pytest.skip("no openssl to make a certificate")
    d = tmp_path_factory.mktemp("tls")
    crt, key = d / "c.crt", d / "c.key"
    subprocess.run(
        ["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", str(key),
         "-out", str(crt), "-days", "2", "-subj", "/CN=127.0.0.1",
         "-addext", "subjectAltName=IP:127.0.0.1"],
        check=True, capture_output=True,
    )  # fmt: skip
    return crt, key


@pytest.fixture
def tls_server(certificate: tuple[Path, Path]) -> Iterator[tuple[str, list[int]]]:
    """A JSON endpoint over TLS with the self-signed certificate: its URL and its POSTs."""
    posts = [0]

    class H(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def log_message(self, *a: object) -> None:
            pass

        def do_POST(self) -> None:
            n = len(json.loads(self.rfile.read(int(self.headers["Content-Length"])))["inputs"])
            posts[0] += 1
            _json_answer(self, n)

    httpd = ThreadingHTTPServer(("127.0.0.1", 0), H)
    ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    ctx.load_cert_chain(*map(str, certificate))
    httpd.socket = ctx.wrap_socket(httpd.socket, server_side=True)
    httpd.daemon_threads = True
    threading.Thread(target=httpd.serve_forever, daemon=True).start()
    yield f"https://127.0.0.1:{httpd.server_address[1]}/predict", posts
    httpd.shutdown()
    httpd.server_close()


def test_a_certificate_not_trusted_is_said_once_with_how_to_trust_it(
    tls_server: tuple[str, list[int]], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("SSL_CERT_FILE", raising=False)
    monkeypatch.delenv("SSL_CERT_DIR", raising=False)
    url, _ = tls_server
    model = HttpModel(url, capabilities=CAPS, retries=3, backoff=0.2)
    with pytest.raises(ModelError) as err:
        model.predict(np.zeros((2, 3)))
    text = str(err.value)
    assert "self-signed certificate" in text and "SSL_CERT_FILE=PATH" in text, text
    assert "unavailable" not in text
    assert model.stats.requests == 1 and model.stats.retried == 0  # (4 attempts, backoff)
    model.close()


def test_ssl_cert_file_is_trusted_for_a_loopback_address(
    tls_server: tuple[str, list[int]],
    certificate: tuple[Path, Path],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("SSL_CERT_FILE", str(certificate[0]))
    url, posts = tls_server
    model = HttpModel(url, capabilities=CAPS, retries=0)
    assert model.predict(np.zeros((2, 3))).shape == (2, 2) and posts[0] == 1
    model.close()


def test_an_ssl_cert_file_that_cannot_be_read_is_named(
    tls_server: tuple[str, list[int]], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("SSL_CERT_FILE", str(tmp_path / "missing.pem"))
    model = HttpModel(tls_server[0], capabilities=CAPS, retries=0)
    with pytest.raises(UsageError, match=r"SSL_CERT_FILE=.*missing.pem names no certificates"):
        model.predict(np.zeros((2, 3)))


# -- rates -------------------------------------------------------------------------------


def _two_models(serve: Any) -> tuple[HttpModel, HttpModel]:  # noqa: F811
    """Two models of one endpoint answering each request in 0.2 s."""

    def slow(h: BaseHTTPRequestHandler, n: int, k: int) -> None:
        time.sleep(0.2)
        _json_answer(h, n)

    url = serve(slow)
    return HttpModel(url, capabilities=CAPS, retries=0), HttpModel(
        url, capabilities=CAPS, retries=0
    )


def _asked_side_by_side(*models: HttpModel) -> float:
    """Each model asked 5 times, the models at once; the seconds it took."""
    t0 = time.monotonic()
    threads = [
        threading.Thread(target=lambda m=m: [m.predict(np.zeros((2, 3))) for _ in range(5)])
        for m in models
    ]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return time.monotonic() - t0


def test_requests_per_second_of_copies_at_once_is_per_wall_clock_second(serve) -> None:  # noqa: F811
    """Two copies of a served model asking at once (two Dask workers: each unit's counts
    come back and are added to the client's model): 10 answers of 0.2 s in about 1 s were
    "5 requests per second", answers over the copies' busy seconds summed (2 s)."""

    client, worker = _two_models(serve)
    mark = worker.counts_mark()
    took = _asked_side_by_side(client, worker)
    client.add_counts(json.loads(json.dumps(worker.counts_since(mark))))  # (as from a worker)
    stats = client.stats.to_json()
    assert stats["answered"] == 10 and stats["busy_seconds"] >= 1.9
    assert stats["wall_seconds"] <= took + 0.05
    assert stats["requests_per_second"] >= 10 / (took + 0.05), stats
    client.close()
    worker.close()


def _store_with_a_run(tmp_path: Path) -> tuple[Any, str]:
    from assay.core.store import RunStore

    store = RunStore(tmp_path / "r.db")
    store.create_run(
        run_id="fairness-1", technique="fairness", seed=1, command="assay fairness", config={},
        model={}, versions={},
    )  # fmt: skip
    return store, "fairness-1"


def test_two_served_classifiers_asked_side_by_side_count_their_seconds_once(
    serve,  # noqa: F811
    tmp_path: Path,
) -> None:
    """A text panel of two served classifiers: each one's counters were recorded in turn,
    the second adding to the first's, so their seconds would add up too (two asked side by
    side for 1 s: 2 s, half their rate)."""
    from assay.models.serving import record_served

    first, second = _two_models(serve)
    took = _asked_side_by_side(first, second)
    store, run_id = _store_with_a_run(tmp_path)
    record_served(store, run_id, [first, "not served", second])
    stats = store.get_run(run_id).summary["serving"]
    assert stats["answered"] == 10 and stats["requests"] == 10
    assert stats["wall_seconds"] <= took + 0.05
    assert stats["requests_per_second"] >= 10 / (took + 0.05), stats
    assert stats["endpoint"] == first.shown  # (one endpoint, named once)
    first.close()
    second.close()


def test_a_resumed_run_s_rate_counts_every_session(tmp_path: Path, serve) -> None:  # noqa: F811
    from assay.models.serving import record_serving

    model = HttpModel(serve(lambda h, n, k: _json_answer(h, n)), capabilities=CAPS)
    model.predict(np.zeros((2, 3)))
    store, run_id = _store_with_a_run(tmp_path)
    before = {"answered": 90, "requests": 90, "retried": 0, "failed": 0, "wall_seconds": 9.0}
    store.checkpoint(run_id, summary={"serving": before})
    stats = record_serving(store, run_id, model)
    assert stats is not None and stats["answered"] == 91
    assert stats["wall_seconds"] >= 9.0 and stats["requests_per_second"] <= 91 / 9.0
    model.close()


@pytest.mark.parametrize("asked", ["nan", "inf", "-5", "1e400"])
def test_a_retry_after_of_no_number_of_seconds_is_the_usual_backoff(serve, asked: str) -> None:  # noqa: F811
    """``Retry-After: nan`` was read by ``float``: the wait was NaN, and ``time.sleep(nan)``
    failed the run as "the model raised ValueError"; "inf" stopped it as a server asking
    for "inf s".  RFC 9110 allows digits only (or a date)."""

    def busy_once(h: BaseHTTPRequestHandler, n: int, k: int) -> None:
        _json_answer(h, n, 429 if k == 1 else 200, **{"Retry-After": asked})

    model = HttpModel(serve(busy_once), capabilities=CAPS, retries=2, backoff=0.0)
    assert model.predict(np.zeros((2, 3))).shape == (2, 2)
    assert model.stats.retried == 1
    model.close()


# -- credentials -------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "said"),
    [
        ("Bearer SEKRETNEWLINE77\n", "holds a line break at character 23 at its end"),
        ("Bearer SEKRETNEWLINE77\r\nX-Evil: 1", "holds a line break at character 23"),
        ("Bearer SEKRETNEWLINE77\u00e9", "holds a character that is not ASCII at character 23"),
    ],
)
def test_a_credential_that_cannot_be_a_header_is_refused_without_showing_it(
    serve,  # noqa: F811
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    value: str,
    said: str,
) -> None:
    """A token read from a file keeps its last new line: httpx refused it as "Illegal header
    value b'Bearer ...\\n'", printed whole (the scrubbing looked for the value, not its
    repr), after four attempts, as the endpoint being unavailable."""
    from typer.testing import CliRunner

    from assay.cli.app import app

    monkeypatch.setenv("SERVE31_TOKEN", value)
    url = serve(lambda h, n, k: _json_answer(h, n))
    result = CliRunner().invoke(
        app,
        ["fairness", url, "--dataset", "adult", "--protected", "sex", "--max-queries", "200",
         "--store", str(tmp_path / "r.db"), "--header-env", "Authorization=SERVE31_TOKEN"],
    )  # fmt: skip
    out = result.output
    assert result.exit_code == 2, out
    assert "SERVE31_TOKEN (for header Authorization)" in out and said in out, out
    assert "SEKRETNEWLINE77" not in out
    with pytest.raises(UsageError, match="header X-Token holds a line break"):
        HttpModel(url, capabilities=CAPS, headers={"X-Token": "abc\ndef"})


def test_a_rate_limit_the_call_cannot_wait_for_is_said_at_once(serve) -> None:  # noqa: F811
    """``--rate-limit 0.01`` (a request per 100 s) under the 60 s ``--call-timeout``: the run
    failed after a minute as "the model did not answer within 60 s; it may be hung", the
    wait being assay's own."""
    from assay.core.calls import WatchedCaller

    model = HttpModel(serve(lambda h, n, k: _json_answer(h, n)), capabilities=CAPS, rate_limit=0.1)
    caller = WatchedCaller(call_timeout=3)
    try:
        t0 = time.monotonic()
        caller.submit(lambda: model.predict(np.zeros((2, 3)))).result()  # (its slot: now)
        with pytest.raises(UsageError, match=r"spaces requests 10.0 s apart") as err:
            caller.submit(lambda: model.predict(np.zeros((2, 3)))).result()
        assert "--call-timeout above 20 s" in str(err.value) and "may be hung" not in str(err.value)
        assert time.monotonic() - t0 < 2.5
    finally:
        caller.close()
        model.close()


def test_https_to_a_plain_http_port_is_said_once(serve) -> None:  # noqa: F811
    """``https://`` to a port serving plain HTTP: "WRONG_VERSION_NUMBER" was retried as a
    connection error, four attempts, then "unavailable"."""
    url = serve(lambda h, n, k: _json_answer(h, n)).replace("http://", "https://")
    model = HttpModel(url, capabilities=CAPS, retries=3, backoff=0.2)
    with pytest.raises(ModelError, match=r"does not answer TLS .*give its address as http://"):
        model.predict(np.zeros((2, 3)))
    assert model.stats.retried == 0
    model.close()


def test_a_text_panel_s_lost_unit_attempts_are_said_once(tmp_path: Path) -> None:
    """The attempts lost with a Dask worker reached a text panel's counters as a count
    without ``per_model`` (``core.units._SeveralCounters``), and so reached none."""
    from assay.core.units import request_counter
    from assay.models.serving import record_served

    caps = Capabilities(modality="text", n_classes=2, outputs="proba")
    models = [HttpModel(f"http://127.0.0.1:9/m{i}", capabilities=caps) for i in (1, 2)]
    counter = request_counter(SimpleNamespace(models=[*models, "local"]))
    assert counter is not None
    counter.add_counts({"lost_attempts": 2})
    store, run_id = _store_with_a_run(tmp_path)
    record_served(store, run_id, models)
    stats = store.get_run(run_id).summary["serving"]
    assert stats["unit_attempts_lost"] == 2  # (not 4: the same attempts asked both)
