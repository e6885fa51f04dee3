"""hostile44s: a nightly job's run stopped (a CI timeout), the endpoint redeployed with
another model before the job's resume.  main resumed it: the old model's stored IDIs kept
beside the new one's, and those no longer holding read as "the model's answers depend on the
batch they are asked in".  A served model's answer to loading's probe is now kept with the
run, asked again on resume, and a different answer refuses the resume (exit 2, the run as it
was); the model put back, the resume goes on."""

from __future__ import annotations

import json
import zlib
from http.server import BaseHTTPRequestHandler
from pathlib import Path

import numpy as np
from test_hostile25a_serving import send_body, serve  # noqa: F401  (the fixture)
from typer.testing import CliRunner

from assay.cli.app import app, register
from assay.core.store import RunStore

register()
runner = CliRunner()


def test_a_resume_against_a_redeployed_endpoint_is_refused(
    serve,  # noqa: F811
    tmp_path: Path,
) -> None:
    deployed = ["v1"]

    def model(h: BaseHTTPRequestHandler, n: int, k: int) -> None:
        rows = json.loads(h._body)["inputs"]  # type: ignore[attr-defined]
        p = [(zlib.crc32((deployed[0] + json.dumps(r)).encode()) % 1000) / 1000 for r in rows]
        send_body(h, 200, json.dumps({"outputs": [[1 - q, q] for q in p]}).encode())

    url = serve(model)
    store = tmp_path / "r.db"
    made = runner.invoke(
        app,
        ["fairness", url, "--dataset", "german", "--protected", "sex", "--seed", "1",
         "--max-queries", "300", "--no-determinism-check", "--store", str(store)],
    )  # fmt: skip
    assert made.exit_code == 1, made.output
    run_id = RunStore(store).list_runs()[0].id
    RunStore(store).checkpoint(run_id, status="interrupted")  # (as a CI timeout leaves it)
    kept = RunStore(store).get_run(run_id).n_findings
    deployed[0] = "v2"
    again = runner.invoke(app, ["resume", run_id, "--store", str(store)])
    assert again.exit_code == 2, again.output
    assert "answers otherwise than when run" in again.output
    assert "another model is served" in again.output and f"assay verify {run_id}" in again.output
    record = RunStore(store).get_run(run_id)
    assert record.status == "interrupted" and record.n_findings == kept
    deployed[0] = "v1"  # (the model put back)
    back = runner.invoke(app, ["resume", run_id, "--store", str(store)])
    assert back.exit_code in (0, 1), back.output
    assert "answers otherwise" not in back.output


def test_answers_compared_within_a_servers_jitter() -> None:
    from assay.core.served_answers import answer_print, answers_changed

    def info(answer: object) -> dict[str, object]:
        return {"details": {"probe_answer": answer_print(answer)}}

    p = np.array([[0.25, 0.75], [0.6, 0.4]])
    assert answers_changed(info(p), info(p + 1e-6)) is None  # (float32 jitter)
    assert answers_changed(info(p), info(p[:, ::-1])) == (
        "4 of the 4 values it answered the probe inputs differ"
    )
    assert answers_changed(info(p), info(p[:, ::-1]), steady=False) is None
    assert answers_changed({"details": {}}, info(p)) is None  # (a run of an older assay)
    assert answers_changed(info(["pos", "neg"]), info(["pos", "pos"])) is not None
    assert answers_changed(info(["pos", "neg"]), info(["pos", "neg"])) is None
    assert answers_changed(info(p), info(p[:1])) is not None  # (another shape)
