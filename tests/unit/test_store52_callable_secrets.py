"""store52: a callable's own credentials are kept out of its errors, as an object's are.

``check_fairness(client.predict, ...)``, a ``functools.partial(call, api_key=KEY)``, a closure
over its ``password`` and a function reading its module's ``SERVICE_PASSWORD`` held a
credential of letters only, which no pattern can see: when the service's refusal quoted it
("upstream refused credential KEY"), the ``ModelError`` raised to the caller and the run's
stored error held it (store43 read the credential-named attributes of a model *object*
only).
"""

from __future__ import annotations

import functools
import zlib
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pytest

from assay.core.message_secrets import object_secrets
from assay.errors import ModelError

SERVICE_PASSWORD = "modulesecretletters"  # read by ``_scored`` when no key is given


def _scored(rows: Any, api_key: str = "", calls: list[int] | None = None) -> np.ndarray:
    calls = [] if calls is None else calls
    calls.append(1)
    if len(calls) > 3:  # (after loading: the run's own calls)
        raise PermissionError(f"upstream refused credential {api_key or SERVICE_PASSWORD}")
    s = np.array([(zlib.crc32(repr(list(r)).encode()) % 7) / 7 for r in np.asarray(rows)])
    return np.stack([s, 1 - s], axis=1)


class _Client:
    def __init__(self, token: str) -> None:
        self.token = token
        self.calls: list[int] = []

    def predict(self, rows: Any) -> np.ndarray:
        return _scored(rows, self.token, self.calls)


def _closure(password: str) -> Callable[[Any], np.ndarray]:
    calls: list[int] = []

    def predict(rows: Any) -> np.ndarray:
        return _scored(rows, password, calls)

    return predict


def _module_global() -> Callable[[Any], np.ndarray]:
    return functools.partial(_scored, calls=[])


FORMS: dict[str, tuple[Callable[[], Any], str]] = {
    "bound method": (lambda: _Client("methodsecretletters").predict, "methodsecretletters"),
    "partial": (
        lambda: functools.partial(_scored, api_key="partialsecretletters", calls=[]),
        "partialsecretletters",
    ),
    "closure": (lambda: _closure("closuresecretletters"), "closuresecretletters"),
    "module global": (_module_global, SERVICE_PASSWORD),
}


@pytest.mark.parametrize("form", sorted(FORMS))
def test_a_callables_credential_is_listed(form: str) -> None:
    make, secret = FORMS[form]
    assert secret in object_secrets(make())


@pytest.mark.parametrize("form", sorted(FORMS))
def test_a_callables_credential_is_masked_in_its_error_and_store(tmp_path: Path, form: str) -> None:
    import assay

    make, secret = FORMS[form]
    rng = np.random.default_rng(0)
    frame = pd.DataFrame({"x": rng.integers(0, 50, 100), "sex": rng.integers(0, 2, 100)})
    store = tmp_path / "r.db"
    with pytest.raises(ModelError) as err:
        assay.check_fairness(make(), data=frame, protected="sex", max_queries=400, store=store)
    assert "upstream refused credential ***" in str(err.value)
    assert secret not in str(err.value)
    stored = b"".join(p.read_bytes() for p in tmp_path.glob("r.db*"))
    assert b"upstream refused credential" in stored  # (the error is stored, masked)
    assert secret.encode() not in stored


def test_other_objects_and_plain_strings_are_not_read_as_callables() -> None:
    """A module's imports and a class's other values are not walked; a string argument of
    a partial without a name says nothing of what it is."""
    assert object_secrets(functools.partial(_scored, "positionalletters", calls=[])) == [
        SERVICE_PASSWORD
    ]
    assert object_secrets(len) == []


def test_a_model_files_module_credential_is_masked_in_the_runs_error(tmp_path: Path) -> None:
    """A ``file.py:fn`` given by its name (the command line's form): its module's
    ``SERVICE_PASSWORD`` quoted by its error mid-run is masked as the object's are."""
    import assay

    (tmp_path / "m.py").write_text(
        "import numpy as np\n"
        "SERVICE_PASSWORD = 'filesecretletters'\n"
        "CALLS = []\n"
        "def predict(rows):\n"
        "    CALLS.append(1)\n"
        "    if len(CALLS) > 3:\n"
        "        raise PermissionError(f'upstream refused credential {SERVICE_PASSWORD}')\n"
        "    return np.tile([0.3, 0.7], (len(rows), 1))\n"
    )
    rng = np.random.default_rng(0)
    frame = pd.DataFrame({"x": rng.integers(0, 50, 100), "sex": rng.integers(0, 2, 100)})
    store = tmp_path / "r.db"
    with pytest.raises(ModelError) as err:
        assay.check_fairness(
            f"{tmp_path / 'm.py'}:predict",
            data=frame,
            protected="sex",
            max_queries=400,
            store=store,
        )
    assert "upstream refused credential ***" in str(err.value)
    stored = b"".join(p.read_bytes() for p in tmp_path.glob("r.db*"))
    assert b"filesecretletters" not in stored
