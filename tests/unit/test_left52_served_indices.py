"""mutation51's L9 (``and not remote`` dropped) was a real gap the other way: a served text
classifier answering indices (``0``/``1``) beside a label map naming them was refused "an
endpoint is asked over HTTP, so it has no function to declare them beside", where a local
function answering so is named by the map (left50b).  Under the mutant it ran, named by
the map, as a user giving the map expects: the mutant is the fix.  Without a map, the
refusal now names the map as a way too."""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest
from test_left50b_index_labels import _good, _grammar, _inline, named  # noqa: F401  (_inline: autouse)

import assay

pytestmark = pytest.mark.filterwarnings("ignore::assay.AssayWarning")


@pytest.fixture
def url() -> Iterator[str]:
    class Indices(BaseHTTPRequestHandler):
        def log_message(self, *a: Any) -> None:
            pass

        def do_POST(self) -> None:
            sentences = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
            body = json.dumps({"outputs": [int(_good(s)) for s in sentences["inputs"]]})
            self.send_response(200)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body.encode())

    httpd = ThreadingHTTPServer(("127.0.0.1", 0), Indices)
    threading.Thread(target=httpd.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{httpd.server_address[1]}/predict"
    httpd.shutdown()
    httpd.server_close()


def test_a_served_classifier_answering_indices_beside_a_map(url: str, tmp_path: Path) -> None:
    result = assay.check_text(
        [named, url], grammar=_grammar(tmp_path), seed=0, max_queries=300,
        label_map={1: {"0": "negative", "1": "positive"}}, store=tmp_path / "t.db",
    )  # fmt: skip
    assert result.status == "completed", result.headline
    record = assay.RunStore(tmp_path / "t.db").get_run(result.run_id)
    assert record.model["classifiers"][1]["capabilities"]["class_names"] == ["0", "1"]


def test_without_a_map_the_refusal_names_one(url: str, tmp_path: Path) -> None:
    with pytest.raises(assay.UsageError) as refused:
        assay.check_text(
            [named, url], grammar=_grammar(tmp_path), seed=0, max_queries=300,
            store=tmp_path / "t.db",
        )  # fmt: skip
    assert "or name its indices with a label map" in str(refused.value)
