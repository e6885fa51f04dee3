"""mutation35: left34's credentials withheld from a served model's pickle, past the first copy.

- A copy given its credentials again (``give_secrets``, on a Dask worker) scrubs them out of
  a server's messages as the model does: else a server echoing the token in an error page
  put it in the run's error, on the terminal and in the store.
- A copy of a copy never given them still refuses to send a request (it knows what it
  lacks): else it sent them without, a 401 read as the endpoint's failure.
- A served model behind a bound method the user wraps (``CallableModel(served.predict)``)
  is found by the executor's walk (``_parts``): its credentials and rate limit go with it.
"""

from __future__ import annotations

import pickle

import numpy as np
import pytest

from assay.core.model import Capabilities
from assay.errors import ModelError
from assay.models.http import HttpModel

TOKEN = "Bearer tok-4f9c2a7e1b9d"


def _served(**kw: object) -> HttpModel:
    caps = Capabilities(modality="tabular", n_classes=2, outputs="proba")
    return HttpModel(
        "http://127.0.0.1:9/predict",
        capabilities=caps,
        protocol="json",
        headers={"X-Key": TOKEN},
        **kw,
    )


def test_a_copy_given_its_credentials_scrubs_them_from_messages() -> None:
    model = _served()
    echo = f"401: bad key {TOKEN} (X-Key)"
    assert "tok-4f9c2a7e1b9d" not in model._scrub(echo)
    copy = pickle.loads(pickle.dumps(model))
    copy.give_secrets(model.withheld_secrets())
    assert "tok-4f9c2a7e1b9d" not in copy._scrub(echo)


def test_a_copy_of_a_copy_still_refuses_without_its_credentials() -> None:
    copy = pickle.loads(pickle.dumps(_served()))
    again = pickle.loads(pickle.dumps(copy))
    with pytest.raises(ModelError, match=r"made from a pickle.*X-Key"):
        again.predict(np.zeros((1, 3)))


def test_a_served_model_behind_a_bound_method_is_walked() -> None:
    from assay.execution.dask import Sealed, _parts, _rate_shared
    from assay.models.callable import CallableModel

    served = _served(rate_limit=6.0)
    wrapped = CallableModel(served.predict, served.capabilities)
    assert any(p is served for p in _parts(wrapped))
    assert Sealed(wrapped).values  # (its credentials go with each unit)
    blob = _rate_shared(wrapped, 3)
    assert blob is not None
    assert pickle.loads(blob).fn.__self__.rate_limit == 2.0
