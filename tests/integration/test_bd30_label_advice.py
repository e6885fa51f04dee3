"""A model answering its labels by name ('0', ..., '9'): the advice the refusal gives works
when pasted.

Before, a Python function run with ``--classes 10`` was told only to set
``FUNCTION.classes_`` (``--classes 0,1,...,9`` works), and an endpoint was told
``--classes 0,9``: the labels its first answers held, which stops the run at the first
other label (hostile30b).  Each test follows the advice and runs.
"""

from __future__ import annotations

import json
import re
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import numpy as np
import pytest

from assay.backdoor.demo import trojaned_digits
from assay.cli.app import main

pytestmark = pytest.mark.slow

MODEL = trojaned_digits(seed=1, clean=True).model


def by_name(rows: Any) -> list[str]:
    """The digit model answering each class by its number written as text."""
    x = np.asarray(rows, dtype=float).reshape(len(rows), 64)
    return [str(v) for v in MODEL.predict(x)]


def _run(args: list[str], capsys: pytest.CaptureFixture[str]) -> tuple[int, str]:
    with pytest.raises(SystemExit) as exc:
        main(args)
    out = capsys.readouterr()
    return int(exc.value.code or 0), " ".join((out.out + out.err).split())


@pytest.fixture(scope="module")
def url() -> Iterator[str]:
    class Handler(BaseHTTPRequestHandler):
        def log_message(self, format: str, *args: Any) -> None:
            pass

        def do_POST(self) -> None:
            body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
            data = json.dumps({"outputs": by_name(body["inputs"])}).encode()
            self.send_response(200)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

    httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=httpd.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{httpd.server_address[1]}/predict"
    httpd.shutdown()
    httpd.server_close()


@pytest.mark.parametrize("model", ["function", "endpoint"])
@pytest.mark.parametrize("count", [[], ["--classes", "5"]])
def test_the_advice_on_labels_by_name_works_pasted(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], url: str, model: str, count: list[str]
) -> None:
    # (with --classes 10 the labels '0'..'9' are read by that count: bd31's
    # test_bd31_numbered_labels.py; a count below a label answered is refused, with advice)
    d = trojaned_digits(seed=1, clean=True)
    np.save(tmp_path / "clean.npy", d.clean_images[100:160] * 16.0)
    np.save(tmp_path / "scan.npy", d.clean_images[:6] * 16.0)
    target = url if model == "endpoint" else f"{Path(__file__).resolve()}:by_name"
    base = ["backdoor", target, "--images", str(tmp_path / "scan.npy")]
    base += ["--clean", str(tmp_path / "clean.npy"), "--range", "0,16", "--seed", "0"]
    base += ["--max-trigger", "2", "--store", str(tmp_path / "runs.db")]
    code, said = _run([*base, *count], capsys)
    assert code in (2, 3), said
    advice = re.search(r"--classes (\S+)", said)
    assert advice is not None, said
    code, said = _run([*base, "--classes", advice.group(1)], capsys)
    assert code in (0, 1), said  # tested: no label left out of the declared ones
