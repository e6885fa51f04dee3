"""``assay verify`` of a run whose URL held a key is checked before it begins (hostile51b,
as ``assay resume`` is: hostile51): without ``--model`` it said "give the URL again: assay
resume RUN --model URL" (a resume's line, for a verify), and the printed ``URL`` word pasted
said "URL is not the run's model"."""

from __future__ import annotations

import json
from http.server import BaseHTTPRequestHandler
from pathlib import Path

import pytest
from test_hostile25a_serving import send_body, serve  # noqa: F401  (the fixture)
from test_serve42_serving import _scores
from typer.testing import CliRunner

from assay.cli.app import app, register
from assay.core.store import RunStore

pytestmark = pytest.mark.slow

register()
runner = CliRunner()
SECRET = "H51BVERIFYKEY8888"


def test_a_verify_of_a_keyed_run_says_its_own_line_before_it_begins(
    serve,  # noqa: F811
    tmp_path: Path,
) -> None:
    posts: list[int] = []

    def scores(h: BaseHTTPRequestHandler, n: int, k: int) -> None:
        posts.append(k)
        send_body(h, 200, json.dumps({"outputs": _scores(h)}).encode())

    url = f"{serve(scores)}?api_key={SECRET}"
    store = tmp_path / "v.db"
    made = runner.invoke(
        app,
        ["fairness", url, "--dataset", "german", "--protected", "sex", "--max-queries",
         "600", "--seed", "1", "--no-determinism-check", "--store", str(store)],
    )  # fmt: skip
    assert made.exit_code == 1, made.output
    run = RunStore(store).list_runs()[0]
    asked = len(posts)
    bare = runner.invoke(app, ["verify", run.id, "--store", str(store)])
    out = " ".join(bare.output.split())
    assert bare.exit_code == 2, out
    assert "assay resume" not in out, out  # (main: "give the URL again: assay resume RUN")
    assert f"assay verify {run.id} --store {store} --model URL" in out, out
    assert "URL stands for the run's endpoint address" in out, out
    word = runner.invoke(app, ["verify", run.id, "--store", str(store), "--model", "URL"])
    said = " ".join(word.output.split())
    assert word.exit_code == 2 and "URL stands for the run's endpoint address" in said, said
    assert len(posts) == asked  # (nothing asked of the endpoint)
    again = runner.invoke(app, ["verify", run.id, "--store", str(store), "--model", url])
    assert again.exit_code == 1, again.output
    assert "still fail" in again.output and SECRET not in again.output
    assert RunStore(store).get_run(run.id).status == run.status
