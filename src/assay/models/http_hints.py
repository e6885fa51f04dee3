"""What to add to a served model's refusal that the user can fix with an option.

- ``size_hint``: a 413 (a proxy's ``client_max_body_size``, a gateway's payload limit), or a
  4xx whose body reads as a limit on the batch ("batch size 68 exceeds the maximum of
  64"), refuses the request's size, not the model: the run failed as "answered status
  413" with the option that makes requests smaller (``--batch-size``) unsaid, and the
  loading probe's two inputs had passed, so it failed mid-run.
- ``envelope_hint``: an answer with no field where the protocol reads its outputs
  (``{"predictions": [...]}`` to assay's generic endpoint, which reads ``outputs``) said
  only "wrong form ('outputs')": now the keys it has and how to read one of them.
"""

from __future__ import annotations

import re
from typing import Any

__all__ = ["envelope_hint", "size_hint", "smaller_size"]

# (a body's words that name a limit on the request's size or its number of inputs)
_SIZE_WORDS = (
    "too large",
    "too big",
    "too long",
    "too many",
    "batch",
    "payload",
    "exceed",
    "at most",
    "maximum",
    "max_",
    "limit",
)


def size_hint(status: int, body: bytes, n: int, sent: int) -> str:
    """The advice for a refusal of status ``status`` (body ``body``) of a request of ``n``
    inputs in ``sent`` bytes: "" unless it reads as a size limit."""
    if n < 2 or not 400 <= status < 500 or status in (401, 403, 404, 429):
        return ""
    text = body[:4096].decode("utf-8", "replace").lower()
    if status != 413 and not any(word in text for word in _SIZE_WORDS):
        return ""
    size = smaller_size(text, n)
    return (
        f"; the request held {n:,} inputs ({sent:,} bytes), a size the server refused: "
        f"give a smaller --batch-size (below {n:,}, e.g. --batch-size {size}; a "
        f"stopped run: assay resume RUN_ID --batch-size {size})"
    )


def smaller_size(text: str, n: int) -> int:
    """The batch size to advise after a call of ``n`` inputs refused for its size, ``text``
    its words: the limit they name (below ``n``), else half of ``n``."""
    return _named_limit(text.lower(), n) or max(n // 2, 1)


# a number followed by a unit counts no inputs ("120 KB > 100 KB", "a limit of 1 MB", "at most
# 512 tokens"): never read as a batch size (left52); nor a digit of a longer number
_COUNT = r"(\d+)(?![\d.])(?!\s*(?:[kmgt]i?b|bytes?|b\b|ms\b|s\b|sec|seconds?|%|tokens?|char|px))"
_LIMIT = re.compile(
    r"(?:at most|maximum(?: of)?|limit(?: of| is)?"
    r"|max(?:imum)?[ _]?(?:batch)?(?:[ _]size)?(?: is| of)?[\"':= ]*)\s*" + _COUNT
)
# ("batch of 44 > 40", "len(x)=44 > 40": the size given, then the limit it passed)
_OVER = re.compile(_COUNT + r"\s*>\s*" + _COUNT)


def _named_limit(text: str, n: int) -> int | None:
    """The number of inputs a refusal's body names as its limit ("at most 4 inputs a
    request", "maximum of 64", "max_batch_size: 8", "batch of 44 > 40"), when below the
    request's ``n``: an LLM service taking a handful of sentences a request was advised half
    the batch, over and over (64, 32, 16, 8 before its 4; llm45t), and a function raising
    "batch of 44 > 40" half its 44 (left51).  None when it names none."""
    over = [int(b) for a, b in _OVER.findall(text) if int(a) > int(b)]
    found = [m for m in [*map(int, _LIMIT.findall(text)), *over] if 0 < m < n]
    return min(found) if found else None


def envelope_hint(exc: BaseException, payload: Any, protocol: str) -> str:
    """The advice for an answer of ``protocol`` missing the field its outputs are read
    from (``exc``: the decoder's ``KeyError``): "" for any other failure."""
    if not isinstance(exc, KeyError) or not isinstance(payload, dict):
        return ""
    keys = [str(k) for k in payload][:8]
    if not keys:
        return ""
    lists = [str(k) for k, v in payload.items() if isinstance(v, list)]
    pick = lists[0] if lists else keys[0]
    return (
        f"; the answer has no {exc.args[0]!r} (its fields: {', '.join(keys)}): it is not "
        f"the {protocol} protocol's answer; the protocol is read from the URL (docs/"
        "serving.md, Protocols: --model-type), and for another service a --template FILE "
        f"names where its outputs are (outputs: {pick})"
    )
