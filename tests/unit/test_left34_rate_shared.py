"""left34: a text panel's served classifiers share their ``--rate-limit`` among the Dask
workers' copies too (``_rate_shared`` walked ``inner``/``model`` only, never a panel's
``models``: each worker's copy kept the whole limit, N workers sending N times it)."""

from __future__ import annotations

import pickle

from assay.core.model import Capabilities
from assay.execution.dask import _rate_shared
from assay.models.checked import CheckedModel
from assay.models.http import HttpModel


class PanelLike:
    """A panel as ``text.panel.Panel`` holds its classifiers: ``models`` beside ``names``."""

    def __init__(self, models: list[object]) -> None:
        self.models = models
        self.names = [f"model{i + 1}" for i in range(len(models))]


def test_a_panels_served_classifiers_share_their_rate_limit() -> None:
    caps = Capabilities(modality="text", n_classes=2, outputs="labels")
    served = HttpModel("http://127.0.0.1:9/predict", capabilities=caps, rate_limit=6.0)
    panel = PanelLike(["builtin:tfidf", CheckedModel(served)])
    blob = _rate_shared(panel, 3)
    assert blob is not None
    sent = pickle.loads(blob)
    assert sent.models[1].inner.rate_limit == 2.0  # each of the 3 copies: a third
    assert served.rate_limit == 6.0  # the client's own is left as it was


class FakeClient:
    """A client whose scheduler knows two workers, one given this run's units."""

    def scheduler_info(self) -> dict[str, object]:
        return {
            "workers": {
                "tcp://a:1": {"nthreads": 2, "resources": {"assay-x": 2}},
                "tcp://b:1": {"nthreads": 4, "resources": {}},  # refused (no assay there)
            }
        }


def test_the_copies_and_parallelism_count_only_the_workers_given_units() -> None:
    """A refused worker's threads counted: the rate limit divided among copies that never
    run (slower than asked), a unit's time share sized for workers that take none."""
    from assay.execution.dask import DaskUnits, _model_copies
    from assay.execution.worker_check import Admission

    client = FakeClient()
    admission = Admission(client, "assay-x")
    assert _model_copies(client, admission) == 2
    assert _model_copies(client, None) == 6  # (a cluster assay started: all its own)
    units = DaskUnits(scheduler="tcp://a:1")
    units.client, units.admission = client, admission
    assert units.parallelism == 1
