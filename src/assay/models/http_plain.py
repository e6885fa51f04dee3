"""Credentials sent over plain ``http://`` to a host that is not this machine: said once.

A URL's ``user:password@`` (sent as Basic authorisation) and ``--header-env``'s headers travel
in clear text over ``http://``: anyone on the way (a shared CI network, a proxy) reads them.
assay sends them as asked (a cluster's own network may be trusted) but says so on stderr,
once per host and process, naming the headers (never their values) and ``https://``.
"""

from __future__ import annotations

import sys
import threading
from collections.abc import Collection, Mapping

__all__ = ["LOOPBACK", "warn_plain_credentials"]

LOOPBACK = {"127.0.0.1", "localhost", "::1"}  # (this machine: nothing leaves it)
_said: set[str] = set()
_lock = threading.Lock()


def warn_plain_credentials(
    scheme: str,
    host: str | None,
    port: int | None,
    headers: Mapping[str, str],
    plain: Collection[str],
) -> bool:
    """Say (once per host) when credential headers (any of ``headers`` not in ``plain``)
    go to ``scheme://host`` over plain HTTP to a host not this machine; whether it was said."""
    sent = sorted(k for k, v in headers.items() if k not in plain and v)
    if scheme != "http" or not sent or not host or host.lower() in LOOPBACK:
        return False
    if host.lower().endswith(".localhost"):
        return False
    where = f"{host}:{port}" if port else host
    with _lock:
        if where in _said:
            return False
        _said.add(where)
    print(
        f"assay: warning: credentials ({', '.join(sent)}) go to http://{where} over plain "
        "HTTP, readable by anyone on the way; use https:// if the server has it",
        file=sys.stderr,
    )
    return True
