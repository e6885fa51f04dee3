"""One exception tree for everything assay raises on purpose.

``AssayError`` is the root.  Every error names what is wrong and where (argument, file, line,
column), so that the CLI can print it as-is and exit with the right code.
"""

from __future__ import annotations

__all__ = [
    "AssayError",
    "BudgetExhausted",
    "ClusterError",
    "ModelError",
    "ModelUnavailable",
    "NotAStoreError",
    "StoreError",
    "UsageError",
]


class AssayError(Exception):
    """Root of every error assay raises on purpose.

    Its message is masked as the CLI prints it (``core.message_secrets.redact_message``: a
    URL's credentials, a value named as a credential, a token of a known shape, a credential
    variable's value): a model's error text quoting its key reaches an API caller, a log or
    a store masked whatever path built the message; and cut to 20,000 characters
    (``redact_cut``: a module raising a 50 MB message on import took minutes to mask, and
    went whole into the JUnit file)."""

    def __init__(self, *args: object) -> None:
        super().__init__(*(_masked(a) if isinstance(a, str) else a for a in args))


def _masked(text: str) -> str:
    # (imported here: ``core.redact`` imports this module)
    from assay.core.message_secrets import redact_cut

    return redact_cut(text, said=True)


class UsageError(AssayError):
    """A bad argument, file or value given by the user (CLI exit code 2)."""

    def __init__(
        self,
        message: str,
        *,
        argument: str | None = None,
        path: str | None = None,
        line: int | None = None,
        column: int | None = None,
    ) -> None:
        self.argument = argument
        self.path = path
        self.line = line
        self.column = column
        where = []
        if argument:
            where.append(f"argument {argument}")
        if path:
            loc = str(path)
            if line is not None:
                loc += f":{line}"
                if column is not None:
                    loc += f":{column}"
            where.append(loc)
        self.bare_message = _masked(message)
        said = message
        if argument and argument[0] != "-" and not path and said.startswith(f"{argument}: "):
            # (an API keyword naming an in-memory table as the table's own message does:
            # "argument data: data: column ..." said once)
            said = said[len(argument) + 2 :]
        super().__init__(f"{'; '.join(where)}: {said}" if where else message)


class ModelError(AssayError):
    """The model failed, or answered in the wrong shape, type or number of classes.

    Raised out of a run (its search, or the phases after it) or out of ``verify_run``, it
    names the run holding the findings: ``run_id``, the ``store`` holding it (an absolute
    path), the ``n_findings`` stored and ``run_status``, so that a Python caller is told
    which run keeps them and how to go on (``core.keywords``)."""

    run_id: str | None = None
    store: str | None = None
    n_findings: int = 0
    # how the run stands: "failed" (a resume continues its search), "unfinished" (its search
    # ended, a resume finishes it without a new one), "verified" (``verify_run`` replayed it:
    # the run is as it was, verified again once the model answers)
    run_status: str | None = None
    # a served model's answer of a status other than 200 (401, 404, ...): the status
    status: int | None = None


class ModelUnavailable(ModelError):
    """A served model failed too many requests (after their retries): the run stops cleanly,
    keeps what it found, and can be resumed once the model answers again."""


class BudgetExhausted(AssayError):
    """A query or time budget ran out; the run ends cleanly with what it found."""

    def __init__(self, message: str, *, reason: str = "queries") -> None:
        self.reason = reason
        super().__init__(message)


class StoreError(AssayError):
    """The run store cannot be opened, or does not hold what was asked for."""


class NotAStoreError(UsageError, StoreError):
    """A path given as the run store that plainly is not one and never was: a folder, a
    named pipe or a device, another program's SQLite database.  The user's mistake (CLI
    exit 2, naming ``--store``), where a store that fails (a full disk, a lock, a damaged
    or newer assay store) is exit 4; still a ``StoreError`` for code that catches those."""

    def __init__(self, message: str) -> None:
        super().__init__(message, argument="--store")


class ClusterError(AssayError):
    """The cluster a campaign's units run on failed them (its workers all gone, its scheduler
    lost, its units cancelled or late): the units that ended are kept, and a resume runs the
    others."""
