"""A model behind an HTTP endpoint.

Protocol: assay sends ``POST <url>`` with ``Content-Type: application/json`` and the body
``{"inputs": [...]}``, one item per input (a row as a list of values for tabular models, a
string for text models, nested lists for images), at most ``max_batch`` items per request.
The endpoint answers status 200 with ``{"outputs": [...]}``, one answer per input in the same
order: an integer class index per input (labels), or a list of ``n_classes`` numbers per input
(probabilities; a single number per input for a score).

Credentials in the URL (``https://user:password@host/...``) are sent as HTTP Basic
authorisation and never stored or shown; ``headers`` adds others (e.g. a bearer token).

Connection errors, timeouts and 5xx answers are retried ``retries`` times with exponential
backoff; any other failure, or a body that is not that JSON, is a ModelError naming the URL.
"""

from __future__ import annotations

import base64
import json
import time
import urllib.error
import urllib.request
from collections.abc import Mapping
from typing import Any
from urllib.parse import unquote, urlsplit, urlunsplit

import numpy as np

from assay.core.model import Capabilities, ModelInputs
from assay.errors import ModelError, UsageError

__all__ = ["HttpModel", "redact"]

_LOOPBACK = {"127.0.0.1", "localhost", "::1"}


def _jsonable(value: Any) -> Any:
    if isinstance(value, np.generic):
        return value.item()
    if isinstance(value, np.ndarray):
        return value.tolist()
    raise TypeError(f"cannot send a {type(value).__name__} as JSON")


def redact(url: str) -> str:
    """The URL without a password or query string (which may hold an API key)."""
    parts = urlsplit(url)
    netloc = parts.hostname or ""
    if parts.port:
        netloc += f":{parts.port}"
    if parts.username:
        netloc = f"{parts.username}:***@{netloc}" if parts.password else f"***@{netloc}"
    query = "?***" if parts.query else ""
    return f"{parts.scheme}://{netloc}{parts.path}{query}"


def _split_credentials(url: str) -> tuple[str, str | None]:
    """The URL without ``user:password@``, and those as a Basic Authorization header."""
    parts = urlsplit(url)
    if parts.username is None:
        return url, None
    netloc = parts.netloc.rpartition("@")[2]
    user = unquote(parts.username)
    password = unquote(parts.password or "")
    token = base64.b64encode(f"{user}:{password}".encode()).decode("ascii")
    return urlunsplit(parts._replace(netloc=netloc)), f"Basic {token}"


class _Retryable(Exception):
    """A failure worth another attempt (connection error, timeout, 5xx)."""


class HttpModel:
    """A Model answered by an HTTP endpoint speaking the protocol in the module docstring."""

    def __init__(
        self,
        url: str,
        *,
        capabilities: Capabilities | None,
        timeout: float = 30,
        headers: Mapping[str, str] | None = None,
        max_batch: int = 1000,
        retries: int = 2,
        backoff: float = 0.5,
    ) -> None:
        parts = urlsplit(url)
        if parts.scheme not in ("http", "https") or not parts.hostname:
            raise UsageError(f"{url!r} is not an http:// or https:// URL", argument="MODEL")
        if capabilities is None:
            raise UsageError(
                "an HTTP model must declare what it answers: give --outputs (labels or proba) "
                "and --n-classes",
                argument="--outputs",
            )
        if max_batch < 1 or retries < 0 or timeout <= 0 or backoff < 0:
            raise UsageError(
                "max_batch must be >= 1, retries >= 0, timeout > 0 and backoff >= 0",
                argument="MODEL",
            )
        self.shown = redact(url)
        self.url, auth = _split_credentials(url)
        self.timeout = timeout
        self.headers = {"Content-Type": "application/json", "Accept": "application/json"}
        if auth:
            self.headers["Authorization"] = auth
        self.headers.update(headers or {})
        self.max_batch = max_batch
        self.retries = retries
        self.backoff = backoff
        self.requests = 0
        limit = min(max_batch, capabilities.max_batch or max_batch)
        self.capabilities = Capabilities(
            modality=capabilities.modality,
            n_classes=capabilities.n_classes,
            outputs=capabilities.outputs,
            max_batch=limit,
            class_names=capabilities.class_names,
        )
        handlers: list[urllib.request.BaseHandler] = []
        if parts.hostname in _LOOPBACK:
            handlers.append(urllib.request.ProxyHandler({}))
        self._opener = urllib.request.build_opener(*handlers)
        self.info: dict[str, Any] = {
            "url": self.shown,
            "max_batch": limit,
            "timeout": timeout,
        }

    def predict(self, inputs: ModelInputs, /) -> np.ndarray:
        n = len(inputs)
        step = self.capabilities.max_batch or n or 1
        parts = [self._batch(inputs[i : i + step]) for i in range(0, n, step)]
        if len(parts) == 1:
            return parts[0]
        return np.concatenate(parts, axis=0)

    def _batch(self, inputs: ModelInputs) -> np.ndarray:
        items = inputs.tolist() if isinstance(inputs, np.ndarray) else list(inputs)
        body = json.dumps({"inputs": items}, default=_jsonable).encode("utf-8")
        payload = self._post(body)
        try:
            outputs = json.loads(payload)["outputs"]
        except (ValueError, KeyError, TypeError) as exc:
            raise ModelError(
                f"the endpoint {self.shown} answered something other than JSON "
                f'{{"outputs": [...]}} ({type(exc).__name__}: {exc}); '
                f"body starts: {payload[:200]!r}"
            ) from None
        if not isinstance(outputs, list) or len(outputs) != len(items):
            got = len(outputs) if isinstance(outputs, list) else type(outputs).__name__
            raise ModelError(
                f"the endpoint {self.shown} answered {got} outputs for {len(items)} inputs"
            )
        try:
            return np.asarray(outputs)
        except ValueError as exc:
            raise ModelError(f"the endpoint {self.shown} answered ragged outputs: {exc}") from None

    def _post(self, body: bytes) -> bytes:
        last = ""
        for attempt in range(self.retries + 1):
            if attempt:
                time.sleep(self.backoff * 2 ** (attempt - 1))
            try:
                return self._once(body)
            except _Retryable as exc:
                last = str(exc)
        raise ModelError(
            f"the endpoint {self.shown} failed after {self.retries + 1} attempts; last: {last}"
        )

    def _once(self, body: bytes) -> bytes:
        request = urllib.request.Request(self.url, data=body, headers=self.headers, method="POST")
        self.requests += 1
        try:
            with self._opener.open(request, timeout=self.timeout) as response:
                data: bytes = response.read()
                status = response.status
        except urllib.error.HTTPError as exc:
            detail = exc.read()[:200]
            message = f"status {exc.code} {exc.reason}; body starts: {detail!r}"
            if exc.code >= 500 or exc.code == 429:
                raise _Retryable(message) from None
            raise ModelError(f"the endpoint {self.shown} answered {message}") from None
        except (urllib.error.URLError, OSError) as exc:
            reason = getattr(exc, "reason", exc)
            raise _Retryable(f"connection failed: {reason}") from None
        if status != 200:
            raise ModelError(f"the endpoint {self.shown} answered status {status}, expected 200")
        return data

    def __repr__(self) -> str:
        return f"HttpModel({self.shown!r})"
