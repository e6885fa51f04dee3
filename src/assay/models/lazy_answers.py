"""A model's answer that is not yet an answer: a coroutine (an ``async def`` model) or a
generator (a model that ``yield``s one answer per input).

Both read as one value of type object (``np.asarray`` of either is 0-d), so a text
classifier was told it was "a function of one sentence" and a tabular model that its answer
had "shape () and type object"; a coroutine never awaited printed Python's RuntimeWarning
too.  ``refuse_lazy`` names what was answered and the wrapper to write instead.
"""

from __future__ import annotations

import inspect
from typing import Any

from assay.errors import UsageError

__all__ = ["refuse_lazy"]


def refuse_lazy(answer: Any, what: str) -> None:
    """Refuse (``UsageError`` on MODEL) an ``answer`` that is a coroutine or a generator,
    naming ``what`` answered it ("the function clf.py:predict") and what to give instead."""
    if inspect.iscoroutine(answer):
        answer.close()  # (never awaited: Python would warn of it when it is collected)
        raise UsageError(
            f"{what} answered a coroutine (it is an `async def` function): assay calls a model "
            "and reads its answer, with no event loop of its own; give a function that "
            "answers, e.g. `lambda batch: asyncio.run(FUNCTION(batch))`",
            argument="MODEL",
        )
    if inspect.isgenerator(answer) or inspect.isasyncgen(answer):
        if inspect.isgenerator(answer):
            answer.close()
        raise UsageError(
            f"{what} answered a generator (it `yield`s its answers): assay reads one answer "
            "per input from a list or an array; give `lambda batch: list(FUNCTION(batch))`",
            argument="MODEL",
        )
