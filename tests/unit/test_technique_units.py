"""Text and backdoor campaigns split into units, in-process: findings unique by the
technique's own key, a summary merged as one search's, and a resume after a failure that
re-runs only the units not committed, to the same findings and summary."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from typer.testing import CliRunner

from assay.cli.app import app, register
from assay.core.findings import FindingBatch
from assay.core.store import RunStore, new_run_id
from assay.core.units import InProcessUnits, Unit, UnitResult, execute_units
from assay.errors import ModelUnavailable
from assay.text.api import setup_text
from assay.text.units import finding_keys

register()
FAKES = Path(__file__).resolve().parents[1] / "fixtures" / "text_fakes.py"
GOOD, BLIND = f"{FAKES}:lexicon", f"{FAKES}:negation_blind"


class FailAfter(InProcessUnits):
    def __init__(self, n: int | None) -> None:
        self.n = n
        self.ran: list[int] = []

    def run(self, technique: Any, model: Any, units: Sequence[Unit]) -> Iterator[UnitResult]:
        for result in super().run(technique, model, units):
            if self.n is not None and len(self.ran) == self.n:
                raise ModelUnavailable("the endpoint went away")
            self.ran.append(result.index)
            yield result


def _sentences(store: RunStore, run_id: str) -> list[tuple[str, str]]:
    return [
        (str(b.inputs[i][0]), str(b.columns["variant"][i]))
        for b in store.iter_batches(run_id)
        for i in range(len(b))
    ]


def test_text_keys_tell_minimal_sentences_apart() -> None:
    def batch(rows: list[tuple[str, str, str]]) -> FindingBatch:
        return FindingBatch(
            kind="text-differential",
            inputs=np.array([[m, o] for m, o, _ in rows], dtype=str),
            outputs=np.zeros((len(rows), 2, 2)),
            severity=np.full(len(rows), 0.5),
            columns={"variant": np.array([v for _, _, v in rows], dtype=str)},
        )

    keys = finding_keys(
        batch([("not good", "it is not good", ""), ("not good", "so not good", ""),
               ("not good", "x", "good"), ("bad", "x", "")])
    )  # fmt: skip
    assert keys[0] == keys[1]  # the same minimal sentence, found from two sentences
    assert len({keys[0], keys[2], keys[3]}) == 3  # another variant, another sentence


def test_a_text_campaign_resumes_to_the_same_findings_and_summary(tmp_path: Path) -> None:
    setup = setup_text([GOOD, BLIND], grammar="builtin:reviews")
    store = RunStore(tmp_path / "runs.db")

    def campaign(executor: Any, run_id: str | None = None) -> Any:
        resume = run_id is not None
        if run_id is None:
            run_id = new_run_id("text")
            store.create_run(
                run_id=run_id, technique="text", seed=3, command="", config={}, model={},
                versions={},
            )  # fmt: skip
        return execute_units(
            setup.test, setup.model, store=store, run_id=run_id, seed=3, n_units=5,
            executor=executor, max_queries=2_500, merge=setup.test.merge_summaries,
            resume=resume,
        )  # fmt: skip

    clean = campaign(InProcessUnits())
    found = _sentences(store, clean.run_id)
    assert found and len(found) == len(set(found)) == clean.n_findings
    text = clean.summary["text"]
    assert text["distinct_minimal"] == clean.n_findings
    assert clean.summary["units"]["duplicate_findings"] > 0  # units did overlap
    assert "unit_stats" not in clean.summary
    # "times found" adds up over units: at least one sentence was found more than once
    assert sum(r["count"] for r in text["minimal"]) > len(text["minimal"])
    assert clean.summary["metrics"]["queries"] == 2_500

    with pytest.raises(ModelUnavailable):
        campaign(FailAfter(2))
    (record,) = [r for r in store.list_runs() if r.id != clean.run_id]
    resumed = campaign(FailAfter(None), record.id)
    assert _sentences(store, record.id) == found
    assert resumed.summary["text"] == text


def test_text_units_on_the_command_line_write_a_report(tmp_path: Path) -> None:
    store, html = tmp_path / "runs.db", tmp_path / "r.html"
    result = CliRunner().invoke(
        app,
        ["text", GOOD, BLIND, "--grammar", "builtin:reviews", "--max-queries", "900",
         "--seed", "2", "--units", "3", "--store", str(store), "--html", str(html)],
    )  # fmt: skip
    assert result.exit_code == 1, result.output
    (record,) = RunStore(store).list_runs()
    assert record.config["execution"] == {
        "executor": "inprocess", "workers": None, "scheduler": None, "units": 3,
    }  # fmt: skip
    assert record.summary["units"]["count"] == 3
    assert "distinct minimal failing sentence" in html.read_text()
