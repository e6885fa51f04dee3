"""mutation31: text lines merged late in the thirtieth session whose mutants the tests
written with them let live (bench/RESULTS.md, mutation31's table).

- ``not-down CLASS`` lets a class's probability stay where it is (a classifier whose "not"
  leaves ``pos`` alone has no finding), as ``not-up`` does (mutant LD9: ``not-down`` read
  as the strict ``up``, which fails every sentence that did not rise).
- A worker process answering nothing names no classifier (mutant TX4: index -1 read as the
  last classifier).
- ``assay verify``'s replay keeps the store order of the sentences that still fail when
  one before them could not be compared (mutant TX14: the index of the uncompared one)."""

from __future__ import annotations

import sys
from pathlib import Path

import numpy as np
import pytest
from test_hostile30t_verify_uncompared import BEFORE, GRAMMAR, _made_then_verified
from test_lead29_directional_monotonic import Clf, _run

from assay.core.store import RunStore
from assay.text.api import setup_from_record
from assay.text.panel import Panel, build_layout
from assay.text.pipeline import PanelWorker
from assay.text.replay import replay_text


def test_not_down_lets_a_class_stay_where_it_is(tmp_path: Path) -> None:
    assert _run(tmp_path, Clf("none"), "not-down") == 0  # ("not" moves nothing)
    assert _run(tmp_path, Clf("sound"), "not-down") > 0  # ("not" lowers pos: the bug)


class Labels:
    def __init__(self) -> None:
        from assay.core.model import Capabilities

        self.capabilities = Capabilities(
            modality="text", n_classes=2, outputs="proba", class_names=("neg", "pos")
        )

    def predict(self, texts: object, /) -> np.ndarray:
        return np.full((len(texts), 2), 0.5)  # type: ignore[arg-type]


@pytest.mark.skipif(sys.platform == "win32", reason="the worker is forked")
def test_a_worker_answering_nothing_names_no_classifier() -> None:
    models = [Labels(), Labels()]
    panel = Panel(models, ["first", "second"], build_layout(models, ["first", "second"]))
    worker = PanelWorker(panel)
    try:
        assert worker.hung_on() is None
        worker.predict(["the food was good"])
        assert worker.hung_on() is None
    finally:
        worker.close()


def test_the_replay_keeps_the_store_order_past_an_uncompared_sentence(tmp_path: Path) -> None:
    """Stored in the order polo, tennis; now polo cannot be compared (``neutral``) and
    tennis still fails: the first still failing is the second stored (index 1)."""
    before = BEFORE.replace("'tennis' in s", "('tennis' in s or 'polo' in s)")
    after = before.replace(
        "['pos' if ('tennis' in s or 'polo' in s) else 'neutral' for s in batch]",
        "['neutral' if 'polo' in s else 'pos' if 'tennis' in s else 'neg' for s in batch]",
    )
    made, _, _ = _made_then_verified(tmp_path, before, after)
    assert made.index('"the match was polo"') < made.index('"the match was tennis"'), made
    with RunStore(tmp_path / "runs.db", read_only=True) as store:
        (record,) = store.list_runs()
        setup = setup_from_record(record)
        # (one sentence a chunk: the uncompared one is counted before the next chunk)
        result = replay_text(store.iter_batches(record.id), setup.test, setup.model, chunk=1)
    assert (result.total, result.still_failing, result.skipped) == (1, 1, 1), result
    assert result.examples == [1], result


THREE = (
    "def three(batch):\n"
    "    return ['positive' if 'tennis' in s else 'neutral' if 'golf' in s else 'negative'"
    " for s in batch]\n"
    "three.classes_ = ['negative', 'neutral', 'positive']\n"
    "def other(batch):\n"
    "    return ['neg' if 'tennis' in s else 'neutral' if 'golf' in s else 'neg' for s in batch]\n"
    "other.classes_ = ['neg', 'neutral', 'pos']\n"
)


def test_verify_takes_the_runs_label_map_as_it_was_checked(tmp_path: Path) -> None:
    """The run's label map named three's 'positive'; retrained, three answers 'negative'
    and 'neutral' only: verify replays with the map the run kept (the labels left still
    compare), never refusing it as a new map naming a label three lacks (mutants TX20,
    TX21: 'argument label_map: classifier m.py:three has no label 'positive'', exit 2)."""
    from typer.testing import CliRunner

    from assay.cli.app import app

    runner = CliRunner()
    (tmp_path / "m.py").write_text(THREE, encoding="utf-8")
    (tmp_path / "g.cfg").write_text(GRAMMAR, encoding="utf-8")
    (tmp_path / "map.txt").write_text("1 negative -> neg\n1 positive -> pos\n", encoding="utf-8")
    store = str(tmp_path / "runs.db")
    made = runner.invoke(
        app,
        [
            "text", f"{tmp_path}/m.py:three", f"{tmp_path}/m.py:other",
            "--grammar", str(tmp_path / "g.cfg"), "--label-map", str(tmp_path / "map.txt"),
            "--max-queries", "200", "--store", store, "--seed", "1",
        ],
    )  # fmt: skip
    assert made.exit_code == 1 and "1 disagreement" in made.output, made.output
    run = made.output.split("run ", 1)[1].split(",", 1)[0]
    after = THREE.replace("'positive' if 'tennis' in s else", "'negative' if 'tennis' in s else")
    after = after.replace("['negative', 'neutral', 'positive']", "['negative', 'neutral']")
    (tmp_path / "m.py").write_text(after, encoding="utf-8")
    got = runner.invoke(app, ["verify", run, "--store", store])
    assert got.exit_code == 0, got.output
    assert "0 of 1 stored findings still fail" in got.output, got.output
