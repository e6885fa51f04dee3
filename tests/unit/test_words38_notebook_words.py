"""words38: what a notebook user reads is what they did, and true.  The rerun call of an API
run reads as it was called (and, given its objects again, reproduces the run); the Jupyter
view's ``group_metrics()`` says it asks outside the run's budget; the served model's note
names the draws inside the answer's rules beside its samples' bound; ``assay report`` of an
API-made run gives its advice in the API's keywords; a run stored before the witness cap
reruns keeping every witness, as it did."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pytest
from typer.testing import CliRunner

import assay
from assay.cli.app import app, register
from assay.core.runinfo import OBJECTS_GIVEN
from assay.core.store import RunStore
from assay.report.document import build_document


def _frame(n: int = 200, *, wide: bool = False, labelled: bool = False) -> pd.DataFrame:
    rng = np.random.default_rng(0)
    cols: dict[str, Any] = {
        "age": rng.integers(18, 70, n),
        "sex": rng.integers(0, 2, n),
        "hours": rng.integers(20, 60, n),
    }
    if wide:  # (an input space too large for the answer's samples to repeat themselves)
        cols["income"], cols["z"] = rng.integers(0, 100_000, n), rng.integers(0, 100_000, n)
    if labelled:
        cols["y"] = rng.integers(0, 2, n)
    return pd.DataFrame(cols)


def _model(x: object) -> np.ndarray:
    rows = np.asarray(x, dtype=np.float64)
    return ((rows[:, 1] == 1) & (rows[:, 2] > 38)).astype(int)


def test_an_api_runs_rerun_call_reads_as_called_and_reproduces_the_run(tmp_path: Path) -> None:
    """On main: ``assay.check_fairness(<_model>, max_queries=300, data=<DataFrame 200 x 3>,
    protected='sex', determinism_check=True, store=..., seed=1)``: the budget before the
    data and a default never typed."""
    store = str(tmp_path / "s.db")
    df = _frame()
    r = assay.check_fairness(_model, df, protected="sex", max_queries=300, seed=1, store=store)
    assert r.command == (
        f"assay.check_fairness(<_model>, data=<DataFrame 200 x 3>, protected='sex', "
        f"max_queries=300, store={store!r}, seed=1)  # each <...> stands for a Python object "
        "given to the call: pass it again"
    )
    # the printed call, its objects given again, makes the same run
    call = r.command.replace("<_model>", "_model").replace("<DataFrame 200 x 3>", "df")
    again = eval(call, {"assay": assay, "_model": _model, "df": df})
    assert again.run_id != r.run_id and again.command == r.command
    assert again.findings(limit=None).equals(r.findings(limit=None))
    assert len(r.findings(limit=None)) > 0
    # a keyword given other than its default is shown (on main favourable=, answer_samples=
    # and keep_findings= were not: the printed call answered and kept otherwise)
    off = assay.check_fairness(
        _model, df, protected="sex", max_queries=300, seed=1, store=store,
        determinism_check=False, answer_samples=600, favourable="1", keep_findings=2000,
    )  # fmt: skip
    assert off.command.endswith(
        "max_queries=300, favourable='1', answer_samples=600, determinism_check=False, "
        f"keep_findings=2000, store={store!r}, seed=1){OBJECTS_GIVEN}"
    )


def test_the_jupyter_views_group_metrics_say_they_are_asked_outside_the_budget(
    tmp_path: Path,
) -> None:
    """200 labelled rows under ``max_queries=300``: the budget's skip is said, and on main the
    next line offered ``result.group_metrics()`` as if it were within it."""
    r = assay.check_fairness(
        _model, _frame(labelled=True), protected="sex", label="y", max_queries=300, seed=1,
        store=tmp_path / "s.db",
    )  # fmt: skip
    view = r._repr_html_()
    assert "group metrics were not computed" in view  # (the premise: skipped)
    offer = view.splitlines()[-1]
    assert "result.group_metrics()" in offer
    assert "the group metrics the run skipped" in offer
    assert "each of the 200 labelled rows, outside the run's query budget" in offer
    computed = assay.check_fairness(
        _model, _frame(labelled=True), protected="sex", label="y", max_queries=3000, seed=1,
        store=tmp_path / "s.db",
    )  # fmt: skip
    offer = computed._repr_html_().splitlines()[-1]
    assert "skipped" not in offer and "outside the run's query budget" in offer


def test_the_served_models_note_names_the_draws_inside_the_answers_rules(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """``--max-queries 20000``, ``sex`` beside data rows: the samples ask at most 20,000
    (fairness.md), the rules' inside draws up to 1,500 more; on main the note called all
    21,500 "the answer's samples".  A run asks more than the samples' bound: measured."""
    from assay.fairness import phases
    from assay.models import serving

    df = _frame(6000, wide=True)
    r = assay.check_fairness(_model, df, protected="sex", max_queries=20_000, seed=1,
                             store=tmp_path / "s.db")  # fmt: skip
    monkeypatch.setattr(serving, "served_model", lambda model: object())
    note = phases.billed_note(r.setup, 20_000, True) or ""
    said = re.search(
        r"up to ([\d,]+) queries for the answer \(([\d,]+) for its samples and ([\d,]+) drawn "
        r"inside the rules it learns\)",
        note,
    )
    assert said, note
    whole, samples, inside = (int(g.replace(",", "")) for g in said.groups())
    assert (whole, samples, inside) == (21_500, 20_000, 1_500)
    asked = r.summary["model_queries"]["answer"]
    assert samples < asked <= whole  # (20,500: one rule learned)


def test_assay_report_of_an_api_run_advises_in_the_apis_keywords(tmp_path: Path) -> None:
    """The summary stores the command line's "raise --max-queries"; the result said it in
    the API's terms (api37) while ``assay report``'s document, HTML and JUnit did not."""
    store = tmp_path / "s.db"
    r = assay.check_fairness(
        _model, _frame(labelled=True), protected="sex", label="y", max_queries=300, seed=1,
        store=store,
    )  # fmt: skip
    with RunStore(store) as the_store:
        doc = build_document(the_store, r.run_id)
    budget = [s for s in doc["run"]["summary"]["sections"] if s.get("title") == "Budget"]
    assert "raise max_queries to at least twice that" in budget[0]["note"]
    assert "--max-queries" not in str(doc["run"]["summary"]["sections"])
    # a command line's run keeps the command line's words
    from assay.core.callers_prose import summary_in_callers_terms

    cli = {"sections": [{"title": "Budget", "note": "raise --max-queries to at least 400"}]}
    kept = summary_in_callers_terms(cli, "assay fairness m.py:f --seed 1")
    assert kept["sections"][0]["note"] == "raise --max-queries to at least 400"


def _stored(store: Path, run_id: str, command: str, *, pre_cap: bool) -> None:
    with RunStore(store) as the_store:
        the_store.create_run(
            run_id=run_id, technique="text", seed=2, command=command, config={}, model={},
            versions={},
        )  # fmt: skip
        if pre_cap:  # (as a store of before the cap holds it: no tallies)
            the_store._db.execute("DELETE FROM tallies WHERE run_id=?", (run_id,))
            the_store._tallies.clear()


def test_a_run_stored_before_the_witness_cap_reruns_keeping_every_witness(
    tmp_path: Path,
) -> None:
    """A run of before the cap (2026-12-01) kept every witness and has no
    ``config.keep_findings``: on main its rerun capped at 100,000 unsaid.  A text run of
    2026-12-01..03 has no key either but was capped (its tallies): nothing added."""
    store = tmp_path / "s.db"
    command = "assay text m.py:f --grammar g.txt --seed 2"
    _stored(store, "text-old", command, pre_cap=True)
    _stored(store, "text-capped", command, pre_cap=False)
    register()
    with RunStore(store) as the_store:
        assert build_document(the_store, "text-old")["rerun"].endswith(
            f"{command} --keep-findings all"
        )
        assert build_document(the_store, "text-capped")["rerun"].endswith(command)
    shown = CliRunner().invoke(app, ["show", "text-old", "--store", str(store)])
    assert f"to reproduce: {command} --keep-findings all" in shown.output, shown.output
    capped = CliRunner().invoke(app, ["show", "text-capped", "--store", str(store)])
    assert f"to reproduce: {command}\n" in capped.output, capped.output
    as_json = CliRunner().invoke(app, ["show", "text-old", "--store", str(store), "--json"])
    assert f"{command} --keep-findings all" in as_json.output
