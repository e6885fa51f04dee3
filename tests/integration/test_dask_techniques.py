"""Text and backdoor campaigns split into units give the same findings in-process and on a
Dask LocalCluster (the issue: the executor applies to every technique), even when a worker
is killed mid-run; bad executor arguments exit 2 before anything is loaded."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from dask_kill import KillOne
from typer.testing import CliRunner

from assay.backdoor.api import BackdoorSetup, check_backdoor, setup_backdoor
from assay.cli.app import app, register
from assay.core.store import RunStore, new_run_id
from assay.core.units import execute_units
from assay.text.api import builtin_classifier, check_text, setup_text
from assay.text.summary import SEARCH_SHARE, WALL_SHARE

register()
runner = CliRunner()


def _text_findings(store: RunStore, run_id: str) -> list[tuple[str, str, str, float]]:
    return sorted(
        (b.kind, str(b.inputs[i][0]), str(b.inputs[i][1]), float(b.severity[i]))
        for b in store.iter_batches(run_id)
        for i in range(len(b))
    )


def _backdoor_findings(store: RunStore, run_id: str) -> list[tuple[Any, ...]]:
    return sorted(
        (b.kind, int(b.columns["image"][i]), float(b.severity[i]), b.inputs[i].tobytes())
        for b in store.iter_batches(run_id)
        for i in range(len(b))
    )


@pytest.fixture(scope="module")
def trojan() -> BackdoorSetup:
    return setup_backdoor("builtin:trojan")


@pytest.mark.parametrize(
    ("extra", "argument"),
    [
        (["--workers", "0", "--executor", "dask"], "--workers"),
        (["--executor", "dask"], "--executor"),
        (["--executor", "spark", "--workers", "2"], "--executor"),
        (["--workers", "2"], "--executor"),
        (["--units", "0"], "--units"),
    ],
)
@pytest.mark.parametrize("technique", ["text", "backdoor"])
def test_executor_usage_errors_exit_2(
    technique: str, extra: list[str], argument: str, tmp_path: Path
) -> None:
    result = runner.invoke(app, [technique, "--demo", "--store", str(tmp_path / "r.db"), *extra])
    assert result.exit_code == 2, result.output
    assert argument in result.output
    assert not (tmp_path / "r.db").exists() or not RunStore(tmp_path / "r.db").list_runs()


def test_a_model_scan_is_not_split_into_units(tmp_path: Path) -> None:
    store = tmp_path / "r.db"
    result = runner.invoke(
        app, ["backdoor", "builtin:trojan", "--model-scan", "--units", "2", "--store", str(store)]
    )
    assert result.exit_code == 2, result.output
    assert "model scan" in result.output
    assert not RunStore(store).list_runs()  # refused before the run existed


def test_more_units_than_images_exit_2(trojan: BackdoorSetup, tmp_path: Path) -> None:
    from assay.errors import UsageError

    with pytest.raises(UsageError, match="at most one unit per image"):
        check_backdoor(setup=trojan, units=1000, seed=1, store=tmp_path / "r.db")


pytest.importorskip("distributed")


@pytest.mark.slow
def test_seeded_text_run_same_findings_in_process_and_on_two_workers(tmp_path: Path) -> None:
    store = RunStore(tmp_path / "runs.db")
    models = [builtin_classifier("tfidf"), builtin_classifier("tfidf-nonegation")]

    def run(**kw: Any) -> Any:
        setup = setup_text(models, names=["a", "b"], grammar="builtin:reviews")
        return check_text(setup=setup, max_queries=2_400, seed=5, store=store, **kw)

    here = run(units=4)
    there = run(units=4, executor="dask", workers=2)
    assert here.n_findings > 0
    assert _text_findings(store, there.run_id) == _text_findings(store, here.run_id)
    assert there.summary["metrics"] == {
        **here.summary["metrics"],
        "errors per second": there.summary["metrics"]["errors per second"],
        "errors per second of the search phase only": there.summary["metrics"][
            "errors per second of the search phase only"
        ],
        SEARCH_SHARE: there.summary["metrics"][SEARCH_SHARE],
        WALL_SHARE: there.summary["metrics"][WALL_SHARE],
        "wall-clock seconds": there.summary["metrics"]["wall-clock seconds"],
    }
    assert len(store.get_run(there.run_id).summary["units"]["workers"]) == 2
    # the findings are unique, and the summary counts each minimal sentence once
    keys = [(k, m) for k, m, _, _ in _text_findings(store, here.run_id)]
    assert len(keys) == len(set(keys))
    assert here.summary["text"]["distinct_minimal"] == here.n_findings
    # the seed decides: another seed (same units) finds other sentences
    setup = setup_text(models, names=["a", "b"], grammar="builtin:reviews")
    moved = check_text(setup=setup, max_queries=2_400, seed=6, store=store, units=4)
    assert _text_findings(store, moved.run_id) != _text_findings(store, here.run_id)


@pytest.mark.slow
def test_seeded_backdoor_run_same_findings_in_process_and_on_two_workers(
    trojan: BackdoorSetup, tmp_path: Path
) -> None:
    store = RunStore(tmp_path / "runs.db")
    here = check_backdoor(setup=trojan, seed=4, store=store, units=4)
    there = check_backdoor(setup=trojan, seed=4, store=store, units=4, executor="dask", workers=2)
    assert here.n_findings > 0
    assert _backdoor_findings(store, there.run_id) == _backdoor_findings(store, here.run_id)
    assert [r["image"] for r in there.summary["rows"]] == list(range(len(trojan.test.images)))
    assert there.summary["rows"] == [
        {**r, "seconds": s["seconds"]}
        for r, s in zip(here.summary["rows"], there.summary["rows"], strict=True)
    ]
    assert len(there.summary["triggers"]) == 1  # the units' copies of the trigger are one
    assert len(store.get_run(there.run_id).summary["units"]["workers"]) == 2


@pytest.mark.slow
def test_a_worker_killed_mid_backdoor_scan_costs_only_its_units(
    trojan: BackdoorSetup, tmp_path: Path
) -> None:
    store = RunStore(tmp_path / "runs.db")
    here = check_backdoor(setup=trojan, seed=4, store=store, units=6)
    run_id = new_run_id("backdoor")
    store.create_run(
        run_id=run_id, technique="backdoor", seed=4, command="", config={}, model={}, versions={}
    )
    killer = KillOne(workers=2)
    try:
        outcome = execute_units(
            trojan.test,
            trojan.model,
            store=store,
            run_id=run_id,
            seed=4,
            n_units=6,
            executor=killer,
            merge=trojan.test.merge_summaries,
        )
    finally:
        killer.close()
    assert killer.killed, "no worker was busy when the first unit finished"
    assert outcome.status == here.status == "completed"
    assert _backdoor_findings(store, run_id) == _backdoor_findings(store, here.run_id)
    assert outcome.summary["headline"] == here.summary["headline"]


@pytest.mark.slow
def test_text_on_dask_from_the_command_line(tmp_path: Path) -> None:
    store = tmp_path / "r.db"
    args = [
        "text", "builtin:tfidf", "builtin:tfidf-nonegation", "--grammar", "builtin:reviews",
        "--max-queries", "1200", "--seed", "3", "--units", "3", "--store", str(store),
    ]  # fmt: skip
    first = runner.invoke(app, args)
    second = runner.invoke(app, [*args, "--executor", "dask", "--workers", "2"])
    assert first.exit_code == second.exit_code == 1, (first.output, second.output)
    a, b = RunStore(store).list_runs()
    assert _text_findings(RunStore(store), a.id) == _text_findings(RunStore(store), b.id)
    assert {r.config["execution"]["executor"] for r in (a, b)} == {"inprocess", "dask"}
