"""``assay runs --json`` prints every run whole: it read every listed run, then dumped one
document of them all (3,000 runs, --limit 1000: 353 MB peak, 3.1 s).  It now reads and
writes one run at a time, through a spool copied to stdout at the end (the same bytes)."""

from __future__ import annotations

import contextlib
import io
import json
import os
import sys
import tracemalloc
from pathlib import Path
from typing import Any

import pytest
import typer

from assay.cli.app import app, register
from assay.cli.console import Output

from test_left28_runs_listing import _store  # isort: skip  (20 runs of a big config)

register()


@pytest.mark.parametrize("n", [0, 1, 3])
def test_the_list_is_the_bytes_one_document_would_be(n: int) -> None:
    items: list[dict[str, Any]] = [
        {"b": [1, {"z": None, "a": "é\n"}], "a": k, "when": Path("/x")} for k in range(n)
    ]
    stream = io.StringIO()
    out = Output()
    out._json_stream = stream
    out.emit_json_list("runs", iter(items))
    # (letters as written since left43t: "é", not "\\u00e9")
    expected = (
        json.dumps({"runs": items}, indent=2, sort_keys=True, default=str, ensure_ascii=False)
        + "\n"
    )
    assert stream.getvalue() == expected


def _runs_json(path: Path, target: Path) -> None:
    command = typer.main.get_command(app)
    with open(target, "w", encoding="utf-8") as fh, contextlib.redirect_stdout(fh):
        try:
            command.main(["runs", "--json", "--full", "--store", str(path), "--limit", "100"],
                         standalone_mode=False)  # fmt: skip
        except SystemExit as exc:
            assert exc.code in (0, None)
        finally:
            sys.stdout = sys.__stdout__


def test_listing_runs_as_json_holds_one_run_at_a_time(tmp_path: Path) -> None:
    path = tmp_path / "runs.db"
    big = [f"rule {i}: x" for i in range(20_000)]  # (~1.4 MB of JSON a run, many objects)
    _store(path, 20, big)
    target = tmp_path / "runs.json"
    _runs_json(path, target)  # (its imports)
    tracemalloc.start()
    try:
        _runs_json(path, target)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    doc = json.loads(target.read_text(encoding="utf-8"))
    assert [r["id"] for r in doc["runs"]] == [f"toy-{k:02d}" for k in range(19, -1, -1)]
    assert doc["runs"][0]["config"]["grammar"] == big  # every run whole (--full)
    assert os.path.getsize(target) > 20_000_000  # (27.7 MB)
    # every run read, then dumped (emit_json of the list): 168 MB; now ~14 MB (80,000 rules a
    # run, 4x the data and the CPU: 584 MB then, 52 MB now)
    assert peak < 25_000_000, peak
