"""Figures a person can trust: progress lines, wall-clock rates, time budgets."""

from __future__ import annotations

import re
import time
from pathlib import Path

import numpy as np
import pytest
import skops.io
from sklearn.tree import DecisionTreeClassifier
from typer.testing import CliRunner

import assay
from assay.cli.app import app, register
from assay.core.store import RunStore

register()
runner = CliRunner()


def biased_data(n: int = 3000) -> tuple[np.ndarray, np.ndarray]:
    rng = np.random.default_rng(0)
    x, z, sex = rng.integers(0, 50, n), rng.integers(0, 10, n), rng.integers(0, 2, n)
    y = ((x > 30) | ((sex == 1) & (x > 20))).astype(int)
    return np.column_stack([x, z, sex]), y


@pytest.fixture(scope="module")
def biased(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    d = tmp_path_factory.mktemp("trust")
    X, y = biased_data()
    path = d / "model.skops"
    skops.io.dump(DecisionTreeClassifier(random_state=0).fit(X, y), path)
    csv = d / "people.csv"
    rows = [f"{a},{b},{c},{t}" for (a, b, c), t in zip(X.tolist(), y.tolist(), strict=True)]
    csv.write_text("x,z,sex,label\n" + "\n".join(rows) + "\n")
    return path, csv


def test_progress_without_a_terminal_ends_with_the_final_counts(
    biased: tuple[Path, Path], tmp_path: Path
) -> None:
    model, csv = biased
    store = tmp_path / "runs.db"
    result = runner.invoke(
        app,
        [
            "fairness",
            str(model),
            "--data",
            str(csv),
            "--protected",
            "sex",
            "--label",
            "label",
            "--max-queries",
            "20000",
            "--store",
            str(store),
            "--seed",
            "1",
        ],
    )
    assert result.exit_code == 1, result.output
    lines = [ln for ln in result.output.splitlines() if re.match(r"\s+\w+: [\d,]+ queries", ln)]
    assert lines, result.output
    last = lines[-1]
    (record,) = RunStore(store).list_runs()
    m = re.search(r"([\d,]+) queries, ([\d,]+) findings", last)
    assert m is not None
    assert int(m.group(2).replace(",", "")) == record.n_findings
    assert int(m.group(1).replace(",", "")) == record.progress["queries"]


class Slow:
    """A model that takes about a millisecond per call."""

    capabilities = assay.Capabilities("tabular", 2, "labels")

    def predict(self, inputs: object, /) -> np.ndarray:
        time.sleep(0.001)
        x = np.asarray(inputs, dtype=np.float64)
        return ((x[:, 0] > 30) | ((x[:, 2] == 1) & (x[:, 0] > 20))).astype(np.int64)


def test_rates_are_per_wall_clock_second_and_max_time_bounds_the_run(tmp_path: Path) -> None:
    import pandas as pd

    X, _ = biased_data()
    frame = pd.DataFrame(X, columns=["x", "z", "sex"])
    t0 = time.monotonic()
    result = assay.check_fairness(
        Slow(),
        data=frame,
        protected="sex",
        estimate=True,
        max_time=3.0,
        seed=2,
        store=tmp_path / "runs.db",
    )
    total = time.monotonic() - t0
    # the benchmark checks the 2 % target on a quiet machine, where this run covers its input
    # space in ~1.6 s; at load ~25 the budget ends it and the tail after the deadline took
    # 3.33 s of 3 * 1.1 (flaky51): the bound is twice the budget
    assert total <= 2 * 3.0, total
    wall = result.summary["wall_seconds"]
    # (the store is closed after the run's seconds are recorded: 10-30 ms on a loaded
    # machine, a tenth of a short run: that tail is allowed, the imports are not)
    assert total - max(0.1, 0.1 * total) <= wall <= total
    metrics = result.summary["metrics"]
    rate = metrics["IDIs per second (wall clock from the run's start)"]
    assert rate == pytest.approx(result.n_findings / wall, abs=1)
    assert "IDIs per second" not in metrics  # no unlabelled rate
    assert metrics["IDIs per second of the search phase only"] >= rate


def test_loading_the_model_and_data_is_part_of_the_time_budget(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A model slow to load (here: a second) gets its loading counted in --max-time and in
    the wall-clock rate (before, the run's clock started after it)."""
    import pandas as pd

    import assay.fairness.check as fairness_check  # where check_fairness finds setup_fairness

    loaded = fairness_check.setup_fairness

    def slow_setup(*args: object, **kwargs: object) -> object:
        time.sleep(1.0)
        return loaded(*args, **kwargs)

    monkeypatch.setattr(fairness_check, "setup_fairness", slow_setup)
    X, _ = biased_data()
    frame = pd.DataFrame(X, columns=["x", "z", "sex"])
    check = assay.check_fairness  # (imported now: importing assay's modules is not the run)
    t0 = time.monotonic()
    result = check(
        Slow(), data=frame, protected="sex", max_time=3.0, seed=2, store=tmp_path / "runs.db"
    )
    total = time.monotonic() - t0
    # within the budget and less than the loading's second after it (a loaded machine's tail
    # after the deadline): a budget not counting the loading ends a second later at least
    assert total < 3.0 + 1.0, total
    wall = result.summary["wall_seconds"]
    assert wall >= 1.0 and wall >= 0.9 * total, (wall, total)


class SometimesRandom:
    """Biased on sex for 20 < x <= 30; answers at random on rows with z == 3."""

    capabilities = assay.Capabilities("tabular", 2, "labels")

    def __init__(self, random: bool) -> None:
        self.random = random
        self.rng = np.random.default_rng(0)

    def predict(self, inputs: object, /) -> np.ndarray:
        x = np.asarray(inputs, dtype=np.float64)
        out = ((x[:, 0] > 30) | ((x[:, 2] == 1) & (x[:, 0] > 20))).astype(np.int64)
        if self.random:
            noisy = x[:, 1] == 3
            out[noisy] = self.rng.integers(0, 2, int(noisy.sum()))
        return out


@pytest.mark.parametrize("random", [True, False])
def test_a_randomised_model_is_noticed_and_its_idis_confirmed(tmp_path: Path, random: bool) -> None:
    import pandas as pd

    X, _ = biased_data()
    frame = pd.DataFrame(X, columns=["x", "z", "sex"])
    result = assay.check_fairness(
        SometimesRandom(random),
        data=frame,
        protected="sex",
        max_queries=20_000,
        seed=4,
        store=tmp_path / "runs.db",
    )
    det = result.summary["determinism"]
    conf = det["confirmation"]
    assert conf["sampled"] > 0 and conf["repeats"] == 3
    if random:
        assert not det["deterministic"]
        assert 0 < det["flip_rate"] < 0.2
        assert conf["confirmation_rate"] < 1.0
        assert result.warnings and "not deterministic" in result.warnings[0]
        assert "not deterministic" in result.headline
    else:
        assert det["deterministic"] and det["flip_rate"] == 0
        assert conf["confirmation_rate"] == 1.0
        # (a callable names no columns: the note that they were fed in order is the only one)
        assert [w for w in result.warnings if "names none of its columns" not in w] == []


def test_group_metrics_use_every_labelled_row_and_come_back_as_a_metric_frame(
    tmp_path: Path,
) -> None:
    import pandas as pd
    from fairlearn.metrics import MetricFrame

    X, y = biased_data(5000)
    frame = pd.DataFrame(X, columns=["x", "z", "sex"]).assign(label=y)
    model = DecisionTreeClassifier(random_state=0).fit(X, y)
    result = assay.check_fairness(
        model,
        data=frame,
        protected="sex",
        label="label",
        max_queries=30_000,
        seed=1,
        store=tmp_path / "runs.db",
    )
    group = result.summary["group"]
    assert group["rows"] == 5000  # every labelled row, not a sample
    mf = result.group_metrics()
    assert isinstance(mf, MetricFrame)
    assert int(mf.by_group["count"].sum()) == 5000
    by = {g["name"]: g for g in group["groups"]}
    for sex, row in mf.by_group.iterrows():
        assert by[f"sex={sex}"]["selection_rate"] == pytest.approx(row["selection_rate"])
    tables = result.tables()
    groups = tables["groups"]
    assert groups["selection_rate"].dtype.kind == "f" and groups["count"].sum() == 5000
    assert tables["metrics"]["IDIs found"] == result.n_findings
