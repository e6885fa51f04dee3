"""The commands about a stored run as they paste: its resume line, and messages' placeholders
for the run (``assay resume RUN_ID``, ``assay report RUN``) filled with its id and store.

Messages made where the run is not known (deep in ``models``, a stored reason) name it by a
placeholder; the terminal (``cli.run_placeholders``) and the report builder
(``report.document``), which know the run, fill them with ``filled_for``.
"""

from __future__ import annotations

import os
import re
import shlex
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any

from assay.core.named_code import unnamed
from assay.core.redact import is_redacted, redact_text
from assay.core.runinfo import imported_so
from assay.core.shell_bytes import for_terminal
from assay.core.terminal import shell_join, shell_word

__all__ = [
    "anywhere",
    "filled_for",
    "filled_in",
    "resume_command",
    "run_line",
    "stored_reports",
]

VERBS = "resume|show|report|verify"
PLACEHOLDER = re.compile(rf"\bassay ({VERBS}) (?:RUN_ID|RUN)(?![\w-])")
_REPORTS = ("--html", "--junit", "--report")


def anywhere(path: str | os.PathLike[str]) -> str:
    """``path`` as a printed command gives it, to work pasted in any directory (absolute;
    symbolic links kept as given)."""
    return Path(os.path.abspath(path)).as_posix()


def stored_reports(config: Mapping[str, Any]) -> dict[str, str]:
    """The reports a run's command (or its last resume) was asked to write, as
    ``record_reports`` kept them ({} for a run stored before they were kept)."""
    kept = config.get("reports")
    if not isinstance(kept, Mapping):
        return {}
    return {str(k): str(v) for k, v in kept.items() if k in _REPORTS and isinstance(v, str)}


def resume_command(
    run_id: str,
    store: str | os.PathLike[str],
    command: str,
    reports: Mapping[str, str | os.PathLike[str] | None] | None = None,
    config: Mapping[str, Any] | None = None,
) -> str:
    """The command that continues a run, as it can be pasted (quoted): with the reports the
    run was asked to write (``reports``: option -> path, e.g. ``{"--junit": ...}``), so that a
    CI job resumed from it writes them too (with ``config``, the run's, also those it keeps,
    ``record_reports``); with ``--model URL`` when the run's model URL held
    credentials (never stored: they must be given again), with ``--allow-pickle`` when the
    run was allowed to load a pickle (asked again), and with ``--model SPEC`` for model code
    this account's record does not hold (``named_code.unnamed``: refused otherwise).  Its
    paths are absolute: the line works pasted in any directory (the run keeps its model's and
    data's paths absolute).  A text run of classifiers given as Python objects is continued
    from Python: that call."""
    objects = ((config or {}).get("invocation") or {}).get("models") or []
    if any(m is None for m in objects):  # (no command line can give objects again)
        return f"assay.resume_run({run_id!r}, store={str(anywhere(store))!r}, model=[...])"
    given = {k: v for k, v in (reports or {}).items() if v}
    # (``config``: the run's, whose kept reports a command given none of them repeats)
    every = {**stored_reports(config or {}), **given}
    asked = [part for flag, path in every.items() for part in (flag, anywhere(path))]
    try:
        words = shlex.split(command)
    except ValueError:
        words = command.split()
    for flag in ("--export",):  # what the run was asked to write to act on: written again
        if flag in words[:-1] and flag not in asked:
            # (where a resume's --export moved a fairness file a kill left unwritten: there)
            where = (config or {}).get("export_file") or words[words.index(flag) + 1]
            asked += [flag, anywhere(Path(where))]
    line = shell_join(["assay", "resume", run_id, "--store", anywhere(store), *asked])
    if is_redacted(redact_text(command)):
        line += " --model URL"
    line = f"{line} --allow-pickle" if "--allow-pickle" in words else line
    # its model code, when this account's record of the code it named does not hold it (a
    # home that could not be written, a CI job's fresh one): refused unless named again
    for spec in unnamed(config):
        line += f" --model {shell_word(spec)}"
    # (a model imported through PYTHONPATH: a fresh shell's resume imports it so too)
    return for_terminal(imported_so(config, line))


def run_line(verb: str, run_id: str, store: str | os.PathLike[str]) -> str:
    """``assay VERB ID --store PATH`` as it pastes."""
    return for_terminal(shell_join(["assay", verb, run_id, "--store", anywhere(store)]))


def filled_for(
    message: str,
    run_id: str,
    store: str | os.PathLike[str],
    resume: Callable[[], str | None] | None = None,
) -> str:
    """``message`` with each ``assay VERB RUN_ID`` (or ``RUN``) in it the command for run
    ``run_id`` of ``store`` (a resume: ``resume()``, the run's resume line, where it gives
    one), and each command naming the run's id without its store given the store."""
    if "assay " not in message:
        return message

    def line(verb: str) -> str:
        said = resume() if verb == "resume" and resume is not None else None
        return said or run_line(verb, run_id, store)

    message = PLACEHOLDER.sub(lambda m: line(m[1]), message)
    # the run named by its id, without its store (``assay verify ID`` in a served model's
    # advice, ``assay report ID`` beside a refused resume): the store added
    named = re.compile(rf"\bassay ({VERBS}) {re.escape(run_id)}(?![\w-])([^;()]*)")

    def with_store(m: re.Match[str]) -> str:
        if "--store" in m[2]:
            return m[0]
        head = m[0][: len(m[0]) - len(m[2])]
        return f"{head} --store {shell_word(anywhere(store))}{m[2]}"

    return named.sub(with_store, message)


def filled_in(
    value: Any,
    fill: Callable[[str], str],
    kept: frozenset[tuple[str, ...]] = frozenset(),
    where: tuple[str, ...] = (),
) -> Any:
    """``value`` (a JSON document) with ``fill`` applied to each string in it, but those
    under the key paths ``kept`` (the user's own words, the run's own command)."""
    if where in kept:
        return value
    if isinstance(value, str):
        return fill(value)
    if isinstance(value, dict):
        return {k: filled_in(v, fill, kept, (*where, str(k))) for k, v in value.items()}
    if isinstance(value, list):
        return [filled_in(v, fill, kept, where) for v in value]
    return value
