"""Inference protocols: URLs recognised, bodies encoded, answers decoded or refused; and the
transport's concurrency, rate limit, Retry-After and --header-env, against a loopback server."""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import numpy as np
import pytest

from assay.core.model import Capabilities
from assay.errors import ModelError, UsageError
from assay.models import load_model
from assay.models.http import HttpModel, ServingOptions, header_values
from assay.models.protocols import (
    KServeV1Codec,
    MlflowCodec,
    OipCodec,
    TemplateCodec,
    guess_protocol,
    make_codec,
)

CAPS = Capabilities(modality="tabular", n_classes=2, outputs="proba")


def test_the_protocol_is_read_from_the_url() -> None:
    assert guess_protocol("http://h/v2/models/credit") == "oip"
    assert guess_protocol("http://h/v2/models/credit/versions/3/infer") == "oip"
    assert guess_protocol("http://h:5000/invocations") == "mlflow"
    assert guess_protocol("http://h/v1/models/credit:predict") == "kserve-v1"
    assert guess_protocol("http://h/predict") == "json"
    assert make_codec("auto", "http://h/v2/models/m/infer").endpoint() == (
        "http://h/v2/models/m/infer"
    )
    with pytest.raises(UsageError, match="--template"):
        make_codec("template", "http://h/x")


def test_oip_uses_the_metadata_and_checks_the_answer() -> None:
    codec = OipCodec("http://h/v2/models/m/versions/2", output="predict_proba")
    assert codec.endpoint() == "http://h/v2/models/m/versions/2/infer"
    calls: list[str] = []

    def get(path: str) -> tuple[int, Any]:
        calls.append(path)
        if path.endswith("/ready"):
            return 200, None
        return 200, {"name": "m", "inputs": [{"name": "x", "datatype": "FP32", "shape": [-1, 2]}]}

    info = codec.prepare(get)
    assert calls == ["/v2/health/ready", "/v2/models/m/versions/2"]
    assert info["inputs"][0]["name"] == "x"
    body = codec.encode(np.array([[1.0, 2.0], [3.0, 4.0]]))
    assert body["inputs"][0] == {
        "name": "x",
        "shape": [2, 2],
        "datatype": "FP32",
        "data": [1, 2, 3, 4],
    }
    assert body["outputs"] == [{"name": "predict_proba"}]
    answer = {"outputs": [{"name": "predict_proba", "shape": [2, 2], "datatype": "FP64",
                           "data": [0.1, 0.9, 0.8, 0.2]}]}  # fmt: skip
    assert codec.decode(answer, 2).tolist() == [[0.1, 0.9], [0.8, 0.2]]
    for bad, why in [
        ({"outputs": [{**answer["outputs"][0], "shape": [3, 2]}]}, "does not hold"),
        ({"outputs": [{**answer["outputs"][0], "datatype": "BYTES"}]}, "not numeric"),
        ({"outputs": [{**answer["outputs"][0], "name": "other"}]}, "no output named"),
    ]:
        with pytest.raises(ValueError, match=why):
            codec.decode(bad, 2)
    not_ready = OipCodec("http://h/v2/models/m")
    with pytest.raises(ModelError, match="not ready"):
        not_ready.prepare(lambda path: (503, None))


def test_mlflow_kserve_and_template_bodies() -> None:
    rows = np.array([[1, 2], [3, 4]])
    assert MlflowCodec("http://h/invocations", columns=["a", "b"]).encode(rows) == {
        "dataframe_split": {"columns": ["a", "b"], "data": [[1, 2], [3, 4]]}
    }
    assert MlflowCodec("http://h/invocations").encode(rows) == {"instances": [[1, 2], [3, 4]]}
    assert MlflowCodec("http://h/invocations").decode({"predictions": [0, 1]}, 2).tolist() == [
        0,
        1,
    ]
    kserve = KServeV1Codec("http://h/v1/models/credit:predict")
    assert kserve.encode(rows) == {"instances": [[1, 2], [3, 4]]}
    with pytest.raises(ValueError, match="1 answers for 2"):
        kserve.decode({"predictions": [1]}, 2)
    t = TemplateCodec("http://h/score", body={"m": "v3", "rows": "{{inputs}}"}, outputs="r.0.p")
    assert t.encode(rows) == {"m": "v3", "rows": [[1, 2], [3, 4]]}
    assert t.decode({"r": [{"p": [0, 1]}]}, 2).tolist() == [0, 1]
    with pytest.raises(UsageError, match="exactly once"):
        TemplateCodec("http://h/score", body={"rows": []}, outputs="p")


def test_template_file_errors_are_located(tmp_path: Path) -> None:
    f = tmp_path / "t.yaml"
    f.write_text("body: {rows: '{{inputs}}'\noutputs: [\n")
    with pytest.raises(UsageError) as err:
        TemplateCodec.from_file("http://h/x", f)
    assert err.value.path == str(f) and err.value.line is not None


def test_an_inline_template_is_refused_without_echoing_it() -> None:
    """A template given inline instead of as a file was echoed whole in the error (as the
    'file' that could not be read), secret headers and all: CI logs keep such output."""
    inline = '{"body": {"rows": "{{inputs}}", "auth": "Bearer s3cr3t-value"}, "outputs": "p"}'
    with pytest.raises(UsageError, match="takes a file") as err:
        TemplateCodec.from_file("http://h/x", inline)
    assert "s3cr3t" not in str(err.value) and err.value.path is None
    with pytest.raises(UsageError, match="cannot read") as err:  # a file name: still shown
        TemplateCodec.from_file("http://h/x", "no-such-template.yaml")
    assert err.value.path == "no-such-template.yaml"


def test_header_env_reads_values_and_never_shows_them() -> None:
    env = {"MY_TOKEN": "Bearer abc123"}
    assert header_values(["Authorization=MY_TOKEN"], env) == {"Authorization": "Bearer abc123"}
    with pytest.raises(UsageError, match="MISSING") as err:
        header_values(["Authorization=MISSING"], env)
    assert "abc123" not in str(err.value)
    with pytest.raises(UsageError, match="HEADER=ENV_VAR"):
        header_values(["Authorization"], env)
    opts = ServingOptions(header_env=("Authorization=MY_TOKEN",))
    assert "abc123" not in json.dumps(opts.to_json())
    assert ServingOptions.from_json(opts.to_json()) == opts


class _Counting:
    """A loopback server answering the JSON protocol; records arrival times and headers."""

    def __init__(self, delay: float = 0.0, first_status: int | None = None) -> None:
        self.times: list[float] = []
        self.in_flight = 0
        self.max_in_flight = 0
        self.lock = threading.Lock()
        outer = self

        class H(BaseHTTPRequestHandler):
            def log_message(self, *a: Any) -> None:
                pass

            def do_POST(self) -> None:
                body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
                with outer.lock:
                    outer.times.append(time.monotonic())
                    outer.in_flight += 1
                    outer.max_in_flight = max(outer.max_in_flight, outer.in_flight)
                    first = len(outer.times) == 1
                time.sleep(delay)
                status = first_status if (first and first_status) else 200
                out = json.dumps({"outputs": [[0.5, 0.5]] * len(body["inputs"])}).encode()
                self.send_response(status)
                if status == 429:
                    self.send_header("Retry-After", "0.3")
                self.send_header("Content-Length", str(len(out)))
                self.end_headers()
                self.wfile.write(out)
                with outer.lock:
                    outer.in_flight -= 1

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), H)
        self.httpd.daemon_threads = True
        self.url = f"http://127.0.0.1:{self.httpd.server_address[1]}/predict"
        threading.Thread(target=self.httpd.serve_forever, daemon=True).start()

    def close(self) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()


@pytest.fixture
def server() -> Iterator[_Counting]:
    s = _Counting(delay=0.05)
    yield s
    s.close()


def test_concurrency_sends_requests_at_once_in_order(server: _Counting) -> None:
    model = HttpModel(server.url, capabilities=CAPS, max_batch=5, concurrency=4)
    out = model.predict(np.zeros((40, 3)))
    model.close()
    assert out.shape == (40, 2) and model.stats.answered == 8
    assert server.max_in_flight >= 3  # one at a time would be 1


class _ThreadClocks:
    """``time`` for ``assay.models.http`` where each thread's clock moves only by its own
    sleeps: the limiter's send times as it meant them, whatever the machine's load (the
    server's arrival times, measured before, put a request held up on its way beside the next
    one on time: CI saw gaps under 30 ms with the limiter right)."""

    def __init__(self) -> None:
        self._local = threading.local()
        self.sends: list[float] = []

    def monotonic(self) -> float:
        return 1000.0 + float(getattr(self._local, "slept", 0.0))

    def sleep(self, seconds: float) -> None:
        self._local.slept = float(getattr(self._local, "slept", 0.0)) + seconds

    def __getattr__(self, name: str) -> Any:
        return getattr(time, name)


def test_rate_limit_spaces_requests(server: _Counting, monkeypatch: pytest.MonkeyPatch) -> None:
    from assay.models import http

    clocks = _ThreadClocks()
    read = http.read_answer  # type: ignore[attr-defined]

    def sent(*args: Any, **kwargs: Any) -> Any:
        clocks.sends.append(clocks.monotonic())  # (the limiter let this request go)
        return read(*args, **kwargs)

    monkeypatch.setattr(http, "time", clocks)
    monkeypatch.setattr(http, "read_answer", sent)
    model = HttpModel(server.url, capabilities=CAPS, max_batch=1, concurrency=4, rate_limit=20)
    model.predict(np.zeros((6, 3)))
    model.close()
    assert len(server.times) == 6
    assert np.diff(sorted(clocks.sends)) == pytest.approx([0.05] * 5)  # 20/s: 50 ms apart


def test_retry_after_is_honoured() -> None:
    s = _Counting(first_status=429)
    try:
        model = HttpModel(s.url, capabilities=CAPS, retries=1, backoff=0.0)
        t0 = time.monotonic()
        model.predict(np.zeros((2, 3)))
        assert time.monotonic() - t0 >= 0.29
        assert model.stats.retried == 1 and model.stats.status_counts["429"] == 1
        model.close()
    finally:
        s.close()


def test_load_model_checks_readiness_before_the_run() -> None:
    class H(BaseHTTPRequestHandler):
        def log_message(self, *a: Any) -> None:
            pass

        def do_GET(self) -> None:
            self.send_response(503)
            self.send_header("Content-Length", "0")
            self.end_headers()

    httpd = ThreadingHTTPServer(("127.0.0.1", 0), H)
    threading.Thread(target=httpd.serve_forever, daemon=True).start()
    try:
        url = f"http://127.0.0.1:{httpd.server_address[1]}/v2/models/m"
        with pytest.raises(ModelError, match="not ready"):
            load_model(url, outputs="proba", n_classes=2)
    finally:
        httpd.shutdown()
        httpd.server_close()
