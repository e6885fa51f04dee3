"""A fairness run's store stays small: a capped witness set by default, about 20 bytes per IDI
with ``--keep-findings all``, exact counts either way; the cap is in the config and the rerun
command, and a bad value is a usage error."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import numpy as np
from typer.testing import CliRunner

from assay.cli.app import app, register
from assay.core.runinfo import pasteable
from assay.core.store import RunStore
from assay.fairness.api import check_fairness, setup_fairness

register()
runner = CliRunner()


def _findings_bytes(path: Path) -> int:
    db = sqlite3.connect(path)
    (n,) = db.execute("SELECT COALESCE(SUM(LENGTH(data)), 0) FROM findings").fetchone()
    db.close()
    return int(n)


def test_bytes_per_idi_and_the_cap_on_a_small_adult_run(tmp_path: Path) -> None:
    # the mode pinned: "auto" measures the model, and a loaded machine could give the two runs
    # different modes (and different findings)
    setup = setup_fairness(dataset="adult", protected="sex", optimize="time")
    runs = {}
    for keep in ("all", 2000):
        store = tmp_path / f"{keep}.db"
        result = check_fairness(
            setup=setup,
            max_queries=120_000,
            seed=3,
            store=store,
            keep_findings=keep,
            overlap=False,
            argv=["fairness", "--dataset", "adult", "--protected", "sex"],
        )
        runs[keep] = (store, result)
    store_all, all_ = runs["all"]
    store_cap, cap = runs[2000]
    n = all_.n_findings
    assert n > 10_000
    per_idi = _findings_bytes(store_all) / n
    print(f"\n{n:,} IDIs, {per_idi:.1f} bytes per IDI stored (--keep-findings all)")
    assert per_idi <= 25
    assert store_all.stat().st_size / n <= 40  # the whole file, once the run has ended
    # the cap: the same run, the same exact counts, a bounded witness set
    assert cap.n_findings == n
    assert cap.summary["search"]["idis"] == all_.summary["search"]["idis"]
    s = RunStore(store_cap)
    counts = s.witness_counts(cap.run_id)["fairness.idi"]
    assert counts["found"] == n and counts["kept"] <= 2000 + 64
    kept = sum(len(b) for b in s.iter_batches(cap.run_id))
    assert kept == counts["kept"]
    assert _findings_bytes(store_cap) < _findings_bytes(store_all) / 4
    record = s.get_run(cap.run_id)
    assert record.config["keep_findings"] == "2000"
    # (its argv not naming the cap: the printed command does, from its config)
    assert pasteable(record.command, record.config).endswith("--keep-findings 2000")
    assert RunStore(store_all).get_run(all_.run_id).config["keep_findings"] == "all"
    # every kept witness is one the uncapped run found too
    full = {
        tuple(r)
        for b in RunStore(store_all).iter_batches(all_.run_id)
        for r in b.inputs[np.arange(len(b)), b.columns["generated"].astype(int)].tolist()
    }
    for b in s.iter_batches(cap.run_id):
        rows = b.inputs[np.arange(len(b)), b.columns["generated"].astype(int)].tolist()
        assert all(tuple(r) in full for r in rows)


def test_keep_findings_option(tmp_path: Path) -> None:
    store = tmp_path / "runs.db"
    base = ["fairness", "--dataset", "adult", "--protected", "sex", "--store", str(store)]
    result = runner.invoke(app, [*base, "--keep-findings", "lots"])
    assert result.exit_code == 2
    assert "--keep-findings" in result.output
    assert not store.exists() or not RunStore(store).list_runs()
    result = runner.invoke(
        app, [*base, "--keep-findings", "500", "--max-queries", "60000", "--seed", "1"]
    )
    assert result.exit_code in (0, 1), result.output
    (record,) = RunStore(store).list_runs()
    assert record.config["keep_findings"] == "500"
    assert "--keep-findings 500" in record.command
    assert RunStore(store).witness_counts(record.id)["fairness.idi"]["kept"] <= 500 + 64
