"""``assay resume`` of a run whose URL held a key, refused for its URL before it begins
(hostile51): the run is left as it was (``model_unavailable``, resumable), the command says
so and never "fix the problem in a new run"; the printed line's literal ``--model URL``,
pasted, is told what URL stands for."""

from __future__ import annotations

import json
from http.server import BaseHTTPRequestHandler
from pathlib import Path

import pytest
from test_hostile25a_serving import send_body, serve  # noqa: F401  (the fixture)
from test_serve42_serving import _scores, _stopped_run
from typer.testing import CliRunner

from assay.cli.app import app, register
from assay.core.store import RunStore

pytestmark = pytest.mark.slow

register()
runner = CliRunner()
SECRET = "H51RESUMEKEY7777777"


@pytest.mark.parametrize("pasted", [[], ["--model", "URL"]], ids=["no-model", "literal-URL"])
def test_a_resume_refused_for_its_url_leaves_the_run_as_it_was(
    serve,  # noqa: F811
    tmp_path: Path,
    pasted: list[str],
) -> None:
    def gone(h: BaseHTTPRequestHandler, n: int, k: int) -> None:
        if k < 40:
            send_body(h, 200, json.dumps({"outputs": _scores(h)}).encode())
        else:
            send_body(h, 500, b'{"error": "gone"}')

    store = tmp_path / "r.db"
    run_id, made = _stopped_run(
        f"{serve(gone)}?api_key={SECRET}", store, "--max-queries", "20000", "--retries", "0",
        "--batch-size", "20", "--no-determinism-check",
    )  # fmt: skip
    assert "--model URL" in " ".join(made.split())  # (the printed line, pasted below)
    before = RunStore(store).get_run(run_id)
    assert before.status == "model_unavailable"
    result = runner.invoke(app, ["resume", run_id, "--store", str(store), *pasted])
    out = " ".join(result.output.split())
    assert result.exit_code == 2, out
    assert "new run" not in out, out  # (main: "fix the problem in a new run")
    assert f"run {run_id} was not resumed, it is as it was: model_unavailable" in out, out
    if pasted:
        assert "URL stands for the run's endpoint address" in out, out
    after = RunStore(store).get_run(run_id)
    assert after.status == "model_unavailable" and after.n_findings == before.n_findings
    assert SECRET not in out
