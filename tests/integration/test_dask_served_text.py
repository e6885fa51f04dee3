"""A text run on Dask with a served classifier: the workers' requests are in the report."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest
from serving_servers import FaultServer

from assay.core.store import RunStore
from assay.core.units import request_counter
from assay.models.http import ServingOptions
from assay.text.api import check_text, setup_text

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "fixtures"))
import text_fakes

pytestmark = pytest.mark.slow

LEXICON = str(Path(text_fakes.__file__)) + ":lexicon"


def test_a_panel_without_served_classifiers_counts_nothing() -> None:
    setup = setup_text([LEXICON, LEXICON + "_again"], grammar="builtin:reviews")
    assert request_counter(setup.model) is None


def test_served_text_classifier_requests_on_two_workers_are_all_counted(tmp_path: Path) -> None:
    store = RunStore(tmp_path / "runs.db")
    with FaultServer(text_fakes.negation_blind) as server:
        setup = setup_text(
            [LEXICON, server.url],
            names=["a", "b"],
            grammar="builtin:reviews",
            serving=ServingOptions(batch_size=64),
        )
        assert request_counter(setup.model) is not None
        result = check_text(
            setup=setup,
            max_queries=1_200,
            seed=5,
            store=store,
            units=4,
            executor="dask",
            workers=2,
        )
        posts = server.posts
    assert result.n_findings > 0
    stats = store.get_run(result.run_id).summary["serving"]
    # every request the server answered: the setup's probe on the client, the units' on
    # the workers
    assert stats["requests"] == posts


def test_a_model_from_a_users_file_travels_by_value() -> None:
    """Dask workers never imported the user's file under assay's name for it: the function
    must be pickled by value, not by that name."""
    import pickle
    import sys as _sys

    from assay.models import load_model

    model = load_model(LEXICON, modality="text", probe=["good", "bad"])
    data = pickle.dumps(model)
    names = [n for n in _sys.modules if n.startswith("assay_user_text_fakes")]
    saved = {n: _sys.modules.pop(n) for n in names}  # as in a fresh worker process
    try:
        again = pickle.loads(data)
        assert again.predict(["good food"]).shape == (1, 2)
    finally:
        _sys.modules.update(saved)
