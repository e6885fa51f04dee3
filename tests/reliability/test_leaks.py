"""Nothing leaks: credentials in a model URL appear in no output, store or report; a model
that prints cannot break --json."""

from __future__ import annotations

import base64
import json
import subprocess
import sys
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import numpy as np
import pytest

PASSWORD = "pw-S3CRET-9b1f"
API_KEY = "key-T0KEN-77a2"
SECRETS = (PASSWORD, API_KEY, base64.b64encode(f"alice:{PASSWORD}".encode()).decode())


class _Biased(BaseHTTPRequestHandler):
    def do_POST(self) -> None:
        expected = "Basic " + base64.b64encode(f"alice:{PASSWORD}".encode()).decode()
        if self.headers.get("Authorization") != expected or API_KEY not in self.path:
            self.send_response(401)
            self.end_headers()
            return
        body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
        x = np.asarray(body["inputs"], dtype=float)
        out = ((x[:, 0] > 60) | ((x[:, -1] == 1) & (x[:, 0] > 40))).astype(int)
        data = json.dumps({"outputs": out.tolist()}).encode()
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def log_message(self, *args: object) -> None:
        return None


@pytest.fixture(scope="module")
def endpoint() -> Iterator[str]:
    server = ThreadingHTTPServer(("127.0.0.1", 0), _Biased)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    host, port = server.server_address[:2]
    yield f"http://alice:{PASSWORD}@{host}:{port}/predict?api_key={API_KEY}&v=1"
    server.shutdown()
    server.server_close()


def _assay(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "assay", *args], capture_output=True, text=True, timeout=300
    )


def test_model_url_credentials_are_never_shown_or_stored(
    endpoint: str, workdir: Path, tmp_path: Path
) -> None:
    store = tmp_path / "runs.db"
    reports = [tmp_path / "r.html", tmp_path / "r.xml", tmp_path / "r.json"]
    outputs: list[str] = []
    run = _assay(
        "fairness",
        endpoint,
        "--data",
        str(workdir / "people.csv"),
        "--protected",
        "sex",
        "--max-queries",
        "3000",
        "--seed",
        "1",
        "--store",
        str(store),
        "--html",
        str(reports[0]),
        "--junit",
        str(reports[1]),
        "--report",
        str(reports[2]),
        "--json",
    )
    assert run.returncode == 1, run.stderr  # the endpoint was reached with its credentials
    doc = json.loads(run.stdout)
    outputs += [run.stdout, run.stderr]
    assert "***" in doc["command"] and "127.0.0.1" in doc["command"]
    for args in (["runs", "--json"], ["show", doc["run_id"]], ["show", doc["run_id"], "--json"]):
        shown = _assay(*args, "--store", str(store))
        assert shown.returncode == 0, shown.stderr
        outputs += [shown.stdout, shown.stderr]
    again = tmp_path / "again.html"
    rendered = _assay("report", doc["run_id"], "--html", str(again), "--store", str(store))
    assert rendered.returncode == 1, rendered.stderr  # the run's verdict (left26)
    reports.append(again)
    stored = b"".join(p.read_bytes() for p in tmp_path.glob("runs.db*"))
    for secret in SECRETS:
        for text in outputs:
            assert secret not in text
        assert secret.encode() not in stored
        for report in reports:
            assert secret not in report.read_text(), report.name

    # the run cannot be resumed without the URL (its credentials were never stored) ...
    from assay.api import setup_from_record
    from assay.core.store import RunStore
    from assay.errors import UsageError

    record = RunStore(store, read_only=True).get_run(doc["run_id"])
    with pytest.raises(UsageError, match="--model URL"):
        setup_from_record(record)
    # ... and a different URL is refused
    with pytest.raises(UsageError, match="not the run's model"):
        setup_from_record(record, model=endpoint.replace("/predict", "/other"))


def test_a_model_printing_to_stdout_cannot_break_json(workdir: Path, tmp_path: Path) -> None:
    run = _assay(
        "fairness",
        f"{workdir / 'models.py'}:chatty",
        "--data",
        str(workdir / "people.csv"),
        "--protected",
        "sex",
        "--max-queries",
        "2000",
        "--store",
        str(tmp_path / "runs.db"),
        "--json",
    )
    assert run.returncode == 1, run.stderr
    doc = json.loads(run.stdout)  # stdout holds the JSON and nothing else
    assert doc["findings"] > 0
    assert "model says hello" in run.stderr and "native hello" in run.stderr
