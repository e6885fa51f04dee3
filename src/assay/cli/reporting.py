"""What the CLI prints and writes once a run has ended."""

from __future__ import annotations

import contextlib
import os
import shlex
import sqlite3
from collections.abc import Callable, Mapping, Sequence
from pathlib import Path
from typing import Any

from assay.cli import leftover
from assay.cli.console import Output
from assay.cli.retest_outputs import OUTPUTS, retrained_output
from assay.cli.run_deleted import deleted_words, gone
from assay.cli.user_words import keep_on_one_line, keep_run_words
from assay.cli.verdict import (
    EXIT_INTERRUPTED,
    EXIT_MODEL,
    EXIT_UNTESTED,
    demo_exit,
    demo_line,
    exit_code,
    run_verdict,
    verdict_line,
)
from assay.core.command_exit import begun, kept
from assay.core.finishing import finishable, shown_status
from assay.core.interrupted import left_interrupted
from assay.core.outcome import rule_option
from assay.core.program import as_invoked
from assay.core.run_commands import anywhere, resume_command, stored_reports
from assay.core.runinfo import pasteable, rerun_note
from assay.core.shell_bytes import for_terminal
from assay.core.store import ENDED, RunStore
from assay.core.terminal import shell_join
from assay.core.verdict import threshold_count
from assay.errors import StoreError, UsageError
from assay.report import build_document, write_reports

__all__ = [
    "EXIT_INTERRUPTED",
    "EXIT_MODEL",
    "EXIT_UNTESTED",
    "announce",
    "demo_exit",
    "demo_line",
    "exit_code",
    "finish_interrupted",
    "finish_run",
    "formula_note",
    "not_written",
    "owned",
    "record_reports",
    "report_command",
    "resume_command",
    "say_ending",
    "stored_reports",
]


def load_hint(load: str, path: str, trusted: list[str], again: str | None = None) -> str:
    """How the user's own code and ``assay fairness`` load the retrained model (a skops
    file: joblib or pickle cannot read it; the types beyond skops's defaults named).
    ``again``: the command testing it again, ready to paste (``retest_command``); without
    it, the run's other options are left to the user."""
    trust = [arg for name in trusted for arg in ("--trust", name)]
    return (
        f"load it in Python with `import skops.io; model = {load}` (a skops file: joblib and "
        "pickle cannot read it; the types named are those of your own model, which assay "
        "wrote), and test it again with: "
        + (
            again
            or f"{shell_join(['assay', 'fairness', path, *trust])} and the run's other options"
        )
    )


def retest_command(command: str, path: str, trust: list[str]) -> str | None:
    """The run's rerun ``command`` with the retrained model at ``path`` in the model's place:
    ``--retrain``, ``--allow-pickle`` and the original's ``--trust`` names dropped, the
    retrained file's ``trust`` added.  ``None`` when the command is not read as one."""
    try:
        words = shlex.split(command)
    except ValueError:
        return None
    if words[:2] == ["assay", "demo"]:
        return _demo_retest(words[2:], path, trust)
    if words[:2] != ["assay", "fairness"] or len(words) < 3 or words[2].startswith("-"):
        return None
    kept: list[str] = []
    rest = iter(words[3:])
    for word in rest:
        if word in ("--retrain", "--allow-pickle"):
            continue
        if word == "--trust":
            next(rest, None)
            continue
        if word.startswith("--trust="):
            continue
        if word in OUTPUTS:  # (the first run's files kept: written beside them)
            kept.extend([word, retrained_output(next(rest, ""))])
            continue
        option, equals, value = word.partition("=")
        if equals and option in OUTPUTS:
            word = f"{option}={retrained_output(value)}"
        kept.append(word)
    return shlex.join(["assay", "fairness", path, *trust, *kept])


def _demo_retest(args: list[str], path: str, trust: list[str]) -> str | None:
    """``assay demo``'s retrained tree tested again as the demonstration tested the built-in
    one (Adult, sex, an estimate, its seed and --seconds as --max-time, its store): the
    demo's own command has no model to put the file in place of (it printed "and the run's
    other options", not a command)."""
    if len(args) % 2:
        return None
    given = dict(zip(args[::2], args[1::2], strict=True))
    if any(not key.startswith("--") for key in given) or not set(given) <= {
        "--seed",
        "--seconds",
        "--out",
        "--store",
    }:
        return None
    words = ["assay", "fairness", path, *trust, "--dataset", "adult", "--protected", "sex"]
    words.append("--estimate")
    if "--seconds" in given:
        words += ["--max-time", given["--seconds"]]
    for key in ("--seed", "--store"):
        if key in given:
            words += [key, given[key]]
    return shlex.join(words)


def formula_note(path: str | os.PathLike[str], guarded: int) -> str | None:
    """What an export's CSV changed so that a spreadsheet opening it runs nothing: ``None``
    when no cell needed it."""
    if not guarded:
        return None
    cells = "cell" if guarded == 1 else "cells"
    return (
        f"note: {guarded:,} {cells} of {path} start with ' so that a spreadsheet shows them "
        "as text instead of running them as formulas (they began with =, +, -, @, a tab or "
        "a carriage return); a .jsonl or .json export keeps every value as it is"
    )


def not_exported(
    exc: UsageError, result: Any, store: str | os.PathLike[str], export: Path, technique: str
) -> UsageError:
    """An ``--export`` that failed after the run (checked before it; the disk filled or the
    folder changed since), said after the run's verdict: nothing found is lost, and the
    command that writes the file from the store is named (a text run's failing sentences;
    a fairness run's IDIs need its data, so its JSON report is named instead)."""
    if technique == "fairness":
        flag, target = "--report", Path(export).with_suffix(".report.json")
        what = "its JSON report (the IDIs in codes)"
    else:
        flag, target, what = "--export", Path(export), "them"
    again = shell_join(
        ["assay", "report", result.run_id, "--store", anywhere(store), flag, anywhere(target)]
    )
    return leftover.ReportsWritten(
        f"{exc.bare_message}; nothing found is lost: run {result.run_id} ({result.status}, "
        f"{result.n_findings:,} findings) is kept in the store; write {what} with: {again}",
        argument="--export",
        path=str(export),
    )


def not_written(unwritten: UsageError | None) -> dict[str, Any]:
    """``finish_run``'s ``exits`` and ``why`` for a command whose ``--export`` was not written
    (``not_exported``): its reports and the run keep the 2 it exits with, and why; {}
    otherwise (the verdict's code)."""
    if unwritten is None:
        return {}
    # (2: a file it was asked for is not there, as a usage error exits: ``cli.app.guarded``)
    return {"exits": 2, "why": leftover.unexported_why()}


def report_command(run_id: str, store: str | os.PathLike[str], *more: str) -> str:
    """The command that rebuilds a run's reports (with ``more`` words: the reports), pasteable
    in any directory, as it pastes in this terminal (``core.shell_bytes``)."""
    return for_terminal(shell_join(["assay", "report", run_id, "--store", anywhere(store), *more]))


def export_command(run_id: str, store: str | os.PathLike[str]) -> str:
    """The command that writes every kept finding of a run (a text run's minimal failing
    sentences) to a file."""
    return f"{report_command(run_id, store)} --export failing.csv"


def owned(store: str | os.PathLike[str]) -> Callable[[str, int, str], None]:
    """An ``on_start`` that makes the run the command's, saying nothing: the exit code the
    command ends with is kept with it (``core.command_exit``), an error or interrupt from now
    on finishes it (``cli.leftover``).  ``announce`` says the run's id and resume line too
    (``assay demo`` (fairness) used this alone, saying none: report46b; left47f)."""

    def on_start(run_id: str, seed: int, command: str) -> None:
        leftover.started(run_id, store)
        leftover.began()
        if (name := leftover.command_name()) is not None:  # (killed: said, not a code)
            with contextlib.suppress(StoreError, sqlite3.Error, OSError), RunStore(store) as s:
                begun(s, run_id, name)

    return on_start


def announce(
    out: Output, store: str | os.PathLike[str], reports: Mapping[str, Path | None]
) -> Callable[[str, int, str], None]:
    """The ``on_start`` of a command's run: the run is the command's (``cli.leftover``: an
    error or interrupt from now on finishes it), and its id, seed and resume line are said."""

    def on_start(run_id: str, seed: int, command: str) -> None:
        owned(store)(run_id, seed, command)
        record_reports(store, run_id, reports)
        config = _keep_model_words(store, run_id)
        # (``import_setting``; the model code a resume names again: ``named_code.unnamed``)
        imports = {k: config.get(k) for k in ("environment", "cwd", "invocation")}
        line = resume_command(run_id, store, command, reports, imports)
        out.note(f"run {run_id}, seed {seed}; resume with: {line}")

    return on_start


def _keep_model_words(store: str | os.PathLike[str], run_id: str) -> dict[str, Any]:
    """From a run's start: the class names its model gave (and its command line's words)
    print on one line in every line after (``user_words.model_words``).  Returns the run's
    config ({} when it cannot be read)."""
    the_store = RunStore(store)
    try:
        record = the_store.get_run(run_id)
        keep_run_words(record)
        return dict(record.config or {})
    except (StoreError, sqlite3.Error, OSError):  # the run's own outcome matters more
        return {}
    finally:
        the_store.close()


def record_reports(
    store: str | os.PathLike[str] | RunStore, run_id: str, reports: Mapping[str, Path | None]
) -> None:
    """Keep with the run the reports its command was asked to write (``config["reports"]``,
    option -> absolute path; a resume given others replaces those it names), so that the
    resume hints of ``assay show`` and ``assay runs`` repeat them as the line printed at the
    run's start does (a CI job resuming from them gets its JUnit file)."""
    asked = {flag: anywhere(path) for flag, path in reports.items() if path}
    if not asked:
        return
    the_store = store if isinstance(store, RunStore) else RunStore(store)
    try:
        kept = stored_reports(the_store.get_run(run_id).config)
        the_store.set_config(run_id, reports={**kept, **asked})
    except (StoreError, sqlite3.Error, OSError):  # the run's own outcome matters more
        pass
    finally:
        if the_store is not store:
            the_store.close()


def _retraining_cut(record: Any) -> str:
    """What an interrupt during ``--retrain`` (after the run ended) left undone: said, since
    the run cannot be resumed to finish it."""
    if not (record.config or {}).get("retrain") or (record.summary or {}).get("mitigation"):
        return ""
    return "; --retrain was cut short: no retrained model was written"


def finish_interrupted(
    out: Output,
    *,
    store_path: str | os.PathLike[str],
    run_id: str,
    html: Path | None = None,
    junit: Path | None = None,
    report: Path | None = None,
) -> int:
    """Finish a run stopped by an interrupt outside its search's checkpoints.  A run still
    marked running (interrupted while loading, while the fairness answer's sample was drawn
    before the search, or while its model answered) is marked interrupted: resumable, exit
    130.  A run that had ended (interrupted while its reports were written, or while a
    fairness run's answer was computed after its search) ends as it stands: its reports and
    its verdict (a fairness run whose answer was not computed says so: not everything was
    tested, exit 1 when something was found, else 2, never a pass) kept with the run, what
    ``assay report RUN`` exits with.  The command exits 130 either way (left40b): a Ctrl-C'd
    or SIGTERM'd command never exits with a verdict (0 let ``a && b`` and ``make`` go on after
    the user stopped them; a CI job stopped by its timeout read as findings or as a pass), as
    the API raises ``RunInterrupted`` for an interrupt anywhere in the run."""
    store = RunStore(store_path)
    record = store.get_run(run_id)

    def again() -> str:
        reports = {"--html": html, "--junit": junit, "--report": report}
        return resume_command(run_id, store.path, record.command, reports, record.config)

    stopped = left_interrupted(store, run_id)  # (the API's way: ``core.interrupted``)
    if record.status in ENDED:
        verdict = run_verdict(store, run_id, None).code
        out.note(
            (  # (its search ended; the run did not, when its answer is missing: unfinished)
                f"interrupted after the run's search had ended ({record.status}): the run is "
                "unfinished, its answer is missing"
                if stopped.why
                else f"interrupted after the run had ended ({record.status}): its verdict stands"
            )
            + _retraining_cut(record)
            + f"; the run's verdict is exit {verdict}, what assay report RUN exits with; "
            f"this command exits {EXIT_INTERRUPTED}: it was interrupted"
        )
    # (a failed run or one left without its model: as it was; every one exits 130)
    ends = record.status in ("running", "interrupted") or record.status in ENDED
    finish_run(
        out,
        store=store,
        run_id=run_id,
        html=html,
        junit=junit,
        report=report,
        exits=EXIT_INTERRUPTED,
    )
    if record.status in ENDED and finishable(store.get_run(run_id)):
        # what its search left to do is made by its resume (``core.finishing``)
        (out.error if out.quiet else out.note)(f"finish it (no new search) with: {again()}")
    if ends:
        return EXIT_INTERRUPTED
    # failed or model_unavailable (a resume interrupted while it loaded): as it was, and the
    # interrupt's exit code, never the verdict of a run that did not end (0 with nothing found)
    (out.error if out.quiet else out.note)(f"interrupted; continue with: {again()}")
    return EXIT_INTERRUPTED


def say_ending(out: Output, record: Any) -> None:
    """What a run said after its headline, as the run's command and ``assay show`` both say
    it (report46: ``show`` of a retrained run dropped the retraining's outcome and the
    retrained model; of a search ended before its budget, why): why its search ended
    early, and its retraining (the outcome, the model written and how to load and retest
    it)."""
    summary: dict[str, Any] = record.summary or {}
    if record.status == "completed" and summary.get("stop_reason"):
        out.say(f"the search ended before its budget: {summary['stop_reason']}")
    mit = summary.get("mitigation")
    if isinstance(mit, dict) and mit.get("text"):
        out.say(str(mit["text"]))
        saved = [str(Path(p).resolve()) for p in mit.get("saved") or []]
        if saved:
            others = f" (with {', '.join(saved[1:])})" if saved[1:] else ""
            broken = (
                " (it cannot be loaded back: see the NOTE above)"
                if mit.get("unloadable")
                else " (not shown fairer than the original: see the NOTE above)"
                if not mit.get("improved")
                else ""
            )
            out.say(f"wrote the retrained model: {saved[0]}{others}{broken}")
            if mit.get("load"):
                trusted = list(mit.get("trusted") or [])
                trust = [arg for name in trusted for arg in ("--trust", name)]
                retest = retest_command(record.command, saved[0], trust)
                if retest is not None:
                    retest = pasteable(retest, record.config, summary=summary)
                out.say(load_hint(str(mit["load"]), saved[0], trusted, retest))
            if rows := mit.get("added_rows_file"):
                out.say(
                    f"wrote the {int(mit.get('added_rows') or 0):,} rows the retraining added "
                    f"(in your columns, with their labels; append them to your rows to refit "
                    f"your way): {Path(str(rows)).resolve()}"
                )


def finish_run(
    out: Output,
    *,
    store: RunStore,
    run_id: str,
    html: Path | None = None,
    junit: Path | None = None,
    report: Path | None = None,
    fail_on: float | None = None,
    exports: dict[str, Any] | None = None,
    beside: Sequence[str] = (),
    exits: int | None = None,
    why: str | None = None,
) -> int:
    """Print the run's outcome, write the reports asked for; return the exit code.
    ``beside``: lines the command adds under the headline (what a demonstration planted).
    ``exports``: files the command wrote to act on (a filter, an export), put in ``--json``'s
    result, whose stdout carries nothing else.
    ``fail_on``: the severity from which a finding fails the run (default: the one the run
    was started with, so that a resumed run exits as it would have).
    ``exits``: the code the command exits with when it is not the verdict's (kept with the
    run, as the verdict's is otherwise: ``core.command_exit``), ``why`` what it means."""
    try:
        record = store.get_run(run_id)
        keep_run_words(record)
        verdict = run_verdict(store, run_id, fail_on)
        if (command := leftover.running_command()) is not None:  # (a command's, not the API's)
            kept(store, run_id, verdict.code if exits is None else exits, command, why)
        doc = build_document(store, run_id)
    except UsageError:  # ("no run RUN": deleted by another command once its search ended)
        if not gone(store, run_id):
            raise
        raise UsageError(
            deleted_words(run_id, "after its search ended, before this command read its verdict")
            + ", so this command has no verdict to give and wrote no report; scan again to "
            "have one"
        ) from None
    written = write_reports(
        doc, json_path=report, html_path=html, junit_path=junit, arguments={"json": "--report"}
    )
    keep_on_one_line(str(p) for p in written)
    fail_on, bad, found_by_answer = verdict.fail_on, verdict.bad, verdict.found_by_answer
    rule, failing = verdict.rule, verdict.failing
    summary: dict[str, Any] = record.summary
    what, why_untested = verdict.untested if verdict.untested else ("", None)
    # (an ended run still to finish, an interrupt in its answer: "unfinished", not the
    # search's "completed" beside "its answer is missing")
    status = shown_status(record)
    out.say(f"run {record.id}: {status}")
    out.say(str(doc.get("headline", "")))  # as the reports: NOTHING WAS TESTED said first
    for line in beside:
        out.say(line)
    if bound := (doc.get("findings") or {}).get("bounded_by_bytes"):
        out.say(f"note: {bound}")  # witnesses not kept for their size: said, not silent
    say_ending(out, record)
    for path in written:
        out.say(f"wrote {path}")
    again = pasteable(record.command, record.config, summary=summary)
    out.say(f"seed {record.seed}; to reproduce: {again}")
    if caveat := rerun_note(record.config, record.command, summary=record.summary):
        out.say(f"note: {caveat}")
    go_on: str | None = None  # (the line that continues it, as printed: --json's ``resume``)
    if record.status == "interrupted":
        # its verdict as the stored outputs say it ("it has not ended; its findings so far":
        # report46b), said here too: the terminal said no verdict of an interrupted run
        out.say(verdict_line(verdict, record.status, record.command))
        go_on = resume_command(
            record.id,
            store.path,
            record.command,
            {"--html": html, "--junit": junit, "--report": report},
            record.config,
        )
        line = "interrupted; continue with: " + go_on
        # the run did not end (exit 130): said under --quiet too, as an error is
        (out.error if out.quiet else out.note)(line)
    # the reports this command wrote, where it wrote them (a page only when it wrote none)
    asked = [
        word
        for opt, path in (("--html", html), ("--junit", junit), ("--report", report))
        if path
        for word in (opt, os.path.abspath(path))
    ]
    rebuild = asked or ["--html", "report.html"]
    if gone(store, record.id):  # (the rebuild would say "no run")
        out.note(
            deleted_words(record.id, "while this command wrote its reports")
            + (
                ", and the reports written above hold what it found; nothing can write them again"
                if written
                else "; scan again to have them"
            )
        )
    else:
        out.say(f"to rebuild the reports: {report_command(record.id, store.path, *rebuild)}")
    if found_by_answer:
        out.say(
            f"no finding was stored, but the answer found discrimination on "
            f"{', '.join(found_by_answer)}: exit 1"
        )
    if why_untested:
        out.error(f"{what}: {why_untested} (exit 2; this is not a pass)")
    if record.status not in ENDED:
        pass  # (its verdict line said the rule's answer so far: exit 130, never 1 or a pass)
    elif failing:
        out.say(f"above {rule_option(rule)}: {', '.join(failing)} (exit 1)")
    elif failing is not None and not why_untested and record.n_findings:
        # findings, and yet a pass: say that the rule judged it, not each finding
        out.say(
            f"no attribute's share is above {rule_option(rule)}: the run passes; its "
            f"{record.n_findings:,} findings are stored"
        )
    elif failing is None and not why_untested and record.n_findings and not bad and fail_on:
        # findings, and a pass: every one below --fail-on (else "N found", exit 0, unsaid)
        out.say(
            f"none of the {record.n_findings:,} findings is at or above --fail-on {fail_on:g} "
            f"(the most severe: {record.max_severity:.3g}): the run passes; they are stored"
        )
    if verdict.demo and verdict.code in (0, 1):  # judged on showing its bugs, as its JUnit is
        out.say(demo_line(verdict.code, verdict.partly))
    if out.as_json:
        counted, counts = threshold_count(verdict, record.status)
        out.emit_json(
            {
                "run_id": record.id,
                "status": status,
                "search_status": record.status,  # (as `assay show --json`)
                # this command's exit code and its verdict, as the terminal's last line and
                # `assay report` say them: a demonstration exits 0 on its findings, a run
                # that did not test everything 2 (the counts below alone read as a failure)
                "exit_code": verdict.code if exits is None else exits,
                "verdict": verdict_line(verdict, record.status),
                "seed": record.seed,
                # as the reports' rerun: pinned, with its environment, pasteable anywhere
                # (the program as invoked here, as the terminal's lines: ``core.program``)
                "command": as_invoked(
                    pasteable(record.command, record.config, anywhere=True, summary=summary)
                ),
                "command_note": rerun_note(record.config, record.command, summary=record.summary),
                "findings": record.n_findings,
                # (None under a rule on the share, which judges the share, not the findings:
                # it counted them at 0 beside the rule, unsaid; report47)
                "at_or_above_threshold": counted,
                "threshold_counts": counts,
                "found_by_answer": found_by_answer,
                "untested": why_untested,
                # the headline as the terminal and the reports say it (NOTHING WAS TESTED
                # first), in the summary too: a consumer reading only it was misled
                "headline": doc.get("headline"),
                "fail_on": fail_on,
                # a rule on the share judges the run, not each finding: which attributes fail
                "fail_on_rule": rule,
                "failing_attributes": failing,
                "summary": {**summary, "headline": doc.get("headline")}
                if summary.get("headline")
                else summary,
                "reports": [str(p) for p in written],
                "exports": exports or {},
                # an interrupted run's "continue with" line, as printed (left52b); else null
                "resume": go_on,
            }
        )
    return verdict.code
