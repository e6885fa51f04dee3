"""Credentials sent over plain ``http://`` to a host that is not this machine are said once
(hostile34's Left: a URL's password, sent as Basic, and ``--header-env``'s headers went in
clear text without a word); never their values; nothing for loopback, for ``https://`` or
without credentials.  Said on stderr then; a warning of ``core.notices`` now (left35): an
``AssayWarning`` here, where nobody listens."""

from __future__ import annotations

import pytest

from assay.core.model import Capabilities
from assay.core.notices import AssayWarning, told_to
from assay.models import http_plain
from assay.models.http import HttpModel

CAPS = Capabilities(modality="tabular", n_classes=2, outputs="labels")


@pytest.fixture(autouse=True)
def _fresh() -> None:
    http_plain._said.clear()


def test_credentials_over_plain_http_to_another_host_are_said_once() -> None:
    with pytest.warns(AssayWarning) as said:
        HttpModel("http://alice:hunter2pass@scorer.example:8080/predict", capabilities=CAPS)
        HttpModel(
            "http://scorer.example:8080/predict",
            capabilities=CAPS,
            headers={"X-Api-Key": "k3yvalue"},
        )
    err = " ".join(str(w.message) for w in said)
    assert len(said) == 1 and err.startswith("credentials"), err
    assert "http://scorer.example:8080" in err and "Authorization" in err
    assert "hunter2pass" not in err and "alice" not in err and "k3yvalue" not in err


@pytest.mark.parametrize(
    "url",
    [
        "http://alice:pw1234@127.0.0.1:9/predict",
        "http://alice:pw1234@127.0.0.2:9/predict",
        "http://alice:pw1234@localhost:9/predict",
        "http://alice:pw1234@[::1]:9/predict",
        "http://alice:pw1234@api.localhost:9/predict",
        "https://alice:pw1234@scorer.example/predict",
        "http://scorer.example/predict",
    ],
)
def test_loopback_tls_or_no_credentials_say_nothing(url: str) -> None:
    said: list[str] = []
    with told_to(said.append):
        HttpModel(url, capabilities=CAPS)
    assert said == []  # (and no warning: the tests' filter makes one an error)
