"""left48b2: every command assay prints for a run pastes and works as printed.

``assay verify`` of a backdoor run whose class-map or source-class flags it cannot replay
(not located, or stored by an older assay) said "scan the model again (`assay show RUN_ID`
prints the run's command, to reproduce)": a placeholder, and no ``--store`` for a run kept
elsewhere.  Pasted, the line failed ("no run RUN_ID").  Now it names the run's id and its
store (absolute, quoted for the shell): run as printed, from another directory, it shows
the run.  The served models' advice ("a stopped run: assay resume RUN_ID --batch-size 32")
is filled with the run the command made as the terminal prints it, and dropped when no run
was made (``cli.run_placeholders``)."""

from __future__ import annotations

import os
import re
import sqlite3
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
from ci22_in_process import assay_here

from assay.cli import leftover
from assay.cli.run_placeholders import filled, filling
from assay.core.store_blobs import decode_witnesses, encode_batch
from assay.models.http_hints import size_hint

sys.path.insert(0, str(Path(__file__).parent))
from test_left48b_verify_windows import MODEL, _images, _stamped  # isort: skip

SRC = str(Path(__file__).parents[2] / "src")


def _unlocated(store: Path, run_id: str) -> int:
    """Drop the ``located`` column of the run's stored flags (as an older assay stored
    them); how many flags lost it."""
    n = 0
    with sqlite3.connect(store) as db:
        rows = db.execute("SELECT seq, data FROM findings WHERE run_id=?", (run_id,)).fetchall()
        for seq, data in rows:
            batch, idx, provisional = decode_witnesses(bytes(data))
            if "located" not in batch.columns:
                continue
            n += len(batch)
            columns = {k: v for k, v in batch.columns.items() if k != "located"}
            older = type(batch)(
                kind=batch.kind,
                inputs=batch.inputs,
                outputs=batch.outputs,
                severity=batch.severity,
                columns=columns,
                details=batch.details,
            )
            db.execute(
                "UPDATE findings SET data=? WHERE run_id=? AND seq=?",
                (encode_batch(older, idx, provisional), run_id, seq),
            )
    return n


def _shell(line: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    """``line`` run by bash in ``cwd``, as a person pastes it (``assay`` is this checkout's)."""
    env = {**os.environ, "PYTHONPATH": SRC}
    bin_dir = cwd / "bin"
    bin_dir.mkdir(exist_ok=True)
    (bin_dir / "assay").write_text(f'#!/bin/sh\nexec {sys.executable} -m assay "$@"\n')
    (bin_dir / "assay").chmod(0o755)
    env["PATH"] = f"{bin_dir}{os.pathsep}{env['PATH']}"
    return subprocess.run(
        ["bash", "-c", line], cwd=cwd, env=env, capture_output=True, text=True, timeout=300
    )


def test_verify_names_the_run_it_cannot_replay_as_it_pastes(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    rng = np.random.default_rng(0)
    np.save(tmp_path / "clean.npy", _images(240, rng).round(3))
    scanned = np.concatenate([_images(20, rng), _stamped(_images(10, rng, 3))])
    np.save(tmp_path / "scan.npy", scanned.round(3))
    (tmp_path / "m.py").write_text(MODEL)
    kept = tmp_path / "kept runs"  # (a store elsewhere, its path holding a space)
    kept.mkdir()
    args = ["m.py:source", "--images", "scan.npy", "--clean", "clean.npy", "--range", "0,1"]
    store = str(kept / "s.db")
    done = assay_here(capsys, "backdoor", *args, "--seed", "0", "--store", store, cwd=tmp_path)
    said = " ".join((done.stdout + done.stderr).split())
    assert done.returncode == 1 and "NOT CLEAN by the source-class check" in said, said
    run_id = said.split("run ")[1].split(":")[0]
    assert _unlocated(Path(store), run_id) >= 3
    done = assay_here(capsys, "verify", run_id, "--store", store, cwd=tmp_path)
    out = " ".join((done.stdout + done.stderr).split())
    assert done.returncode == 1 and "does not replay: scan the model again" in out, out
    # main: "(`assay show RUN_ID` prints the run's command, to reproduce)"
    assert "RUN_ID" not in out, out
    printed = re.search(r"\(`([^`]+)` prints the run's command", out)
    assert printed is not None, out
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    shown = _shell(printed.group(1), elsewhere)  # (pasted in another directory)
    assert shown.returncode == 0, (printed.group(1), shown.stderr)
    assert f"run       {run_id}" in shown.stdout and "to reproduce" in shown.stdout, shown.stdout


def test_a_served_models_advice_names_the_run_or_none() -> None:
    said = "the endpoint failed" + size_hint(413, b"payload too large", 64, 9000)
    assert "assay resume RUN_ID --batch-size 32" in said  # (as ``models`` words it)
    leftover.forget("fairness")  # no run made (loading): no stopped run to resume
    assert filled(said) == said  # (outside a command: as written)
    with filling():  # (a command: ``cli.app.guarded``)
        assert filled(said).endswith("(below 64, e.g. --batch-size 32)"), filled(said)
        leftover.started("fair-1a2b", "/tmp/x y/s.db")
        try:
            line = filled(said)
            # (the run named by its id without its store: the store added, once)
            refused = filled("(refused; assay report fair-1a2b writes them as it stands)")
            given = filled("assay verify fair-1a2b --store /a/s.db --model m.py:f")
        finally:
            leftover.forget()
    assert refused == (
        "(refused; assay report fair-1a2b --store '/tmp/x y/s.db' writes them as it stands)"
    ), refused
    assert given == "assay verify fair-1a2b --store /a/s.db --model m.py:f", given
    assert "RUN_ID" not in line and "a stopped run: assay resume fair-1a2b" in line, line
    assert line.endswith("--store '/tmp/x y/s.db' --batch-size 32)"), line
