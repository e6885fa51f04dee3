"""Credentials a message carries outside any URL are masked before it is stored or printed.

A model's own error (an SDK's "401: invalid api key sk_live_...", a wrapper echoing the key it
holds, a client quoting the ``ACME_API_KEY`` it read) is free text: ``redact_text`` masks the
URLs in it, and ``redact_message`` also masks

- a value named as a credential (``api_key=V``, ``token: V``, ``Authorization: Bearer V``)
  when it holds letters and digits, 8 characters or more, and after a space alone
  (``invalid key V``) when it also mixes cases or is 24 or more (so ``KeyError: 'age'`` and
  ``no key 'credit_amount2'`` stay as they are);
- a token of a known shape wherever it stands (``sk-...``, ``sk_live_...``, ``ghp_...``,
  ``github_pat_...``, ``xoxb-...``, ``hf_...``, ``AKIA...``, a JWT);
- the value of every environment variable whose name says it is a credential
  (``OPENAI_API_KEY``, ``HF_TOKEN``, ``DB_PASSWORD``), 8 characters or more, wherever it stands.

``object_secrets`` lists the credential-named string attributes of a Python model object (and
of the objects it holds: a client's ``api_key``), for its errors to be scrubbed of them.

A word beside a ``/`` is a file path's (a model under a folder named like a token) and stays.
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from functools import partial
from types import FunctionType, MethodType, ModuleType
from typing import Any

from assay.core.redact import MASK, redact_text, scrub
from assay.errors import AssayError, UsageError

__all__ = [
    "callable_parts",
    "environment_secrets",
    "object_secrets",
    "redact_cut",
    "redact_message",
    "secrets_masked",
    "text_start",
]

_NAME = (
    r"(?:[A-Za-z_\-]*(?:api[_\-]?key|apikey|token|secret|passw(?:or)?d|pwd|credential"
    r"|auth(?:orization)?|bearer|cookie|session|signature|private[_\-]?key)[A-Za-z_\-]*"
    r"|key)"
)
# the name, then ``=``, ``:``, a space or quotes, an optional auth scheme, then the value
_NAMED = re.compile(
    rf"(?<![A-Za-z0-9])({_NAME})(['\"]?\s*[:=]?\s*['\"]?(?:(?:Bearer|Basic|Token)\s+)?)"
    r"([A-Za-z0-9_\-.+/=~]{8,})",
    re.IGNORECASE,
)
_KNOWN = re.compile(
    r"(?<![A-Za-z0-9_\-/])(?:"
    r"sk-[A-Za-z0-9_\-]{12,}|[sr]k_(?:live|test)_[A-Za-z0-9]{8,}|gh[pousr]_[A-Za-z0-9]{20,}"
    r"|github_pat_[A-Za-z0-9_]{20,}|xox[abprs]-[A-Za-z0-9\-]{10,}|hf_[A-Za-z0-9]{20,}"
    r"|A[KS]IA[0-9A-Z]{16}|eyJ[A-Za-z0-9_\-]{8,}\.eyJ[A-Za-z0-9_\-]{8,}\.[A-Za-z0-9_\-]*"
    r")(?![A-Za-z0-9_\-/])"
)
_ENV_NAME = re.compile(r"key|token|secret|passw|credential|auth|cookie|session", re.IGNORECASE)
_NOT_SECRET_ENV = {"PWD", "OLDPWD", "SSH_AUTH_SOCK", "XAUTHORITY", "SESSION_MANAGER"}
_MIN_ENV = 8
_LONG_SAID = 24


_named_env: tuple[tuple[str, ...], tuple[str, ...]] = ((), ())


def _credential_names() -> tuple[str, ...]:
    """The environment's credential-like variable names, found again only when the names
    change (every ``AssayError`` masks its message: a scan of every name was ~0.1 ms)."""
    global _named_env
    names = tuple(os.environ)
    if names != _named_env[0]:
        found = tuple(n for n in names if n not in _NOT_SECRET_ENV and _ENV_NAME.search(n))
        _named_env = (names, found)
    return _named_env[1]


def environment_secrets() -> list[str]:
    """The values of the environment's credential-like variables (not paths), longest first."""
    found = {
        value
        for value in (os.environ.get(name, "") for name in _credential_names())
        if len(value) >= _MIN_ENV and not value.startswith(("/", "~"))
    }
    return sorted(found, key=lambda v: (-len(v), v))


_MIN_ATTRIBUTE = 4  # an attribute's value is known exactly: a short one is masked too
_DEPTH = 2  # the model, and the objects it holds (``self.client.api_key``)
# a tokenizer's special tokens (``pad_token = "[PAD]"``) are words of its vocabulary
_SPECIAL = re.compile(r"_*(pad|unk|eos|bos|sep|cls|mask|additional_special)_token")


def object_secrets(obj: Any) -> list[str]:
    """The string values of ``obj``'s credential-named attributes (``api_key``, ``token``,
    ``password``: its own and its class's), and of the objects it holds, two levels down;
    longest first.  Read from ``__dict__`` only: no property is run.  A callable is read
    for what its code holds (``callable_parts``): a bound method's object
    (``check_fairness(client.predict, ...)``), a partial's function, arguments and
    keywords, a function's closure by its variables' names and its module's
    credential-named strings (``API_KEY = "..."``)."""
    found: set[str] = set()
    seen: set[int] = set()

    def take(name: str | None, value: Any, depth: int) -> None:
        if isinstance(value, str):
            named = name is not None and _ENV_NAME.search(name) and not _SPECIAL.match(name)
            if named and len(value) >= _MIN_ATTRIBUTE:
                found.add(value)
        elif not isinstance(value, ModuleType):
            walk(value, depth)

    def walk(o: Any, depth: int) -> None:
        if id(o) in seen or depth > _DEPTH or isinstance(o, str | bytes | int | float):
            return
        seen.add(id(o))
        for name, value, deeper in callable_parts(o):
            take(name, value, depth + deeper)
        for owner in (o, type(o)):
            own = getattr(owner, "__dict__", None)
            if not isinstance(own, Mapping):
                continue
            for name, value in list(own.items())[:200]:
                if isinstance(value, str):
                    take(str(name), value, depth)
                elif owner is o and not callable(value):
                    walk(value, depth + 1)

    walk(obj, 0)
    return sorted(found, key=lambda v: (-len(v), v))


def callable_parts(o: Any) -> Iterator[tuple[str | None, Any, int]]:
    """What a callable's code reads, as ``(name or None, value, 0 at the callable's own
    level or 1 below it)``: a bound method's object and function, a partial's function,
    arguments and keywords, a function's closure cells (named by their variables) and the
    strings of its module's globals.  Nothing for any other object."""
    if isinstance(o, MethodType):
        yield None, o.__self__, 0
        yield None, o.__func__, 0
    elif isinstance(o, partial):
        yield None, o.func, 0
        yield from ((None, a, 1) for a in o.args)
        yield from ((str(k), v, 1) for k, v in o.keywords.items())
    elif isinstance(o, FunctionType):
        for name, cell in zip(o.__code__.co_freevars, o.__closure__ or (), strict=False):
            try:
                yield name, cell.cell_contents, 1
            except ValueError:  # (a cell not filled yet)
                continue
        # (a module's other globals, its imports and classes, are not its credentials)
        yield from ((str(k), v, 1) for k, v in o.__globals__.items() if isinstance(v, str))


_VARIABLE = re.compile(r"[A-Z][A-Z0-9_]*")


def _value_is_secret(value: str) -> bool:
    """Letters and digits both, not a path (``key /models/v2``), nor a variable's name
    (``--header-env Authorization=API_TOKEN_2`` names where the secret is)."""
    return (
        not value.startswith("/")
        and not _VARIABLE.fullmatch(value)
        and any(c.isdigit() for c in value)
        and any(c.isalpha() for c in value)
    )


def _named(m: re.Match[str]) -> str:
    name, between, value = m.group(1), m.group(2), m.group(3)
    assigned = ":" in between or "=" in between
    # after a space alone, a word (``no key 'credit_amount2'`` names a column) unless it
    # mixes cases (``key sk-live-Q7wPz9Xr``) or is long (``key 5f4dcc3b...``)
    said = (value.lower() != value and value.upper() != value) or len(value) >= _LONG_SAID
    if _value_is_secret(value) and (assigned or said):
        return f"{name}{between}{MASK}"
    return m.group(0)


def redact_message(text: str) -> str:
    """``text`` (a message: an error, a log line) with its URLs redacted (``redact_text``) and
    the credentials it carries elsewhere masked (see the module's docstring)."""
    text = scrub(redact_text(text), environment_secrets())
    return _KNOWN.sub(_known, _NAMED.sub(_named, text))


# a message longer than this is cut (a terminal line is cut there too: ``core.terminal``)
MESSAGE_MOST = 20_000
# a text this much longer than it is to be shown is cut before it is masked
_MARGIN = 4096
_LAST_WORD = re.compile(r"\S+\Z")


def text_start(text: str, n: int) -> str:
    """The first ``n`` characters of ``text``, without the word the cut fell in (a key cut
    in two is no longer one the masking's patterns see); ``text`` itself when not longer."""
    if len(text) <= n:
        return text
    head = text[:n]
    word = _LAST_WORD.search(head)
    return head if word is None or len(word.group()) >= _MARGIN else head[: word.start()]


def redact_cut(text: str, limit: int = MESSAGE_MOST, *, said: bool = False) -> str:
    """``text`` masked (``redact_message``) and cut to ``limit`` characters, ``...`` ending
    it (``said``: and how long it was).  A text far longer is cut before it is masked
    (``text_start``): a model's 50 MB error took 7-27 s of CPU to mask whole (once per
    ``AssayError`` holding it) for its first 300 characters to be shown, and a module's
    50 MB import error went whole into the JUnit file."""
    head = text_start(text, limit + _MARGIN)
    out = redact_message(head)
    if len(out) <= limit and head is text:
        return out
    return out[: limit - 3] + "..." + (f" ({len(text):,} characters in all)" if said else "")


def _known(m: re.Match[str]) -> str:
    """A token of a known shape masked; ``sk-`` and ``hf_`` only with the mixed cases of a
    key (and ``sk-`` a digit: ``sk-learn-pipeline-v2.skops``, ``hf_sentimentmodel_large``
    are files' names)."""
    token = m.group(0)
    mixed = token.lower() != token and token[3:].upper() != token[3:]
    if token.startswith("sk-") and not (mixed and any(c.isdigit() for c in token)):
        return token
    if token.startswith("hf_") and not mixed:
        return token
    return MASK


@contextmanager
def secrets_masked(hidden: Sequence[str]) -> Iterator[None]:
    """An ``AssayError`` raised inside goes on with ``hidden`` (a model object's credentials,
    ``object_secrets``) scrubbed from its message: its loading probe's error, raised before
    the checked model that scrubs its later errors exists."""
    try:
        yield
    except AssayError as exc:
        if hidden:
            exc.args = tuple(scrub(a, list(hidden)) if isinstance(a, str) else a for a in exc.args)
            if isinstance(exc, UsageError):
                exc.bare_message = scrub(exc.bare_message, list(hidden))
        raise
