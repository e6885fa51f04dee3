"""A served model's URL query (``?api_key=...``) kept out of its pickle.

A service's key in the URL's query is a credential as a header is, and a Dask run pickles
the model to every worker (a worker spilling its results to disk wrote the pickle there):
the key was in it twice (the URL, and the list of values to scrub from messages).  A
pickled ``HttpModel`` goes without it, as without its credential headers (``left34``):
``withheld_secrets`` hands it over beside them under ``QUERY``, a key no header can have
(a space), and ``give_secrets`` puts it back into the copy's URL on the worker.
"""

from __future__ import annotations

import copy
from typing import Any
from urllib.parse import urlsplit, urlunsplit

__all__ = ["QUERY", "codec_at", "query_of", "with_query"]

QUERY = " query"  # (beside the header names in the withheld credentials: never a header's)


def query_of(url: str) -> str:
    """The URL's query ("" for none)."""
    return urlsplit(url).query


def with_query(url: str, query: str) -> str:
    """``url`` with its query replaced by ``query`` ("" takes it away)."""
    return urlunsplit(urlsplit(url)._replace(query=query))


def codec_at(codec: Any, query: str) -> Any:
    """A shallow copy of ``codec`` whose URL has ``query`` (a codec without a ``url``: as
    it is)."""
    url = getattr(codec, "url", None)
    if not isinstance(url, str):
        return codec
    moved = copy.copy(codec)
    moved.url = with_query(url, query)
    return moved
