"""left48r: the commands a run's stored reports (JSON, HTML, JUnit) and prune's refusal name
are the run's (its id, its ``--store``), as they paste; a several-number model's refusal
names the model as what is wrong."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from test_left33_export_resume import killed_with_its_folder_gone
from test_resume30_finish import files

import assay
from assay.core.answer_missing import ANSWER_FAILED
from assay.core.store import RunStore
from assay.errors import UsageError
from assay.report import build_document, dumps_document
from assay.report.html import render_html
from assay.report.junit import render_junit
from assay.report.junit_body import MAX_BODY, bounded_json

_PLACEHOLDER = re.compile(r"\bassay [a-z]+ (?:RUN_ID|RUN)(?![\w-])")


def _cli(args: list[str]) -> subprocess.CompletedProcess[str]:
    src = str(Path(assay.__file__).resolve().parents[1])
    env = {**os.environ, "PYTHONPATH": src}
    run = [sys.executable, "-m", "assay", *args]
    return subprocess.run(run, capture_output=True, text=True, env=env, timeout=120)


def _model(x: pd.DataFrame) -> np.ndarray:
    return ((x["a"].to_numpy(float) > 5) | (x["sex"].astype(str).to_numpy() == "M")).astype(int)


def test_a_real_runs_reports_name_the_run_in_their_commands(tmp_path: Path) -> None:
    frame = pd.DataFrame({"a": np.arange(40) % 10, "sex": ["F", "M"] * 20})
    store_path = tmp_path / "kept runs" / "s.db"
    store_path.parent.mkdir()
    result = assay.check_fairness(
        _model, frame, protected="sex", seed=1, store=store_path, max_queries=300
    )
    with RunStore(store_path) as store:
        # (the words a run whose model failed after its search keeps: "assay resume RUN ...")
        summary = {**(store.get_run(result.run_id).summary or {})}
        summary["incomplete_reason"] = ANSWER_FAILED
        store.checkpoint(result.run_id, summary=summary)
        doc = build_document(store, result.run_id)
    texts = [dumps_document(doc), render_html(doc), render_junit(doc)]
    for args in (["show", result.run_id, "--json"], ["runs", "--json", "--full"]):
        shown = _cli([*args, "--store", str(store_path)])
        assert shown.returncode == 0, shown.stderr
        texts.append(shown.stdout)
        assert f"assay resume {result.run_id} --store " in shown.stdout
    for text in texts:
        assert not _PLACEHOLDER.search(text), _PLACEHOLDER.search(text)
    reason = doc["run"]["summary"]["incomplete_reason"]
    assert f"assay resume {result.run_id} --store '{store_path.resolve().as_posix()}'" in reason


def test_junits_cut_body_names_the_runs_report_command() -> None:
    finding = {"kind": "fairness.idi", "inputs": [list(range(4000))], "outputs": [0, 1]}
    report = "assay report fairness-1 --store /tmp/s.db"
    body = bounded_json(finding, report)
    assert len(body) <= MAX_BODY
    assert f"{report} --report FILE" in body and "RUN" not in body


def test_prune_names_its_store_in_the_delete_it_offers(tmp_path: Path) -> None:
    store = tmp_path / "my runs" / "s.db"
    out = _cli(["prune", "--store", str(store)])
    assert out.returncode == 2
    said = " ".join(out.stderr.split())
    assert f"delete RUN --store '{store.resolve().as_posix()}'" in said
    with pytest.raises(UsageError, match=re.escape(f"store={store.as_posix()!r}")):
        assay.prune_runs(store=store)
    with pytest.raises(UsageError, match=re.escape("assay.delete_runs([RUN])")):
        assay.prune_runs()


def test_several_numbers_refused_name_the_model_not_the_cutoff() -> None:
    def amounts(x: pd.DataFrame) -> np.ndarray:  # (a limit and an overdraft, in euros)
        a = x["a"].to_numpy(float)
        return np.stack([1000.0 + 50 * a, 200.0 + a], axis=1)

    frame = pd.DataFrame({"a": np.arange(40) % 10, "sex": ["F", "M"] * 20})
    with pytest.raises(UsageError) as caught:
        assay.check_fairness(amounts, frame, protected="sex", seed=1, store=":memory:")
    assert caught.value.argument in ("MODEL", "model")
    assert "--cutoff" in str(caught.value) or "cutoff=" in str(caught.value)


__all__ = ["files"]  # (the fixture, shared)


def test_the_apis_export_advice_names_the_run_and_its_store(files: Path) -> None:
    killed, record = killed_with_its_folder_gone(files)
    with pytest.raises(UsageError) as caught:
        assay.resume_run(record.id, store=killed)
    said = str(caught.value)
    where = killed.resolve().as_posix()
    assert f"`assay resume {record.id} --store {where} --export FILE`" in said, said
