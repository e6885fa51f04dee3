"""What the CLI prints and writes once a run has ended."""

from __future__ import annotations

import os
import shlex
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from assay.cli.console import Output
from assay.core.outcome import (
    answer_fails,
    answer_found,
    answer_rule,
    not_a_pass,
    stored_fail_on,
)
from assay.core.redact import is_redacted, redact_text
from assay.core.runinfo import pasteable, store_option
from assay.core.store import ENDED, RunStore
from assay.report import build_document, write_reports

__all__ = ["EXIT_INTERRUPTED", "demo_exit", "exit_code", "finish_run", "resume_command"]

EXIT_INTERRUPTED = 130
EXIT_UNTESTED = 2  # nothing was tested (a budget or an input too small): a usage problem


def exit_code(n_at_or_above: int, status: str = "completed") -> int:
    if status == "interrupted":
        return EXIT_INTERRUPTED  # stopped by Ctrl-C: not a verdict; resumable
    return 1 if n_at_or_above else 0


def count_at_or_above(store: RunStore, run_id: str, fail_on: float) -> int:
    """Every finding at or above ``fail_on`` (counted exactly, kept as a witness or not)."""
    return store.count_at_or_above(run_id, fail_on)


def resume_command(
    run_id: str,
    store: str | os.PathLike[str],
    command: str,
    reports: Mapping[str, Path | None] | None = None,
) -> str:
    """The command that continues a run, as it can be pasted (quoted): with the reports the
    run was asked to write (``reports``: option -> path, e.g. ``{"--junit": ...}``), so that a
    CI job resumed from it writes them too; with ``--model URL`` when the run's model URL held
    credentials (never stored: they must be given again), and with ``--allow-pickle`` when the
    run was allowed to load a pickle (asked again)."""
    asked = [str(part) for flag, path in (reports or {}).items() if path for part in (flag, path)]
    line = shlex.join(["assay", "resume", run_id, *store_option(store), *asked])
    if is_redacted(redact_text(command)):
        line += " --model URL"
    try:
        words = shlex.split(command)
    except ValueError:
        words = command.split()
    return f"{line} --allow-pickle" if "--allow-pickle" in words else line


def demo_exit(code: int) -> int:
    """A demonstration's exit code: finding bugs is what it shows (exit 0 instead of 1);
    nothing tested, a failure or an interrupt keep their own codes (never a pass)."""
    return 0 if code == 1 else code


def finish_run(
    out: Output,
    *,
    store: RunStore,
    run_id: str,
    html: Path | None = None,
    junit: Path | None = None,
    report: Path | None = None,
    fail_on: float | None = None,
) -> int:
    """Print the run's outcome, write the reports asked for; return the exit code.
    ``fail_on``: the severity from which a finding fails the run (default: the one the run
    was started with, so that a resumed run exits as it would have)."""
    record = store.get_run(run_id)
    if fail_on is None:
        fail_on = stored_fail_on(record.config)
    doc = build_document(store, run_id)
    written = write_reports(
        doc, json_path=report, html_path=html, junit_path=junit, arguments={"json": "--report"}
    )
    bad = count_at_or_above(store, run_id, fail_on)
    summary: dict[str, Any] = record.summary
    # the answer found the bug where the search stored no finding: a failure all the same
    found_by_answer = answer_found(summary) if fail_on <= 0.0 and not bad else []
    # a rule on the share (--fail-on 'share>0.01'): the verdict decides, where there is one
    rule = answer_rule(record.config)
    failing = answer_fails(summary) if rule is not None else None
    failed = not_a_pass(summary) if record.status in ENDED else None
    if failed and failed[0] != "nothing was tested" and (bad or found_by_answer or failing):
        failed = None  # part was not tested, but what was fails the run: exit 1 says more
    what, why_untested = failed if failed else ("", None)
    out.say(f"run {record.id}: {record.status}")
    out.say(str(doc.get("headline", "")))  # as the reports: NOTHING WAS TESTED said first
    if record.status == "completed" and summary.get("stop_reason"):
        out.say(f"the search ended before its budget: {summary['stop_reason']}")
    mit = summary.get("mitigation")
    if isinstance(mit, dict) and mit.get("text"):
        out.say(str(mit["text"]))
    for path in written:
        out.say(f"wrote {path}")
    out.say(f"seed {record.seed}; to reproduce: {pasteable(record.command, record.config)}")
    if record.status == "interrupted":
        line = "interrupted; continue with: " + resume_command(
            record.id,
            store.path,
            record.command,
            {"--html": html, "--junit": junit, "--report": report},
        )
        # the run did not end (exit 130): said under --quiet too, as an error is
        (out.error if out.quiet else out.note)(line)
    out.say(f"to rebuild the reports: {doc['report_command']} --html report.html")
    if found_by_answer:
        out.say(
            f"no finding was stored, but the answer found discrimination on "
            f"{', '.join(found_by_answer)}: exit 1"
        )
    if why_untested:
        out.error(f"{what}: {why_untested} (exit 2; this is not a pass)")
    if out.as_json:
        out.emit_json(
            {
                "run_id": record.id,
                "status": record.status,
                "seed": record.seed,
                "command": record.command,
                "findings": record.n_findings,
                "at_or_above_threshold": bad,
                "found_by_answer": found_by_answer,
                "untested": why_untested,
                "fail_on": fail_on,
                "summary": summary,
                "reports": [str(p) for p in written],
            }
        )
    if failing:
        out.say(f"above --fail-on {rule}: {', '.join(failing)} (exit 1)")
    if why_untested:
        return EXIT_UNTESTED
    if failing is not None:
        return exit_code(len(failing), record.status)
    return exit_code(bad + len(found_by_answer), record.status)
