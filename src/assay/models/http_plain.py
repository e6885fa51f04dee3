"""Credentials sent over plain ``http://`` to a host that is not this machine: said once.

A URL's ``user:password@`` (sent as Basic authorisation) and ``--header-env``'s headers travel
in clear text over ``http://``: anyone on the way (a shared CI network, a proxy) reads them.
assay sends them as asked (a cluster's own network may be trusted) but says so, once per
host and process, naming the headers (never their values) and ``https://``: as a warning
of ``core.notices`` (the command line's stderr unless ``--quiet``; an API caller's
``on_note``, else an ``AssayWarning``).
"""

from __future__ import annotations

import ipaddress
import os
import threading
from collections.abc import Collection, Mapping

from assay.core.notices import warn

__all__ = ["LOOPBACK", "is_loopback", "proxy_of", "proxy_refused", "warn_plain_credentials"]

# the variables httpx reads a proxy from (a client for a host not this machine reads them)
PROXY_VARIABLES = (
    "ALL_PROXY",
    "HTTPS_PROXY",
    "HTTP_PROXY",
    "all_proxy",
    "https_proxy",
    "http_proxy",
)

LOOPBACK = {"127.0.0.1", "localhost", "::1"}  # (this machine: nothing leaves it)
_said: set[str] = set()
_lock = threading.Lock()


def is_loopback(host: str | None) -> bool:
    """Whether ``host`` is this machine (``localhost``, ``*.localhost``, ``127.0.0.0/8``,
    ``::1``): nothing sent to it leaves the machine."""
    if not host:
        return False
    host = host.lower().strip("[]")
    if host in LOOPBACK or host.endswith(".localhost"):
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


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
    if scheme != "http" or not sent or not host or is_loopback(host):
        return False
    where = f"{host}:{port}" if port else host
    with _lock:
        if where in _said:
            return False
        _said.add(where)
    warn(
        f"credentials ({', '.join(sent)}) go to http://{where} over plain HTTP, readable by "
        "anyone on the way; use https:// if the server has it"
    )
    return True


def proxy_refused(exc: BaseException) -> str:
    """What to say when httpx refuses to make a client for the proxy the environment names
    (``ALL_PROXY=socks5://...`` without the ``socksio`` package; a scheme httpx has no
    transport for): it was an internal error (exit 5, "a bug in assay"), the variable
    unnamed.  The variables set are named, their values' credentials masked."""
    from assay.core.redact import redact_url

    named = ", ".join(
        f"{name}={redact_url(os.environ[name])}" for name in PROXY_VARIABLES if os.environ.get(name)
    )
    why = str(exc).split(". Make sure", 1)[0].rstrip(".")
    return (
        f"the environment names a proxy assay cannot use ({named or 'a proxy variable'}): "
        f"{why}; for a SOCKS "
        "proxy install httpx's support (pip install 'httpx[socks]'), else unset the "
        "variable for assay (env -u VARIABLE assay ...; NO_PROXY does not help: the client "
        "is made for every proxy named)"
    )


def proxy_of(url: str) -> str | None:
    """The proxy the environment sends ``url``'s requests through, as a message names it
    (``HTTPS_PROXY=http://user:***@proxy:3128``), or None: none named, the host left out by
    ``NO_PROXY``, or this machine's (assay's client reads no proxy for loopback).  A
    proxy's refusal read as the endpoint's ("the endpoint ... connection failed: 407 Proxy
    Authentication Required", four attempts) sent the user to debug the model's server."""
    from urllib.parse import urlsplit

    from assay.core.redact import redact_url

    parts = urlsplit(url)
    if not parts.hostname or is_loopback(parts.hostname):
        return None
    if _left_out(parts.hostname):
        return None
    scheme = parts.scheme.upper()
    for name in (f"{scheme}_PROXY", f"{scheme.lower()}_proxy", "ALL_PROXY", "all_proxy"):
        if os.environ.get(name):
            return f"{name}={redact_url(os.environ[name])}"
    return None


def _left_out(host: str) -> bool:
    """Whether ``NO_PROXY`` (or ``no_proxy``) leaves ``host`` out: ``*``, the host, or a
    domain it is in (``.corp``, ``corp``)."""
    listed = os.environ.get("NO_PROXY") or os.environ.get("no_proxy") or ""
    for entry in (e.strip().lower() for e in listed.split(",")):
        domain = entry.lstrip(".").split(":")[0]
        if entry == "*" or (domain and (host == domain or host.endswith("." + domain))):
            return True
    return False
