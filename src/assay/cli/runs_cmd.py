"""``assay runs``, ``show``, ``report``, ``resume`` and ``verify``."""

from __future__ import annotations

import datetime as dt
import re
import shlex
import time
from collections.abc import Callable
from pathlib import Path
from typing import Annotated, Any

import typer

from assay.cli import leftover, lost_stdout
from assay.cli.answer_lines import answer_notes, say_answer
from assay.cli.backdoor_cmd import filter_export, filter_line
from assay.cli.checks import check_creatable, check_outputs
from assay.cli.console import Output
from assay.cli.damaged_runs import exit_if_damaged, json_items, raise_damaged
from assay.cli.export_pending import export_before_resume, export_moved
from assay.cli.options import (
    AsJson,
    Html,
    JsonReport,
    Junit,
    Overlap,
    Quiet,
    ResumeExecutor,
    Scheduler,
    Workers,
)
from assay.cli.reporting import (
    export_command,
    finish_run,
    formula_note,
    not_exported,
    not_written,
    record_reports,
    resume_command,
    say_ending,
)
from assay.cli.text_hints import say_where
from assay.cli.text_lines import say_failing
from assay.cli.url_again import check_url_again, check_verify_url
from assay.cli.user_words import keep_run_words
from assay.cli.verdict import run_verdict, verdict_line
from assay.core.command_exit import begun
from assay.core.exports import check_export
from assay.core.failed_clock import FAILED
from assay.core.finishing import finishable, missing_parts, shown_status
from assay.core.heartbeat import cut_note
from assay.core.integrity import files_changed, model_changed
from assay.core.outcome import PASS_KEYS, is_demonstration, not_a_pass, status_note
from assay.core.program import as_invoked
from assay.core.redact import GivenAgain, redact_text
from assay.core.resume_batch import check_batch_size
from assay.core.retention import store_bytes
from assay.core.run_commands import filled_for, filled_in
from assay.core.runinfo import pasteable, rerun_note
from assay.core.runlock import QUIET_SECONDS
from assay.core.store import DEFAULT_STORE, ENDED, RunRecord, RunStore
from assay.core.store_damage import DamagedRowError
from assay.core.unfinished import KEY, nothing_to_resume
from assay.core.witnesses import stored_keep
from assay.errors import StoreError, UsageError
from assay.report._text import queries_text

__all__ = ["register"]

StoreOpt = Annotated[Path, typer.Option("--store", help="The run store (SQLite file).")]
RunId = Annotated[str, typer.Argument(help="A run id (a unique prefix will do).")]


def _open(store: Path, *, read_only: bool = False) -> RunStore:
    try:
        there = store.exists()
    except OSError as exc:
        raise StoreError(f"{store}: cannot read the run store: {exc.strerror or exc}") from exc
    if not there:
        raise UsageError(
            f"no run store at {store} (run a test first, or pass --store)", argument="--store"
        )
    return RunStore(store, read_only=read_only)


def _starting(r: RunRecord) -> str:
    """What ``assay resume`` says as it starts: resuming the search, or finishing a run whose
    search had ended (``core.finishing``)."""
    parts = missing_parts(r)
    if not parts:
        return f"resuming {r.id} from {r.n_findings:,} stored findings"
    named = {"answer": "its answer", "determinism": "its determinism section"}
    said = " and ".join(named.get(p, f"its {p}") for p in parts)
    return (
        f"finishing {r.id}: its search had ended ({r.n_findings:,} findings, not searched "
        f"again); adding {said}"
    )


def _when(ts: float) -> str:
    return dt.datetime.fromtimestamp(ts, dt.UTC).strftime("%Y-%m-%d %H:%M:%S UTC")


def _stale(store: RunStore, r: RunRecord) -> bool:
    """A run marked running whose process died (its lock left behind: ``core.runlock``), or
    that has not checkpointed for a minute (it commits every 2 s) and that no process holds
    (a slow model's run is still running)."""
    if r.status != "running":
        return False
    if store.abandoned(r.id):
        return True
    return time.time() - r.updated > QUIET_SECONDS and not store.owner(r.id)


def _headline(store: RunStore, r: RunRecord) -> str:
    """The run's stored headline as its reports say it: a run that has not ended (stopped,
    killed, its model gone) says so after it (report46: `runs --json` and `show` gave an
    interrupted run's last checkpoint's headline, which reads like a finished run's, where
    the JSON report, the HTML and JUnit add "the run was interrupted; resume it ...")."""
    said = str(r.summary.get("headline") or "")
    status = "stalled" if _stale(store, r) else r.status
    if said and (note := status_note(status, said)):
        said = f"{said}; {note}"
    return said


def _status(store: RunStore, r: RunRecord) -> str:
    """Its status as the user reads it: stalled, unfinished (``shown_status``) or stored."""
    return "stalled" if _stale(store, r) else shown_status(r)


_MOST = 2**63 - 1  # the largest --limit SQLite takes: every run


def register(app: typer.Typer, guarded: Callable[[Any], Any]) -> None:
    @app.command("runs")
    @guarded
    def runs(
        store: StoreOpt = DEFAULT_STORE,
        limit: Annotated[int, typer.Option(help="Show at most this many runs, newest first.")] = 20,
        as_json: AsJson = False,
        full: Annotated[
            bool,
            typer.Option(
                "--full",
                help="With --json: each run whole, as `assay show RUN --json` gives it "
                "(config, model, versions, progress, summary); without it, its brief fields.",
            ),
        ] = False,
    ) -> None:
        """List the runs in the store, newest first."""
        out = Output(as_json=as_json)
        if full and not as_json:
            raise UsageError(
                "--full is for --json (the whole record of each run)", argument="--full"
            )
        if limit < 1:  # (0 said "no runs in S" of a store holding runs; -1 listed them all)
            raise UsageError(f"must be at least 1, not {limit}", argument="--limit")
        limit = min(limit, _MOST)  # (a larger one was exit 5: SQLite's integers end there)
        the_store = _open(store, read_only=True)
        lost_stdout.answer("the list of runs")
        damaged: list[DamagedRowError] = []  # (the other runs listed, then these said)
        if as_json:  # each run read and written one at a time; whole with --full
            out.emit_json_list(
                "runs",
                json_items(
                    the_store.iter_runs(limit, damaged=damaged),
                    damaged,
                    lambda r: _listed(_shown_json(r, store, the_store), full=full),
                ),
            )
            exit_if_damaged(damaged)  # (its runs in the document, "status": "damaged")
            return
        # what the lines print, no more: a run's whole JSON is ~0.6 MB of memory parsed
        records = the_store.list_runs(
            limit, brief=True, summary_keys=(*PASS_KEYS, KEY), damaged=damaged
        )
        if not records:
            out.say(f"no runs in {store}")
        wide = max((len(r.id) for r in records), default=0)  # (text-... ids are shorter)
        for r in records:
            # a run that tested nothing (or not everything) has not passed: the list says so
            # as its reports do, not only `assay show`
            failed = not_a_pass(r.summary) if r.status in ENDED else None
            out.say(
                f"{r.id:<{wide}}  {_status(the_store, r):<16} {r.n_findings:>10,} findings  "
                f"seed {r.seed}  {_when(r.created)}" + (f"  {failed[0].upper()}" if failed else "")
            )
        held = the_store.count_runs()
        # (a CI job's store grows by a run a job: say so, and the cure; a damaged run is
        # said at the end, not as one --limit hid)
        if held > len(records) + len(damaged):
            prune = shlex.join(["assay", "prune", "--keep-last", "N", "--store", str(store)])
            out.say(
                f"{len(records):,} of {held:,} runs shown (--limit N shows more); the store "
                f"takes {store_bytes(the_store.path) / 1e6:,.1f} MB: {as_invoked(prune)} "
                "deletes the older runs (--dry-run lists them)"
            )
        stalled = [r for r in records if _stale(the_store, r)]
        if stalled:
            out.say("'stalled': its process is gone (or no checkpoint for a minute); continue with")
        for r in stalled:  # each with the reports its command was asked for
            out.say(f"  {_resume_hint(the_store.get_run(r.id), store)}")
        unfinished = [r for r in records if finishable(r)]
        if unfinished:  # stopped after their search: their resume adds what they lack
            out.say("stopped after its search ended; finish it (no new search) with")
        for r in unfinished:
            out.say(f"  {_resume_hint(the_store.get_run(r.id), store)}")
            if r.error:  # it failed there (a model, a bug): its resume finishes it once fixed
                out.say(f"    (it failed after its search: {_first_line(r.error)})")
        raise_damaged(damaged)

    @app.command("show")
    @guarded
    def show(run_id: RunId, store: StoreOpt = DEFAULT_STORE, as_json: AsJson = False) -> None:
        """Summarise one run."""
        out = Output(as_json=as_json)
        the_store = _open(store, read_only=True)
        # (the grammar's text left in the store unless the JSON prints the whole config)
        r = the_store.get_run(run_id, lean=not as_json)
        leftover.about(r.id, store)  # (the commands it prints for a run: for this one)
        lost_stdout.answer(f"the summary of run {r.id}")
        if as_json:
            out.emit_json(_shown_json(r, store, the_store, files_now=True))
            return
        keep_run_words(r)
        out.say(f"run       {r.id}")
        out.say(f"technique {r.technique}")
        ended = f" (its search ended: {r.status.replace('_', ' ')})" if finishable(r) else ""
        out.say(f"status    {_status(the_store, r)}{ended}")
        owner = the_store.owner(r.id) if r.status == "running" else None
        if owner:
            out.say(f"          (run by {owner})")
        if _stale(the_store, r):
            again = _resume_hint(r, store)
            out.say(f"          (no checkpoint since {_when(r.updated)}; resume: {again})")
        elif r.status in ("interrupted", *FAILED):  # (its headline: "resume ...": the line)
            out.say(f"          (resume: {_resume_hint(r, store)})")
        elif finishable(r):  # stopped after its search ended: its resume adds what it lacks
            out.say(f"          (finish it, no new search: {_resume_hint(r, store)})")
        out.say(f"started   {_when(r.created)}")
        out.say(f"findings  {r.n_findings:,} (max severity {r.max_severity:.3f})")
        from assay.report.document import bytes_bound

        if bound := bytes_bound(the_store.witness_counts(r.id), the_store.keep_policy(r.id)):
            out.say(f"          (note: {bound})")
        out.say(f"queries   {queries_text(r.progress, r.summary or {}) or 0}")
        failed = not_a_pass(r.summary) if r.status in ENDED else None
        if failed:  # said first, as the reports say it: such a run has not passed
            out.say(f"{failed[0].upper()}: {failed[1]}")
        if said := _headline(the_store, r):
            out.say(said)
        if r.technique == "fairness":  # the answer per attribute, as the run said it
            say_answer(out, r.summary)
        elif r.technique == "text":  # its first minimal failing sentences
            say_failing(out, r.summary, every=export_command(r.id, the_store.path))
            say_where(out, r.summary)
        say_ending(out, r)  # why its search ended early, its retraining: as the run said
        warned = (r.summary.get("warnings") or []) if r.technique == "fairness" else []
        answered = answer_notes(r.summary) if r.technique == "fairness" else set()
        cut = cut_note(r.config)  # (its sessions killed outright: how its clock counted them)
        for said in dict.fromkeys([*_warnings(r.summary), *([cut] if cut else [])]):
            if said in answered:  # (said under the answer's lines already)
                continue
            kind = "warning" if said in warned else "note"  # (a fairness run's, as it did)
            out.say(f"{kind}: {said[0].lower()}{said[1:]}")
        if r.error:
            out.say(f"error     {r.error}")
        # its verdict, as `assay report` and the run's own command gave it: a run whose
        # findings are all below its --fail-on (or within its share rule) passed
        # (report46: a run that found something beside what it did not test, exit 1, was
        # shown "NOT EVERYTHING WAS TESTED: ..." alone, its verdict and exit code dropped;
        # an untested one, exit 2, without its exit code)
        verdict = verdict_line(run_verdict(the_store, r.id), _status(the_store, r), r.command)
        if failed and f": {failed[1]} (" in verdict:  # the line said first: its code alone
            verdict = re.sub(r": .*\((exit|passed)", f": {failed[0]} (\\1", verdict, count=1)
        out.say(verdict)
        again = pasteable(
            r.command, stored_keep(r.config, the_store.keep_policy(r.id)), summary=r.summary
        )
        out.say(f"seed {r.seed}; to reproduce: {again}")
        if caveat := rerun_note(r.config, r.command, summary=r.summary, files_now=True):
            out.say(f"note: {caveat}")

    @app.command("report")
    @guarded
    def report(
        run_id: RunId,
        json_path: JsonReport = None,
        html: Html = None,
        junit: Junit = None,
        store: StoreOpt = DEFAULT_STORE,
        export: Annotated[
            Path | None,
            typer.Option(
                help="Write a text run's failing sentences here (.csv, .jsonl or .json), as "
                "assay text --export does.",
            ),
        ] = None,
        exit_zero: Annotated[
            bool,
            typer.Option(
                "--exit-zero",
                help="Exit 0 once the files are written, whatever the run's verdict (by "
                "default the exit code is the run's, as its own command's).",
            ),
        ] = False,
        quiet: Quiet = False,
        as_json: AsJson = False,
    ) -> None:
        """Render a run's reports from the store (at any time, even mid-run).  Exits with the
        run's verdict as it stands (0 only for a run that ended, tested, with nothing at or
        above its --fail-on), so that a CI step gating on it agrees with its JUnit file."""
        out = Output(quiet=quiet, as_json=as_json)
        if not (json_path or html or junit or as_json or export):
            raise UsageError(
                "ask for at least one of --report, --html, --junit, --json, --export",
                argument="--html",
            )
        check_export(export)
        outputs = [(json_path, "--report"), (html, "--html"), (junit, "--junit")]
        outputs.append((export, "--export"))
        the_store = _open(store, read_only=True)
        record = the_store.get_run(run_id)
        leftover.about(record.id, store)
        keep_run_words(record)
        if export is not None and record.technique != "text":
            raise UsageError(
                f"--export here writes a text run's failing sentences; run {record.id} is a "
                f"{record.technique} run (a fairness run's IDIs are written in your columns, "
                "which needs its data: assay fairness --export, or result.export in Python)",
                argument="--export",
            )
        check_outputs(outputs, [store, *_files_read(record)])
        for path, flag in outputs:
            check_creatable(path, flag)  # (missing folders made, as the writers do)
        if export is not None:
            from assay.text.api import write_findings

            path, guarded = write_findings(the_store, record.id, export)
            out.say(f"wrote {path}")
            if note := formula_note(path, guarded):
                out.note(note)
        if json_path or html or junit or as_json:
            _write_stored(out, the_store, record.id, json_path, html, junit, as_json=as_json)
        verdict = run_verdict(the_store, record.id)
        line = _verdict_said(the_store, record.id)
        if exit_zero and verdict.code:  # (the code the verdict gives is not this command's)
            for said in (f"exit {verdict.code})", f"exits {verdict.code})"):  # (an API run's)
                line = line.replace(f"{said}", f"{said[:-1]} without --exit-zero)")
        out.say(line)
        raise typer.Exit(0 if exit_zero else verdict.code)

    @app.command("resume")
    @guarded
    def resume(
        run_id: RunId,
        store: StoreOpt = DEFAULT_STORE,
        html: Html = None,
        junit: Junit = None,
        json_path: JsonReport = None,
        export: Annotated[
            Path | None,
            typer.Option(
                help="Write the run's findings here when it ends (fairness: its IDIs; text: "
                "its failing sentences; .csv, .jsonl or .json), as --export did.",
            ),
        ] = None,
        model: Annotated[
            list[str] | None,
            typer.Option(
                "--model",
                help="The run's model again (needed when its URL held credentials, which are "
                "never stored); once per such URL for a text run of several classifiers.",
            ),
        ] = None,
        force: Annotated[
            bool,
            typer.Option(
                "--force",
                help="Resume even though the model file changed since the run started (or a "
                "served model answers otherwise than it did then).",
            ),
        ] = False,
        allow_pickle: Annotated[
            bool,
            typer.Option(
                "--allow-pickle",
                help="Allow loading the run's pickle/joblib model (runs its code; asked again: "
                "the stored run's consent is not reused).",
            ),
        ] = False,
        overlap: Overlap = True,
        call_timeout: Annotated[
            float | None,
            typer.Option(
                help="Seconds one model call may take from now on (default: the run's own; "
                "a run that failed on slow calls resumes with a longer one)."
            ),
        ] = None,
        batch_size: Annotated[
            int | None,
            typer.Option(
                help="The model is given at most this many inputs a call from now on, served "
                "or local (a run stopped by a 413, or by a model failing on larger batches; "
                "kept for later resumes)."
            ),
        ] = None,
        label_map: Annotated[
            Path | None,
            typer.Option(
                "--label-map",
                help="A text run: lines added to its label map (a wording no map named "
                "stopped it; a label the run's map maps otherwise is refused; kept with the "
                "run).",
            ),
        ] = None,
        executor: ResumeExecutor = None,
        workers: Workers = None,
        scheduler: Scheduler = None,
        quiet: Quiet = False,
        as_json: AsJson = False,
    ) -> None:
        """Continue a run that was stopped or killed, from its last checkpoint (one stopped
        after its search ended is finished: what it lacks is added, no new search)."""
        from assay.api import resume_run
        from assay.core.budget import check_budget
        from assay.core.keywords import on_the_command_line

        check_budget(call_timeout=call_timeout)  # before the run is touched
        check_export(export)
        outputs = [(json_path, "--report"), (html, "--html"), (junit, "--junit")]
        outputs.append((export, "--export"))
        out = Output(quiet=quiet, as_json=as_json)
        the_store = _open(store)
        record = the_store.get_run(run_id)
        leftover.about(record.id, store)
        keep_run_words(record)
        if export is not None and record.technique not in ("fairness", "text"):
            raise UsageError(
                f"--export writes a fairness or text run's findings; run {record.id} is a "
                f"{record.technique} run",
                argument="--export",
            )
        check_outputs(outputs, [store, *(model or []), *_files_read(record)])
        if record.status not in ENDED or finishable(record):
            the_store.claim(record.id)  # one process at a time, told before the model loads
            record = the_store.get_run(record.id)  # (as it is now that it is this process's)
        # an ended run's reports are left as they are (they are its verdict's), but for one
        # stopped after its search ended, before what follows it: finished (core.finishing)
        if record.status in ENDED and not finishable(record):
            if html or junit or json_path:
                # a CI job resuming the run its timeout stopped as it ended reads the report
                # it asked for: the run's verdict, as `assay report` writes it (left53c)
                for path, flag in outputs:
                    check_creatable(path, flag)
                out.note(
                    f"run {record.id} already ended ({record.status}); nothing to resume: "
                    f"its reports are written as assay report {record.id} writes them, and "
                    "this command exits with its verdict"
                )
                _write_stored(out, the_store, record.id, json_path, html, junit, as_json=as_json)
                out.say(_verdict_said(the_store, record.id))
                raise typer.Exit(run_verdict(the_store, record.id).code)
            raise leftover.ReportsLeftAlone(
                nothing_to_resume(record.id, record.status, record.summary), argument="RUN_ID"
            )
        for path, flag in outputs:  # (an export's missing folders are made, as by the run)
            check_creatable(path, flag)  # (missing folders made, as the writers do)
        # (a fairness run's --export a kill cut short: checked, or replaced by --export)
        finish_exports = export_before_resume(record, export)
        leftover.started(record.id, store)  # an interrupt or error from now on finishes it

        def began(checked: RunRecord) -> None:
            """Its checks passed (a refused resume writes nothing to the run): the run is
            this command's, and the reports it writes are what show's and runs' hints repeat
            from now on."""
            leftover.began()  # (first: an interrupt from now on finishes it as resumed)
            begun(the_store, checked.id, "resume")  # (killed: said, not an earlier code)
            reports = {"--html": html, "--junit": junit, "--report": json_path}
            record_reports(the_store, checked.id, reports)
            if finish_exports and export is not None:  # (its finish writes --export's file)
                export_moved(the_store, checked.id, export)
            out.note(_starting(checked))

        given: str | GivenAgain | None = None
        if model:
            if len(model) > 1 and record.technique != "text":
                raise UsageError(
                    f"a {record.technique} run has one model; give --model once",
                    argument="--model",
                )
            given = model[0] if len(model) == 1 else GivenAgain(model)
        check_url_again(record, given)  # (before the resume begins: refused, the run as it was)
        budget = record.config.get("budget", {})
        with (
            out.progress(budget.get("max_queries"), budget.get("max_time")) as progress,
            on_the_command_line(),  # (its refusals in the command's terms: RUN_ID, --model)
        ):
            result = resume_run(
                record.id,
                store=the_store,
                on_progress=progress,
                overlap=overlap,
                model=given,
                force=force,
                # (a model let through by --force; the run's wall clock past its --max-time)
                on_note=lambda said: out.note(f"note: {said}"),
                allow_pickle=allow_pickle,
                call_timeout=call_timeout,
                batch_size=batch_size,
                label_map=None if label_map is None else str(label_map),
                executor=executor,
                workers=workers,
                scheduler=scheduler,
                # said once the run is checked: a refused one (a changed model) is not
                # announced as resuming first
                on_start=began,
            )
        exports: dict[str, Any] = {}
        unwritten: UsageError | None = None  # the export failed: said after the verdict
        if export is not None:
            try:
                exports["export"] = _export_resumed(
                    result, export, the_store, record.technique, written=finish_exports
                )
            except UsageError as exc:
                unwritten = not_exported(exc, result, store, export, record.technique)
            else:
                out.say(f"wrote {exports['export']['path']}")
                if note := formula_note(export, exports["export"].pop("guarded")):
                    out.note(note)
        if record.technique == "fairness":  # the answer per attribute, as the run says it
            say_answer(out, the_store.get_run(result.run_id).summary)
        elif record.technique == "text":  # its first minimal failing sentences
            ended = the_store.get_run(result.run_id).summary
            say_failing(out, ended, every=export_command(result.run_id, store))
            say_where(out, ended)
        exports.update(filter_export(result))  # a backdoor run's --export-filter, written again
        code = finish_run(
            out,
            store=the_store,
            run_id=result.run_id,
            html=html,
            junit=junit,
            report=json_path,
            exports=exports,
            **not_written(unwritten),
        )
        if exports.get("filter"):
            out.say(filter_line(result))
        if unwritten is not None:  # exit 2: the file asked for is not there
            raise unwritten
        raise typer.Exit(code)

    @app.command("verify")
    @guarded
    def verify(
        run_id: RunId,
        model: Annotated[
            list[str] | None,
            typer.Option(
                "--model",
                help="Replay against this model instead; for a text run of several "
                "classifiers, once for each, in the run's order (or once per URL of the run "
                "that held credentials).",
            ),
        ] = None,
        model_type: Annotated[str | None, typer.Option(help="Loader for --model.")] = None,
        label_map: Annotated[
            Path | None,
            typer.Option(
                "--label-map",
                help="A text run: map the classifiers' labels as they answer now (a retrained "
                "one naming them otherwise) instead of through the run's label map.",
            ),
        ] = None,
        allow_pickle: Annotated[
            bool,
            typer.Option(
                "--allow-pickle",
                help="Allow loading a pickle/joblib model, the run's or --model's (runs its "
                "code; the stored run's consent is not reused).",
            ),
        ] = False,
        batch_size: Annotated[
            int | None,
            typer.Option(
                help="The model is given at most this many inputs a call, served or local "
                "(a verify that failed on the size of its calls; the run is not changed)."
            ),
        ] = None,
        store: StoreOpt = DEFAULT_STORE,
        quiet: Quiet = False,
        as_json: AsJson = False,
    ) -> None:
        """Replay every stored finding against the run's model (or another): which still fail?

        (Fairness runs: every kept IDI; text runs: every minimal failing sentence, asked of
        the run's classifiers as they are now; backdoor runs: every stored trigger pasted on
        the run's clean images, and every STRIP flag blended again.)"""
        out = Output(quiet=quiet, as_json=as_json)
        check_batch_size(batch_size)
        the_store = _open(store, read_only=True)
        record = the_store.get_run(run_id)
        leftover.about(record.id, store)
        keep_run_words(record)
        from assay.api import replay_run
        from assay.cli.verify_tests import tests_json, tests_lines

        if model and len(model) > 1 and record.technique != "text":
            raise UsageError(
                f"a {record.technique} run has one model; give --model once", argument="--model"
            )
        given = None if not model else model[0] if len(model) == 1 else GivenAgain(model)
        check_verify_url(record, given, store)  # (before the replay begins)
        result = replay_run(
            the_store,
            record,
            given,
            model_type,
            allow_pickle,
            label_map=label_map,
            batch_size=batch_size,
        )
        prints = record.config.get("fingerprints")
        against = ", ".join(map(redact_text, model)) if model else "the run's model"
        change = None if model else model_changed(prints)
        if change:  # the file at the run's path is another model now: say whose answers these are
            against = f"the model file at the run's path, which {change} since the run started"
        elif record.technique == "text" and not model:
            changed = files_changed(prints, "classifier")
            against = "the run's classifiers" + (
                f" ({'; '.join(changed)} since the run started)" if changed else ""
            )
        # no stored finding replayed, or a backdoor run's not all: never exit 0 (``judged``)
        untested = result.untested or None
        # (the line goes to stdout, the reason to stderr: a CI step keeping stdout alone
        # would read "N no longer do" as a fix)
        partly = bool(untested) and str(untested).endswith("not everything was tested")
        verdict = (
            f"; {'NOT EVERYTHING' if partly else 'NOTHING'} WAS TESTED: this is not a pass (exit 2)"
            if untested
            else ""
        )
        code = 2 if untested else 1 if result.still_failing else 0
        if record.technique == "backdoor":
            changed = files_changed(prints, "clean")
            how = (
                " (asked again with the run's clean images"
                + (", which changed since the run started" if changed else "")
                + ")"
                if result.total
                else ""
            )
            said = (
                f"{result.still_failing:,} of {result.total:,} stored findings still hold "
                f"against {against}{how}; {result.fixed:,} no longer do{verdict}"
            )
        else:
            said = (
                f"{result.still_failing:,} of {result.total:,} stored findings still fail "
                f"against {against}; {result.fixed:,} no longer do{verdict}"
            )
        # a demonstration's run (``assay demo`` exited 0: it found the bugs it plants): its
        # findings are judged here, as any run's (exit 1 while one still fails), said so
        demo = (
            f"run {record.id} is a demonstration's, whose command exits 0 when it finds the "
            "bugs it plants; verify judges the findings themselves: exit 1 while any still "
            "fails, 0 when none does"
            if is_demonstration(record.command, record.config)
            else None
        )
        kept = (  # (the terminal's line under the verdict, and --json's: left46c)
            f"({result.total:,} witnesses were kept of the {record.n_findings:,} findings "
            "the run counted; --keep-findings all keeps every one)"
            if record.n_findings > result.total + result.skipped
            else None
        )
        if as_json:  # (with the exit code and the line: the counts alone read as a fix)
            out.emit_json(
                {
                    "run_id": record.id,
                    "model": against,
                    "findings": result.total,
                    "still_failing": result.still_failing,
                    "no_longer_failing": result.fixed,
                    "not_replayed": result.skipped,
                    "untested": untested,
                    "exit_code": code,
                    "verdict": (said if untested else f"{said} (exit {code})")
                    + (f" {kept}" if kept else ""),
                    "run_counted": record.n_findings,
                    "kept_note": kept,  # (None when every witness was kept)
                    "demonstration_note": demo,  # (None unless a demonstration's run)
                    **({"tests": tests_json(result.per_test)} if result.per_test else {}),
                }
            )
        out.say(said)
        for line in tests_lines(result.per_test):
            out.say(line)
        if result.skipped:
            out.note(f"{result.skipped:,} stored findings were not replayed: {result.why_skipped}")
        if kept:
            out.say(kept)
        if demo:
            out.say(demo)
        if untested:
            out.error(f"{untested} (exit 2; this is not a pass)")
        raise typer.Exit(code)


def _files_read(record: RunRecord) -> list[str]:
    """The files a run reads (its model, data, grammar, images, ...: the paths its
    fingerprints name), which no report of it may be written over."""
    prints = record.config.get("fingerprints")
    if not isinstance(prints, dict):
        return []
    return [str(p["path"]) for p in prints.values() if isinstance(p, dict) and p.get("path")]


def _export_resumed(
    result: Any, path: Path, store: RunStore, technique: str, *, written: bool = False
) -> dict[str, Any]:
    """``--export`` of a resumed run, as its first command would have written it (a fairness
    run: its IDIs in the user's values; a text run: its failing sentences), with how many
    of the CSV's cells were kept from running as spreadsheet formulas (``guarded``).
    ``written``: the run's finish wrote it there already (``export_before_resume``)."""
    if technique == "text":
        from assay.text.api import write_findings

        text_file, guarded = write_findings(store, result.run_id, path)
        return {"path": str(text_file), "guarded": guarded}
    from assay.core.exports import guard_formulas

    where = path if written else Path(result.export(path))
    guarded = 0
    if where.suffix.lower() == ".csv":
        guarded = guard_formulas(result.findings(limit=None))[1]
    return {"path": str(where), "guarded": guarded}


def _resume_hint(record: RunRecord, store: Path) -> str:
    """The line that continues ``record``, with the reports its command (or its last resume)
    was asked to write, as the line printed at its start gives them."""
    return resume_command(record.id, store, record.command, config=record.config)


def _warnings(summary: dict[str, Any]) -> list[str]:
    """The run's warnings and notes (what it printed on how it read the model and data, and
    its answer's caveats; a text run's grammar warnings, kept with its search), each once."""
    text = summary.get("text")
    grammar = text.get("warnings") if isinstance(text, dict) else None
    every = [*(summary.get("warnings") or []), *(summary.get("notes") or []), *(grammar or [])]
    said = [str(w) for w in every if str(w).strip()]
    return list(dict.fromkeys(said))


def _shown_json(
    record: RunRecord, store: Path, the_store: RunStore, *, files_now: bool = False
) -> dict[str, Any]:
    """A run as ``runs --json`` and ``show --json`` print it: the stored record, with its
    ``rerun`` command as the reports give it (pinned, with the environment that changed
    its findings, after ``cd DIR &&``: pasteable anywhere; ``command`` is the one stored),
    ``rerun_note`` (a time budget's caveat, or null) and ``resume`` (the line that continues
    a run that has not ended or that its resume finishes, with its reports; null for an
    ended one); ``headline`` as the
    terminal and the reports say it, NOTHING WAS TESTED (or NOT EVERYTHING WAS TESTED) first
    for a run that has not passed so (the summary's own headline is as the run stored it);
    ``status`` "unfinished" for an ended run that ``assay resume`` finishes (``search_status``:
    the stored one); ``stalled`` true for a run still marked running whose process is gone
    (the terminal's "stalled"; its ``status`` stays "running"); ``exit_code`` and
    ``verdict``: the run's verdict, as ``assay report`` exits with it and the terminal's
    ``assay show`` ends with it.  ``files_now`` (``show``,
    one run): ``rerun_note`` also names the run's files changed since it started (each
    hashed again: not for every run ``runs --json`` lists)."""
    shown = record.to_json()
    # (the status stored as the search ended it; ``status`` as the terminal says it, an
    # ended run stopped before what follows its search "unfinished", as its headline says)
    shown["search_status"] = record.status
    shown["status"] = shown_status(record)
    # (a run still marked running whose process is gone: the text listing's "stalled", as
    # the reports' ``run.stalled``; ``status`` keeps the documented values: ops47's Left)
    shown["stalled"] = _stale(the_store, record)
    verdict = run_verdict(the_store, record.id)
    shown["exit_code"] = verdict.code
    shown["verdict"] = verdict_line(verdict, _status(the_store, record), record.command)
    failed = not_a_pass(record.summary) if record.status in ENDED else None
    said = _headline(the_store, record) or None
    if failed:
        said = f"{failed[0].upper()}: {failed[1]}. {said or ''}".strip()
    shown["headline"] = said
    # (as the terminal's lines: the program as invoked here, ``core.program``; the reports,
    # documents read elsewhere, say ``assay``)
    # (an ended run stopped before what follows its search: its resume finishes it, as the
    # terminal's `assay show` and `assay runs` say)
    over = record.status in ENDED and not finishable(record)
    shown["resume"] = None if over else as_invoked(_resume_hint(record, store))
    kept = stored_keep(record.config, the_store.keep_policy(record.id))
    rerun = pasteable(record.command, kept, anywhere=True, summary=record.summary)
    shown["rerun"] = as_invoked(rerun)
    shown["rerun_note"] = rerun_note(
        record.config, record.command, summary=record.summary, files_now=files_now
    )
    # (its stored reasons' "assay resume RUN ...": this run's, as the reports say them)
    line = shown["resume"] or as_invoked(
        resume_command(record.id, store, record.command, config=record.config)
    )
    whole: dict[str, Any] = filled_in(
        shown, lambda text: filled_for(text, record.id, store, lambda: line), _KEPT
    )
    return whole


def _write_stored(
    out: Output,
    the_store: RunStore,
    run_id: str,
    json_path: Path | None,
    html: Path | None,
    junit: Path | None,
    *,
    as_json: bool,
) -> None:
    """Write a stored run's reports as they stand (``assay report``; ``assay resume`` of a
    run that already ended), each file said; ``--json``'s document emitted."""
    from assay.report import build_document, write_reports

    doc = build_document(the_store, run_id, files_now=True)
    written = write_reports(
        doc, json_path=json_path, html_path=html, junit_path=junit, arguments={"json": "--report"}
    )
    for p in written:
        out.say(f"wrote {p}")
    if as_json:
        out.emit_json(doc)


def _verdict_said(the_store: RunStore, run_id: str) -> str:
    """A stored run's verdict line, stalled as `show`, `runs` and its documents say (it read
    "the run is running" for a run whose process was gone: docs47)."""
    record = the_store.get_run(run_id)
    return verdict_line(run_verdict(the_store, run_id), _status(the_store, record), record.command)


_KEPT = frozenset({("command",), ("config",)})  # (the run's own: never filled)


# what ``runs --json`` leaves out of each run unless ``--full``: a run's whole record is
# ~50 KB of JSON for a small run (1.4 MB for one of 10,000 columns), 50 MB for 1,000 runs
WHOLE_ONLY = ("config", "model", "versions", "progress", "summary")


def _listed(shown: dict[str, Any], *, full: bool) -> dict[str, Any]:
    """A run as ``runs --json`` lists it: its brief fields (id, statuses, verdict, headline,
    counts, times, its rerun and resume lines, its error), or whole with ``--full``."""
    return shown if full else {k: v for k, v in shown.items() if k not in WHOLE_ONLY}


def _first_line(text: str, most: int = 160) -> str:
    """An error's first line, cut to ``most`` characters (the list keeps a line a run)."""
    line = text.strip().splitlines()[0] if text.strip() else ""
    return line if len(line) <= most else line[: most - 3] + "..."
