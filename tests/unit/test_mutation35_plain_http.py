"""mutation35: hostile34b's plain-HTTP warning says nothing where nothing leaves the machine
or nothing secret is sent: a loopback name in capitals or under ``.localhost`` (RFC 6761:
this machine), and an empty credential header (``--header-env`` of an unset variable)."""

from __future__ import annotations

import pytest

from assay.core.notices import AssayWarning
from assay.models import http_plain
from assay.models.http_plain import warn_plain_credentials


@pytest.fixture(autouse=True)
def _fresh() -> None:
    http_plain._said.clear()


@pytest.mark.parametrize("host", ["LOCALHOST", "LocalHost", "api.localhost", "svc.LOCALHOST"])
def test_this_machine_by_any_of_its_names_is_not_warned_of(host: str) -> None:
    assert not warn_plain_credentials("http", host, 8080, {"Authorization": "Basic x"}, ())


def test_an_empty_credential_header_is_no_credential() -> None:
    headers = {"Content-Type": "application/json", "X-Api-Key": ""}
    assert not warn_plain_credentials("http", "scorer.example", 80, headers, ("Content-Type",))
    headers["X-Api-Key"] = "k3y"
    with pytest.warns(AssayWarning, match="X-Api-Key"):
        assert warn_plain_credentials("http", "scorer.example", 80, headers, ("Content-Type",))
