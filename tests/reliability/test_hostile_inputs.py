"""Generated hostile inputs (CSV bytes, schema YAML, HTTP response bodies) only ever end in a
usage error (2) or a model error (3), or in a run that really tested something (0/1): never
a traceback, assay's own failure (5), an exit 0 with nothing tested, or a hang."""

from __future__ import annotations

import os
import tempfile
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any, ClassVar

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from typer.testing import CliRunner

from assay.cli.app import app, register
from assay.core.store import RunStore

register()
runner = CliRunner()

SETTINGS = settings(
    max_examples=int(os.environ.get("ASSAY_HOSTILE_EXAMPLES", "30")),
    deadline=None,
    derandomize=True,
    database=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
)
BUDGET = ["--max-queries", "400", "--max-time", "20", "--call-timeout", "10", "--seed", "1"]


def _check(args: list[str]) -> int:
    with tempfile.TemporaryDirectory() as d:
        store = Path(d) / "runs.db"
        result = runner.invoke(app, [*args, "--store", str(store), *BUDGET])
        out = result.output
        code = result.exit_code
        assert result.exception is None or isinstance(result.exception, SystemExit), out
        assert "Traceback" not in out, out
        assert code in (0, 1, 2, 3), out
        if code in (0, 1):  # a verdict: something must have been tested
            with RunStore(store, read_only=True) as s:
                (run,) = s.list_runs()
            assert run.progress.get("queries", 0) > 0, out
        return code


# -- CSV bytes ---------------------------------------------------------------------------
CELLS = st.one_of(
    st.integers(-5, 5).map(str),
    st.sampled_from(["", " ", "nan", "inf", "-inf", "1e308", "1.5", "x", "Zoë", '"', '""', "\\"]),
    st.text(max_size=4),
)


@st.composite
def csv_bytes(draw: Any) -> bytes:
    if draw(st.booleans()) and draw(st.booleans()):
        return bytes(draw(st.binary(max_size=200)))
    if draw(st.booleans()):  # a valid file, then a few bytes changed
        n = draw(st.integers(2, 12))
        good = bytearray(
            ("x,z,sex\n" + "".join(f"{i * 7 % 50},{i % 10},{i % 2}\n" for i in range(n))).encode()
        )
        for _ in range(draw(st.integers(0, 3))):
            at = draw(st.integers(0, len(good) - 1))
            good[at : at + 1] = bytes(draw(st.binary(min_size=0, max_size=2)))
        return bytes(good)
    sep = draw(st.sampled_from([",", ";", "\t", "|"]))
    names = draw(
        st.lists(st.sampled_from(["x", "z", "sex", "", "sex ", "a,b", "é"]), min_size=1, max_size=4)
    )
    rows = draw(st.lists(st.lists(CELLS, min_size=0, max_size=5), max_size=8))
    lines = [sep.join(names)] + [sep.join(r) for r in rows]
    text = draw(st.sampled_from(["\n", "\r\n", "\r"])).join(lines)
    encoding = draw(st.sampled_from(["utf-8", "latin-1", "utf-16"]))
    return text.encode(encoding, errors="replace")


@pytest.fixture(scope="module")
def zeros_model(tmp_path_factory: pytest.TempPathFactory) -> str:
    d = tmp_path_factory.mktemp("hostile")
    (d / "zeros.py").write_text(
        "import numpy as np\n\ndef zeros(x):\n    return np.zeros(len(x), dtype=np.int64)\n"
    )
    return f"{d / 'zeros.py'}:zeros"


@SETTINGS
@given(data=csv_bytes())
def test_hostile_csv_bytes(zeros_model: str, data: bytes) -> None:
    with tempfile.TemporaryDirectory() as d:
        path = Path(d) / "data.csv"
        path.write_bytes(data)
        _check(["fairness", zeros_model, "--data", str(path), "--protected", "sex"])


# -- schema YAML -------------------------------------------------------------------------
SCALARS = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(-3, 3),
    st.sampled_from([0.5, 1e309, -1e309, "nan", "1", "x", "[", "{a: 1}"]),
)


@st.composite
def feature(draw: Any) -> str:
    parts = [f"name: {draw(st.sampled_from(['x', 'sex', 'z', 'x', '1', '']))}"]
    kind = draw(st.sampled_from(["integer", "categorical", "continuous", "bool", "", "42"]))
    parts.append(f"type: {kind}")
    for key in draw(st.lists(st.sampled_from(["low", "high", "categories"]), max_size=3)):
        if key == "categories":
            cats = draw(st.lists(SCALARS, max_size=3))
            parts.append(f"categories: [{', '.join(map(str, cats))}]")
        else:
            parts.append(f"{key}: {draw(SCALARS)}")
    return "{" + ", ".join(parts) + "}"


@st.composite
def schema_yaml(draw: Any) -> str:
    if draw(st.integers(0, 9)) == 0:
        return str(draw(st.text(max_size=60)))
    feats = draw(st.lists(feature(), max_size=4))
    protected = draw(st.lists(st.sampled_from(["sex", "x", "q", "[", ""]), max_size=3))
    body = "features:\n" + "".join(f"  - {f}\n" for f in feats)
    return body + f"protected: [{', '.join(protected)}]\n"


@SETTINGS
@given(text=schema_yaml())
def test_hostile_schema_yaml(zeros_model: str, text: str) -> None:
    with tempfile.TemporaryDirectory() as d:
        path = Path(d) / "schema.yaml"
        path.write_text(text, encoding="utf-8", errors="surrogatepass")
        _check(["fairness", zeros_model, "--schema", str(path)])


# -- HTTP response bodies ----------------------------------------------------------------
class _Fixed(BaseHTTPRequestHandler):
    body: ClassVar[list[bytes]] = [b""]

    def do_POST(self) -> None:
        self.rfile.read(int(self.headers.get("Content-Length", 0)))
        data = self.body[0]
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def log_message(self, *args: object) -> None:
        return None


@pytest.fixture(scope="module")
def endpoint() -> Iterator[str]:
    server = ThreadingHTTPServer(("127.0.0.1", 0), _Fixed)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    host, port = server.server_address[:2]
    yield f"http://{host}:{port}/predict"
    server.shutdown()
    server.server_close()


JSONISH = st.recursive(
    st.one_of(
        st.none(),
        st.booleans(),
        st.integers(-3, 3),
        st.floats(allow_nan=True, allow_infinity=True),
        st.text(max_size=3),
    ),
    lambda inner: st.one_of(
        st.lists(inner, max_size=3), st.dictionaries(st.text(max_size=3), inner, max_size=2)
    ),
    max_leaves=8,
)


@st.composite
def bodies(draw: Any) -> bytes:
    import json

    kind = draw(st.integers(0, 3))
    if kind == 0:
        return bytes(draw(st.binary(max_size=100)))
    if kind == 1:
        return json.dumps(draw(JSONISH)).encode()
    outputs = draw(st.lists(JSONISH, max_size=3))
    return json.dumps({"outputs": outputs}).encode()


@pytest.fixture
def no_backoff(monkeypatch: pytest.MonkeyPatch) -> None:
    """Retries of an unreadable body sent at once: every attempt is still made and read, only
    the 0.25-1.5 s of waiting between them (for a real server's hiccup) is left out."""
    from assay.models.http import HttpModel

    monkeypatch.setattr(HttpModel, "_delay", lambda self, attempt, asked: 0.0)


@SETTINGS
@given(body=bodies())
def test_hostile_http_bodies(endpoint: str, workdir: Path, no_backoff: None, body: bytes) -> None:
    _Fixed.body[0] = body
    code = _check(
        ["fairness", endpoint, "--data", str(workdir / "people.csv"), "--protected", "sex"]
    )
    assert code in (2, 3)  # one fixed answer for every batch size is never a valid model
