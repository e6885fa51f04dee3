"""serve42: a served model's URL query (``?token=KEY``) never travels in its pickle.

left34 kept a served model's credential headers out of the pickle sent to the Dask workers
(a worker spills its results, the loaded model among them, to disk); a key in the URL's
query stayed in it twice (the URL, and the values to scrub from messages).  Now it goes
beside the headers (``execution.dask.Sealed``) and is put back into each worker's copy
(on a LocalCluster: ``test_left34_secrets.py``'s Dask run, its ``query`` case).
"""

from __future__ import annotations

import pickle
from typing import Any

import numpy as np
import pytest

from assay.core.model import Capabilities
from assay.errors import ModelError
from assay.models.http import HttpModel

KEY = "qk-7d1e9b3c5a2f"


def _served(url: str, **kw: Any) -> HttpModel:
    caps = Capabilities(modality="tabular", n_classes=2, outputs="proba")
    return HttpModel(url, capabilities=caps, **kw)


@pytest.mark.parametrize("path", ["/predict", "/v2/models/m", "/invocations"])
def test_the_pickle_of_a_served_model_holds_no_url_key(path: str) -> None:
    model = _served(f"http://127.0.0.1:9{path}?token={KEY}&v=2")
    blob = pickle.dumps(model)
    assert KEY.encode() not in blob  # (main: twice)
    copy = pickle.loads(blob)
    with pytest.raises(ModelError, match=r"made from a pickle.*\(query\)"):
        copy.predict(np.zeros((1, 3)))
    copy.give_secrets(model.withheld_secrets())
    assert copy.url == model.url and copy.codec.endpoint() == model.codec.endpoint()
    assert not copy._withheld and KEY in copy._secrets
