"""A model behind an inference server, over HTTP (httpx).

``HttpModel`` is the transport: it splits a batch into requests of at most ``max_batch``
inputs, sends up to ``concurrency`` of them at once, retries connection errors, timeouts,
unreadable bodies, 429 and 5xx answers (honouring a 429's or 503's ``Retry-After``) with
exponential backoff and jitter, optionally keeps under a rate limit, and counts everything
(``stats``); how an answer is read (bounded in time and bytes) and what its status asks is
``assay.models.http_answer``'s.  What the
requests and answers look like is the protocol's job (``assay.models.protocols``): Open
Inference Protocol v2, MLflow's scoring server, KServe v1, assay's generic JSON endpoint, or
a template for an in-house service.

A request that still fails after its retries is counted and recorded with its error, then
sent again; when more than ``max_error_rate`` of the last ``error_window`` requests failed
that way, the model raises ``ModelUnavailable`` (the run stops cleanly, keeps its findings,
and ``assay resume`` continues it once the server is back).  An answer of the wrong form is
a ``ModelError`` naming the endpoint, with an excerpt of the answer; any 4xx other than 429
too.

Credentials never come from the command line itself: ``header_env`` maps a header to the
name of an environment variable holding its value (``Authorization=MY_TOKEN_VAR``), and
``user:password@`` in the URL is sent as Basic authorisation.  Neither value is stored,
shown, or put in a message (they are scrubbed from error texts).
"""

from __future__ import annotations

import base64
import contextlib
import json
import math
import os
import random
import re
import threading
import time
from collections import deque
from collections.abc import Callable, Mapping, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urlsplit, urlunsplit

import httpx
import numpy as np

from assay.core.budget import LONGEST_SECONDS
from assay.core.calls import call_deadline, call_progress
from assay.core.message_secrets import redact_message
from assay.core.model import Capabilities, ModelInputs
from assay.core.redact import env_name_like, header_secrets, hidden_values, redact_url, scrub
from assay.core.refusals import watch
from assay.core.resume_batch import check_batch_size
from assay.errors import ModelError, ModelUnavailable, UsageError
from assay.models.classes import numbered
from assay.models.http_answer import (
    MAX_RETRY_AFTER,
    Answer,
    AnswerTooLarge,
    AnswerTooSlow,
    answer_limit,
    asked_wait,
    beyond_deadline,
    read_answer,
    redirect_target,
)
from assay.models.http_error_body import said_error
from assay.models.http_hints import envelope_hint, size_hint
from assay.models.http_page import html_page
from assay.models.http_plain import (
    is_loopback,
    proxy_of,
    proxy_refused,
    warn_plain_credentials,
)
from assay.models.http_query import QUERY, codec_at, query_of, with_query
from assay.models.http_streak import (
    BAD_GATEWAY,
    answered,
    attempt_failed,
    gone,
    refusal_since,
    streak_state,
    take_streak,
)
from assay.models.http_tls import HTTPS_ANSWERS, plain_to_tls, tls_refusal, tls_verify
from assay.models.protocols import Codec, LabelsByName, excerpt, make_codec

__all__ = [
    "DEFAULT_REQUEST_BATCH",
    "HttpModel",
    "ServingOptions",
    "ServingStats",
    "header_problem",
    "header_values",
    "redact",
]

# ``core.calls.call_deadline``'s: (seconds the call has left, its --call-timeout), or None
_Deadline = Callable[[], tuple[float, float] | None] | None


def _jsonable(value: Any) -> Any:
    if isinstance(value, np.generic):
        return value.item()
    if isinstance(value, np.ndarray):
        return value.tolist()
    raise TypeError(f"cannot send a {type(value).__name__} as JSON")


def _json_body(payload: Any) -> bytes:
    """``payload`` as JSON; a NaN (a missing value, ``--missing value``) as ``null``, the
    JSON form of an empty cell (``NaN`` is no JSON, and most servers refuse it)."""
    try:
        text = json.dumps(payload, default=_jsonable, allow_nan=False)
    except ValueError:
        text = json.dumps(_nulls(payload), default=_jsonable)  # (an infinity as before)
    return text.encode("utf-8")


def _nulls(value: Any) -> Any:
    """``value`` with every float NaN (in lists and mappings) replaced by ``None``."""
    if isinstance(value, float | np.floating):
        return None if value != value else value
    if isinstance(value, np.ndarray):
        return _nulls(value.tolist())
    if isinstance(value, list | tuple):
        return [_nulls(v) for v in value]
    if isinstance(value, dict):
        return {k: _nulls(v) for k, v in value.items()}
    return value


def redact(url: str) -> str:
    """The URL without a password, a token in its path, or a query string (which may hold an
    API key): ``core.redact.redact_url``, the query masked whole."""
    parts = urlsplit(redact_url(url))
    query = "?***" if parts.query else ""
    return f"{parts.scheme}://{parts.netloc}{parts.path}{query}"


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


# headers that frame the request itself, which the HTTP client writes: given by
# --header-env, Content-Length failed the first request as the model's error (exit 3, "Too
# much data for declared Content-Length"), Transfer-Encoding after four attempts
_FRAMING = {"content-length", "transfer-encoding", "connection", "keep-alive", "te", "upgrade"}


def header_values(specs: Sequence[str], environ: Mapping[str, str] | None = None) -> dict[str, str]:
    """Headers from ``NAME=ENV_VAR`` specs: each value is read from the environment.

    The value itself never appears in a message: a missing variable is named, not shown.
    """
    env = os.environ if environ is None else environ
    headers: dict[str, str] = {}
    for spec in specs:
        name, sep, var = spec.partition("=")
        name, var = name.strip(), var.strip()
        if not sep or not name or not var:
            shown = repr(spec) if env_name_like(spec.replace("=", "_")) else _not_shown(spec)
            raise UsageError(
                f"expected HEADER=ENV_VAR (e.g. Authorization=MY_TOKEN_VAR), not {shown}",
                argument="--header-env",
            )
        if name.lower() in _FRAMING:
            raise UsageError(
                f"the header {name} frames the request: assay's HTTP client writes it for "
                "each request's body; leave it out",
                argument="--header-env",
            )
        if not env_name_like(var):
            raise UsageError(
                f"for header {name}, {_not_shown(var)} stands where the name of an "
                "environment variable goes: the header's value is read from that variable, "
                "never typed on the command line (which CI logs, shell histories and the "
                "run's rerun line keep): export the value as a variable, then --header-env "
                f"{name}=VAR_NAME",
                argument="--header-env",
            )
        if var not in env:
            raise UsageError(
                f"the environment variable {var} (for header {name}) is not set",
                argument="--header-env",
            )
        wrong = header_problem(name, env[var])
        if wrong:
            raise UsageError(
                f"the environment variable {var} (for header {name}) {wrong}; its value is not "
                "shown (it may be a credential)",
                argument="--header-env",
            )
        headers[name] = env[var]
    return headers


def _not_shown(text: str) -> str:
    """What stands for a text that may be a credential, in a message: its length only."""
    return f"a text of {len(text)} characters (not shown: it reads as a credential, not a name)"


_TOKEN = re.compile(r"[!#$%&'*+.^_`|~0-9A-Za-z-]+")  # a header's name (RFC 9110)


def header_problem(name: str, value: str) -> str | None:
    """Why ``name: value`` cannot be sent as a header, in words that never show the value
    (None: it can).  httpx refused a value holding a line break by printing it ("Illegal
    header value b'Bearer ...\\n'", where the scrubbing of secrets did not find it: a token
    read from a file with its last new line leaked to the terminal), after four attempts."""
    if not _TOKEN.fullmatch(name):
        return f"names a header {name!r} that is not a header name (letters, digits, -)"
    for i, ch in enumerate(value):
        if ch in "\r\n":
            where = "at its end (a file's last new line?)" if not value[i:].strip() else ""
            return f"holds a line break at character {i + 1} {where}".rstrip()
        if ch == "\0" or (ord(ch) < 32 and ch != "\t") or ord(ch) == 127:
            return f"holds a control character (U+{ord(ch):04X}) at character {i + 1}"
        if ord(ch) > 127:
            return (
                f"holds a character that is not ASCII at character {i + 1}: a header value "
                "is sent as ASCII"
            )
    return None


_NOT_ONE_LABEL = ValueError(
    "labels by name, but not one per input (a list of them per input, [['pos'], ...]): a "
    'text classifier\'s endpoint answers one label per input ("outputs": ["pos", "neg"]) '
    "or a row of probabilities per input (docs/serving.md)"
)


DEFAULT_REQUEST_BATCH = 1000  # inputs per request to a served model (--batch-size)


@dataclass(frozen=True)
class ServingOptions:
    """How to talk to a served model (all JSON data, so a run can store and rebuild it).

    ``header_env`` holds ``HEADER=ENV_VAR`` specs, never values.
    """

    protocol: str = "auto"
    batch_size: int | None = None  # (a served model's requests: DEFAULT_REQUEST_BATCH)
    concurrency: int = 1
    timeout: float = 30.0
    retries: int = 3
    backoff: float = 0.5
    rate_limit: float | None = None
    max_error_rate: float = 0.5
    error_window: int = 50
    header_env: tuple[str, ...] = ()
    template: str | None = None
    output: str | None = None
    columns: tuple[str, ...] | None = None

    def __post_init__(self) -> None:
        # (a built-in model never meets ``validate``: ``--batch-size 0`` ran, exit 1)
        check_batch_size(self.batch_size)

    def validate(self) -> ServingOptions:
        checks = [
            (
                self.batch_size is None or self.batch_size >= 1,
                "--batch-size",
                "at least 1",
                self.batch_size,
            ),
            (self.concurrency >= 1, "--concurrency", "at least 1", self.concurrency),
            # (inf or 1e23 was taken, and every request failed as the model's error, exit 3:
            # "timestamp out of range for platform time_t")
            (
                0 < self.timeout <= LONGEST_SECONDS,
                "--timeout",
                f"positive and at most {LONGEST_SECONDS:.0e} seconds",
                self.timeout,
            ),
            (self.retries >= 0, "--retries", "0 or more", self.retries),
            (self.backoff >= 0, "--backoff", "0 or more", self.backoff),
            (
                self.rate_limit is None or self.rate_limit > 0,
                "--rate-limit",
                "positive",
                self.rate_limit,
            ),
            (0 <= self.max_error_rate < 1, "--max-error-rate", "in [0, 1)", self.max_error_rate),
            (self.error_window >= 1, "--max-error-rate", "a window >= 1", self.error_window),
        ]
        for ok, argument, what, value in checks:
            if not ok:
                raise UsageError(f"must be {what}, not {value}", argument=argument)
        header_values(self.header_env)  # every variable named must be set
        return self

    def to_json(self) -> dict[str, Any]:
        """The options as a run stores them: a ``template`` file by its absolute path, so
        that the run resumes (and is verified) from any directory."""
        data = asdict(self)
        data["header_env"] = list(self.header_env)
        data["columns"] = None if self.columns is None else list(self.columns)
        with contextlib.suppress(OSError, ValueError):  # (a name no file system takes)
            if self.template is not None and Path(self.template).is_file():
                data["template"] = os.path.abspath(self.template)
        return data

    @classmethod
    def from_json(cls, data: Mapping[str, Any] | None) -> ServingOptions:
        data = dict(data or {})
        data["header_env"] = tuple(data.get("header_env") or ())
        if data.get("columns") is not None:
            data["columns"] = tuple(data["columns"])
        known = set(cls.__dataclass_fields__)
        return cls(**{k: v for k, v in data.items() if k in known})


@dataclass
class ServingStats:
    """Counters of one model's requests (thread-safe through the model's lock)."""

    requests: int = 0  # HTTP requests sent, retries included
    answered: int = 0  # requests that got a usable answer
    retried: int = 0  # retries sent
    failed: int = 0  # requests that still failed after their retries
    # requests sent that no answer came back to (timed out, the connection cut, the answer
    # cut short): each retried, or counted failed with its request
    unanswered: int = 0
    errors: list[dict[str, Any]] = field(default_factory=list)  # the last failures
    latencies: deque[float] = field(default_factory=lambda: deque(maxlen=100_000))
    busy: float = 0.0  # wall seconds inside predict (summed over a cluster's copies)
    status_counts: dict[str, int] = field(default_factory=dict)
    # the wall clock (time.time()) of the first call and of the last answer, over every
    # copy of the model (a Dask worker's come back with its units): its requests per second
    # are per wall-clock second of that span, not per second of one copy's busy time
    first: float | None = None
    last: float | None = None
    # attempts at units that started on a Dask worker and never came back (it died): their
    # requests were sent but are in none of these counts
    lost_attempts: int = 0

    def called(self, start: float, end: float) -> None:
        """A call from ``start`` to ``end`` (wall clock)."""
        self.first = start if self.first is None else min(self.first, start)
        self.last = end if self.last is None else max(self.last, end)

    def span(self) -> float:
        """Wall-clock seconds from the first call to the last answer (0: none)."""
        if self.first is None or self.last is None:
            return 0.0
        return max(self.last - self.first, 0.0)

    def to_json(self) -> dict[str, Any]:
        span = self.span()
        lat = np.asarray(self.latencies, dtype=np.float64) * 1000
        pct = (
            {f"p{q}": round(float(np.percentile(lat, q)), 3) for q in (50, 90, 99)}
            if lat.size
            else {}
        )
        if lat.size:
            pct["max"] = round(float(lat.max()), 3)
        return {
            "requests": self.requests,
            "answered": self.answered,
            "retried": self.retried,
            "failed": self.failed,
            "unanswered": self.unanswered,
            "latency_ms": pct,
            "requests_per_second": round(self.answered / span, 3) if span > 0 else None,
            "wall_seconds": round(span, 3),
            "busy_seconds": round(self.busy, 3),
            "statuses": dict(self.status_counts),
            "errors": list(self.errors),
            "unit_attempts_lost": self.lost_attempts,
        }

    # -- the counts of one unit of a campaign (core.units), made in another process ------
    def mark(self) -> dict[str, Any]:
        """The counters now (``since`` measures from here)."""
        return {
            "requests": self.requests,
            "answered": self.answered,
            "retried": self.retried,
            "failed": self.failed,
            "unanswered": self.unanswered,
            "busy": self.busy,
            "statuses": dict(self.status_counts),
            "at": time.time(),
        }

    def since(self, mark: Mapping[str, Any]) -> dict[str, Any]:
        """What was counted since ``mark``: counters, the latencies and the errors."""
        statuses = {
            k: v - int(mark["statuses"].get(k, 0))
            for k, v in self.status_counts.items()
            if v != int(mark["statuses"].get(k, 0))
        }
        timed = sum(statuses.values())  # every answer (any status) has its latency
        failed = self.failed - int(mark["failed"])
        return {
            "requests": self.requests - int(mark["requests"]),
            "answered": self.answered - int(mark["answered"]),
            "retried": self.retried - int(mark["retried"]),
            "failed": failed,
            "unanswered": self.unanswered - int(mark.get("unanswered") or 0),
            "busy_seconds": self.busy - float(mark["busy"]),
            # (the span's start: the mark's time, as the copy's first call may be older)
            "span": [mark["at"], self.last] if timed > 0 and self.last is not None else None,
            "statuses": statuses,
            "latencies": list(self.latencies)[-timed:] if timed > 0 else [],
            "errors": self.errors[-failed:] if failed > 0 else [],
        }

    def add(self, counts: Mapping[str, Any]) -> None:
        """Add what ``since`` measured elsewhere."""
        self.requests += int(counts.get("requests") or 0)
        self.answered += int(counts.get("answered") or 0)
        self.retried += int(counts.get("retried") or 0)
        self.failed += int(counts.get("failed") or 0)
        self.unanswered += int(counts.get("unanswered") or 0)
        self.busy += float(counts.get("busy_seconds") or 0.0)
        self.lost_attempts += int(counts.get("lost_attempts") or 0)
        span = counts.get("span")
        if span:
            self.called(float(span[0]), float(span[1]))
        for k, v in (counts.get("statuses") or {}).items():
            self.status_counts[k] = self.status_counts.get(k, 0) + int(v)
        self.latencies.extend(float(x) for x in counts.get("latencies") or ())
        self.errors.extend(counts.get("errors") or ())
        del self.errors[:-20]


class _Retry(Exception):
    """One attempt failed in a way worth another (connection, timeout, 429, 5xx, garbage)."""

    def __init__(self, message: str, *, wait: float | None = None, refused: bool = False) -> None:
        super().__init__(redact_message(message))  # (kept in the run's serving counts)
        self.wait = wait
        self.refused = refused  # (a connection refused: ``http_streak.gone``)


class _PageAnswered(ModelError):
    """A readiness or metadata GET answered a web page (``http_page``): said as it is, not
    as the protocol's "no metadata ...: status 200"."""


class HttpModel:
    """A Model answered by an inference server (see the module docstring)."""

    def __init__(
        self,
        url: str,
        *,
        capabilities: Capabilities | None,
        timeout: float = 30,
        headers: Mapping[str, str] | None = None,
        max_batch: int = DEFAULT_REQUEST_BATCH,
        retries: int = 2,
        backoff: float = 0.5,
        protocol: str | Codec = "auto",
        concurrency: int = 1,
        rate_limit: float | None = None,
        max_error_rate: float = 0.5,
        error_window: int = 50,
        columns: Sequence[str] | None = None,
        output: str | None = None,
        template: str | Path | None = None,
    ) -> None:
        parts = urlsplit(url)
        if parts.scheme not in ("http", "https") or not parts.hostname:
            raise UsageError(f"{url!r} is not an http:// or https:// URL", argument="MODEL")
        if capabilities is None:
            raise UsageError(
                "an HTTP model must declare what it answers: give capabilities= "
                "(assay.core.model.Capabilities), or load it with load_model(url, probe=...)",
                argument="capabilities",
            )
        if max_batch < 1 or retries < 0 or timeout <= 0 or backoff < 0 or concurrency < 1:
            raise UsageError(
                "batch size and concurrency must be >= 1, retries >= 0, timeout > 0 and "
                "backoff >= 0",
                argument="MODEL",
            )
        self.shown = redact(url)
        plain, auth = _split_credentials(url)
        self.codec: Codec = (
            make_codec(protocol, plain, columns=columns, output=output, template=template)
            if isinstance(protocol, str)
            else protocol
        )
        self.url = self.codec.endpoint()
        self.timeout = timeout
        self.headers = {"Content-Type": "application/json", "Accept": "application/json"}
        if auth:
            self.headers["Authorization"] = auth
        for name, value in (headers or {}).items():  # (from Python: the CLI's are checked)
            wrong = header_problem(name, value)
            if wrong:
                raise UsageError(f"the value given for header {name} {wrong}", argument="headers")
        self.headers.update(headers or {})
        # what a message must never carry: header values (and their credentials without the
        # scheme, Basic's password decoded), and what the shown URL masks (a server's error
        # page may echo the request or the token it refused)
        secrets = set(hidden_values(url))
        for k, v in self.headers.items():
            if k not in _PLAIN_HEADERS and v:
                secrets.update(header_secrets(v))
        self._secrets = sorted(secrets, key=lambda v: (-len(v), v))
        # (the credential headers a pickled copy goes without: ``__getstate__``; this
        # model's name for them, by which the copy is given them again, ``give_secrets``)
        self._withheld: tuple[str, ...] = ()
        self.secret_key = os.urandom(8).hex()
        warn_plain_credentials(
            parts.scheme, parts.hostname, parts.port, self.headers, _PLAIN_HEADERS
        )
        self.max_batch = max_batch
        self.retries = retries
        self.backoff = backoff
        self.concurrency = concurrency
        self.rate_limit = rate_limit
        self.max_error_rate = max_error_rate
        self._loopback = is_loopback(parts.hostname)
        limit = min(max_batch, capabilities.max_batch or max_batch)
        self.capabilities = Capabilities(
            modality=capabilities.modality,
            n_classes=capabilities.n_classes,
            outputs=capabilities.outputs,
            max_batch=limit,
            class_names=capabilities.class_names,
            remote=True,
        )
        self.stats = ServingStats()
        # a text classifier may answer its labels by name ("pos"): returned as they are, for
        # ``NamedLabelsModel`` to read (``loader._http``); any other model's is a ModelError
        self.labels_by_name = capabilities.modality == "text"
        self.declared_count: int | None = None  # --classes N, for the advice on labels by name
        self._outcomes: deque[bool] = deque(maxlen=error_window)
        self._server: dict[str, Any] | None = None
        self._local: _Local | None = None
        self.followed: Any = None  # (a run's session following its counts: ``serving``)
        # the counts already recorded with a run (``serving._record``'s mark): a model used
        # by a later run in the same process counts only what it sent since
        self.recorded: dict[str, Any] | None = None
        self._tls_tried = False  # (whether the port was tried for TLS: ``_not_plain_to_tls``)
        # since when (time.monotonic()) every attempt has failed, no request answered, and
        # the last failure: a run whose time ran out there ended by the endpoint, not by its
        # budget (``serving.stopped_answering``)
        self.failing: tuple[float, str] | None = None
        # ...those attempts, whether each was a refused connection, the last wait asked
        # for (``http_streak``: whether the endpoint is refusing, or gone)
        self.failed_attempts = 0
        self.refused_run: tuple[float, int] | None = None
        self.asked_wait: float | None = None
        watch(self)  # (``core.refusals``: loading's --max-time says the refusals)
        # loading's probe inputs (``loader._http``): a resume asks them again (a redeploy?)
        self.probe_asked: Any = None
        self.info: dict[str, Any] = {
            "url": self.shown,
            "protocol": self.codec.name,
            "max_batch": limit,
            "timeout": timeout,
            "concurrency": concurrency,
            "retries": retries,
            "rate_limit": rate_limit,
            "headers": sorted(k for k in self.headers if k not in _PLAIN_HEADERS),
        }

    # -- the connection ------------------------------------------------------------------
    @property
    def requests(self) -> int:
        return self.stats.requests

    def _lock(self) -> Any:
        return self._local.lock if self._local is not None else contextlib.nullcontext()

    def counts_mark(self) -> dict[str, Any]:
        """The request counters now (``core.units.RequestCounter``)."""
        with self._lock():
            return self.stats.mark()

    def counts_since(self, mark: dict[str, Any]) -> dict[str, Any]:
        with self._lock():  # (a unit's streak at its end: a Dask client's copy takes it)
            return {**self.stats.since(mark), "streak": streak_state(self)}

    def add_counts(self, counts: Mapping[str, Any]) -> None:
        with self._lock():
            self.stats.add(counts)
            if "streak" in counts:  # (a unit's end, not the lost attempts)
                take_streak(self, counts["streak"])

    def refusal_since(self, started: float) -> tuple[bool, str] | None:
        """``http_streak.refusal_since`` (``core.refusals``)."""
        return refusal_since(self, started)

    def _conn(self) -> _Local:
        if self._local is None:
            self._local = _Local(self)
        return self._local

    def connect(self) -> dict[str, Any]:
        """Check that the server is ready and read what the protocol needs (metadata)."""
        if self._withheld:  # (never a request without them: a 401, or a server's log of it)
            raise ModelError(
                f"the endpoint {self.shown}: this copy of the model was made from a pickle, "
                "which never holds its credential headers or URL query ("
                f"{', '.join(k.strip() for k in self._withheld)}), and "
                "was not given them again (HttpModel.give_secrets)"
            )
        local = self._conn()
        with local.lock:
            if self._server is None:

                def get(path: str) -> tuple[int, Any]:
                    url = urlunsplit(urlsplit(self.url)._replace(path=path, query=""))
                    r = self._get(local, url, path)
                    self._refuse_redirect(r, url, path)
                    try:
                        return r.status, json.loads(r.content)
                    except ValueError:
                        data = r.content
                        said = self._scrub(excerpt(data))
                        page = html_page(r.status, r.headers, self.shown, said, data, path)
                        if page is not None:  # (a login page: "no metadata ...: status 200")
                            raise _PageAnswered(page) from None
                        return r.status, None

                try:
                    self._server = self.codec.prepare(get)
                except _PageAnswered as exc:
                    raise ModelError(str(exc)) from None
                except ModelError as exc:
                    raise ModelError(f"the endpoint {self.shown}: {exc}") from None
                self.info["server"] = self._server
        return self._server

    def _get(self, local: _Local, url: str, path: str) -> Answer:
        """A readiness or metadata GET of ``path``, bounded as a batch's answer is (in time by
        ``--timeout``, in bytes by ``answer_limit(0)``): read with a per-read timeout and
        whole, a check answered a byte a second held the run before it began for ever, and
        one answered 1.5 GB of whitespace took 5.6 GB of memory."""
        try:
            return read_answer(
                local.client,
                url,
                body=None,
                headers=self.headers,
                timeout=self.timeout,
                limit=answer_limit(0),
            )
        except (httpx.TimeoutException, AnswerTooSlow) as exc:
            came = (
                f" (status {exc.status}, {exc.received:,} bytes arrived, the rest still coming)"
                if isinstance(exc, AnswerTooSlow)
                else ""
            )
            why = f"did not answer {path} within {self.timeout:g} s (--timeout){came}"
        except AnswerTooLarge as exc:
            why = (
                f"answered {path} with more than {exc.limit / 2**20:,.0f} MB (status "
                f"{exc.status}); it was not read further. Body starts: "
                f"{self._scrub(excerpt(exc.head))}"
            )
        except httpx.HTTPError as exc:
            refused = tls_refusal(exc, self.shown)
            if refused is not None:
                raise ModelError(refused) from None
            self._not_plain_to_tls(exc)
            why = f"cannot be reached: {self._scrub(str(exc)) or type(exc).__name__}"
        raise ModelError(f"the server at {self.shown} {why}")

    def close(self) -> None:
        if self._local is not None:
            self._local.close()
            self._local = None

    def __del__(self) -> None:
        with contextlib.suppress(Exception):
            self.close()

    def __getstate__(self) -> dict[str, Any]:
        state = dict(self.__dict__)
        state["_local"] = None  # clients, pools and locks are made again where it lands
        state["stats"] = ServingStats()
        state["recorded"] = None
        # (the session following the counts is this process's: its timer's lock and event
        # cannot be pickled, and a worker's counts come back through ``since``)
        state["followed"] = None
        state["_outcomes"] = deque(maxlen=self._outcomes.maxlen)
        state["failing"] = None
        state["failed_attempts"], state["refused_run"], state["asked_wait"] = 0, None, None
        # credentials never travel in a pickle (a Dask worker spilling the model to disk
        # wrote them there): a copy is given them by whoever sent it (``give_secrets``;
        # ``execution.dask``, with each unit) and refuses to send a request until then
        kept = self.withheld_secrets()
        state["headers"] = {k: v for k, v in self.headers.items() if k not in kept}
        if QUERY in kept:  # (the URL's query, its key: ``models.http_query``)
            state["url"] = with_query(self.url, "")
            state["codec"] = codec_at(self.codec, "")
        state["_withheld"] = tuple(sorted({*kept, *self._withheld}))
        state["_secrets"] = sorted(set(hidden_values(state["url"])), key=lambda v: (-len(v), v))
        return state

    def withheld_secrets(self) -> dict[str, str]:
        """The credential headers (every header but ``Content-Type`` and ``Accept``) and
        their values, and the URL's query (under ``http_query.QUERY``), which this model's
        pickle goes without."""
        kept = {k: v for k, v in self.headers.items() if k not in _PLAIN_HEADERS}
        if query_of(self.url):
            kept[QUERY] = query_of(self.url)
        return kept

    def give_secrets(self, headers: Mapping[str, str]) -> None:
        """Give a copy made from a pickle the credential headers (and URL query) it went
        without."""
        query = headers.get(QUERY)
        headers = {k: v for k, v in headers.items() if k != QUERY}
        self.headers.update(headers)
        secrets = set(self._secrets)
        for value in headers.values():
            if value:
                secrets.update(header_secrets(value))
        if query:
            self.url = with_query(self.url, query)
            self.codec = codec_at(self.codec, query)
            secrets.update(hidden_values(self.url))
        self._secrets = sorted(secrets, key=lambda v: (-len(v), v))
        given = {*headers, QUERY} if query else set(headers)
        self._withheld = tuple(k for k in self._withheld if k not in given)

    def __setstate__(self, state: dict[str, Any]) -> None:
        self.__dict__.update(state)

    # -- predict -------------------------------------------------------------------------
    def predict(self, inputs: ModelInputs, /) -> np.ndarray:
        self.connect()
        local = self._conn()
        n = len(inputs)
        step = self.capabilities.max_batch or n or 1
        chunks = [inputs[i : i + step] for i in range(0, n, step)]
        t0 = time.perf_counter()
        started = time.time()
        tick = call_progress()  # each answered request: the call is not hung
        deadline = call_deadline()  # (a Retry-After the call cannot outlive: said at once)
        try:
            if len(chunks) > 1 and self.concurrency > 1:
                parts = list(local.pool().map(lambda c: self._batch(c, tick, deadline), chunks))
            else:
                parts = [self._batch(c, tick, deadline) for c in chunks]
        finally:
            with local.lock:
                self.stats.busy += time.perf_counter() - t0
                self.stats.called(started, time.time())
        if len(parts) == 1:
            return parts[0]
        return np.concatenate(parts, axis=0)

    def _batch(
        self,
        inputs: ModelInputs,
        tick: Callable[[], None] | None = None,
        deadline: Callable[[], tuple[float, float] | None] | None = None,
    ) -> np.ndarray:
        body = _json_body(self.codec.encode(inputs))
        while True:
            try:
                raw, payload = self._attempts(body, len(inputs), deadline)
            except _Retry as exc:
                self._failed(str(exc))
                gone(self, self.retries)  # (connections refused for seconds: no server)
                self._outlived(deadline, str(exc))
                continue
            except ModelError as exc:  # (a 4xx, a redirect, a long Retry-After, ...)
                self._ended(str(exc))
                raise
            try:
                return self._read(inputs, raw, payload, tick)
            except ModelError as exc:  # (a 200 of the wrong form, or carrying an error)
                self._ended(str(exc))
                raise

    def _read(
        self,
        inputs: ModelInputs,
        raw: bytes,
        payload: Any,
        tick: Callable[[], None] | None,
    ) -> np.ndarray:
        """The outputs of a 200 answer's ``payload`` (``raw``: its body), or ``ModelError``."""
        said = said_error(payload)
        if said is not None:  # a 200 carrying a failure: its outputs are not the model's
            raise ModelError(
                f"the endpoint {self.shown} answered with status 200 and a failure in its "
                f"body ({self._scrub(said)}): its outputs may be a fallback's, not the "
                "model's; fix the server, then run again"
            )
        try:
            out = self.codec.decode(payload, len(inputs))
        except LabelsByName as names:
            if not self.labels_by_name:
                refusal = self._wrong_form(names.counted(self.declared_count), raw)
                raise numbered(refusal, names.names, self.declared_count) from None
            if names.values.ndim != 1:  # (text has no --classes: say what it reads)
                raise self._wrong_form(_NOT_ONE_LABEL, raw) from None
            out = names.values  # "pos"/"neg": read by name (NamedLabelsModel)
        except (KeyError, TypeError, ValueError, IndexError) as exc:
            # JSON of the wrong form: the protocol is not what the server speaks
            hint = envelope_hint(exc, payload, self.codec.name)
            raise self._wrong_form(exc, raw, hint) from None
        with self._conn().lock:
            self._outcomes.append(True)
            self.stats.answered += 1
            answered(self)
        if tick is not None:
            tick()
        return out

    def _wrong_form(self, exc: Exception, raw: bytes, hint: str = "") -> ModelError:
        what = f"{type(exc).__name__}: {exc}" if not isinstance(exc, KeyError) else exc
        return ModelError(
            f"the endpoint {self.shown} ({self.codec.name} protocol) answered in the "
            f"wrong form ({self._scrub(str(what))}); body starts: {self._scrub(excerpt(raw))}"
            f"{self._scrub(hint)}"
        )

    def _ended(self, error: str) -> None:
        """A request that ended the call with a ``ModelError`` (no retry helps): counted
        failed, its error the last one, as a failure after retries is (the run it stops
        showed "0 failed", no error, under its endpoint's 401), and a failure in the error
        rate's window (a caller going on after it, a text run's other classifier or a
        filter's loop, met the next failures as if it had been answered)."""
        with self._conn().lock:
            self.stats.failed += 1
            self._outcomes.append(False)  # (in the error rate's window: hostile51b)
            self.stats.errors.append({"time": round(time.time(), 3), "error": error})
            del self.stats.errors[:-20]

    def _failed(self, error: str) -> None:
        """A request failed after its retries: record it; stop when too many did."""
        local = self._conn()
        with local.lock:
            self.stats.failed += 1
            self._outcomes.append(False)
            self.stats.errors.append({"time": round(time.time(), 3), "error": error})
            del self.stats.errors[:-20]
            bad = self._outcomes.count(False)
            window = len(self._outcomes)
        if bad / window > self.max_error_rate:
            raise ModelUnavailable(
                f"the endpoint {self.shown} is unavailable: {bad} of the last {window} requests "
                f"failed after {self.retries + 1} attempts each (more than "
                f"{self.max_error_rate:.0%}); last: {error}"
            )

    def _outlived(self, deadline: _Deadline, error: str) -> None:
        """A ``ModelUnavailable`` when a request failed after its retries and the call has
        less left before ``--call-timeout`` than another request's retries wait: a server
        gone (connections refused) was sent the request again and again until the call
        timeout called the model "may be hung" (exit 3 after 60 s, the resume advised a
        longer --call-timeout), below the error-rate window that says it is unavailable."""
        got = deadline() if deadline is not None else None
        waits = self.backoff * 1.5 * (2**self.retries - 1) + 1.0  # (at the jitter's most)
        if got is None or got[0] >= waits:
            return
        since = self.failing[0] if self.failing else time.monotonic()
        raise ModelUnavailable(
            f"the endpoint {self.shown} stopped answering: every attempt of the last "
            f"{time.monotonic() - since:,.0f} s failed (last: {error}); the model call "
            f"would reach --call-timeout ({got[1]:g} s) before another request's attempts, "
            "and it is not hung: resume the run once the endpoint answers again"
        )

    def _attempts(self, body: bytes, n: int, deadline: _Deadline = None) -> tuple[bytes, Any]:
        """One request with its retries: the body of its 200 answer and its JSON, or
        ``_Retry``; a wait the server asked for that the call's deadline (``deadline``:
        ``core.calls.call_deadline``) cannot outlive stops it at once (``beyond_deadline``)."""
        last = _Retry("no attempt")
        for attempt in range(self.retries + 1):
            if attempt:
                if last.wait is not None and deadline is not None:
                    beyond_deadline(self.shown, str(last), last.wait, deadline())
                with self._conn().lock:
                    self.stats.retried += 1
                time.sleep(self._delay(attempt, last.wait))
            try:
                return self._once(body, n, deadline)
            except _Retry as exc:
                last = exc
                with self._conn().lock:
                    attempt_failed(self, str(exc), refused=exc.refused, wait=exc.wait)
        raise last

    def _delay(self, attempt: int, asked: float | None) -> float:
        if asked is not None:
            return asked
        base = self.backoff * 2 ** (attempt - 1)
        return float(base * (0.5 + self._conn().jitter.random()))  # full jitter around the base

    def _once(self, body: bytes, n: int, deadline: _Deadline = None) -> tuple[bytes, Any]:
        local = self._conn()
        local.throttle(deadline)
        t0 = time.perf_counter()
        with local.lock:
            self.stats.requests += 1
        try:
            r = read_answer(
                local.client,
                self.url,
                body=body,
                headers=self.headers,
                timeout=self.timeout,
                limit=answer_limit(n),
            )
        except httpx.TimeoutException as exc:
            self._no_answer()
            raise _Retry(
                f"no answer within {self.timeout:g} s (--timeout; {type(exc).__name__})"
            ) from None
        except AnswerTooSlow as exc:
            self._no_answer()
            raise _Retry(
                f"no whole answer within {self.timeout:g} s (--timeout): status {exc.status}, "
                f"{exc.received:,} bytes arrived, the rest still coming"
            ) from None
        except AnswerTooLarge as exc:
            raise ModelError(
                f"the endpoint {self.shown} answered more than {exc.limit / 2**20:,.0f} MB "
                f"(status {exc.status}) to {n:,} inputs, far more than an answer to them "
                f"takes; it was not read further. Body starts: {self._scrub(excerpt(exc.head))}"
            ) from None
        except httpx.HTTPError as exc:
            refused = tls_refusal(exc, self.shown)
            if refused is not None:  # (the next attempt would meet the same certificate)
                raise ModelError(refused) from None
            self._not_plain_to_tls(exc)
            self._no_answer()
            detail = self._scrub(str(exc)) or type(exc).__name__
            via = proxy_of(self.url)
            if isinstance(exc, httpx.ProxyError):  # (the proxy's answer: the same next time)
                raise ModelError(
                    f"the proxy the environment names for {self.shown} ({via or 'a proxy'}) "
                    f"refused the request: {detail}; give the proxy's credentials in that "
                    "variable's URL, or leave the endpoint's host out of it (NO_PROXY=host)"
                ) from None
            unreached = isinstance(exc, httpx.ConnectError)
            through = f" (through the proxy {via})" if via else ""
            raise _Retry(f"connection failed{through}: {detail}", refused=unreached) from None
        data = r.content
        latency = time.perf_counter() - t0
        status = r.status
        with local.lock:
            self.stats.latencies.append(latency)
            key = str(status)
            self.stats.status_counts[key] = self.stats.status_counts.get(key, 0) + 1
        if status == 429 or status >= 500:
            raise self._busy(r, status, data)
        self._refuse_redirect(r, self.url, "")
        if status != 200:
            if status == 400 and any(said in data[:2048] for said in HTTPS_ANSWERS):
                self._not_plain_to_tls(None)
            answer = ModelError(
                f"the endpoint {self.shown} answered status {status}; body starts: "
                f"{self._scrub(excerpt(data))}{self._refused_hint(status)}"
                f"{size_hint(status, data, n, len(body))}"
            )
            answer.status = status  # (``backdoor.filter``: a refusal says nothing of inputs)
            raise answer
        try:  # parsed once, here: the answer is read from this
            payload = json.loads(data)
        except ValueError:  # a cut or garbled body: worth another attempt
            page = html_page(status, r.headers, self.shown, self._scrub(excerpt(data)), data)
            if page is not None:  # (a login page, whole: the same page next time)
                raise ModelError(page) from None
            raise _Retry(f"unreadable JSON; body starts: {self._scrub(excerpt(data))}") from None
        return data, payload

    def _no_answer(self) -> None:
        with self._conn().lock:
            self.stats.unanswered += 1

    def _not_plain_to_tls(self, exc: Exception | None) -> None:
        """A ``UsageError`` at once (exit 2) when this http:// address's port speaks TLS
        (``http_tls.plain_to_tls``; the port is tried once per model)."""
        if getattr(self, "_tls_tried", False) and exc is not None:
            return
        self._tls_tried = True
        said = plain_to_tls(exc, self.url, self.shown, self.timeout)
        if said is not None:
            raise UsageError(said, argument="MODEL")

    def _refuse_redirect(self, r: Answer, url: str, asked: str) -> None:
        """A redirect (of the POST, or of ``asked``, a GET of readiness or metadata) is not
        followed: a ``ModelError`` saying where it points (a login page in front of the
        model is the usual one), its secrets masked."""
        target = redirect_target(r, url)
        if target is None:
            return
        where = f"to {redact(target)}" if target else "without saying where (no Location)"
        who = asked or f"the endpoint {self.shown}"  # (a GET's is prefixed by ``connect``)
        raise ModelError(
            f"{who} answered status {r.status}, a redirect {where}: "
            "assay does not follow redirects (a credential header would go along to the "
            "other address); give the address the model is served at as MODEL, and a login "
            "in front of it a credential with --header-env"
        )

    def _refused_hint(self, status: int) -> str:
        """What to add to a 401 or 403: which credential headers were sent (names only); to
        a 407, the proxy that asked for its own credentials."""
        if status == _PROXY_AUTH:
            via = proxy_of(self.url) or "none named by the environment: one in front of it"
            return (
                f"; a 407 is a proxy asking for its own credentials ({via}): give them in the "
                "proxy variable's URL (its user:password@ part), or leave the "
                "endpoint's host out of it (NO_PROXY=host)"
            )
        if status not in (401, 403):
            return ""
        sent = self.info["headers"]
        what = (
            f"the credential headers sent ({', '.join(sent)}) were refused"
            if sent
            else "no credential header was sent"
        )
        return (
            f"; {what}: give the endpoint's credential with --header-env "
            "'Authorization=ENV_VAR' (the value read from that variable, never shown)"
        )

    def _busy(self, r: Answer, status: int, data: bytes) -> Exception:
        """A 429 or 5xx: another attempt after the wait its ``Retry-After`` asks (429, 503);
        a wait longer than assay gives (``MAX_RETRY_AFTER``) stops the run at once as
        ``ModelUnavailable`` (resumable): the server is not taking requests now, and
        waiting a minute per attempt only ended in a call timeout calling the model hung."""
        wait = asked_wait(r)
        said = f"status {status}; body starts: {self._scrub(excerpt(data))}"
        if wait is not None and wait > MAX_RETRY_AFTER:
            return ModelUnavailable(
                f"the endpoint {self.shown} is not taking requests now: it answered {said}, "
                f"asking to retry after {wait:,.0f} s (Retry-After), longer than assay waits "
                f"({MAX_RETRY_AFTER:g} s); run again later (a stopped run: assay resume RUN_ID), "
                "or ask less of it (--rate-limit, --concurrency 1)"
            )
        # (a proxy's 502 is its model's server refusing it: ``http_streak.gone`` as a refused
        # connection; a 503 may be an overload or a restart that passes: ridden out)
        return _Retry(said, wait=wait, refused=status == BAD_GATEWAY and wait is None)

    def _scrub(self, text: str) -> str:
        return scrub(text, self._secrets)

    def __repr__(self) -> str:
        return f"HttpModel({self.shown!r}, protocol={self.codec.name!r})"


_PLAIN_HEADERS = ("Content-Type", "Accept")
_PROXY_AUTH = 407  # Proxy Authentication Required


class _Local:
    """What a model holds per process: the client, a thread pool, a lock, the rate limiter."""

    def __init__(self, model: HttpModel) -> None:
        self.lock = threading.RLock()
        try:
            self.client = httpx.Client(
                timeout=model.timeout,
                limits=httpx.Limits(
                    max_connections=model.concurrency, max_keepalive_connections=model.concurrency
                ),
                trust_env=not model._loopback,  # no proxy for loopback
                verify=tls_verify(),  # (SSL_CERT_FILE read for loopback too)
            )
        except (ImportError, ValueError) as exc:  # a proxy variable httpx cannot use
            raise UsageError(proxy_refused(exc), argument="MODEL") from None
        self.jitter = random.Random()  # timing only: never touches a finding
        self._pool: ThreadPoolExecutor | None = None
        self._concurrency = model.concurrency
        self._rate = model.rate_limit or 0.0
        self._interval = 1.0 / model.rate_limit if model.rate_limit else 0.0
        self._next = 0.0

    def pool(self) -> ThreadPoolExecutor:
        with self.lock:
            if self._pool is None:
                self._pool = ThreadPoolExecutor(self._concurrency, thread_name_prefix="assay-http")
            return self._pool

    def throttle(self, deadline: _Deadline = None) -> None:
        """Wait for this request's slot under ``--rate-limit``; a wait the call cannot
        outlive (``deadline``: ``core.calls.call_deadline``) is said at once (a limit of one
        request per 100 s under the 60 s --call-timeout failed the run as a model that
        "may be hung", the wait being assay's own)."""
        if not self._interval:
            return
        with self.lock:
            now = time.monotonic()
            slot = max(now, self._next)
            got = deadline() if deadline is not None and slot > now else None
            if got is not None and slot - now >= got[0]:
                raise UsageError(
                    f"a rate of {self._rate:g} requests a second (--rate-limit; on Dask, each "
                    f"worker's share of it) spaces requests {self._interval:,.1f} s apart, "
                    f"and the model call has {max(got[0], 0.0):,.1f} s left before "
                    f"--call-timeout ({got[1]:g} s) takes it to be hung: give a higher "
                    f"--rate-limit, or a --call-timeout above {math.ceil(2 * self._interval)} s",
                    argument="--rate-limit",
                )
            self._next = slot + self._interval
        if slot > now:
            time.sleep(slot - now)

    def close(self) -> None:
        if self._pool is not None:
            self._pool.shutdown(wait=True)
        self.client.close()
