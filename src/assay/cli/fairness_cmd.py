"""``assay fairness`` and ``assay demo``."""

from __future__ import annotations

import time
from collections.abc import Callable
from pathlib import Path
from typing import Annotated, Any

import typer

from assay.cli.answer_lines import say_answer
from assay.cli.argv import command_argv, unused
from assay.cli.checks import check_creatable, check_fail_on, check_outputs, check_store
from assay.cli.console import Output
from assay.cli.options import (
    AllowPickle,
    AsJson,
    BatchSize,
    CallTimeout,
    Classes,
    Concurrency,
    Executor,
    HeaderEnv,
    Html,
    JsonReport,
    Junit,
    KeepFindings,
    MaxErrorRate,
    MaxTime,
    ModelType,
    Overlap,
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
from assay.cli.reporting import announce, finish_run, formula_note
from assay.cli.served_only import check_served_only
from assay.cli.user_words import keep_on_one_line, schema_words
from assay.core.budget import check_budget
from assay.core.calls import DEFAULT_CALL_TIMEOUT
from assay.core.clock import call_started
from assay.core.exports import check_export
from assay.core.keywords import on_the_command_line
from assay.core.loading_time import loading_within
from assay.core.run_commands import anywhere
from assay.core.store import DEFAULT_STORE, RunStore
from assay.core.terminal import shell_join
from assay.core.units import check_units_budget
from assay.core.witnesses import DEFAULT_KEEP, keep_option, parse_keep
from assay.errors import UsageError
from assay.fairness.finish import export_follows, export_written
from assay.fairness.known_classes import is_answered_note
from assay.fairness.notes import polars_note, setup_notes, setup_warnings
from assay.fairness.phases import billed_note
from assay.fairness.time_spent import squeezed

__all__ = ["register"]


def _bounded_note(setup: Any, max_queries: int | None, max_time: float | None) -> str | None:
    """Before the run: that the answer's samples are cut by their query bound (many protected
    values, ``fairness.answer_cost``), with the budget that gives them back."""
    from assay.fairness.answer_cost import answer_rows
    from assay.fairness.check import DEFAULT_MAX_QUERIES

    if max_queries is None and max_time is not None:
        return None  # (bounded by the time: the answer's samples are cut by its pace)
    budget = DEFAULT_MAX_QUERIES if max_queries is None else max_queries
    return answer_rows(setup.test.schema, setup.test.data is not None, 20_000, budget)[1]


def _with_late_notes(
    out: Any, setup: Any, said: list[str], progress: Callable[[dict[str, Any]], None]
) -> Callable[[dict[str, Any]], None]:
    """``progress``, and the notes learnt once the run has begun said as they are learnt, as
    the notes said before it: a data file's or a pandas frame's model found at its first
    call to need polars DataFrames (``polars_note``; else said only among the stored
    notes)."""
    told = set(said)

    def update(p: dict[str, Any]) -> None:
        late = polars_note(setup)
        if late is not None and late not in told:
            told.add(late)
            out.note(f"note: {late[0].lower()}{late[1:]}")
        progress(p)

    return update


def register(app: typer.Typer, guarded: Callable[[Any], Any]) -> None:
    @app.command("fairness")
    @guarded
    def fairness(
        ctx: typer.Context,
        model: Annotated[
            str | None,
            typer.Argument(
                help="Model: a .skops/.onnx file, file.py:function, package.module:function, "
                "an http(s) endpoint, a .joblib/.pkl file (with --allow-pickle), or "
                "builtin:tree|forest|logistic|mlp (with --dataset). Default with --dataset: "
                "builtin:tree.",
                show_default=False,
            ),
        ] = None,
        data: Annotated[
            Path | None,
            typer.Option(help="Example rows (CSV, CSV.gz, Parquet, Feather, JSON lines)."),
        ] = None,
        encoding: Annotated[
            str,
            typer.Option(help="Text encoding of --data (decoded strictly), e.g. latin-1."),
        ] = "utf-8",
        dataset: Annotated[
            str | None, typer.Option(help="A built-in dataset: adult, adult-raw, german, compas.")
        ] = None,
        schema: Annotated[
            Path | None, typer.Option(help="The input space as a YAML/JSON schema file.")
        ] = None,
        protected: Annotated[
            str | None,
            typer.Option(
                help="Protected attribute(s), comma-separated; a number by bins: "
                "age:bins=25,40,60 (inner edges)."
            ),
        ] = None,
        label: Annotated[
            str | None, typer.Option(help="The true-label column of --data (group metrics).")
        ] = None,
        drop: Annotated[
            str | None,
            typer.Option(
                help="Columns of --data the model does not take (an id, a timestamp), "
                "comma-separated: set aside."
            ),
        ] = None,
        missing: Annotated[
            str,
            typer.Option(
                help="Rows of --data with an empty value: refuse (the error names the "
                "first), drop (set aside, counted and said; no input with an empty value "
                "is tested) or value (tested: each column with an empty cell takes "
                "'missing' as one more value, searched like the others and given to the "
                "model as an empty cell, NaN; a protected attribute's is one more "
                "protected value; no exact analysis)."
            ),
        ] = "refuse",
        strategy: Annotated[
            str,
            typer.Option(
                help="Search strategy: walk (default), random, aequitas-random, "
                "aequitas-semi, aequitas-full, expga."
            ),
        ] = "",
        optimize: Annotated[
            str,
            typer.Option(
                help="What the default search spends sparingly: auto (measure the model: "
                "queries when it is slow or remote), queries, time, or time-then-queries (a "
                "first round for speed, then queries: what auto chose for a slow model, as "
                "rerun commands name it)."
            ),
        ] = "auto",
        threshold: Annotated[
            float | None,
            typer.Option(
                help="An IDI is a label flip; with this, also a probability gap larger than "
                "this between two protected variants (0..1; probability models)."
            ),
        ] = None,
        cutoff: Annotated[
            float | None,
            typer.Option(
                help="Decide the model's score here, as the application does: a regressor, "
                "a scorecard, a logit, or the second class's probability above C (an IDI: "
                "the decision changes with a protected attribute)."
            ),
        ] = None,
        start: Annotated[
            str, typer.Option(help="Start searches from: auto, data (real rows), uniform.")
        ] = "auto",
        max_queries: Annotated[
            int | None, typer.Option(help="Query budget (default 200,000 with no budget).")
        ] = None,
        max_time: MaxTime = None,
        seed: Seed = None,
        call_timeout: CallTimeout = DEFAULT_CALL_TIMEOUT,
        estimate: Annotated[
            bool, typer.Option("--estimate", help="Estimate the share of discriminatory inputs.")
        ] = False,
        precision: Annotated[
            float, typer.Option(help="Stop estimating at this half-width of the 95 % CI.")
        ] = 0.005,
        retrain: Annotated[
            bool,
            typer.Option("--retrain", help="Retrain with generated inputs (scikit-learn models)."),
        ] = False,
        max_accuracy_loss: Annotated[
            float | None,
            typer.Option(
                help="With --retrain: the most held-out accuracy (points, 0-100) a kept round "
                "may lose against its refit-only control (default 5)."
            ),
        ] = None,
        model_type: ModelType = None,
        allow_pickle: AllowPickle = False,
        trust: Annotated[
            list[str] | None, typer.Option(help="Trust this type when loading a skops file.")
        ] = None,
        output: Annotated[
            str | None, typer.Option("--output", help="The ONNX output to read.")
        ] = None,
        classes: Classes = None,
        export: Annotated[
            Path | None,
            typer.Option(
                help="Write the stored IDIs here, in your columns and values, one row per "
                "input (.csv, .jsonl, or .json: one document).",
            ),
        ] = None,
        html: Html = None,
        junit: Junit = None,
        report: JsonReport = None,
        fail_on: Annotated[
            str,
            typer.Option(
                help="Exit 1 when a finding's severity is at least this number, or when an "
                "attribute's share passes an expression: 'share>0.01', 'share_data>=1%'."
            ),
        ] = "0",
        exact: Annotated[
            bool | None,
            typer.Option(
                "--exact/--no-exact",
                help="Exact share and region for tree models (default: when the trees can be "
                "read; --exact also says why not).",
                show_default=False,
            ),
        ] = None,
        exact_time: Annotated[
            float | None,
            typer.Option(
                help="Seconds for the exact analysis, then bounds (default 60 with --exact, "
                "10 when automatic, where trees too large to refine give up after 2 s; given, "
                "it is spent)."
            ),
        ] = None,
        favourable: Annotated[
            str | None,
            typer.Option(help="The favourable class (default: inferred, and said so)."),
        ] = None,
        determinism_check: Annotated[
            bool,
            typer.Option(
                "--determinism-check/--no-determinism-check",
                help="Ask inputs twice before the search and IDIs again after it (at most a "
                "tenth of --max-queries more; counted in the headline).",
            ),
        ] = True,
        store: RunStorePath = DEFAULT_STORE,
        keep_findings: KeepFindings = str(DEFAULT_KEEP),
        overlap: Overlap = True,
        batch_size: BatchSize = None,
        concurrency: Concurrency = 1,
        timeout: Timeout = 30.0,
        retries: Retries = 3,
        rate_limit: RateLimit = None,
        header_env: HeaderEnv = None,
        max_error_rate: MaxErrorRate = 0.5,
        template: Template = None,
        executor: Executor = "inprocess",
        workers: Workers = None,
        scheduler: Scheduler = None,
        units: Units = None,
        quiet: Quiet = False,
        as_json: AsJson = False,
    ) -> None:
        """Search a tabular model for individual discrimination."""
        from assay.api import check_fairness, setup_fairness
        from assay.execution.campaign import execution_config
        from assay.fairness.search import DEFAULT_STRATEGY
        from assay.fairness.verdict import parse_fail_on

        # every argument is checked before anything is loaded or a run is created
        check_budget(
            max_queries=max_queries, max_time=max_time, call_timeout=call_timeout, seed=seed
        )
        check_units_budget(units, max_queries)  # before anything is loaded
        execution_config(executor, workers, scheduler, units)
        check_export(export)
        outputs = [(html, "--html"), (junit, "--junit"), (report, "--report"), (export, "--export")]
        check_outputs(outputs, [store, data, schema, model, template])
        for path, flag in outputs:  # (missing folders made, as text's and backdoor's: hostile53b)
            check_creatable(path, flag)
        if protected is not None and not protected.replace(",", " ").strip():
            # (an empty shell variable: the dataset's default would be tested instead of
            # what the script meant)
            raise UsageError(
                f"--protected {protected!r} names no attribute; name the protected "
                "attribute(s), comma-separated (leave the option out for a built-in "
                "dataset's default)",
                argument="--protected",
            )
        from assay.fairness.loading import refuse_beside_dataset

        refuse_beside_dataset(dataset, schema=schema, label=label, drop=drop)
        out = Output(quiet=quiet, as_json=as_json)
        keep = parse_keep(keep_findings)  # checked before anything is loaded or created
        rule = parse_fail_on(fail_on)
        if isinstance(rule, float):
            check_fail_on(rule)
        from assay.fairness.retrain import accuracy_bound

        accuracy_bound(retrain, max_accuracy_loss)  # before anything is loaded
        for said in _check_ignored(ctx, estimate, strategy, exact):  # never silently ignored
            out.note(said)
        if retrain:
            from assay.fairness.retrain import refuse_unrefittable

            refuse_unrefittable(model)  # before a served model is asked anything
        for served_note in check_served_only(ctx, [model]):  # never silently ignored
            out.note(served_note)
        check_store(store)  # refused now, not after loading (a newer, damaged or folder store)
        out.note("assay fairness: loading the model and data ...")
        started = call_started()  # the command's start (core.clock): --max-time bounds loading too
        # (on_the_command_line: loading's refusals give the command line's way on, left52)
        with loading_within(max_time, started, what="the model and data"), on_the_command_line():
            the_setup = setup_fairness(
                model,
                data=data,
                dataset=dataset,
                schema=schema,
                protected=protected,
                label=label,
                strategy=strategy or DEFAULT_STRATEGY,
                optimize=optimize,
                threshold=threshold,
                cutoff=cutoff,
                start=start,
                estimate=estimate,
                precision=precision,
                model_type=model_type,
                allow_pickle=allow_pickle,
                trust=trust or [],
                output=output,
                classes=classes,
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
                encoding=encoding,
                drop=drop,
                missing=missing,
            )
        keep_on_one_line(schema_words(the_setup.test.schema.to_json()))
        # the class names the model gave (before the run: a --favourable error lists them)
        keep_on_one_line(the_setup.model.capabilities.class_names or ())
        warns = setup_warnings(the_setup)  # (those that make the figures less trustworthy)
        before = setup_notes(the_setup)
        for said in before:
            kind = "warning" if said in warns else "note"
            out.note(f"{kind}: {said[0].lower()}{said[1:]}")
        bounded = _bounded_note(the_setup, max_queries, max_time)
        if bounded is not None:  # (many protected values: said before anything is asked)
            out.note(f"note: {bounded}")
        beyond = billed_note(the_setup, max_queries, determinism_check)
        if beyond is not None:
            out.note(f"note: {beyond}")
        budget_q = max_queries if (max_queries or max_time) else 200_000
        with out.progress(budget_q, max_time, started) as progress:
            result = check_fairness(
                setup=the_setup,
                started=started,
                max_queries=max_queries,
                max_time=max_time,
                seed=seed,
                store=store,
                retrain=retrain,
                max_accuracy_loss=max_accuracy_loss,
                overlap=overlap,
                call_timeout=call_timeout,
                executor=executor,
                workers=workers,
                scheduler=scheduler,
                units=units,
                keep_findings=keep_option(keep),
                exact=exact,
                exact_time=exact_time,
                favourable=favourable,
                fail_on=fail_on,
                determinism_check=determinism_check,
                argv=command_argv(ctx),
                on_progress=_with_late_notes(out, the_setup, before, progress),
                on_start=announce(
                    out, store, {"--html": html, "--junit": junit, "--report": report}
                ),
            )
        say_answer(out, result.summary, exact=exact)
        if exact_time is not None and not (result.summary or {}).get("exact"):
            # (automatic: tried only for a model it can read; a script may give it to all)
            out.note(
                f"note: --exact-time {exact_time:g} was not used: no exact analysis ran (it "
                "reads tree models, or enumerates a small input space; --exact says why not)"
            )
        for said in squeezed(result.summary):  # how --max-time went, when the search got little
            out.note(f"note: {said}")
        for said in (result.summary or {}).get("notes") or []:  # (learnt during the run)
            if is_answered_note(said):  # the classes answered, none known
                out.note(f"note: {said[0].lower()}{said[1:]}")
        exports: dict[str, Any] = {}
        if export is not None:
            # a part still to come until written (``core.unfinished``): a kill while it is
            # written leaves the run finishable, and its resume writes the file
            with RunStore(store) as writing:
                export_follows(writing, result.run_id, export)
                exports["export"], said, guarded = _exported(result, export)
                export_written(writing, result.run_id)
            out.say(said)
            if note := formula_note(export, guarded):
                out.note(note)
        saved = (result.mitigation or {}).get("saved") or []
        if saved:  # --json's reader finds the retrained model without parsing the text
            exports["retrained"] = [str(Path(p).resolve()) for p in saved]
        code = finish_run(
            out,
            store=RunStore(store),
            run_id=result.run_id,
            html=html,
            junit=junit,
            report=report,
            fail_on=rule if isinstance(rule, float) else 0.0,
            exports=exports,
        )  # a rule on the share: the verdict decides (finish_run reads it from the run)
        raise typer.Exit(code)

    @app.command("demo")
    @guarded
    def demo(
        ctx: typer.Context,
        what: Annotated[
            str,
            typer.Argument(
                help="Which demonstration: fairness (the default), text (the same as assay "
                "text --demo) or backdoor (the same as assay backdoor --demo).",
                show_default=False,
            ),
        ] = "fairness",
        out_dir: Annotated[
            Path,
            typer.Option(
                "--out",
                help="Where to write the reports (and the fairness demo's retrained model).",
            ),
        ] = Path("assay-demo"),
        seconds: Annotated[
            float,
            typer.Option(
                help="Time budget of the run (search and estimate, reports included), in "
                "seconds; retraining follows it.  For text and backdoor: their --max-time, "
                "only when given (they have query budgets of their own)."
            ),
        ] = 20.0,
        seed: Annotated[int, typer.Option(help="Seed of the run.")] = 0,
        store: Annotated[
            Path, typer.Option(help="The run store (where assay runs/show/report look).")
        ] = DEFAULT_STORE,
        quiet: Quiet = False,
    ) -> None:
        """Run a demonstration on built-in data and models (fairness, text or backdoor).

        The fairness demonstration (the default) tests a decision tree trained on UCI Adult
        for discrimination on sex, estimates how common it is, retrains the tree and writes
        an HTML report; 'assay demo text' and 'assay demo backdoor' run the other techniques'
        demonstrations."""
        if what != "fairness":
            from assay.cli.app import demo_alias

            given = ctx.get_parameter_source("seconds")
            raise typer.Exit(
                demo_alias(
                    what,
                    seed=seed,
                    store=store,
                    out_dir=out_dir,
                    seconds=seconds if given is not None and given.name == "COMMANDLINE" else None,
                    quiet=quiet,
                )
            )
        from assay.api import check_fairness, setup_fairness
        from assay.core.runinfo import store_option

        out = Output(quiet=quiet)
        t0 = time.monotonic()
        the_store = RunStore(store)
        out.say(
            "assay demo: a decision tree trained on UCI Adult (built in), tested for "
            "discrimination on sex; then retrained with the inputs found."
        )
        argv = ["demo", "--seed", str(seed), "--seconds", f"{seconds:g}", "--out", str(out_dir)]
        argv += store_option(store)
        # the built-in tree is trained before the run's clock starts: --seconds is the run's
        setup = setup_fairness(None, dataset="adult", protected="sex", estimate=True)
        reports = {
            "--html": out_dir / "fairness.html",
            "--junit": out_dir / "fairness.junit.xml",
            "--report": out_dir / "fairness.json",
        }
        with out.progress(None, seconds) as progress:
            result = check_fairness(
                None,
                setup=setup,
                started=time.monotonic(),  # (not the process's: the training is not the run)
                max_time=seconds,
                seed=seed,
                store=the_store,
                retrain=True,
                retrain_dir=out_dir / "models",
                argv=argv,
                on_progress=progress,
                # the run is the command's, as every run command's (report46b: its files
                # said no exit code, ``command_exit`` none kept, as for a Python call); its
                # id and resume line said as they are (left47f: as the other demos say them)
                on_start=announce(out, store, reports),
            )
        say_answer(out, result.summary)  # the answer leads, as in assay fairness
        code = finish_run(
            out,
            store=the_store,
            run_id=result.run_id,
            html=reports["--html"],
            junit=reports["--junit"],
            report=reports["--report"],
            fail_on=0.0,
        )
        if code != 0:  # found nothing, interrupted, or nothing tested (cli.verdict)
            raise typer.Exit(code)
        if line := _verify_retrained(result.mitigation, result.run_id, store):
            out.say(line)
        out.say(
            f"demo finished in {time.monotonic() - t0:.0f} s (training the built-in tree, then "
            f"the run); open {out_dir / 'fairness.html'}"
        )
        out.say("see every run: " + shell_join(["assay", "runs", "--store", anywhere(store)]))


def _verify_retrained(mitigation: Any, run_id: str, store: Path) -> str | None:
    """The demonstration's line replaying its findings against the retrained model (its
    ONNX file: no types to trust), with what ``assay verify``'s exit code means there: its
    findings judged, not the demonstration (the run's own replay exits 1 where the demo
    exited 0, its bugs still there: left47f).  None without a retrained ONNX file."""
    saved = mitigation.get("saved") if isinstance(mitigation, dict) else None
    onnx = [str(p) for p in saved or [] if str(p).endswith(".onnx")]
    if not onnx:
        return None
    model = str(Path(onnx[0]).resolve())
    # the store absolute, as the resume line's: it pastes in any directory (docs47)
    command = shell_join(["assay", "verify", run_id, "--model", model, "--store", anywhere(store)])
    return (
        "replay the run's findings against the retrained model (verify judges the findings, "
        "not the demonstration: exit 1 while any still fails there, the retraining lowering "
        f"the share without having to clear it; 0 when none does): {command}"
    )


def _check_ignored(
    ctx: typer.Context, estimate: bool, strategy: str, exact: bool | None
) -> list[str]:
    """Refuses an option typed for a run that ignores it: ``--precision`` without
    ``--estimate``, ``--optimize`` with a strategy other than the default walk,
    ``--exact-time`` with ``--no-exact``.  Typed with its default value, a note (returned)
    says it is not used (``argv.unused``)."""
    notes: list[str] = []
    if not estimate:
        why = (
            "--precision is where --estimate stops, and no estimate was asked for: give "
            "--estimate too, or drop --precision"
        )
        unused(ctx, "precision", why, argument="--precision", notes=notes)
    if strategy not in ("", "walk"):
        why = (
            f"--optimize is for the default search (--strategy walk); this run's strategy is "
            f"{strategy}: drop --optimize, or drop --strategy"
        )
        unused(ctx, "optimize", why, argument="--optimize", notes=notes)
    if exact is False:
        why = (
            "--exact-time is the exact analysis's time, and --no-exact turns the analysis "
            "off: drop --exact-time, or drop --no-exact"
        )
        unused(ctx, "exact_time", why, argument="--exact-time", notes=notes)
    return notes


def _exported(result: Any, path: Path) -> tuple[dict[str, Any], str, int]:
    """Write the run's stored IDIs; say how many of those found the file holds (a witness
    cap keeps fewer than are counted: never a silent shortfall), and how many of the CSV's
    cells were kept from running as spreadsheet formulas."""
    from assay.core.exports import guard_formulas, write_table

    frame = result.findings(limit=None)
    written = write_table(frame, path, written_as=result.written_as)
    # assay's IDI number is the first column (``idi``, or ``idi (assay)`` beside a feature
    # named so: counting that one said "the 41 IDIs the store kept of the 102 found")
    held = int(frame.iloc[:, 0].nunique()) if len(frame) else 0
    total = int(result.n_findings)
    which = (
        f"all {total:,} IDIs found"
        if held >= total
        else f"the {held:,} IDIs the store kept of the {total:,} found (--keep-findings)"
    )
    said = f"wrote {written}: {which}, one row per input, in your columns and values"
    if not total:
        said = f"wrote {written}: no IDI was found, so it holds the column names only"
    if result.status not in ("completed", "budget_exhausted"):
        said += f" (so far: the run is {result.status}; its resume line writes the file again)"
    guarded = guard_formulas(frame)[1] if written.suffix.lower() == ".csv" else 0
    return {"path": str(written), "idis": held, "rows": len(frame)}, said, guarded
