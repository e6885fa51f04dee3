"""``assay backdoor``: input scans, the model scan, STRIP, the filter export, and a demo."""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path
from typing import Annotated, Any

import typer

from assay.backdoor.prepare import DEMO_MODELS
from assay.cli.argv import command_argv, unused
from assay.cli.backdoor_demo import demo_truth_line
from assay.cli.checks import check_creatable, check_fail_on, check_outputs, check_store
from assay.cli.classes_given import classes_given, classes_pinned
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
    ListedClasses,
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
from assay.cli.reporting import announce, finish_run
from assay.cli.served_only import check_served_only
from assay.core.budget import check_budget
from assay.core.calls import DEFAULT_CALL_TIMEOUT
from assay.core.clock import call_started
from assay.core.loading_time import loading_within
from assay.core.store import DEFAULT_STORE, RunStore
from assay.core.witnesses import DEFAULT_KEEP, keep_option, parse_keep
from assay.errors import UsageError

__all__ = ["register"]


def register(app: typer.Typer, guarded: Callable[[Any], Any]) -> None:
    @app.command("backdoor")
    @guarded
    def backdoor(
        ctx: typer.Context,
        model: Annotated[
            str | None,
            typer.Argument(
                help="Model: .onnx, .pt/.torchscript (TorchScript), .pt2 (torch.export), "
                ".skops, file.py:function, package.module:function, http(s) endpoint, "
                ".joblib/.pkl (with --allow-pickle), or builtin:trojan / builtin:clean "
                "(8x8 digits, trained on the fly).",
                show_default=False,
            ),
        ] = None,
        images: Annotated[
            Path | None,
            typer.Option(
                help="Images to scan: a folder of PNG/JPEG/BMP/GIF/TIFF/WebP (or of class "
                "subfolders, images/cat/1.png: the subfolder names are the labels; a folder "
                "holding images assay does not read, HEIC or raw, is refused), one image, or "
                ".npy/.npz (n,H,W[,C]: channels last; FILE.npz:ARRAY names one of its arrays)."
            ),
        ] = None,
        clean: Annotated[
            Path | None,
            typer.Option(help="Clean images (verification; alone: the model scan)."),
        ] = None,
        labels: Annotated[
            Path | None,
            typer.Option(
                help="True labels of the images scanned: one per line in their order, or "
                "name,label lines (class names or indices); they score the corrected labels."
            ),
        ] = None,
        strategy: Annotated[
            str, typer.Option(help="assay (default), neo (as published) or strip.")
        ] = "assay",
        input_shape: Annotated[
            str | None,
            typer.Option(help="The model's per-image input: N (flat), H,W, C,H,W or H,W,C."),
        ] = None,
        layout: Annotated[
            str | None, typer.Option(help="nhwc, nchw or flat (when the model does not say).")
        ] = None,
        channels_last: Annotated[
            bool,
            typer.Option(
                "--channels-last",
                help="Image arrays are (n, H, W, C) as given, even (n, 3, 4, 4): 3x4 images "
                "of 4 channels, not 4x4 planes channels first.",
            ),
        ] = False,
        value_range: Annotated[
            str | None,
            typer.Option(
                "--range",
                help="The model's pixel range: 0,1 (default), 0,255, ... "
                "or norm:MEANS:STDS (e.g. norm:0.5:0.25).",
            ),
        ] = None,
        max_trigger: Annotated[
            int | None,
            typer.Option(
                help="Largest trigger side in pixels the default scan and the model scan "
                "look for (default: half; not with --strategy neo or strip)."
            ),
        ] = None,
        blocker: Annotated[int, typer.Option(help="Neo's blocker side in pixels.")] = 2,
        fpr: Annotated[float, typer.Option(help="STRIP's false-positive rate on clean.")] = 0.01,
        blends: Annotated[int, typer.Option(help="STRIP's blends per image.")] = 20,
        second_opinion: Annotated[
            bool,
            typer.Option(
                "--second-opinion/--no-second-opinion",
                help="After the default scan, STRIP's second opinion on the images it did not "
                "confirm (a blended trigger has no patch; 576 queries a run, per unit with "
                "--units, more when it flags; a --max-queries too small for it leaves a run "
                "that found nothing not a pass: --no-second-opinion passes on patch triggers "
                "alone), then the common-pattern, class-map and source-class checks (a faint "
                "blend, all-to-all and source-specific triggers: docs/backdoor.md, steps 9-12).",
            ),
        ] = True,
        max_queries_per_image: Annotated[
            int | None, typer.Option(help="Query budget for one image.")
        ] = None,
        max_queries: Annotated[int | None, typer.Option(help="Query budget.")] = None,
        max_time: MaxTime = None,
        seed: Seed = None,
        call_timeout: CallTimeout = DEFAULT_CALL_TIMEOUT,
        determinism_check: Annotated[
            bool,
            typer.Option(
                "--determinism-check/--no-determinism-check",
                help="Ask a few clean images twice before the scan, within --max-queries "
                "(at most a tenth of it).",
            ),
        ] = True,
        export_filter: Annotated[
            Path | None,
            typer.Option(help="Write the run-time filter (JSON data) for the triggers found."),
        ] = None,
        filter_images: Annotated[
            bool,
            typer.Option(
                "--filter-images/--no-filter-images",
                help="Whether the filter file carries up to 200 of the clean images (a "
                "trigger's region is refilled from them); --no-filter-images writes none.",
            ),
        ] = True,
        model_scan: Annotated[
            bool,
            typer.Option("--model-scan", help="Scan the model from clean images only."),
        ] = False,
        demo: Annotated[
            bool, typer.Option("--demo", help="Scan the built-in trojaned digits model.")
        ] = False,
        model_type: ModelType = None,
        allow_pickle: AllowPickle = False,
        output: Annotated[
            str | None, typer.Option("--output", help="The ONNX output to read.")
        ] = None,
        classes: ListedClasses = None,
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
        """Find backdoor triggers in an image classifier from its predictions alone."""
        from assay.backdoor.api import check_backdoor, setup_backdoor
        from assay.backdoor.steadiness import check_line
        from assay.execution.campaign import execution_config

        execution_config(executor, workers, scheduler, units)  # before anything is loaded
        # every argument is checked before anything is loaded or a run is created
        check_budget(
            max_queries=max_queries, max_time=max_time, call_timeout=call_timeout, seed=seed
        )
        check_fail_on(fail_on)  # above 1 (or NaN) no finding could ever fail the run
        keep = parse_keep(keep_findings)
        # the model scan: --model-scan, or --clean without --images (a built-in model scans
        # its own digits' images unless told --model-scan)
        builtin = demo or (model or "").startswith("builtin:")
        scan_only = model_scan or (images is None and not builtin)
        unused_notes = _check_scan_options(
            ctx, scan_only, model_scan, strategy, images
        )  # never silently ignored
        unused_notes += _check_filter_options(
            ctx, scan_only, strategy, export_filter, filter_images
        )  # never silently ignored
        outputs = [
            (html, "--html"),
            (junit, "--junit"),
            (report, "--report"),
            (export_filter, "--export-filter"),
        ]
        check_outputs(outputs, [store, model, images, clean, labels, template])
        for path, flag in outputs:
            check_creatable(path, flag)
        out = Output(quiet=quiet, as_json=as_json)
        for unused_note in unused_notes:
            out.note(unused_note)
        if demo:
            check_demo_models([model] if model else [], DEMO_MODELS)  # never a model under test
            model = model or "builtin:trojan"
            html = html or Path("assay-demo") / "backdoor.html"
            html.parent.mkdir(parents=True, exist_ok=True)
            out.say(
                # (a title, not a command: "assay backdoor:" is never rewritten as one)
                f"assay backdoor: demonstration on {model} (an MLP trained on 8x8 digits; the "
                "trojaned one answers 7 for any digit with a 3x3 checkerboard in the corner)"
            )
        for served_note in check_served_only(ctx, [model]):  # never silently ignored
            out.note(served_note)
        check_store(store)  # refused now, not after loading (a newer, damaged or folder store)
        listed = classes_given(classes)  # (@FILE or a JSON list: names holding a comma)
        out.note("assay backdoor: loading the model and images ...")
        started = call_started()  # the command's start (core.clock): --max-time bounds loading too
        with loading_within(max_time, started, what="the model and images"):
            the_setup = setup_backdoor(
                model,
                images=False if model_scan else images,
                clean=clean,
                strategy=strategy,
                input_shape=input_shape,
                layout=layout,
                channels_last=channels_last,
                value_range=value_range,
                max_trigger=max_trigger,
                blocker=blocker,
                fpr=fpr,
                blends=blends,
                second_opinion=second_opinion,
                max_queries_per_image=max_queries_per_image,
                model_type=model_type,
                allow_pickle=allow_pickle,
                output=output,
                classes=listed,
                labels=labels,
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
        if the_setup.scores_read:  # (a torch module's logits: said, as the run keeps it)
            out.note(f"note: {the_setup.scores_read}")
        with out.progress(max_queries, max_time, started) as progress:
            result = check_backdoor(
                setup=the_setup,
                max_queries=max_queries,
                max_time=max_time,
                call_timeout=call_timeout,
                seed=seed,
                store=store,
                export_filter=export_filter,
                filter_images=filter_images,
                argv=command_argv(ctx, classes_pinned(classes, listed)),
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
        said = check_line(result.summary or {})
        if said:
            out.note(said)
        code = finish_run(
            out,
            store=RunStore(store),
            run_id=result.run_id,
            html=html,
            junit=junit,
            report=report,
            fail_on=fail_on,
            exports=filter_export(result),
            beside=[t]
            if demo and (t := demo_truth_line(result.summary or {}, model or ""))
            else [],
        )
        if result.filter_path is not None:
            out.say(filter_line(result))
        if demo and scan_only and code == 1:
            out.say(MODEL_SCAN_DEMO_LIMIT)
        raise typer.Exit(code)  # (a demonstration is judged as one: cli.verdict)


# said when the model scan's demonstration names nothing (what it shows is a measured limit,
# bench/RESULTS.md, docs/backdoor.md: not a budget nor a bug the user can act on)
MODEL_SCAN_DEMO_LIMIT = (
    "note: on 8x8 digits the model scan seldom names a 3x3 trigger: clean 8x8 models reach "
    "some classes through natural patches of that size too, so the trigger's patch is not "
    "anomalously small (a measured limit: docs/backdoor.md, 'Model scan on 8x8 digits'); "
    "the input scan of the same model finds it (assay demo backdoor), and the model scan names "
    "such triggers on larger images"
)


def filter_export(result: Any) -> dict[str, Any]:
    """The run-time filter a backdoor run (or its resume) wrote, as ``--json``'s
    ``exports`` names it; nothing when it wrote none."""
    if getattr(result, "filter_path", None) is None:
        return {}
    return {
        "filter": {
            "path": os.path.abspath(result.filter_path),  # (as the resume names it)
            "triggers": len(result.triggers),
            # the windows the source-class check located, blocked as triggers
            "windows": len(_windows(result)),
            "overhead_scanned": result.filter_overhead,
            "overhead_clean": result.filter_overhead_clean,
            # (no blend check, no class-map window, no unlocated group: those flags pass the
            # filter unchanged)
            "not_blocked": len(opinion_flags(result)),
        }
    }


# the checks whose flags no filter blocks (it holds the confirmed patch triggers and the
# source-class check's located windows), in the order the second opinion asks them; a blend
# check (the first two) or a window's pixels
UNBLOCKED = (
    (None, "STRIP's second opinion"),
    ("pattern", "the common-pattern check"),
    ("map", "the class-map check"),
    ("source", "the source-class check"),
)


def _windows(result: Any) -> list[Any]:
    """The located source-class windows the filter holds (``phases.BackdoorResult``)."""
    return list(getattr(result, "filter_windows", None) or [])


def unblocked(result: Any) -> list[tuple[str | None, str, list[int]]]:
    """The images each of STRIP's second opinion and its checks flagged in ``result``'s run
    that the filter does not block, as (its key in the opinion, its name, the images): the
    checks that flagged none left out, and the source-class flags whose window the filter
    holds (``window_flags``)."""
    opinion = (getattr(result, "summary", None) or {}).get("second_opinion") or {}
    blocked = {int(i) for i in getattr(result, "window_flags", None) or []}
    out = []
    for key, who in UNBLOCKED:
        part = opinion if key is None else opinion.get(key) or {}
        flagged = [int(i) for i in part.get("flagged") or []]
        if key == "source":
            flagged = [i for i in flagged if i not in blocked]
        if flagged:
            out.append((key, who, flagged))
    return out


def opinion_flags(result: Any) -> list[int]:
    """The images STRIP's second opinion or one of its checks flagged in ``result``'s run
    that the filter does not block (none: ``[]``)."""
    return sorted({i for _, _, flagged in unblocked(result) for i in flagged})


def not_blocked(result: Any) -> str:
    """The filter line's words on the second opinion's and its checks' flags the filter
    cannot block."""
    parts = unblocked(result)
    if not parts:
        return ""
    said = ", ".join(
        f"the {len(flagged)} image(s) {who} flagged" if k == 0 else f"the {len(flagged)} {who} did"
        for k, (_, who, flagged) in enumerate(parts)
    )
    keys = {key for key, _, _ in parts}
    why = []
    if keys & {None, "pattern"}:
        why.append("no blend check: a trigger blended over the whole image passes it")
    if "map" in keys:
        why.append(
            "no pixels the class-map check found at a window: a trigger that sends each class "
            "to another passes it"
        )
    if "source" in keys:
        why.append(
            "no window of a source-class group it did not locate (the whole group flagged: "
            "its images agree on no pixels): a trigger that fires on one source class only "
            "passes it"
        )
    held = "patch triggers" + (" and located source-class windows" if _windows(result) else "")
    return f"; it does not block {said} (the filter holds {held} only, {'; '.join(why)})"


def _window_words(result: Any) -> str:
    """The located source-class windows the filter holds, in words (``''``: none)."""
    windows = _windows(result)
    if not windows:
        return ""
    flags = len(getattr(result, "window_flags", None) or [])
    places = sorted(
        {
            f"{h}x{w} window at row {t}, column {left}"
            for t, left, h, w in (tuple(int(v) for v in trig.box) for trig in windows)
        }
    )
    return (
        f"the {' and the '.join(places)} the source-class check located (the pixels its "
        f"{flags} flagged image(s) agree on there: a trigger that fires on one source class, "
        "refilled as a patch trigger is)"
    )


def filter_line(result: Any) -> str:
    """What ``--export-filter`` wrote, and what it costs per input (an input costs one more
    query when it carries a trigger's pixels): on the scanned images, poisoned ones included,
    and on the clean images, closer to ordinary traffic."""
    n = len(result.triggers)
    windows = _window_words(result)
    if not n and not windows:
        return (
            f"filter written to {result.filter_path}: it holds no trigger (none was "
            "confirmed), so it blocks nothing and answers as the model does" + not_blocked(result)
        )
    costs = [
        f"{value:.3f} on the {what}"
        for value, what in (
            (result.filter_overhead, "scanned images"),
            (result.filter_overhead_clean, "clean images"),
        )
        if value is not None
    ]
    forms = len(getattr(result, "trigger_forms", None) or result.triggers)
    shown = f" ({forms} boxes or pixel patterns they were confirmed as)" if forms > n else ""
    held = f"{n} trigger(s){shown}" if n else "no patch trigger (none was confirmed)"
    if windows:
        held += (" and " if n else " but ") + windows
    return (
        f"filter written to {result.filter_path}: {held}; overhead in extra queries "
        f"per input: {', '.join(costs) or 'not measured'}; load it around this model only: "
        "assay.backdoor.filter.load_filter(path, model)" + not_blocked(result)
    )


_STRATEGY_OPTIONS = (
    ("--blocker", "blocker", "neo"),
    ("--fpr", "fpr", "strip"),
    ("--blends", "blends", "strip"),
)


def _second_flag(ctx: typer.Context) -> str:
    """The second opinion's flag as typed."""
    return "--second-opinion" if ctx.params.get("second_opinion", True) else "--no-second-opinion"


def _check_scan_options(
    ctx: typer.Context,
    scan_only: bool,
    model_scan: bool,
    strategy: str,
    images: Path | None,
) -> list[str]:
    """Refuses an option the chosen scan does not use (never silently ignored): the input
    scan's options with the model scan, another strategy's with this one, ``--max-trigger``
    with Neo or STRIP (neither looks for a trigger by its size).  Typed with its default value
    (``--strategy assay``, ``--blocker 2``), a note (returned) says it is not used
    (``argv.unused``)."""
    scan = "--model-scan" if model_scan else "--clean without --images"
    if model_scan and images is not None:
        raise UsageError(
            "--images is what the input scan scans; --model-scan scans the model from the "
            "--clean images only: give one of --images and --model-scan",
            argument="--images",
        )
    notes: list[str] = []
    if scan_only:
        names = [("--strategy", "strategy")]
        names += [(flag, name) for flag, name, _ in _STRATEGY_OPTIONS]
        names += [(_second_flag(ctx), "second_opinion")]
        for flag, name in [*names, ("--max-queries-per-image", "max_queries_per_image")]:
            why = (
                f"{flag} is for scanning images (--images with --clean); the model scan "
                f"({scan}) does not use it: drop {flag}, or give --images to scan images"
            )
            unused(ctx, name, why, argument=flag, notes=notes)
        return notes
    if strategy != "assay":
        why = (
            f"{_second_flag(ctx)} is for the default scan's STRIP second opinion; this run's "
            f"strategy is {strategy}: drop it, or give --strategy assay"
        )
        unused(ctx, "second_opinion", why, argument=_second_flag(ctx), notes=notes)
    for flag, name, owner in _STRATEGY_OPTIONS:
        if strategy != owner:
            why = (
                f"{flag} is for --strategy {owner}; this run's strategy is {strategy}: give "
                f"--strategy {owner}, or drop {flag}"
            )
            unused(ctx, name, why, argument=flag, notes=notes)
    if strategy in ("neo", "strip"):
        how = "slides its --blocker" if strategy == "neo" else "blends whole images"
        why = (
            "--max-trigger is the largest trigger the default scan (--strategy assay, or the "
            f"model scan) looks for; this run's strategy is {strategy}, which {how}: drop "
            "--max-trigger, or give --strategy assay"
        )
        unused(ctx, "max_trigger", why, argument="--max-trigger", notes=notes)
    return notes


def _check_filter_options(
    ctx: typer.Context,
    scan_only: bool,
    strategy: str,
    export_filter: Path | None,
    filter_images: bool,
) -> list[str]:
    """Refuses ``--export-filter`` with a scan that confirms no trigger to write (the model
    scan names suspected classes and their patches; STRIP flags images by entropy): its file
    held none and blocked nothing, beside a headline naming a 3x3 patch sending 100 % of
    clean images to class 7.  ``--no-filter-images`` without a filter file is refused;
    ``--filter-images`` (the default) typed without one is a note (``argv.unused``)."""
    if export_filter is not None and (scan_only or strategy == "strip"):
        scan = "the model scan" if scan_only else "STRIP"
        raise UsageError(
            "--export-filter writes the triggers a scan of images confirms (--strategy assay "
            f"or neo, with --images); {scan} confirms none, so the file would block nothing: "
            "drop --export-filter, or scan images with --strategy assay",
            argument="--export-filter",
        )
    notes: list[str] = []
    if export_filter is None:
        if not filter_images:
            raise UsageError(
                "says what the --export-filter file holds, and no filter file was asked for "
                "(give --export-filter FILE too)",
                argument="--no-filter-images",
            )
        why = (
            "--filter-images says what the --export-filter file holds, and no filter file "
            "was asked for: give --export-filter FILE too, or drop --filter-images"
        )
        unused(ctx, "filter_images", why, argument="--filter-images", notes=notes)
    return notes
