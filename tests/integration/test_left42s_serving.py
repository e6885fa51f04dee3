"""left42s: serve42's leftovers for a served model.

- A run resumed with ``assay resume RUN --batch-size N`` (a 413 stopped it) kept its first
  command as its rerun line: pasted, it met the 413 again.  Every printed rerun (the
  terminal's "to reproduce", ``assay show``, ``show --json``, ``--json``'s command, the HTML
  and JUnit reports) now carries the batch size the run finished with.
"""

from __future__ import annotations

import json
import pickle
import time
from http.server import BaseHTTPRequestHandler
from pathlib import Path

import numpy as np
import pytest
from serving_servers import FaultServer
from test_hostile25a_serving import CAPS, send_body, serve  # noqa: F401  (the fixture)
from test_serve42_serving import SECRET, _scores, _stopped_run
from typer.testing import CliRunner

from assay.cli.app import app, register
from assay.core.runinfo import pasteable
from assay.errors import ModelUnavailable
from assay.models.http import HttpModel
from assay.models.serving import stopped_answering

register()
runner = CliRunner()


def test_a_run_resumed_with_a_smaller_batch_size_reruns_with_it(
    serve,  # noqa: F811
    tmp_path: Path,
) -> None:
    """main: every rerun line was the first command, without ``--batch-size 16``."""

    def limited(h: BaseHTTPRequestHandler, n: int, k: int) -> None:
        if n > 20:
            send_body(h, 413, b"<html>413 Request Entity Too Large</html>")
        else:
            send_body(h, 200, json.dumps({"outputs": _scores(h)}).encode())

    store = tmp_path / "r.db"
    run_id, _ = _stopped_run(
        serve(limited), store, "--max-queries", "500", "--no-determinism-check"
    )
    html, junit, report = tmp_path / "r.html", tmp_path / "j.xml", tmp_path / "r.json"
    result = runner.invoke(
        app,
        ["resume", run_id, "--store", str(store), "--batch-size", "16", "--html", str(html),
         "--junit", str(junit), "--report", str(report), "--json"],
    )  # fmt: skip
    assert result.exit_code in (0, 1), result.output
    said = json.loads(result.stdout)
    assert "--batch-size 16" in said["command"], said["command"]
    for path in (html, junit, report):
        assert "--batch-size 16" in path.read_text(), path
    shown = runner.invoke(app, ["show", run_id, "--store", str(store)])
    lines = [x for x in shown.output.splitlines() if "to reproduce" in x]
    assert lines and "--batch-size 16" in lines[0], shown.output
    shown = runner.invoke(app, ["show", run_id, "--store", str(store), "--json"])
    assert "--batch-size 16" in json.loads(shown.stdout)["rerun"]
    again = runner.invoke(app, ["resume", run_id, "--store", str(store)])  # (ended: said)
    lines = [x for x in again.output.splitlines() if "to reproduce" in x]
    assert not lines or "--batch-size 16" in lines[0], again.output


def test_the_rerun_gives_the_stored_batch_size_once() -> None:
    config = {"invocation": {"serving": {"batch_size": 16}}}
    given = "assay fairness http://h/p --dataset german --protected sex --seed 1"
    assert pasteable(given, config).endswith("--seed 1 --batch-size 16")
    for typed in ("--batch-size 64", "--batch-size=64"):
        assert pasteable(f"{given} {typed}", config).endswith("--seed 1 --batch-size 16")
    assert pasteable(f"{given} --batch-size 16", config).count("--batch-size") == 1
    assert pasteable(given, {"invocation": {"serving": {"batch_size": None}}}) == given
    old = {"invocation": {"serving": {"batch_size": 1000}}}  # (left41's untyped old default)
    assert pasteable(given, old) == given


# -- serve42's Left 4: one long wait is not the endpoint refusing -----------------------------


def test_one_wait_late_in_a_run_is_no_endpoint_stop_but_a_refusing_one_is() -> None:
    """main: a single 429 with ``Retry-After: 30`` 30 s before the end of a 100 s run (one
    attempt in its streak) stopped the run as unavailable (5 s and a tenth of the run)."""
    model = HttpModel(f"http://127.0.0.1:9/predict?api_key={SECRET}", capabilities=CAPS)
    model.stats.first = time.time() - 100
    model.failing = (time.monotonic() - 30.0, "status 429; body starts: slow down")
    model.failed_attempts, model.asked_wait = 1, 30.0
    assert stopped_answering([model]) is None  # (main: "stopped answering")
    model.failed_attempts = 3  # three attempts in a row refused: the endpoint refusing
    said = stopped_answering([model])
    assert said is not None and "(3 attempts in a row)" in said and "retry after 30 s" in said, said
    model.failed_attempts = 1  # one wait, but most of the run: nothing else came back
    model.failing = (time.monotonic() - 60.0, f"status 429; body starts: quota {SECRET}")
    said = stopped_answering([model])
    assert said is not None and SECRET not in said, said


def test_a_dask_units_streak_reaches_the_clients_copy() -> None:
    """main: a worker's copy ended its unit mid-retry and the client's copy, which the rule
    reads, knew nothing of it (its counts alone came back)."""
    client = HttpModel("http://127.0.0.1:9/predict", capabilities=CAPS)
    client.stats.first = time.time() - 40
    worker = pickle.loads(pickle.dumps(client))
    mark = worker.counts_mark()
    worker.failing = (time.monotonic() - 30.0, "status 429; body starts: quota")
    worker.failed_attempts = 4
    client.add_counts(worker.counts_since(mark))
    said = stopped_answering([client])
    assert said is not None and "(4 attempts in a row)" in said, said
    answered_since = worker.counts_mark()
    worker.failing = None
    client.add_counts(worker.counts_since(answered_since))  # (a later unit answered)
    assert stopped_answering([client]) is None
    client.add_counts({"lost_attempts": 1})  # (not a unit's end: the streak left as it is)
    assert client.failing is None


BUDGET = 50  # s: the search has begun and found IDIs well before the wait (ci53: 75 before)
LATE = 9  # s before the budget ends: the one 429, its Retry-After longer than that


def test_a_wait_near_the_end_of_a_run_with_findings_keeps_its_exit_1(
    serve,  # noqa: F811
    tmp_path: Path,
) -> None:
    """One 429 ``Retry-After: 30`` 9 s before a 50 s budget ends (counted from the command's
    start, as ``--max-time`` is), every other request answered: the run found IDIs and ends
    by its budget, exit 1.  serve42's rule (a streak of 5 s and a tenth of the run) read the
    one wait as the endpoint stopping: exit 3.  The wait is placed by the budget's clock,
    not by the seconds loading took: the rule holds while the first request came in the
    first 32 s.  (ci53 made the budget 50 s from 75: at load 14 a 40 s budget's run had no
    finding at 24 s and 211 when its 429 came at 32 s; at load 25 it had none then: the
    search's first IDIs need ~2,000 queries, so 41 s here; the planted serve42 rule fails
    it, exit 3.)"""
    began = time.monotonic()

    def once(h: BaseHTTPRequestHandler, n: int, k: int) -> None:
        late = time.monotonic() - began > BUDGET - LATE and not once.sent
        if late and n:
            once.sent = True
            send_body(h, 429, b'{"error": "slow down"}', **{"Retry-After": "30"})
        else:
            send_body(h, 200, json.dumps({"outputs": _scores(h)}).encode())

    once.sent = False  # type: ignore[attr-defined]
    url = serve(once)
    began = time.monotonic()
    result = runner.invoke(
        app,
        ["fairness", url, "--dataset", "german", "--protected", "sex", "--max-queries",
         "1000000", "--max-time", str(BUDGET), "--batch-size", "20", "--no-determinism-check",
         "--store", str(tmp_path / "r.db")],
    )  # fmt: skip
    out = " ".join(result.output.split())
    assert once.sent, out  # type: ignore[attr-defined]
    assert result.exit_code == 1, out
    assert "stopped answering" not in out


# -- serve42's Left 3: a server gone is said within seconds -------------------------------


def test_connections_refused_for_seconds_are_a_server_gone() -> None:
    """main: each request failed after its attempts and was sent again until the call
    neared --call-timeout (here 40 s: ``ModelUnavailable`` "would reach --call-timeout" at
    ~38 s); now once refused for 10 s over two requests' attempts."""
    from assay.core.calls import WatchedCaller

    with FaultServer(lambda x: np.full((len(x), 2), 0.5)) as server:
        model = HttpModel(
            server.url, capabilities=CAPS, retries=1, backoff=0.5, max_error_rate=0.99
        )
        caller = WatchedCaller(call_timeout=40)
        try:
            model.predict(np.zeros((2, 3)))
            server.stop()  # (its socket closed: connections refused)
            with pytest.raises(ModelUnavailable) as err:
                caller.submit(lambda: model.predict(np.zeros((2, 3)))).result()
        finally:
            caller.close()
            model.close()
    text = str(err.value)
    assert "was refused" in text and "gone or not listening" in text, text
    seconds = int(text.split("the last ")[1].split(" s")[0])
    assert 10 <= seconds < 30, text  # (``http_streak.GONE_SECONDS``: 10)


# -- serve42's Left 2: --max-time running out in loading while the endpoint refuses ----------


def test_loading_out_of_time_against_a_refusing_endpoint_says_the_endpoint(
    serve,  # noqa: F811
    tmp_path: Path,
) -> None:
    """Every request answered 429 ``Retry-After: 30`` under ``--max-time 8``: main said the
    model and data "were still loading ... raise --max-time" (exit 2)."""

    def quota(h: BaseHTTPRequestHandler, n: int, k: int) -> None:
        if not n:  # (readiness, metadata)
            send_body(h, 200, b"{}")
        else:
            send_body(h, 429, b'{"error": "quota exceeded"}', **{"Retry-After": "30"})

    result = runner.invoke(
        app,
        ["fairness", serve(quota) + f"?api_key={SECRET}", "--dataset", "german", "--protected",
         "sex", "--max-time", "8", "--store", str(tmp_path / "r.db")],
    )  # fmt: skip
    out = " ".join(result.output.split())
    assert result.exit_code == 3, out
    assert "status 429" in out and "retry after 30 s" in out and "quota exceeded" in out, out
    assert "raise --max-time" not in out and SECRET not in out
