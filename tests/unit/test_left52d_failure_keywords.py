"""A model's or a cluster's failure names the options as a Python caller gives them
(``call_timeout``, ``serving={"batch_size": 1}``, ``max_time``), the command line's as typed
(left52c's Left 1: ``ModelError`` and ``ClusterError`` were never translated, a notebook told
``--call-timeout``, ``--batch-size``, ``--max-time``)."""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pytest

import assay
from assay.core.keywords import in_callers_terms, on_the_command_line
from assay.errors import ClusterError, ModelError

FRAME = pd.DataFrame({"age": np.arange(60) % 30 + 20, "sex": ["M", "F"] * 30, "y": [0, 1] * 30})


class _TooLarge(BaseHTTPRequestHandler):
    def do_POST(self) -> None:  # every request refused for its size (HTTP 413)
        self.rfile.read(int(self.headers.get("Content-Length", 0)))
        self.send_response(413)
        self.send_header("Content-Length", "0")
        self.end_headers()

    def log_message(self, *args: Any) -> None:
        pass


@pytest.fixture
def too_large() -> Iterator[str]:
    server = ThreadingHTTPServer(("127.0.0.1", 0), _TooLarge)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/predict"
    finally:
        server.shutdown()
        server.server_close()


def _text_error(url: str, store: Path) -> str:
    with pytest.raises(ModelError) as caught:
        assay.check_text(url, grammar="builtin:reviews", max_queries=300, seed=1, store=store)
    return str(caught.value)


def test_a_served_models_size_advice_is_in_serving_keys(too_large: str, tmp_path: Path) -> None:
    said = _text_error(too_large, tmp_path / "s.db")
    assert "--batch-size" not in said, said
    assert 'give a smaller serving["batch_size"]' in said
    assert 'e.g. serving={"batch_size": 1}' in said
    assert "assay.resume_run(RUN_ID, batch_size=1)" in said


def test_the_command_line_keeps_its_options(too_large: str, tmp_path: Path) -> None:
    with on_the_command_line():
        said = _text_error(too_large, tmp_path / "s.db")
    assert "give a smaller --batch-size (below 2, e.g. --batch-size 1;" in said
    assert "assay resume RUN_ID --batch-size 1)" in said


def test_a_hung_models_error_names_call_timeout(tmp_path: Path) -> None:
    def slow(x: Any) -> Any:
        x = np.asarray(x)
        if len(x) > 1:
            time.sleep(2.5)
        return (x[:, 0] > 30).astype(int)

    with pytest.raises(ModelError) as caught:
        assay.check_fairness(
            slow, data=FRAME, protected="sex", label="y", max_queries=200, seed=1,
            store=tmp_path / "s.db", call_timeout=1,
        )  # fmt: skip
    said = str(caught.value)
    assert "(call_timeout)" in said and "--call-timeout" not in said, said


def test_a_cluster_failure_names_the_keywords() -> None:
    @in_callers_terms()
    def run(*, max_time: float | None = None, executor: str = "dask", argv: Any = None) -> None:
        raise ClusterError(
            "units 1, 2 had not ended well after the run's time budget (--max-time); the "
            "units that ended are kept, and assay resume runs the others, or run in this "
            "process (--executor inprocess)"
        )

    with pytest.raises(ClusterError) as caught:
        run()
    said = str(caught.value)
    assert "time budget (max_time)" in said and '(executor="inprocess")' in said, said
    with pytest.raises(ClusterError) as caught:
        run(argv=["fairness"])
    assert "(--max-time)" in str(caught.value) and "(--executor inprocess)" in str(caught.value)
