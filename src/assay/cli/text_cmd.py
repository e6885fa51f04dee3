"""``assay text``: grammar-directed differential and metamorphic testing of text classifiers."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Annotated, Any

import typer

from assay.cli.argv import command_argv, unused
from assay.cli.checks import check_creatable, check_fail_on, check_outputs, check_store
from assay.cli.console import Output
from assay.cli.demo_models import check_demo_models
from assay.cli.options import (
    AllowPickle,
    AsJson,
    BatchSize,
    CallTimeout,
    Concurrency,
    Executor,
    FailOnSeverity,
    HeaderEnv,
    Html,
    JsonReport,
    Junit,
    KeepFindings,
    MaxErrorRate,
    MaxTime,
    ModelType,
    Quiet,
    RateLimit,
    Retries,
    RunStorePath,
    Scheduler,
    Seed,
    Template,
    Timeout,
    Units,
    Workers,
    serving_options,
)
from assay.cli.reporting import (
    announce,
    export_command,
    finish_run,
    formula_note,
    not_exported,
    not_written,
)
from assay.cli.served_only import check_served_only
from assay.cli.text_hints import say_where
from assay.cli.text_lines import say_failing
from assay.core.budget import check_budget
from assay.core.calls import DEFAULT_CALL_TIMEOUT
from assay.core.clock import call_started
from assay.core.extras import pip_install
from assay.core.loading_time import loading_within
from assay.core.store import DEFAULT_STORE, RunStore
from assay.core.witnesses import DEFAULT_KEEP, keep_option, parse_keep
from assay.errors import UsageError
from assay.text.depth import beyond_depth

__all__ = ["register"]

DEMO_MODELS = ["builtin:vader", "builtin:textblob"]


def _check_demo_packages() -> None:
    """The demonstration's classifiers come from the ``[text]`` extra: said as the demo's
    need, not as a MODEL argument the user never gave."""
    import importlib.util

    missing = [n for n in ("vaderSentiment", "textblob") if importlib.util.find_spec(n) is None]
    if missing:
        raise UsageError(
            f"the text demonstration (VADER vs TextBlob) needs {' and '.join(missing)}: "
            + pip_install("'assay[text]'")
        )


def register(app: typer.Typer, guarded: Callable[[Any], Any]) -> None:
    @app.command("text")
    @guarded
    def text(
        ctx: typer.Context,
        models: Annotated[
            list[str] | None,
            typer.Argument(
                help="Classifiers: builtin:vader|textblob|tfidf|tfidf-nonegation, a .skops/"
                ".onnx file, file.py:function, package.module:function, an http(s) endpoint.",
                show_default=False,
            ),
        ] = None,
        grammar: Annotated[
            str | None,
            typer.Option(
                help="Grammar file (assay or NLTK CFG format) or builtin:reviews|names|topics."
            ),
        ] = None,
        oracle: Annotated[
            str,
            typer.Option(
                help="differential (2+ classifiers), invariance, directional, expect (the "
                "grammar's %expect lines: CheckList's MFT), suite (every %invariant, "
                "%directional and %expect in one run)."
            ),
        ] = "differential",
        label_map: Annotated[
            Path | None, typer.Option(help="Label map: lines 'CLASSIFIER LABEL -> COMMON'.")
        ] = None,
        strategy: Annotated[
            str, typer.Option(help="walk (default), harvest, explore, random, ogma, exhaustive.")
        ] = "walk",
        floor: Annotated[
            int | None,
            typer.Option(
                help="Random cases per test of the grammar's (--oracle suite, invariance, "
                "directional, expect) drawn before the search, and a share of every round "
                "beside it for a test short of its share (default: 100 for --oracle suite, "
                "none for the others; 0: none; refused with differential)."
            ),
        ] = None,
        mode: Annotated[
            str, typer.Option(help="Differential check: top1, topk, distance.")
        ] = "top1",
        top_k: Annotated[int, typer.Option(help="k for --mode topk.")] = 2,
        threshold: Annotated[
            float, typer.Option(help="Probability distance for --mode distance (0..1).")
        ] = 0.5,
        max_depth: Annotated[int, typer.Option(help="Deepest derivation generated.")] = 24,
        uniform: Annotated[
            bool, typer.Option("--uniform", help="Ignore the grammar's weights when drawing.")
        ] = False,
        max_queries: Annotated[
            int | None, typer.Option(help="Query budget (default 20,000 with no budget).")
        ] = None,
        max_time: MaxTime = None,
        seed: Seed = None,
        call_timeout: CallTimeout = DEFAULT_CALL_TIMEOUT,
        determinism_check: Annotated[
            bool,
            typer.Option(
                "--determinism-check/--no-determinism-check",
                help="Ask sentences twice before the search and minimal failing sentences "
                "again after it, within --max-queries (at most a tenth of it).",
            ),
        ] = True,
        demo: Annotated[
            bool, typer.Option("--demo", help="VADER vs TextBlob on the built-in reviews.")
        ] = False,
        model_type: ModelType = None,
        allow_pickle: AllowPickle = False,
        output: Annotated[
            list[str] | None,
            typer.Option(
                "--output",
                metavar="NAME",
                help="The output to read of an ONNX graph or Open Inference Protocol endpoint "
                "with several: one per classifier, in order ('-': its default).",
            ),
        ] = None,
        export: Annotated[
            Path | None,
            typer.Option(
                help="Write the failing sentences here (.csv, .jsonl, or .json: one document)."
            ),
        ] = None,
        html: Html = None,
        junit: Junit = None,
        report: JsonReport = None,
        fail_on: FailOnSeverity = 0.0,
        executor: Executor = "inprocess",
        workers: Workers = None,
        scheduler: Scheduler = None,
        units: Units = None,
        store: RunStorePath = DEFAULT_STORE,
        keep_findings: KeepFindings = str(DEFAULT_KEEP),
        batch_size: BatchSize = None,
        concurrency: Concurrency = 1,
        timeout: Timeout = 30.0,
        retries: Retries = 3,
        rate_limit: RateLimit = None,
        header_env: HeaderEnv = None,
        max_error_rate: MaxErrorRate = 0.5,
        template: Template = None,
        quiet: Quiet = False,
        as_json: AsJson = False,
    ) -> None:
        """Test text classifiers with sentences generated from a grammar."""
        from assay.execution.campaign import execution_config
        from assay.text.api import (
            DEFAULT_MAX_QUERIES,
            check_export,
            check_text,
            exhaustive_warning,
            setup_text,
            write_findings,
        )

        execution_config(executor, workers, scheduler, units)  # before anything is loaded
        # every argument is checked before anything is loaded or a run is created: a bad
        # name found after the run would cost it and hide its exit code behind exit 2
        check_budget(
            max_queries=max_queries, max_time=max_time, call_timeout=call_timeout, seed=seed
        )
        check_fail_on(fail_on)  # above 1 (or NaN) no finding could ever fail the run
        keep = parse_keep(keep_findings)
        unused_notes = _check_mode_options(ctx, oracle, mode, floor)  # never silently ignored
        check_export(export)
        outputs = [(html, "--html"), (junit, "--junit"), (report, "--report"), (export, "--export")]
        check_outputs(outputs, [store, grammar, label_map, template, *(models or [])])
        for path, flag in outputs:
            check_creatable(path, flag)
        out = Output(quiet=quiet, as_json=as_json)
        for unused_note in unused_notes:
            out.note(unused_note)
        specs = list(models or [])
        if demo:
            from assay.text.loading import BUILTIN_CLASSIFIERS

            check_demo_models(specs, [f"builtin:{name}" for name in BUILTIN_CLASSIFIERS])
            if not specs:
                _check_demo_packages()
            specs = specs or list(DEMO_MODELS)
            grammar = grammar or "builtin:reviews"
            if max_queries is None and max_time is None:
                max_queries = 3_000
        if not specs:
            raise UsageError("give one or more classifiers, or --demo", argument="MODEL")
        for served_note in check_served_only(ctx, specs):  # never silently ignored
            out.note(served_note)
        if grammar is None:
            raise UsageError(
                "give a grammar: --grammar FILE or builtin:reviews", argument="--grammar"
            )
        check_store(store)  # refused now, not after loading (a newer, damaged or folder store)
        out.note("assay text: loading the classifiers and the grammar ...")
        started = call_started()  # the command's start (core.clock): --max-time bounds loading too
        with loading_within(max_time, started, what="the classifiers and the grammar"):
            the_setup = setup_text(
                specs,
                grammar=grammar,
                oracle=oracle,
                label_map=label_map,
                strategy=strategy,
                floor=floor,
                mode=mode,
                top_k=top_k,
                threshold=threshold,
                max_depth=max_depth,
                model_type=model_type,
                allow_pickle=allow_pickle,
                weighted=not uniform,
                output=output or None,
                # loading's sentences count within the budget (20,000 with none given)
                max_queries=max_queries if max_queries or max_time else DEFAULT_MAX_QUERIES,
                call_timeout=call_timeout,
                serving=serving_options(
                    batch_size=batch_size,
                    concurrency=concurrency,
                    timeout=timeout,
                    retries=retries,
                    rate_limit=rate_limit,
                    header_env=header_env,
                    max_error_rate=max_error_rate,
                    template=template,
                ),
            )
        for w in the_setup.test.grammar.warnings:
            out.note(f"warning: {w}")
        left_out = beyond_depth(the_setup.test.grammar, the_setup.test.max_depth)
        if left_out:  # a part of the grammar no sentence of the run can reach
            out.note(f"warning: {left_out}")
        if the_setup.test.strategy == "exhaustive":  # a budget reaching its first derivations
            reach = exhaustive_warning(
                the_setup,
                max_queries if max_queries or max_time else DEFAULT_MAX_QUERIES,
                units=units,
                checks=determinism_check,
            )
            if reach:
                out.note(f"warning: {reach}")
        for name, member in zip(the_setup.model.names, the_setup.model.models, strict=False):
            said = _locale_note(member)
            if said:  # a text graph loaded with another locale than it names, or read so
                out.note(f"note: {name}: {said}")
        budget_q = max_queries if (max_queries or max_time) else 20_000
        with out.progress(budget_q, max_time, started) as progress:
            result = check_text(
                setup=the_setup,
                max_queries=max_queries,
                max_time=max_time,
                call_timeout=call_timeout,
                seed=seed,
                store=store,
                argv=command_argv(ctx),
                executor=executor,
                workers=workers,
                scheduler=scheduler,
                units=units,
                on_progress=progress,
                started=started,
                fail_on=fail_on,
                keep_findings=keep_option(keep),
                determinism_check=determinism_check,
                on_start=announce(
                    out, store, {"--html": html, "--junit": junit, "--report": report}
                ),
            )
        said = _checks_line(result.summary or {})
        if said:
            out.note(said)
        # the bug itself, not only its count
        say_failing(out, result.summary or {}, every=export_command(result.run_id, store))
        say_where(out, result.summary or {})
        exported = None
        unwritten: UsageError | None = None  # the export failed: said after the verdict
        if export is not None:
            try:
                path, guarded = write_findings(RunStore(store), result.run_id, export)
            except UsageError as exc:
                unwritten = not_exported(exc, result, store, export, "text")
            else:
                exported = {"export": {"path": str(path)}}
                unended = result.status not in ("completed", "budget_exhausted")
                out.say(
                    f"wrote {path}"
                    + (
                        f" (so far: the run is {result.status}; its resume line writes the "
                        "file again)"
                        if unended
                        else ""
                    )
                )
                if said := formula_note(path, guarded):
                    out.note(said)
        code = finish_run(
            out,
            store=RunStore(store),
            run_id=result.run_id,
            html=html,
            junit=junit,
            report=report,
            fail_on=fail_on,
            exports=exported,
            **not_written(unwritten),
        )
        if unwritten is not None:  # exit 2: the file asked for is not there
            raise unwritten
        raise typer.Exit(code)  # (a demonstration is judged as one: cli.verdict)


def _check_mode_options(ctx: typer.Context, oracle: str, mode: str, floor: int | None) -> list[str]:
    """Refuses a differential option typed for a run that ignores it: ``--mode`` with another
    oracle, ``--top-k`` outside ``--mode topk``, ``--threshold`` outside ``--mode distance``;
    and a ``--floor`` above 0 with ``--oracle differential`` (which declares no tests), before
    anything is loaded.  Typed with its default value, a note (returned) says it is not used
    (``argv.unused``)."""
    notes: list[str] = []
    if oracle != "differential":
        why = (
            f"--mode is for --oracle differential; this run's oracle is {oracle}: "
            "drop --mode, or give --oracle differential"
        )
        unused(ctx, "mode", why, argument="--mode", notes=notes)
    for flag, name, owner in (
        ("--top-k", "top_k", "topk"),
        ("--threshold", "threshold", "distance"),
    ):
        if mode != owner or oracle != "differential":
            why = (
                f"{flag} is for --mode {owner} (--oracle differential); this run's "
                f"{f'mode is {mode}' if oracle == 'differential' else f'oracle is {oracle}'}: "
                f"drop {flag}, or give --mode {owner}"
            )
            unused(ctx, name, why, argument=flag, notes=notes)
    if floor and oracle == "differential":  # (suite_floor says it after loading otherwise)
        raise UsageError(
            "--floor is for the tests a grammar declares (--oracle suite, invariance, "
            "directional, expect); a differential run has none: drop --floor, or give one "
            "of those oracles",
            argument="--floor",
        )
    return notes


def _checks_line(summary: dict[str, Any]) -> str | None:
    """What the determinism checks cost, and whether within the query budget; then every
    query the run asked, by whom (the search, the checks, loading the classifiers)."""
    det = summary.get("determinism") or {}
    lines = []
    if "queries" in det and not det.get("off"):
        where = "within --max-queries" if det.get("within_budget") else "no query budget"
        n, calls = int(det["queries"]), int(det.get("calls", 0))
        lines.append(
            f"determinism checks: {n:,} quer{'y' if n == 1 else 'ies'} in {calls} "
            f"call{'' if calls == 1 else 's'} ({where})"
        )
    asked = summary.get("model_queries") or {}
    if asked:
        again = asked.get("loading_resumed")
        budget = asked.get("max_queries")
        lines.append(
            f"queries asked: {asked.get('total', 0):,} in all (search {asked.get('search', 0):,}, "
            f"determinism checks {asked.get('checks', 0):,}, loading the classifiers "
            f"{asked.get('loading', 0):,}"
            + (f", loading again in resumed sessions {again:,}" if again else "")
            + (f"; --max-queries {budget:,})" if budget is not None else "; no query budget)")
        )
    return "\n".join(lines) or None


def _locale_note(model: Any) -> str | None:
    """What the loader says of an ONNX text graph loaded with another locale (its details'
    ``locale``), or of how a classifier's answers are read (``loading_note``), looking
    through the wrappers around it."""
    seen = 0
    while model is not None and seen < 5:
        note = getattr(model, "loading_note", None)  # (how its answers are read)
        if isinstance(note, str):
            return note
        info = getattr(model, "spec_info", None) or {}
        said = (info.get("details") or {}).get("locale") if isinstance(info, dict) else None
        if isinstance(said, str):
            return said
        model = getattr(model, "inner", None) or getattr(model, "model", None)
        seen += 1
    return None
