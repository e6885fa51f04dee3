"""hostile36: a served model answering 200 with a failure in its body beside fallback outputs
(``{"outputs": [...], "error": "model not loaded: fallback rule"}``) was tested as the
model: the fallback (a rule on income, fair) passed the fairness run, exit 0.  Such an
answer is now the model failing, naming what the server said (``models.http_error_body``)."""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pandas as pd
import pytest

import assay
from assay.errors import ModelError


def _handler(extra: dict[str, Any]) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        def log_message(self, *args: Any) -> None:  # (quiet)
            pass

        def do_POST(self) -> None:
            size = int(self.headers.get("Content-Length", 0))
            rows = json.loads(self.rfile.read(size))["inputs"]
            # the fallback: a rule on income alone (column 1), the same for every sex
            body = {"outputs": [int(float(r[1]) > 50) for r in rows], **extra}
            raw = json.dumps(body).encode()
            self.send_response(200)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(raw)))
            self.end_headers()
            self.wfile.write(raw)

    return Handler


@pytest.fixture
def served(request: pytest.FixtureRequest) -> Iterator[str]:
    server = ThreadingHTTPServer(("127.0.0.1", 0), _handler(request.param))
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/predict"
    finally:
        server.shutdown()
        server.server_close()


def _people() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "age": [20 + i % 40 for i in range(120)],
            "income": [10 + (7 * i) % 90 for i in range(120)],
            "sex": ["FM"[i % 2] for i in range(120)],
        }
    )


def _check(url: str, store: Path) -> Any:
    return assay.check_fairness(
        url, data=_people(), protected="sex", max_queries=600, seed=1, store=store
    )


@pytest.mark.parametrize("served", [{"error": "model not loaded: fallback rule"}], indirect=True)
def test_a_200_answer_carrying_an_error_is_the_model_failing(served: str, tmp_path: Path) -> None:
    with pytest.raises(ModelError, match="status 200 and a failure in its body"):
        _check(served, tmp_path / "r.db")  # main: passed, "no discriminatory input found"


@pytest.mark.parametrize("served", [{"error": None, "errors": []}], indirect=True)
def test_an_empty_error_key_says_nothing(served: str, tmp_path: Path) -> None:
    result = _check(served, tmp_path / "r.db")
    assert result.untested is None and result.passed  # the rule on income is fair: a pass


def test_said_error_reads_only_a_failure() -> None:
    from assay.models.http_error_body import said_error

    assert said_error({"outputs": [1], "errors": ["timeout"]}) == "\"errors\": ['timeout']"
    for quiet in ({"outputs": [1]}, {"error": ""}, {"error": False}, {"errors": {}}, [1, 2]):
        assert said_error(quiet) is None
