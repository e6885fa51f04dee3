"""What a run still had to do when its search ended: said in the search's last summary, so that
a run killed there (kill -9: no handler runs) never reads as a finished one.

The search's last checkpoint stores the run as ended (``core.run``, ``core.units``); what
follows it (each technique's determinism section: a fairness run's confirmation of its stored
IDIs, a text run's re-check of its minimal failing sentences, a backdoor scan's determinism
check put in its summary) was once simply missing after such a kill, nothing saying so, and
the run (with nothing found) read as a pass.  The technique names those parts before the
search (``after_search``); the last summary lists them (``unfinished``) and says why the run is
incomplete (``incomplete_reason``: never a pass, ``core.outcome.not_a_pass``); each part takes
itself away when it is added (``finished``).  A fairness run's answer says so on its own
(``core.interrupted.ANSWER_MISSING``, which stands first while the answer is missing).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

__all__ = [
    "KEY",
    "failed_reason",
    "finished",
    "marked",
    "nothing_to_resume",
    "reason",
    "restated",
]

KEY = "unfinished"

_PARTS = {
    "determinism": "its determinism section (answers asked again to see whether the model "
    "answers the same)",
    "retrain": "its retraining (--retrain: the mitigated model and its report)",
    "filter": "its filter file (--export-filter)",
    "export": "its --export file (the IDIs found, in the user's columns)",
    "records": "its closing records (the queries asked by phase; a fairness run's also the "
    "judgement of a model that gave one answer to every input, the notes on how its data was "
    "read, its wall clock)",
}


def reason(parts: Sequence[str]) -> str:
    """Why a run with ``parts`` still to come after its search is incomplete."""
    what = " and ".join(_PARTS.get(p, p) for p in parts)
    return (
        f"the run was stopped after its search ended, before it added {what}; the search's "
        "findings are complete, but the run did not finish: assay resume RUN finishes it "
        "(the search is not made again)"
    )


def failed_reason(parts: Sequence[str]) -> str:
    """``reason`` once the run's model failed there (``core.finishing``, with the run's
    error): "stopped" told a user whose command exited 3 of no failure."""
    what = " and ".join(_PARTS.get(p, p) for p in parts)
    return (
        f"the run's model failed after its search ended, before the run added {what}; the "
        "search's findings are complete, but the run did not finish: once the model answers, "
        "assay resume RUN finishes it (the search is not made again)"
    )


def marked(summary: dict[str, Any], parts: Sequence[str]) -> dict[str, Any]:
    """The search's last ``summary`` (stored with its ended status) saying that ``parts``
    follow (none: as it is).  A reason it already gives (a missing answer) stands first."""
    if not parts:
        return summary
    out = {**summary, KEY: list(parts)}
    if not out.get("incomplete_reason"):
        out["incomplete_reason"] = reason(parts)
    return out


def finished(summary: Mapping[str, Any], part: str) -> dict[str, Any]:
    """``summary`` with ``part`` added: no longer said to be missing."""
    out = dict(summary)
    left = [p for p in out.get(KEY) or [] if p != part]
    parts = out.get(KEY) or []
    ours = out.get("incomplete_reason") in (reason(parts), failed_reason(parts))
    out.pop(KEY, None)
    if ours:
        out.pop("incomplete_reason", None)
    return restated({**out, KEY: left} if left else out)


def restated(summary: dict[str, Any]) -> dict[str, Any]:
    """``summary`` whose other reason (a missing answer) was just taken away: the parts
    still to come say why it is incomplete."""
    parts = summary.get(KEY) or []
    if parts and not summary.get("incomplete_reason"):
        return {**summary, "incomplete_reason": reason(parts)}
    return summary


def nothing_to_resume(run_id: str, status: str, summary: Mapping[str, Any]) -> str:
    """Why ``assay resume`` refuses an ended run: its search is over, and nothing follows it
    that is missing (one stopped before its answer or determinism section is finished
    instead: ``core.finishing``)."""
    del summary  # (what was missing once: now finished, never refused)
    # (a CI job resuming the run its last job's timeout stopped as it ended: its verdict and
    # reports are there to be had, hostile53b)
    return (
        f"run {run_id} already ended ({status}); nothing to resume; assay report {run_id} "
        "writes its reports and exits with its verdict"
    )
