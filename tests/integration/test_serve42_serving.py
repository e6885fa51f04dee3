"""serve42: a served endpoint's refusals said as what they are.

- A quota spent mid-run (every request then answered 429 with ``Retry-After: 30``) under
  ``--max-time``: the run's time went on the retries' waits, no request had yet failed after
  all its attempts, and the run said "nothing was tested: the time budget (--max-time) ran
  out before the first test; raise it" (exit 2): raising it changes nothing.  It is the
  endpoint that stopped answering now (exit 3, resumable), naming its last answer.
- A 413 (a proxy's body limit) or a 400 whose body names a batch limit failed the run as
  "answered status 413" without the option that makes requests smaller.
- An answer in another envelope (``{"predictions": ...}`` to assay's generic endpoint) said
  "wrong form ('outputs')"; now the fields it has and where to read them.
- A ``Retry-After`` longer than the call has left advised ``--call-timeout 60`` under
  ``--call-timeout 60`` (the call had spent half of it).
"""

from __future__ import annotations

import json
import time
import zlib
from http.server import BaseHTTPRequestHandler
from pathlib import Path

import numpy as np
import pytest
from serving_servers import FaultServer
from test_hostile25a_serving import CAPS, send_body, serve  # noqa: F401  (the fixture)
from typer.testing import CliRunner

from assay.cli.app import app, register
from assay.core.store import RunStore
from assay.errors import ModelError, ModelUnavailable
from assay.models.http import HttpModel
from assay.models.http_answer import beyond_deadline
from assay.models.serving import stopped_answering

register()
runner = CliRunner()
SECRET = "QUOTAKEY4242424242"


def _scores(h: BaseHTTPRequestHandler) -> list[list[float]]:
    rows = json.loads(h._body)["inputs"]  # type: ignore[attr-defined]
    p = [(zlib.crc32(json.dumps(r).encode()) % 1000) / 1000 for r in rows]
    return [[1 - q, q] for q in p]


def _stopped_run(url: str, store: Path, *options: str) -> tuple[str, str]:
    """A fairness run (German, sex) of ``url`` that the endpoint stops (exit 3): its id and
    output."""
    made = runner.invoke(
        app,
        ["fairness", url, "--dataset", "german", "--protected", "sex", "--seed", "1",
         "--store", str(store), *options],
    )  # fmt: skip
    assert made.exit_code == 3, made.output
    return RunStore(store).list_runs()[0].id, made.output


def test_a_quota_spent_mid_run_is_the_endpoint_stopping_not_the_time_budget(
    serve,  # noqa: F811
    tmp_path: Path,
) -> None:
    def quota(h: BaseHTTPRequestHandler, n: int, k: int) -> None:
        if k <= 3:  # the loading probe and a little more: then the quota is spent
            send_body(h, 200, json.dumps({"outputs": _scores(h)}).encode())
        else:
            send_body(h, 429, b'{"error": "quota exceeded"}', **{"Retry-After": "30"})

    url = serve(quota) + f"?api_key={SECRET}"
    t0 = time.monotonic()
    result = runner.invoke(
        app,
        ["fairness", url, "--dataset", "german", "--protected", "sex", "--max-queries",
         "100000", "--max-time", "12", "--batch-size", "20", "--no-determinism-check",
         "--store", str(tmp_path / "r.db"), "--junit", str(tmp_path / "j.xml")],
    )  # fmt: skip
    out = " ".join(result.output.split())
    assert result.exit_code == 3, out  # (main: 2, "the time budget ran out ...; raise it")
    assert "stopped answering" in out and "status 429" in out and "quota exceeded" in out, out
    assert "raise it" not in out
    assert time.monotonic() - t0 < 45
    assert SECRET not in out
    for f in tmp_path.iterdir():
        assert SECRET.encode() not in f.read_bytes(), f


def test_a_request_failing_only_a_moment_as_the_run_stops_is_no_endpoint_stop() -> None:
    model = HttpModel(f"http://127.0.0.1:9/predict?api_key={SECRET}", capabilities=CAPS)
    model.stats.first = time.time() - 100
    model.failing = (time.monotonic() - 1.0, "status 503; body starts: busy")
    assert stopped_answering([model]) is None  # (a blip at the stop: a budget stop)
    model.failing = (time.monotonic() - 30.0, f"status 503; body starts: busy {SECRET}")
    model.failed_attempts = 3  # (left42s: one wait alone, late in the run, is no stop)
    said = stopped_answering([model])
    assert said is not None and "every attempt of the last 30 s failed" in said, said
    assert "status 503" in said and SECRET not in said and "?***" in said


def test_an_answer_clears_the_failing_streak_and_a_failure_starts_it() -> None:
    with FaultServer(lambda x: np.full((len(x), 2), 0.5), faults={1: "500"}) as server:
        model = HttpModel(server.url, capabilities=CAPS, retries=2, backoff=0.0)
        try:
            model.predict(np.zeros((2, 3)))
            assert model.stats.retried == 1 and model.failing is None
        finally:
            model.close()
    every = dict.fromkeys(range(1, 100), "500")
    with FaultServer(lambda x: np.full((len(x), 2), 0.5), faults=every) as server:
        model = HttpModel(server.url, capabilities=CAPS, retries=1, backoff=0.0)
        try:
            with pytest.raises(ModelUnavailable):
                model.predict(np.zeros((2, 3)))
            assert model.failing is not None and "status 500" in model.failing[1]
        finally:
            model.close()


@pytest.mark.parametrize(
    ("status", "body", "hinted"),
    [
        (413, b"<html><h1>413 Request Entity Too Large</h1>nginx</html>", True),
        (400, b'{"error": "batch size 8 exceeds the maximum of 4"}', True),
        (422, b'{"detail": "too many instances: at most 4"}', True),
        (400, b'{"error": "expected 13 features, got 3"}', False),
    ],
)
def test_a_request_refused_for_its_size_names_batch_size(
    serve,  # noqa: F811
    status: int,
    body: bytes,
    hinted: bool,
) -> None:
    def limited(h: BaseHTTPRequestHandler, n: int, k: int) -> None:
        if n > 4:
            send_body(h, status, body)
        else:
            send_body(h, 200, json.dumps({"outputs": [[0.5, 0.5]] * n}).encode())

    model = HttpModel(serve(limited), capabilities=CAPS, max_batch=100)
    try:
        assert model.predict(np.zeros((2, 3))).shape == (2, 2)  # (a probe's size passes)
        with pytest.raises(ModelError) as err:
            model.predict(np.zeros((8, 3)))
    finally:
        model.close()
    text = str(err.value)
    assert f"answered status {status}" in text
    assert ("the request held 8 inputs" in text and "--batch-size 4" in text) == hinted, text


def test_an_answer_in_another_envelope_names_its_fields(serve) -> None:  # noqa: F811
    def tf_serving(h: BaseHTTPRequestHandler, n: int, k: int) -> None:
        send_body(h, 200, json.dumps({"predictions": [[0.5, 0.5]] * n, "model": "m"}).encode())

    model = HttpModel(serve(tf_serving), capabilities=CAPS)
    try:
        with pytest.raises(ModelError) as err:
            model.predict(np.zeros((2, 3)))
    finally:
        model.close()
    text = str(err.value)
    assert "its fields: predictions, model" in text and "outputs: predictions" in text, text
    assert "--model-type" in text and "--template" in text


def test_the_call_timeout_advised_outlives_what_the_call_spent() -> None:
    with pytest.raises(ModelUnavailable) as err:
        beyond_deadline("http://h/p", "status 429", 30.0, (30.0, 60.0))
    text = str(err.value)
    assert "--call-timeout 70" in text, text  # (main: "--call-timeout 60", the one in force)
    with pytest.raises(ModelUnavailable) as err:  # (a call just begun: as before)
        beyond_deadline("http://h/p", "status 429", 20.0, (5.0, 5.0))
    assert "--call-timeout 40" in str(err.value)


def test_a_server_gone_mid_call_is_unavailable_not_a_hung_model() -> None:
    """Connections refused (the server's process gone) under a call deadline: each request
    failed after its retries and was sent again, below the error-rate window (the run's
    earlier answers), until ``--call-timeout`` said "it may be hung" (main: ``CallTimeout``
    after 5 s).  Now the endpoint is said to have stopped answering before that."""
    from assay.core.calls import CallTimeout, WatchedCaller

    with FaultServer(lambda x: np.full((len(x), 2), 0.5)) as server:
        model = HttpModel(
            server.url, capabilities=CAPS, retries=1, backoff=0.5, max_error_rate=0.99
        )
        caller = WatchedCaller(call_timeout=5)
        try:
            model.predict(np.zeros((2, 3)))
            server.down = True
            t0 = time.monotonic()
            with pytest.raises(ModelUnavailable) as err:
                caller.submit(lambda: model.predict(np.zeros((2, 3)))).result()
            assert not isinstance(err.value, CallTimeout)
            assert time.monotonic() - t0 < 5
        finally:
            caller.close()
            model.close()
    text = str(err.value)
    assert "stopped answering" in text and "it is not hung" in text and "--call-timeout" in text


def test_a_resume_refused_for_its_url_names_the_store_in_its_command(
    serve,  # noqa: F811
    tmp_path: Path,
) -> None:
    """`assay resume RUN --store S` of a run whose URL held a key: refused, "give the URL
    again: assay resume RUN --model URL", a command that looked in the default store (main:
    no --store in it)."""

    def gone(h: BaseHTTPRequestHandler, n: int, k: int) -> None:
        if k < 40:
            send_body(h, 200, json.dumps({"outputs": _scores(h)}).encode())
        else:
            send_body(h, 500, b'{"error": "gone"}')

    store = tmp_path / "sub" / "r.db"
    run_id, _ = _stopped_run(
        f"{serve(gone)}?api_key={SECRET}", store, "--max-queries", "20000", "--retries", "0",
        "--batch-size", "20", "--no-determinism-check",
    )  # fmt: skip
    result = runner.invoke(app, ["resume", run_id, "--store", str(store)])
    out = " ".join(result.output.split())
    assert result.exit_code == 2, out
    again = f"give the URL again: assay resume {run_id} --store {store.as_posix()} --model URL"
    assert again in out, out
    assert SECRET not in out


def test_an_mlflow_pyfunc_answering_a_data_frame_as_records_is_read() -> None:
    """MLflow's server writes a pyfunc's DataFrame answer as records; refused on main as
    "holds values that are not numbers"."""
    from assay.models.protocols import MlflowCodec

    codec = MlflowCodec("http://h/invocations")
    records = {"predictions": [{"no": 0.75, "yes": 0.25}, {"no": 0.1, "yes": 0.9}]}
    out = codec.decode(records, 2)
    assert out.tolist() == [[0.75, 0.25], [0.1, 0.9]]
    assert codec.decode({"predictions": [{"label": 1}, {"label": 0}]}, 2).tolist() == [1, 0]
    with pytest.raises(ValueError, match="not numbers"):  # (columns that differ: refused)
        codec.decode({"predictions": [{"a": 1}, {"b": 0}]}, 2)


def test_a_run_stopped_by_a_413_resumes_with_a_smaller_batch_size(
    serve,  # noqa: F811
    tmp_path: Path,
) -> None:
    """main: `assay resume` took no --batch-size (exit 2, "No such option"): a run stopped
    by a proxy's 413 mid-run could only be run again from the start."""

    def limited(h: BaseHTTPRequestHandler, n: int, k: int) -> None:
        if n > 20:
            send_body(h, 413, b"<html>413 Request Entity Too Large</html>")
        else:
            send_body(h, 200, json.dumps({"outputs": _scores(h)}).encode())

    url = serve(limited)
    store = tmp_path / "r.db"
    run_id, said = _stopped_run(url, store, "--max-queries", "500", "--no-determinism-check")
    assert "--batch-size" in said
    assert f"continue with: assay resume {run_id} --store {store} --batch-size 16" in said, said
    first = RunStore(store).get_run(run_id).summary["serving"]["statuses"]
    again = ["resume", run_id, "--store", str(store), "--batch-size", "16"]
    result = runner.invoke(app, again)
    assert result.exit_code in (0, 1), result.output
    record = RunStore(store).get_run(run_id)
    assert record.status == "completed"
    assert record.config["invocation"]["serving"]["batch_size"] == 16
    statuses = record.summary["serving"]["statuses"]
    assert statuses["413"] == first["413"]  # (none since the resume)


def test_a_resume_refuses_a_batch_size_below_one(tmp_path: Path) -> None:
    # (a local model's resume takes a batch size too since left49h:
    # test_left49h_resume_batch_size.py)
    from assay import check_fairness, resume_run
    from assay.errors import UsageError

    result = check_fairness(
        "builtin:logistic", dataset="german", protected="sex", max_queries=200, seed=1,
        store=tmp_path / "r.db",
    )  # fmt: skip
    with pytest.raises(UsageError, match="at least 1"):
        resume_run(result.run_id, store=tmp_path / "r.db", batch_size=0)


def test_a_resumed_run_keeps_the_requests_of_the_session_that_stopped(
    serve,  # noqa: F811
    tmp_path: Path,
) -> None:
    """A run stopped as unavailable (503s) and resumed once the endpoint was back said only
    the resumed session's requests (main: 128 of 262, no 503 left): its first checkpoint
    wrote a summary without the counts recorded before."""
    down = [True]

    def flaky(h: BaseHTTPRequestHandler, n: int, k: int) -> None:
        if k > 30 and down[0]:
            send_body(h, 503, b'{"error": "upstream down"}')
        else:
            send_body(h, 200, json.dumps({"outputs": _scores(h)}).encode())

    url = serve(flaky)
    store = tmp_path / "r.db"
    run_id, _ = _stopped_run(
        url, store, "--max-queries", "1000", "--batch-size", "20", "--retries", "0"
    )
    first = RunStore(store).get_run(run_id).summary["serving"]
    assert first["statuses"].get("503", 0) > 0
    down[0] = False
    result = runner.invoke(app, ["resume", run_id, "--store", str(store)])
    assert result.exit_code in (0, 1), result.output
    both = RunStore(store).get_run(run_id).summary["serving"]
    assert both["statuses"]["503"] == first["statuses"]["503"], both
    assert both["requests"] > first["requests"]
    assert both["requests"] == sum(both["statuses"].values()), both
