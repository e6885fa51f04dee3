"""What a run's summary says about its outcome beyond the stored findings.

Two facts decide an exit code and a CI report besides the findings themselves:

* a run that judged nothing (every technique states ``tested``: inputs, sentences or images
  judged) has not passed: an empty grammar slice, a budget spent before the first test.  It
  is never exit 0 and never a green JUnit suite;
* a run that judged part of what it was given and found nothing (a backdoor scan whose
  budget ended before images or classes it was given: ``incomplete_reason``) has not
  passed either: the same exit code, said as NOT EVERYTHING WAS TESTED;
* an answer that found the bug without storing a finding (fairness: the estimate's samples or
  the exact analysis of a tree say discriminatory inputs exist, while the search's budget ran
  out before it stored one) is a failure like a finding, at the default threshold.
"""

from __future__ import annotations

import math
import shlex
from collections.abc import Mapping
from typing import Any

from assay.core.demonstration import is_demonstration
from assay.errors import UsageError

# a text test's outcome when every case it judged had no variant but its sentence itself (a
# class whose members derive the same words, "我们" | "我 们" once spaced): none could fail
NO_VARIANT = "not tested: every variant was its sentence itself"

# a summary key: the run's findings are none of them confirmed (a classifier seen answering
# a sentence otherwise, whose findings the query budget left no room to ask again: they may
# be its noise, ``text.replay_hold``): with ``incomplete_reason``, exit 2, never 1 on them
UNCONFIRMED = "findings_unconfirmed"

__all__ = [
    "NO_VARIANT",
    "PASS_KEYS",
    "STORE_FAILED",
    "UNCONFIRMED",
    "EndedRunMixin",
    "answer_found",
    "check_fail_on",
    "document_status",
    "is_demonstration",
    "not_a_pass",
    "passes",
    "rule_option",
    "status_note",
    "stored_fail_on",
    "unconfirmed_note",
    "unended_status",
    "untested",
]

_BUDGETS = {
    "queries": "query budget (--max-queries)",
    "time": "time budget (--max-time)",
    "memory": "memory budget",
}


_STATUS_NOTES = {
    "failed": "the run failed before it finished (see the error)",
    "budget_exhausted": "stopped when the budget ran out",
    "interrupted": "the run was interrupted; resume it to search further",
    "running": "the run had not finished when this report was made",
    # (a run the store says is running whose process is gone: ``retention.status_of``)
    "stalled": "its process is gone (killed, or its machine stopped) before the run finished; "
    "resume it to search further",
    "model_unavailable": "the served model stopped answering; resume the run when it is back",
    # (a run whose own command saw its store fail: ``STORE_FAILED``)
    "store_failed": "the run store failed while the run went on (see the error), and holds "
    "the run as of its last checkpoint; resume it once the store can be written",
}

STORE_FAILED = "store_failed"
"""What the reports of the command whose run store failed mid-run call that run (``run.
store_failed``): the store still marks it running (a write of its status was refused too),
and a later ``assay report`` says it stalled; its own command knows why it stopped."""


def unended_status(run: Mapping[str, Any]) -> str:
    """The status a report says of a document's ``run``: ``store_failed`` (its command saw
    its store fail), ``stalled`` (its process is gone), else its ``status``."""
    if run.get(STORE_FAILED) is True:
        return STORE_FAILED
    return "stalled" if run.get("stalled") is True else str(run.get("status"))


def document_status(run: Mapping[str, Any]) -> str:
    """The status a report document's ``run`` ended its search with: ``search_status`` where
    the document shows ``unfinished`` (an ended run still to finish:
    ``core.finishing.shown_status``), else its ``status`` (a document written before)."""
    status = str(run.get("status") or "")
    if status == "unfinished":
        return str(run.get("search_status") or status)
    return status


def status_note(status: str, headline: str | None = None) -> str | None:
    """What a headline adds for a run of ``status`` (``None``: nothing).  With the summary's
    own ``headline``, only for a run that did not end (interrupted, failed, ...): a summary
    written at the last checkpoint reads like a finished run's."""
    from assay.core.store import ENDED

    if headline is not None and status in ENDED:
        return None
    return _STATUS_NOTES.get(status)


PASS_KEYS = (
    "untested_reason",
    "tested",
    "answer_tested",
    "stopped_early",
    "stop_reason",
    "incomplete_reason",
)
"""The summary's keys that ``untested`` and ``not_a_pass`` read: all a listing of runs needs
of their summaries (``assay runs`` reads only these: ``RunStore.list_runs``)."""


def untested(summary: Mapping[str, Any] | None) -> str | None:
    """Why the run tested nothing (``None``: it tested something, or does not say)."""
    if not summary:
        return None
    reason = summary.get("untested_reason")  # the technique judged it: e.g. a constant model
    if isinstance(reason, str) and reason:
        return reason
    tested = summary.get("tested")
    if not isinstance(tested, int) or isinstance(tested, bool) or tested > 0:
        return None
    answer = summary.get("answer_tested")
    if isinstance(answer, int) and answer > 0:
        return None
    stopped = summary.get("stopped_early") or {}
    reason = summary.get("stop_reason") or (
        ", ".join(str(v) for v in stopped.values()) if isinstance(stopped, Mapping) else ""
    )
    budget = _BUDGETS.get(str(reason))
    if budget:
        return f"the {budget} ran out before the first test; raise it"
    if reason == "space":  # a search's own word for it
        return "the search found no case to ask (no input the test applies to)"
    return (
        f"the run ended before the first test ({reason})"
        if reason
        else "the run ended before the first test"
    )


def not_a_pass(summary: Mapping[str, Any] | None) -> tuple[str, str] | None:
    """Why a run with nothing to fail on has not passed, as (what, why): "nothing was
    tested" (``untested``) or "not everything was tested" (a scan that ended before part
    of what it was given, with nothing found in the rest); ``None`` otherwise."""
    why = untested(summary)
    if why:
        return "nothing was tested", why
    part = (summary or {}).get("incomplete_reason")
    if isinstance(part, str) and part:
        return "not everything was tested", part
    return None


def unconfirmed_note(summary: Mapping[str, Any] | None) -> str | None:
    """What a run's findings are when none was confirmed (``UNCONFIRMED``), said beside each
    of them (a JUnit case, the HTML verdict): why they fail nothing, where they are, how to
    confirm them; ``None`` for any other run."""
    if not summary or not summary.get(UNCONFIRMED):
        return None
    probe = (summary.get("determinism") or {}).get("probe") or {}
    names = [str(n) for n in probe.get("classifiers") or []]
    who = ", ".join(names) or "a classifier"
    return (
        f"unconfirmed: {who} answered the same sentence otherwise when asked again (not "
        "deterministic) and none of the findings could be asked again to confirm it, so "
        "each may be its noise and fails nothing; they are kept in the run store; to confirm "
        "them, run again with a larger --max-queries (each finding is asked again, up to "
        "twice, within it)"
    )


def check_fail_on(value: float) -> float:
    """Severities are in [0, 1]: a threshold outside can never (or always) fail."""
    if not math.isfinite(value) or not 0 <= value <= 1:
        raise UsageError(
            f"must be a severity from 0 to 1 (0: fail on any finding), not {value}; a finding's "
            "severity is at most 1, so a larger threshold could never fail",
            argument="--fail-on",
        )
    return float(value)


def stored_fail_on(config: Mapping[str, Any] | None) -> float:
    """The severity threshold a run was started with (``--fail-on``, kept in its config so
    that ``assay resume`` and ``assay report`` judge its findings as the run did); 0 when
    the run did not keep one."""
    value = (config or {}).get("fail_on")
    if isinstance(value, int | float) and not isinstance(value, bool) and 0 <= value <= 1:
        return float(value)
    return 0.0


def answer_found(summary: Mapping[str, Any] | None) -> list[str]:
    """The attributes whose answer found the bug (a verdict row at level 'found')."""
    rows = (summary or {}).get("verdict")
    if not isinstance(rows, list):
        return []
    return [
        str(v.get("attribute", "?"))
        for v in rows
        if isinstance(v, Mapping) and v.get("level") == "found"
    ]


def answer_rule(config: Mapping[str, Any] | None) -> str | None:
    """The rule on the answer's figures a run was started with (fairness' ``--fail-on
    'share>0.01'``, kept in its config): the exit code follows the verdict's ``fails``."""
    answer = (config or {}).get("answer")
    rule = answer.get("fail_on") if isinstance(answer, Mapping) else None
    return rule if isinstance(rule, str) and rule else None


def rule_option(rule: object) -> str:
    """A --fail-on rule as every output writes it: the words that paste into a shell
    (``--fail-on 'share>0.1'``: ended runs wrote it unquoted, ``>`` a redirection, where an
    interrupted run's words and the reports quoted it: report47)."""
    return f"--fail-on {shlex.quote(str(rule))}"


def answer_fails(summary: Mapping[str, Any] | None) -> list[str] | None:
    """The attributes whose verdict fails the run's rule; None when no verdict was made (the
    answer was left out: the rule could not be judged)."""
    rows = (summary or {}).get("verdict")
    if not isinstance(rows, list) or not rows:
        return None
    return [str(v.get("attribute", "?")) for v in rows if isinstance(v, Mapping) and v.get("fails")]


def passes(
    status: str, summary: Mapping[str, Any] | None, config: Mapping[str, Any] | None, bad: int
) -> bool:
    """Whether a run passed, as the command line's exit code 0 says it (``cli.reporting``):
    it ended, tested all it was given, and found nothing at or above its ``--fail-on``
    (``bad``: how many findings are; the default threshold also counts what the answer found
    without storing it) or, judged by a rule on the share, no attribute's share is above it."""
    from assay.core.store import ENDED

    if status not in ENDED or not_a_pass(summary):
        return False
    if answer_rule(config) is not None:
        failing = answer_fails(summary)
        if failing is not None:
            return not failing
    found = answer_found(summary) if stored_fail_on(config) <= 0.0 and not bad else []
    return not (bad or found)


class EndedRunMixin:
    """What every technique's result says of its run's outcome: why it tested nothing, and
    its headline led by that, as the reports say it; its one-line ``repr``.  The result class
    (a ``dataclass(repr=False)``) has ``run_id``, ``status`` and ``summary``."""

    run_id: str
    status: str
    summary: dict[str, Any]

    @property
    def passed(self) -> bool:
        """Whether the run passed as ``assay``'s exit code 0 would say: it ended, tested all
        it was given, and found nothing at or above its ``fail_on`` (a rule on the share:
        no attribute above it).  Reads the run's counts from its store."""
        with self._stored() as store:
            record = store.get_run(self.run_id)
            bad = store.count_at_or_above(record.id, stored_fail_on(record.config))
            return passes(record.status, record.summary, record.config, bad)

    @property
    def rerun_note(self) -> str | None:
        """What calling the run again with its seed (``command``) cannot promise, as the
        reports say it beside the command: a time budget, a model that answered the same
        input differently, a fairness answer whose exact analysis its time cut; None when
        the same call gives the same findings."""
        from assay.core.runinfo import rerun_note

        command = str(getattr(self, "command", "") or "")
        return rerun_note(self._config(), command, summary=self.summary)

    def _config(self) -> dict[str, Any]:
        from assay.errors import AssayError

        try:
            with self._stored() as store:
                return dict(store.get_run(self.run_id).config or {})
        except AssayError:  # (a run deleted since): what the summary says is still said
            return {}

    def _stored(self) -> Any:
        """The run store, read-only, holding this result's run: a run deleted since (``assay
        delete``, ``prune``) or a store file gone is a ``UsageError`` saying so (a deleted
        run's findings read as an empty table, as if none had been found)."""
        from pathlib import Path

        from assay.core.store import RunStore

        path = Path(getattr(self, "store", ""))
        gone = (
            f"run {self.run_id} is no longer in the store {path} (deleted or pruned since?): "
            "its findings are gone; the result's headline and summary are what is left"
        )
        if not path.is_file():
            raise UsageError(gone, argument="store")
        store = RunStore(path, read_only=True)
        try:
            store.get_run(self.run_id)
        except UsageError:
            store.close()
            raise UsageError(gone, argument="store") from None
        return store

    def __repr__(self) -> str:
        # one line in a notebook: the summary (a row per image of a backdoor scan) stays out
        return f"<{type(self).__name__} {self.run_id} ({self.status}): {self.headline}>"

    @property
    def untested(self) -> str | None:
        """Why the run tested nothing (it has not passed), or ``None``."""
        from assay.core.store import ENDED

        return self._callers(untested(self.summary)) if self.status in ENDED else None

    @property
    def not_a_pass(self) -> tuple[str, str] | None:
        """(what, why) when the run has not passed with nothing found: it tested nothing,
        or not everything it was given (``not_a_pass``)."""
        from assay.core.store import ENDED

        failed = not_a_pass(self.summary) if self.status in ENDED else None
        return None if failed is None else (failed[0], self._callers(failed[1]) or failed[1])

    def _callers(self, why: str | None) -> str | None:
        """``why`` in the terms of the caller who made the run: a run made from Python (its
        command ``assay.check_fairness(...)``) reads "the time budget (max_time) ran out",
        not the command line's ``--max-time``."""
        from assay.core.callers_prose import in_callers_terms

        return None if why is None else in_callers_terms(why, getattr(self, "command", ""))

    @property
    def headline(self) -> str:
        """The run's headline as its reports give it: in the terms of who made the run (a
        run made from Python reads "59 of max_queries 1,500 went unasked", not the command
        line's ``--max-queries``, as its JSON, HTML and JUnit do)."""
        text = self._callers(str(self.summary.get("headline", ""))) or ""
        note = status_note(self.status, text)
        text = f"{text}; {note}" if note else text
        failed = self.not_a_pass
        return f"{failed[0].upper()}: {failed[1]}. {text}" if failed else text  # as reported

    def _repr_html_(self) -> str:
        """Jupyter: the run, its headline, its seed and how to rerun it, and the first
        findings as a table in the user's own terms (``findings()``, escaped by pandas)."""
        from html import escape

        seed = getattr(self, "seed", None)
        command = getattr(self, "command", None)
        parts = [
            f"<p><b>{escape(self.run_id)}</b> ({escape(self.status)})</p>",
            f"<p>{escape(self.headline)}</p>",
        ]
        if seed is not None and command:
            parts.append(f"<p>seed {escape(str(seed))}; rerun: <code>{escape(command)}</code></p>")
            if note := self.rerun_note:
                parts.append(f"<p>note: {escape(note)}</p>")
        findings = getattr(self, "findings", None)
        if callable(findings):
            try:
                frame = findings(5)
                table = frame.to_html(index=False, escape=True, max_cols=12)
            except Exception:  # (a store gone since): the headline alone, never a traceback
                table = ""
            if table and len(frame):
                parts.append(f"<p>First findings (<code>result.findings()</code>: all):</p>{table}")
        return "\n".join(parts)
