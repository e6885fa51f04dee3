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
from test_hostile30t_verify_uncompared import BEFORE, _made_then_verified
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
