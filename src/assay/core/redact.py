"""Credentials never leave memory: URLs are redacted wherever a model spec is shown or stored.

A URL's user information (``user:password@``) and every value of its query (a service
names its token as it likes: ``?tok=...`` of letters only read as any other value; the
names stay) become ``***``, and so does a path segment holding a token (16 letters and
digits or more in a row, with both).  ``hidden_values`` and ``header_secrets`` list what must
never appear in a message either (a server's error page may echo the request), and ``scrub``
masks them in a text.  ``redact_text`` redacts every URL inside a text (a command line, an
error message); ``redact_json`` to every string inside JSON data.
"""

from __future__ import annotations

import base64
import re
from typing import Any
from urllib.parse import parse_qsl, quote, quote_plus, unquote, urlsplit, urlunsplit

from assay.errors import UsageError

__all__ = [
    "MASK",
    "GivenAgain",
    "env_name_like",
    "header_secrets",
    "hidden_values",
    "is_redacted",
    "masked_url_refused",
    "redact_json",
    "redact_text",
    "redact_url",
    "scrub",
    "specs_given_again",
]

MASK = "***"

_URL = re.compile(r"[A-Za-z][A-Za-z0-9+.\-]*://[^\s'\"<>`]+")
_SECRET_NAME = re.compile(
    r"(key|token|secret|pass(word|wd)?|pwd|sig(nature)?|auth|credential|session|jwt|bearer"
    r"|cookie|private|access)",
    re.IGNORECASE,
)


def _is_secret(name: str) -> bool:
    return bool(_SECRET_NAME.search(name))


# a run of 16 letters and digits or more, with both (a webhook's or a signed link's token in
# the path: /services/T0/B0/<token>); names, versions, dates and UUIDs split into shorter runs
_TOKEN_RUN = re.compile(r"[A-Za-z0-9]{16,}")


def _token_like(segment: str) -> bool:
    return any(
        any(c.isdigit() for c in run) and any(c.isalpha() for c in run)
        for run in _TOKEN_RUN.findall(segment)
    )


# an environment variable's name as ``--header-env HEADER=NAME`` takes it
_ENV_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")


def env_name_like(text: str) -> bool:
    """Whether ``text`` reads as an environment variable's name (``SCORING_TOKEN``), not as a
    credential typed in its place (``Bearer eyJ...``, ``sk-live-...``, a key of 16 letters and
    digits or more mixed, not in capitals): ``--header-env 'Authorization=Bearer KEY'`` was
    echoed whole ("the environment variable Bearer KEY ... is not set") on the terminal, in
    the JUnit file and in its command."""
    if not _ENV_NAME.fullmatch(text) or len(text) > 64:
        return False
    return text.isupper() or not _token_like(text)


# ``--header-env SPEC`` in a command line (quoted as a shell quotes it, or bare)
_HEADER_ENV = re.compile(r"(--header-env(?:=|\s+))(?:'([^']*)'|\"([^\"]*)\"|([^\s'\"]+))")


_HEADER_NAME = re.compile(r"[A-Za-z0-9_-]*")


def _header_specs_masked(text: str) -> str:
    """``text`` with the value of every ``--header-env HEADER=VALUE`` that is no variable's
    name (``env_name_like``: a credential typed where the name goes) masked."""

    def one(m: re.Match[str]) -> str:
        spec = next(g for g in m.groups()[1:] if g is not None)
        header, eq, var = spec.partition("=")
        if not eq:  # (``Authorization: Bearer KEY``: refused, never shown; a lone name stays)
            return m.group(0) if _HEADER_NAME.fullmatch(spec) else f"{m.group(1)}'{MASK}'"
        if env_name_like(var.strip()):
            return m.group(0)
        return f"{m.group(1)}'{header}={MASK}'"

    return _HEADER_ENV.sub(one, text)


def _redact_path(path: str) -> str:
    """``path`` with every segment that holds a token-like run masked."""
    if not _TOKEN_RUN.search(path):
        return path
    return "/".join(MASK if _token_like(seg) else seg for seg in path.split("/"))


def redact_url(url: str) -> str:
    """``url`` with its password (or lone user token), its query's values (every one: a
    token's name is the service's to choose) and token-like path segments masked."""
    try:
        parts = urlsplit(url)
        host = parts.hostname
    except ValueError:  # not parseable as a URL: mask everything after the scheme
        scheme, _, _ = url.partition("://")
        return f"{scheme}://{MASK}"
    netloc = parts.netloc
    if "@" in netloc:
        userinfo, _, hostport = netloc.rpartition("@")
        user, sep, _password = userinfo.partition(":")
        netloc = f"{user}:{MASK}@{hostport}" if sep else f"{MASK}@{hostport}"
    del host
    query = parts.query
    if query and query != MASK:  # ``?***``: a query masked whole already stays as it is
        pairs = parse_qsl(query, keep_blank_values=True)
        if pairs:
            # every value: a token under a name of the service's own (``?tok=...``, letters
            # only) reads as any other value; the names stay, to say what the URL is
            query = "&".join(f"{quote(k, safe='')}={MASK if v else ''}" for k, v in pairs)
        elif "=" not in query and len(query) >= 16:
            query = MASK  # a bare token as the whole query
    fragment = parts.fragment
    if fragment and ("=" in fragment or len(fragment) >= 16):
        fragment = MASK  # e.g. #access_token=... (implicit OAuth flows)
    return urlunsplit((parts.scheme, netloc, _redact_path(parts.path), query, fragment))


# a query value this long is scrubbed out of a server's messages whatever its name (every
# value is masked in the URL itself; a short one, ``format=json``, would mask every "json")
_LONG_VALUE = 16

# a secret shorter than this is not scrubbed out of free text: it would mask every word that
# holds it (the URL itself is still masked whole, by ``redact_url``)
_MIN_SCRUBBED = 4


def _with_encodings(values: list[str]) -> list[str]:
    """``values`` and their URL-encoded forms, long enough to scrub, longest first."""
    given = {v for v in values if len(v) >= _MIN_SCRUBBED}
    out = given | {quote(v, safe="") for v in given} | {quote_plus(v, safe="") for v in given}
    return sorted(out, key=lambda v: (-len(v), v))


def hidden_values(url: str) -> list[str]:
    """The values ``redact_url`` masks in ``url`` (its password, or a lone user token; the
    values of credential-like query parameters; token-like path segments), as given and
    URL-encoded: what a server's error page must not carry into a message when it echoes
    the request (``/predict?api_key=...``, "invalid key ...")."""
    try:
        parts = urlsplit(url)
        user, password = parts.username, parts.password
    except ValueError:
        return []
    found: list[str] = []
    if password is not None:
        found += [password, unquote(password)]
    elif user is not None:
        found += [user, unquote(user)]
    for name, value in parse_qsl(parts.query, keep_blank_values=True):
        if _is_secret(name) or _token_like(value) or len(value) >= _LONG_VALUE:
            found.append(value)
    found += [seg for seg in parts.path.split("/") if _token_like(seg)]
    if parts.fragment and ("=" in parts.fragment or len(parts.fragment) >= 16):
        found += [v for _, v in parse_qsl(parts.fragment)] or [parts.fragment]
    return _with_encodings(found)


def header_secrets(value: str) -> list[str]:
    """The parts of an authorisation-like header's value to scrub from any text: the value,
    its credential without the scheme (``Bearer TOKEN``: TOKEN), for Basic the decoded
    ``user:password`` and the password, and a cookie's credential values (``session=V``: V)
    (a server's 401 page may echo any of them)."""
    value = value.strip()
    found = [value]
    # a cookie's pairs (``Cookie: session=V; theme=dark``): the values of credential-like
    # names, token-like or long ones (a server echoing ``session=V`` alone kept V before)
    for part in value.split(";"):
        name, eq, pair_value = part.strip().partition("=")
        if eq and (_is_secret(name) or _token_like(pair_value) or len(pair_value) >= _LONG_VALUE):
            found.append(pair_value)
    scheme, _, credential = value.partition(" ")
    credential = credential.strip()
    if credential:
        found.append(credential)
        if scheme.lower() == "basic":
            try:
                decoded = base64.b64decode(credential, validate=True).decode("utf-8")
            except (ValueError, UnicodeDecodeError):
                decoded = ""
            if decoded:
                found += [decoded, decoded.partition(":")[2]]
    out = _with_encodings(found)
    return out if value in out or not value else [value, *out]  # the whole value, however short


def scrub(text: str, secrets: list[str]) -> str:
    """``text`` with every one of ``secrets`` (longest first) replaced by the mask."""
    for secret in secrets:
        if secret in text:
            text = text.replace(secret, MASK)
    return text


# a network URL given where a file was expected, as a path prints it: ``Path`` folds its
# ``//`` into one (``http:/alice:PASSWORD@host/data.csv``: "no such file" quoted it whole)
_FOLDED_URL = re.compile(r"(?<![A-Za-z0-9+.\-])(?:https?|ftps?|wss?|s3|gs|hdfs):/(?!/)[^\s'\"<>`]+")


def redact_text(text: str) -> str:
    """``text`` with every URL in it redacted (see ``redact_url``), also a network URL whose
    ``//`` a file path folded into one.  Punctuation ending a URL (``the endpoint URL?***:
    ...``, ``(at URL).``) is the sentence's, not the URL's: read as part of its query it was
    re-encoded (``?%2A%2A%2A%3A=``).  A ``--header-env`` whose value is a credential typed
    where a variable's name goes is masked too (``_header_specs_masked``)."""
    if "--header-env" in text:
        text = _header_specs_masked(text)
    if ":/" not in text:
        return text

    def one(m: re.Match[str]) -> str:
        url = m.group(0)
        kept = url.rstrip(_SENTENCE_END)
        return redact_url(kept) + url[len(kept) :]

    def folded(m: re.Match[str]) -> str:
        url = m.group(0)
        kept = url.rstrip(_SENTENCE_END)
        scheme, _, rest = kept.partition(":/")
        shown = redact_url(f"{scheme}://{rest}")
        return shown.replace("://", ":/", 1) + url[len(kept) :]

    return _FOLDED_URL.sub(folded, _URL.sub(one, text))


_SENTENCE_END = ".,;:!)]}"


def masked_url_refused(url: str, *, argument: str = "MODEL") -> None:
    """Refuse a URL that holds the mask where assay printed it in place of a secret (a
    password, a query value, a token in the path): a "to reproduce" line pasted as printed
    sent ``?api_key=***`` to the server, whose 401 was then read as a missing credential
    header, and an endpoint taking its key as optional ran on without it."""
    try:
        parts = urlsplit(url)
        user, password = parts.username, parts.password
    except ValueError:
        return
    where = [
        *(["its password"] if MASK in (password, user) else []),
        *(
            ["its query"]
            if parts.query == MASK
            or any(v == MASK for _, v in parse_qsl(parts.query, keep_blank_values=True))
            else []
        ),
        *(["its path"] if MASK in parts.path.split("/") else []),
    ]
    if where:
        raise UsageError(
            f"{redact_url(url)} holds {MASK} in {' and '.join(where)}: that is the mask assay "
            'prints in place of a secret (a "to reproduce" or resume line), not the secret; '
            'give the URL with its real values (from the variable that holds it: "$MODEL_URL"), '
            "which assay never prints or stores",
            argument=argument,
        )


def redact_json(value: Any) -> Any:
    """A copy of JSON-like data with every string redacted (``redact_text``)."""
    if isinstance(value, str):
        return redact_text(value)
    if isinstance(value, dict):
        return {k: redact_json(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [redact_json(v) for v in value]
    return value


def is_redacted(text: str) -> bool:
    """Whether ``text`` holds a URL whose credentials were masked (by ``redact_text``)."""
    return any(MASK in m.group(0) for m in _URL.finditer(text))


class GivenAgain(tuple[str, ...]):
    """Model URLs given again on the command line (``assay resume RUN --model URL --model
    URL2``): each takes the place of the stored spec it is."""


def specs_given_again(stored: list[Any], given: Any, *, run_id: str) -> list[Any]:
    """The model specs a resumed run calls: the stored ones, with ``given`` (``assay resume
    RUN --model URL``, a string, or ``GivenAgain`` of several) in place of the stored spec
    each is (its credentials masked when stored).  A URL whose credentials were masked cannot
    be called: it must be given again.  ``given`` other than strings (the API: the models
    themselves) replaces them all."""
    if isinstance(given, GivenAgain):
        urls = list(given)
    elif given is None or isinstance(given, str):
        urls = [] if given is None else [given]
    else:
        return list(given) if isinstance(given, list | tuple) else [given]
    masked = [s for s in stored if isinstance(s, str) and is_redacted(s)]
    if not urls:
        if masked:
            raise UsageError(
                f"run {run_id}'s model URL ({masked[0]}) held credentials or query values, "
                f"which assay never stores; give the URL again: assay resume {run_id} --model URL",
                argument="--model",
            )
        return list(stored)
    if len(stored) == 1 and not masked and len(urls) == 1:
        return [urls[0]]  # the run's one model, from where it is now
    out = list(stored)
    for url in urls:
        shown = redact_text(url)
        if shown not in stored:
            raise UsageError(
                f"{shown} is not "
                + (f"the run's model ({stored[0]})" if len(stored) == 1 else "one of the run's ")
                + ("" if len(stored) == 1 else f"models ({', '.join(map(str, stored))})"),
                argument="--model",
            )
        out = [url if s == shown else s for s in out]
    left = [s for s in out if isinstance(s, str) and is_redacted(s)]
    if left:
        raise UsageError(
            f"run {run_id}'s model URL {left[0]} held credentials too; give it again as well "
            f"(--model once per URL: assay resume {run_id} --model URL --model URL)",
            argument="--model",
        )
    return out
