"""TLS of a served model: which certificates are trusted, and what a refused one means.

A server whose certificate is not trusted (self-signed, signed by a company's own
authority, expired, made out to another name) will not be trusted on the next attempt
either: ``tls_refusal`` says so once, with the certificate's own reason and how to trust it,
instead of four attempts with backoff and a run stopped as "unavailable" (resumable, as if
the server would come back).

``SSL_CERT_FILE`` / ``SSL_CERT_DIR`` name the authorities to trust, as for httpx and
OpenSSL.  httpx reads them only from a client that reads the environment, and assay's
client for a loopback address does not (no proxy for loopback): a model served on
``https://localhost`` (a port forwarded to a cluster) could not be trusted at all.
``tls_verify`` reads them for every client (a path that cannot be read is said, naming the
variable).  Verification is never turned off.
"""

from __future__ import annotations

import os
import socket
import ssl
from urllib.parse import urlsplit, urlunsplit

__all__ = ["plain_to_tls", "tls_refusal", "tls_verify"]


def tls_verify() -> ssl.SSLContext | bool:
    """httpx's ``verify`` for a client: a context trusting the authorities that
    ``SSL_CERT_FILE`` or ``SSL_CERT_DIR`` name, or True (httpx's default: certifi's).  A
    variable naming what cannot be read is a ``UsageError`` naming it (it was an internal
    error, or for loopback ignored)."""
    from assay.errors import UsageError

    for name in ("SSL_CERT_FILE", "SSL_CERT_DIR"):
        where = os.environ.get(name)
        if not where:
            continue
        try:
            if name == "SSL_CERT_FILE":
                return ssl.create_default_context(cafile=where)
            return ssl.create_default_context(capath=where)
        except (OSError, ssl.SSLError) as exc:
            why = getattr(exc, "strerror", None) or str(exc)
            raise UsageError(
                f"the environment variable {name}={where} names no certificates assay can "
                f"read ({why}): give a PEM file of the authorities to trust (SSL_CERT_FILE) "
                "or a directory of them (SSL_CERT_DIR), or unset it",
                argument="MODEL",
            ) from None
    return True


def tls_refusal(exc: BaseException, shown: str) -> str | None:
    """What to say when ``exc`` (an httpx error reaching ``shown``) is the server's
    certificate refused, or a server that does not speak TLS on an https:// address (the
    next attempt would meet the same); None for any other error."""
    cause: BaseException | None = exc
    seen = 0
    while cause is not None and seen < 8:
        if isinstance(cause, ssl.SSLCertVerificationError):
            reason = cause.verify_message or cause.reason or str(cause)
            trusted = _trusted()
            return (
                f"the endpoint {shown} has a TLS certificate assay does not trust ({reason}); "
                "retrying would not change that. If it is signed by your own authority (or "
                "is self-signed), give that authority's certificate (a PEM file) as "
                f"SSL_CERT_FILE=PATH ({trusted}); assay does not turn verification off"
            )
        if isinstance(cause, ssl.SSLError) and cause.reason in _NOT_TLS:
            return (
                f"the endpoint {shown} does not answer TLS ({cause.reason}): the port serves "
                "plain HTTP, it seems; give its address as http://, or the port that serves "
                "https://"
            )
        cause = cause.__cause__ or cause.__context__
        seen += 1
    return None


# OpenSSL's reasons when the peer's first bytes are no TLS record (a plain HTTP answer)
_NOT_TLS = ("WRONG_VERSION_NUMBER", "RECORD_LAYER_FAILURE", "HTTP_REQUEST", "UNKNOWN_PROTOCOL")


def plain_to_tls(exc: BaseException | None, url: str, shown: str, timeout: float) -> str | None:
    """What to say when an http:// address's port speaks TLS (``exc``: the failure of a
    request to it, None for an answer that says so), or None.  A TLS server read a plain
    request as a broken handshake: it reset the connection (``exc``), or answered a 400
    saying "HTTPS" (nginx, Go): retried as a flaky server four times, then "unavailable".
    A reset is told from a server's crash by one TLS handshake with the port (no request
    sent, nothing of the user's; the certificate is not looked at: only whether the port
    answers TLS at all)."""
    parts = urlsplit(url)
    if parts.scheme != "http" or not parts.hostname:
        return None
    if exc is not None and not _reset(exc):
        return None
    port = parts.port or 80
    if exc is not None and not _handshakes(parts.hostname, port, timeout):
        return None
    secure = urlunsplit(urlsplit(shown)._replace(scheme="https"))
    return (
        f"{shown}: the port {parts.hostname}:{port} speaks TLS, not plain HTTP; give the "
        f"model's address as https:// ({secure})"
    )


def _reset(exc: BaseException) -> bool:
    """Whether ``exc`` (an httpx error) is the connection closed or cut by the server, or an
    answer that is no HTTP (a TLS alert's bytes): not a refused or timed-out connection."""
    import httpx

    return isinstance(exc, httpx.ReadError | httpx.WriteError | httpx.RemoteProtocolError)


def _handshakes(host: str, port: int, timeout: float) -> bool:
    """Whether ``host:port`` completes a TLS handshake (or refuses it with a TLS alert)."""
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
    context.check_hostname = False
    context.verify_mode = ssl.CERT_NONE  # (only "does it speak TLS": nothing is sent)
    # over memory buffers, the socket ours alone: ``wrap_socket`` on a socket the server had
    # just reset raised from inside the SSL socket it had made (``getpeername``), which then
    # owned the descriptor and was never closed (an unclosed-socket warning: CI run 97)
    incoming, outgoing = ssl.MemoryBIO(), ssl.MemoryBIO()
    tls = context.wrap_bio(incoming, outgoing, server_hostname=host)
    try:
        with socket.create_connection((host, port), timeout=min(timeout, 5.0)) as raw:
            for _ in range(_ROUNDS):
                try:
                    tls.do_handshake()
                    return True
                except ssl.SSLWantReadError:
                    pass
                hello = outgoing.read()
                if hello:
                    raw.sendall(hello)
                answer = raw.recv(65536)
                if not answer:
                    return False  # (closed without a word of TLS)
                incoming.write(answer)
            return False
    except ssl.SSLError as err:
        return "ALERT" in str(err.reason or "")  # (a TLS server refusing us: TLS all the same)
    except OSError:
        return False


_ROUNDS = 8  # handshake round trips at most (TLS 1.2 takes two, 1.3 one)


# what nginx and Go's servers answer (status 400) to a plain request on their TLS port
HTTPS_ANSWERS = (b"plain HTTP request was sent to HTTPS port", b"HTTP request to an HTTPS server")


def _trusted() -> str:
    """Which authorities were trusted, for the message."""
    for name in ("SSL_CERT_FILE", "SSL_CERT_DIR"):
        if os.environ.get(name):
            return f"trusted now: {name}={os.environ[name]}"
    return "trusted now: the public authorities (certifi)"
