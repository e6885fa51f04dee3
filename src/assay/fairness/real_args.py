"""The API's number arguments given as something else: ``threshold="0.1"`` (a string, as a
config file or an environment variable gives it) failed deep in the run's checks with a bare
``TypeError: '<' not supported between instances of 'int' and 'str'``; ``True`` is no
number either (it compared as 1).  Refused here, naming the argument, before a run exists."""

from __future__ import annotations

import numbers
from typing import Any

from assay.errors import UsageError

__all__ = ["real_numbers"]


def real_numbers(**given: Any) -> None:
    """Refuse any of ``given`` (``argument=value``, each argument as the command line names
    it: ``--threshold``) that is neither None nor a real number (a bool or a string is not)."""
    for argument, value in given.items():
        if value is None:
            continue
        if isinstance(value, bool) or not isinstance(value, numbers.Real):
            flag = "--" + argument.replace("_", "-")
            raise UsageError(f"must be a number, not {value!r}", argument=flag)
