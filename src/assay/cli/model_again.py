"""What ``assay resume``'s printed lines add for a served model.

``model_again_here``: the resume of a run whose model URL held credentials, refused: its
command.
The loading code refuses such a resume with "give the URL again: assay resume RUN --model
URL", a command without the run's store: pasted after `assay resume RUN --store runs.db`,
it looked for the run in the default store ("no run RUN").  The command line's refusal
names the store it was given (a Python caller's is turned into the call:
``core.keywords``).

``smaller_batches``: a run stopped by a request refused for its size (a 413:
``models.http_hints.size_hint``) was told "continue with: assay resume RUN", which met the
413 again; the line now carries the smaller ``--batch-size`` the error advised.  So does a
local model's (a function's, a file's) failing on a batch that reads as too large (left50: its
line carried no ``--batch-size``, and failed the same way), and a resume's failing again at
the ``--batch-size`` it was given (half of that: left50b).
"""

from __future__ import annotations

import os
import re
import shlex

from assay.core.keywords import BATCH_HINT
from assay.core.runinfo import store_option
from assay.errors import UsageError
from assay.models.http_hints import smaller_size

__all__ = ["model_again_here", "smaller_batches"]


def model_again_here(exc: UsageError, store: str | os.PathLike[str] | None) -> UsageError:
    """``exc`` with its ``assay resume RUN --model URL`` naming ``store`` (the same error
    when it names no such command, or the store is the default)."""
    option = store_option(store) if store is not None else []
    said = exc.bare_message
    found = re.search(r"assay resume (\S+) --model URL", said)
    if not option or found is None:
        return exc
    line = f"assay resume {found[1]} {shlex.join(option)} --model URL"
    return UsageError(
        said[: found.start()] + line + said[found.end() :],
        argument=exc.argument,
        path=exc.path,
        line=exc.line,
        column=exc.column,
    )


def smaller_batches(message: str) -> str:
    """`` --batch-size N`` when ``message`` (a run's error) advised it (else ""): the size a
    served model's refusal advised, or, for a local model whose failure reads as a limit on
    its inputs a call (``models.checked.batch_hint``: "--batch-size N", N unsaid), the limit
    its words name, else half the batch it failed on (half the calls' size when the batch
    was sent in calls of a ``--batch-size`` given)."""
    found = re.search(
        r"a size the server refused: give a smaller --batch-size "
        r"\(below [\d,]+, e\.g\. --batch-size (\d+);",
        message,
    )
    if found:
        return f" --batch-size {found[1]}"
    local = re.search(r"^(.*) on a batch of (\d+) inputs; first input: ", message)
    if local is None or BATCH_HINT not in message:
        return ""
    # (a batch sent in calls no larger than a --batch-size already given: half of that)
    cut = re.search(r"this run's calls were of (\d+) inputs at most already", message)
    return f" --batch-size {smaller_size(local[1], int((cut or local)[1 if cut else 2]))}"
