"""left42s: serve42's leftovers for a served model.

- A run resumed with ``assay resume RUN --batch-size N`` (a 413 stopped it) kept its first
  command as its rerun line: pasted, it met the 413 again.  Every printed rerun (the
  terminal's "to reproduce", ``assay show``, ``show --json``, ``--json``'s command, the HTML
  and JUnit reports) now carries the batch size the run finished with.
"""

from __future__ import annotations

import json
from http.server import BaseHTTPRequestHandler
from pathlib import Path

from test_hostile25a_serving import send_body, serve  # noqa: F401  (the fixture)
from test_serve42_serving import _scores, _stopped_run
from typer.testing import CliRunner

from assay.cli.app import app, register
from assay.core.runinfo import pasteable

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
        serve(limited), store, "--max-queries", "1500", "--no-determinism-check"
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
