"""How many blocks of one kind run now in this process: a count entered and left."""

from __future__ import annotations

import threading
from types import TracebackType

__all__ = ["Count"]


class Count:
    """``with count:`` adds one while the block runs (blocks may nest, or run on several
    threads); ``bool(count)``: one or more runs now."""

    def __init__(self) -> None:
        self.n = 0
        self._lock = threading.Lock()

    def __enter__(self) -> None:
        with self._lock:
            self.n += 1

    def __exit__(
        self, kind: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        with self._lock:
            self.n -= 1

    def __bool__(self) -> bool:
        return self.n > 0
