"""hostile44s: a nightly pipeline's credentials, as an SRE types them.

- A credential typed where ``--header-env`` takes a variable's name (``--header-env
  'Authorization=Bearer KEY'``, ``'Authorization: Bearer KEY'``, ``X-Api-Key=KEY``) was
  echoed whole: on stderr ("the environment variable Bearer KEY ... is not set"), in the
  ``--json`` error, in the JUnit file's message and in its ``command`` property.
- A "to reproduce" line pasted as printed (``'http://host/predict?api_key=***'``), or the
  masked URL given to ``assay resume --model``, was taken as the run's model: the mask went to
  the server as the key, its 401 was read as "no credential header was sent", and an endpoint
  whose key is optional ran on without it.
- ``ALL_PROXY=socks5://...`` in a CI runner's environment (httpx without its SOCKS support)
  ended as an internal error, "a bug in assay" (exit 5), the variable unnamed.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from http.server import BaseHTTPRequestHandler
from pathlib import Path

import pytest
from test_hostile25a_serving import CAPS, send_body, serve  # noqa: F401  (the fixture)
from test_serve42_serving import _scores
from typer.testing import CliRunner

import assay
from assay.cli.app import app, register
from assay.core.redact import redact_text
from assay.core.store import RunStore
from assay.errors import UsageError
from assay.models.http import HttpModel, header_values

register()
runner = CliRunner()

TOKEN = "d8f3a9c2e7b14f6a9c0d2e5f8a1b3c4dZZ"
SRC = str(Path(assay.__file__).resolve().parents[1])  # (the sources under test)


@pytest.mark.parametrize(
    "spec",
    [
        f"Authorization=Bearer {TOKEN}",
        f"Authorization: Bearer {TOKEN}",
        f"X-Api-Key={TOKEN}",
        "Authorization=sk-live-Q7wPz9Xr" + TOKEN[:6],
    ],
)
def test_a_credential_typed_where_a_variable_name_goes_is_never_echoed(
    spec: str, tmp_path: Path
) -> None:
    secret = spec.rpartition(" ")[2].rpartition("=")[2]
    junit = tmp_path / "j.xml"
    done = subprocess.run(
        [sys.executable, "-m", "assay", "fairness", "http://127.0.0.1:9/predict",
         "--dataset", "german", "--protected", "sex", "--store", str(tmp_path / "r.db"),
         "--header-env", spec, "--junit", str(junit), "--json"],
        capture_output=True, text=True, cwd=tmp_path, timeout=120,
        env={**os.environ, "PYTHONPATH": SRC},
    )  # fmt: skip
    assert done.returncode == 2, done.stderr
    assert "--header-env" in done.stderr, done.stderr
    said = json.loads(done.stdout)
    assert said["exit_code"] == 2
    for text in (done.stdout, done.stderr, junit.read_text()):
        assert secret not in text, text
        assert TOKEN[:12] not in text, text
    assert "not shown" in done.stderr


def test_a_variable_name_is_named_and_a_credential_is_not() -> None:
    from assay.core.redact import env_name_like

    for name in ("SCORING_TOKEN", "MY_TOKEN_VAR", "scoring_token", "API_KEY_2024_PROD"):
        assert env_name_like(name), name
        with pytest.raises(UsageError) as got:
            header_values([f"Authorization={name}"], environ={})
        assert f"the environment variable {name}" in str(got.value)
    for typed in ("Bearer abc", "sk-live-Q7wPz9Xr", TOKEN, "a8f3a9c2e7b14f6a9c0d2e5f8a1b3c4d"):
        assert not env_name_like(typed), typed
        with pytest.raises(UsageError) as got:
            header_values([f"Authorization={typed}"], environ={typed: "x"})
        assert typed not in str(got.value)
    assert header_values(["Authorization=SCORING_TOKEN"], environ={"SCORING_TOKEN": "t"}) == {
        "Authorization": "t"
    }
    # the command line as a run, a JUnit file or an error shows it
    kept = "assay fairness URL --header-env Authorization=SCORING_TOKEN --seed 1"
    assert redact_text(kept) == kept
    for typed in (
        f"--header-env 'Authorization=Bearer {TOKEN}'",
        f"--header-env=X-Api-Key={TOKEN}",
        f"--header-env 'Authorization: Bearer {TOKEN}'",
        f'--header-env "X-Api-Key={TOKEN}"',
    ):
        shown = redact_text(f"assay fairness URL {typed} --seed 1")
        assert TOKEN not in shown and "***" in shown and shown.endswith(" --seed 1"), shown


def test_a_masked_url_pasted_is_refused_before_any_request(
    serve,  # noqa: F811
    tmp_path: Path,
) -> None:
    """main: exit 3, the server asked with ``api_key=***`` and its 401 read as "no
    credential header was sent"; an endpoint not checking the key: a run, exit 1."""
    asked: list[str] = []
    key = "QKEY1234567890abcdef"

    def keyed(h: BaseHTTPRequestHandler, n: int, k: int) -> None:
        asked.append(h.path)
        if f"api_key={key}" not in h.path:
            send_body(h, 401, b'{"error": "bad api key"}')
        else:
            send_body(h, 200, json.dumps({"outputs": _scores(h)}).encode())

    url = serve(keyed) + f"?api_key={key}"
    store = tmp_path / "r.db"
    first = runner.invoke(
        app,
        ["fairness", url, "--dataset", "german", "--protected", "sex", "--seed", "1",
         "--max-queries", "300", "--no-determinism-check", "--store", str(store)],
    )  # fmt: skip
    assert first.exit_code == 1, first.output
    line = next(x for x in first.output.splitlines() if "to reproduce" in x)
    shown = url.replace(key, "***")
    assert f"'{shown}'" in line and key not in first.output
    run_id = RunStore(store).list_runs()[0].id
    before = len(asked)
    pasted = runner.invoke(
        app,
        ["fairness", shown, "--dataset", "german", "--protected", "sex", "--seed", "1",
         "--max-queries", "300", "--store", str(tmp_path / "p.db")],
    )  # fmt: skip
    assert pasted.exit_code == 2, pasted.output
    assert "the mask assay prints in place of a secret" in pasted.output
    assert "no credential header" not in pasted.output
    assert len(asked) == before  # (nothing sent)
    # a stopped run's resume given the masked URL: refused, the run left as it was
    RunStore(store).checkpoint(run_id, status="interrupted")
    again = runner.invoke(app, ["resume", run_id, "--store", str(store), "--model", shown])
    assert again.exit_code == 2, again.output
    assert "the mask assay prints in place of a secret" in again.output
    assert len(asked) == before
    # the URL itself given: resumed
    real = runner.invoke(app, ["resume", run_id, "--store", str(store), "--model", url])
    assert real.exit_code in (0, 1), real.output
    assert len(asked) > before


def test_a_proxy_variable_httpx_cannot_use_is_named(monkeypatch: pytest.MonkeyPatch) -> None:
    """main: ``ImportError: Using SOCKS proxy, but the 'socksio' package is not
    installed`` through to the CLI's "internal error (a bug in assay)", exit 5."""
    pytest.importorskip("httpx")
    import importlib.util

    if importlib.util.find_spec("socksio") is not None:
        monkeypatch.setenv("ALL_PROXY", "gopher://puser:PROXYPASS99@127.0.0.1:1080")
    else:
        monkeypatch.setenv("ALL_PROXY", "socks5://puser:PROXYPASS99@127.0.0.1:1080")
    model = HttpModel("http://model.invalid:8080/predict", capabilities=CAPS)
    with pytest.raises(UsageError) as got:
        model.connect()
    said = str(got.value)
    assert "ALL_PROXY=" in said and "PROXYPASS99" not in said, said
    assert "a proxy assay cannot use" in said
    monkeypatch.delenv("ALL_PROXY")  # (the way out it names)
    HttpModel("http://model.invalid:8080/predict", capabilities=CAPS).connect()  # (no request)


def _proxy_asking_credentials() -> tuple[str, list[str]]:
    """A proxy on loopback answering every request (a CONNECT too) 407: its URL, and the
    request lines it got."""
    import threading
    from http.server import ThreadingHTTPServer

    got: list[str] = []

    class Proxy(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def log_message(self, *a: object) -> None:
            pass

        def answer(self) -> None:
            got.append(self.requestline)
            size = int(self.headers.get("Content-Length") or 0)
            if size:
                self.rfile.read(size)
            page = b"<html>407 Proxy Authentication Required</html>"
            asks = {"Content-Type": "text/html", "Proxy-Authenticate": 'Basic realm="c"'}
            send_body(self, 407, page, **asks)

        do_GET = do_POST = do_CONNECT = answer

    httpd = ThreadingHTTPServer(("127.0.0.1", 0), Proxy)
    httpd.daemon_threads = True
    threading.Thread(target=httpd.serve_forever, daemon=True).start()
    return f"http://puser:PROXYPASS99@127.0.0.1:{httpd.server_address[1]}", got


def test_a_proxys_refusal_is_said_as_the_proxys(monkeypatch: pytest.MonkeyPatch) -> None:
    """main: "the endpoint https://... is unavailable: ... connection failed: 407 Proxy
    Authentication Required" after four attempts (and the endpoint's 407 over http:// with no
    word of a proxy)."""
    import numpy as np

    from assay.errors import ModelError
    from assay.models.http_plain import proxy_of

    proxy, got = _proxy_asking_credentials()
    monkeypatch.setenv("HTTPS_PROXY", proxy)
    monkeypatch.setenv("HTTP_PROXY", proxy)
    monkeypatch.delenv("NO_PROXY", raising=False)
    monkeypatch.delenv("no_proxy", raising=False)
    rows = np.zeros((2, 3))
    secure = HttpModel("https://model.invalid:8443/predict", capabilities=CAPS, backoff=0.0)
    with pytest.raises(ModelError) as refused:
        secure.predict(rows)
    said = str(refused.value)
    assert "the proxy the environment names" in said and "HTTPS_PROXY=http://puser:***@" in said
    assert "PROXYPASS99" not in said and len(got) == 1, (said, got)  # (not retried)
    plain = HttpModel("http://model.invalid:8080/predict", capabilities=CAPS, backoff=0.0)
    with pytest.raises(ModelError) as asked:
        plain.predict(rows)
    said = str(asked.value)
    assert "a 407 is a proxy asking for its own credentials (HTTP_PROXY=" in said, said
    assert "PROXYPASS99" not in said
    monkeypatch.setenv("NO_PROXY", ".invalid")
    assert proxy_of("http://model.invalid:8080/predict") is None
    assert proxy_of("http://127.0.0.1:8080/predict") is None  # (loopback: never a proxy)
    monkeypatch.setenv("NO_PROXY", "other.host")
    assert proxy_of("http://model.invalid:8080/predict") == (
        f"HTTP_PROXY={proxy.replace('PROXYPASS99', '***')}"
    )
