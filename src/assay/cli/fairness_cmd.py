"""``assay fairness`` and ``assay demo``."""

from __future__ import annotations

import time
from collections.abc import Callable
from pathlib import Path
from typing import Annotated, Any

import typer

from assay.cli.argv import command_argv
from assay.cli.console import Output
from assay.cli.options import Overlap
from assay.cli.reporting import finish_run
from assay.core.store import DEFAULT_STORE, RunStore

__all__ = ["register"]


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
            Path | None, typer.Option(help="Example rows (CSV, CSV.gz, Parquet, JSON lines).")
        ] = None,
        dataset: Annotated[
            str | None, typer.Option(help="A built-in dataset: adult, adult-raw, german, compas.")
        ] = None,
        schema: Annotated[
            Path | None, typer.Option(help="The input space as a YAML/JSON schema file.")
        ] = None,
        protected: Annotated[
            str | None, typer.Option(help="Protected attribute(s), comma-separated.")
        ] = None,
        label: Annotated[
            str | None, typer.Option(help="The true-label column of --data (group metrics).")
        ] = None,
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
                "queries when it is slow or remote), queries, or time."
            ),
        ] = "auto",
        threshold: Annotated[
            float | None,
            typer.Option(help="Also count probability gaps larger than this (0..1)."),
        ] = None,
        start: Annotated[
            str, typer.Option(help="Start searches from: auto, data (real rows), uniform.")
        ] = "auto",
        max_queries: Annotated[
            int | None, typer.Option(help="Query budget (default 200,000 with no budget).")
        ] = None,
        max_time: Annotated[float | None, typer.Option(help="Time budget in seconds.")] = None,
        seed: Annotated[int | None, typer.Option(help="Seed (printed when not given).")] = None,
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
        model_type: Annotated[
            str | None, typer.Option(help="sklearn, callable, onnx, skops, pickle, joblib, http.")
        ] = None,
        allow_pickle: Annotated[
            bool,
            typer.Option("--allow-pickle", help="Allow loading pickle/joblib (runs its code)."),
        ] = False,
        trust: Annotated[
            list[str] | None, typer.Option(help="Trust this type when loading a skops file.")
        ] = None,
        output: Annotated[
            str | None, typer.Option("--output", help="The ONNX output to read.")
        ] = None,
        html: Annotated[Path | None, typer.Option(help="Write an HTML report here.")] = None,
        junit: Annotated[Path | None, typer.Option(help="Write a JUnit XML report here.")] = None,
        report: Annotated[
            Path | None, typer.Option("--report", help="Write the JSON report here.")
        ] = None,
        fail_on: Annotated[
            float, typer.Option(help="Exit 1 when a finding's severity is at least this.")
        ] = 0.0,
        store: Annotated[Path, typer.Option(help="The run store.")] = DEFAULT_STORE,
        overlap: Overlap = True,
        quiet: Annotated[bool, typer.Option("--quiet", "-q")] = False,
        as_json: Annotated[bool, typer.Option("--json", help="Print the result as JSON.")] = False,
    ) -> None:
        """Search a tabular model for individual discrimination."""
        from assay.api import check_fairness, setup_fairness
        from assay.fairness.search import DEFAULT_STRATEGY

        out = Output(quiet=quiet, as_json=as_json)
        out.note("assay fairness: loading the model and data ...")
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
            start=start,
            estimate=estimate,
            precision=precision,
            model_type=model_type,
            allow_pickle=allow_pickle,
            trust=trust or [],
            output=output,
        )
        budget_q = max_queries if (max_queries or max_time) else 200_000
        with out.progress(budget_q, max_time) as progress:
            result = check_fairness(
                setup=the_setup,
                max_queries=max_queries,
                max_time=max_time,
                seed=seed,
                store=store,
                retrain=retrain,
                overlap=overlap,
                argv=command_argv(ctx),
                on_progress=progress,
                on_start=lambda rid, sd, cmd: out.note(
                    f"run {rid}, seed {sd}; resume with: assay resume {rid} --store {store}"
                ),
            )
        code = finish_run(
            out,
            store=RunStore(store),
            run_id=result.run_id,
            html=html,
            junit=junit,
            report=report,
            fail_on=fail_on,
        )
        raise typer.Exit(code)

    @app.command("demo")
    @guarded
    def demo(
        out_dir: Annotated[Path, typer.Option("--out", help="Where to write the reports.")] = Path(
            "assay-demo"
        ),
        seconds: Annotated[float, typer.Option(help="Time for the search phase.")] = 20.0,
        seed: Annotated[int, typer.Option(help="Seed.")] = 0,
        store: Annotated[Path | None, typer.Option(help="The run store.")] = None,
        quiet: Annotated[bool, typer.Option("--quiet", "-q")] = False,
    ) -> None:
        """Run every technique on built-in data and models, and write an HTML report."""
        from assay.api import check_fairness

        out = Output(quiet=quiet)
        t0 = time.monotonic()
        the_store = RunStore(store or out_dir / "runs.db")
        out.say(
            "assay demo: a decision tree trained on UCI Adult (built in), tested for "
            "discrimination on sex; then retrained with the inputs found."
        )
        argv = ["demo", "--seed", str(seed), "--seconds", f"{seconds:g}", "--out", str(out_dir)]
        with out.progress(None, seconds * 1.6) as progress:
            result = check_fairness(
                None,
                dataset="adult",
                protected="sex",
                estimate=True,
                precision=0.001,
                max_time=seconds * 1.6,
                max_queries=3_000_000,
                seed=seed,
                store=the_store,
                retrain=True,
                retrain_dir=out_dir / "models",
                argv=argv,
                on_progress=progress,
            )
        code = finish_run(
            out,
            store=the_store,
            run_id=result.run_id,
            html=out_dir / "fairness.html",
            junit=out_dir / "fairness.junit.xml",
            report=out_dir / "fairness.json",
            fail_on=0.0,
        )
        out.say(f"demo finished in {time.monotonic() - t0:.0f} s; open {out_dir / 'fairness.html'}")
        del code  # the demo always exits 0 when it ran: finding bias is what it shows
