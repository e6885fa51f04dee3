"""mutation28: each command that prints a text run's first failing sentences names the
command that writes every one (``say_failing(every=)``): ``assay text``, ``assay show`` and
``assay resume`` (the first tests covered ``assay text --demo`` only)."""

from __future__ import annotations

import threading
from pathlib import Path

from typer.testing import CliRunner

import assay
from assay.cli.app import app, register

register()
runner = CliRunner()

CLASSIFIERS = """
def keen(texts):
    return ["pos" if ("good" in t or "great" in t) else "neg" for t in texts]
def blunt(texts):
    return ["pos" if "good" in t else "neg" for t in texts]
keen.classes_ = blunt.classes_ = ["neg", "pos"]
"""


def _every(output: str, run_id: str) -> str:
    lines = [x for x in output.splitlines() if x.startswith("every one of them to a file: ")]
    assert len(lines) == 1, output
    command = lines[0].split(": ", 1)[1]
    assert command.startswith(f"assay report {run_id} --store ")
    assert command.endswith(" --export failing.csv")
    return command


def test_show_and_resume_name_the_command_that_writes_every_failing_sentence(
    tmp_path: Path,
) -> None:
    module = tmp_path / "clf.py"
    module.write_text(CLASSIFIERS, encoding="utf-8")
    store = str(tmp_path / "runs.db")
    common = ["--grammar", "builtin:reviews", "--seed", "1", "--store", store]
    ran = runner.invoke(app, ["text", f"{module}:keen", f"{module}:blunt", *common])
    assert ran.exit_code == 1, ran.output
    with assay.RunStore(store, read_only=True) as runs:
        run_id = runs.list_runs(1)[0].id
    _every(ran.output, run_id)
    shown = runner.invoke(app, ["show", run_id, "--store", store])
    _every(shown.output, run_id)
    # a run stopped at once, resumed by the command line
    stop = threading.Event()
    stop.set()
    models = [f"{module}:keen", f"{module}:blunt"]
    stopped = assay.check_text(
        models, grammar="builtin:reviews", max_queries=3_000, seed=2, store=store, stop=stop
    )
    assert stopped.status == "interrupted"
    resumed = runner.invoke(app, ["resume", stopped.run_id, "--store", store])
    assert resumed.exit_code == 1, resumed.output
    _every(resumed.output, stopped.run_id)
