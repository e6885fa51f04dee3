"""What a backdoor run does once set up, shared by ``check_backdoor`` and
``resume_backdoor``: the scan (in process or as units), the filter's export, the result.

Part of the technique's shell (see ``backdoor.api``): it may import ``models`` and
``execution``.
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from assay.backdoor.filter import TriggerFilter, save_filter
from assay.backdoor.filter_windows import filter_windows
from assay.backdoor.patches import Trigger
from assay.backdoor.prepare import BackdoorSetup
from assay.backdoor.run_rates import run_rates
from assay.core.calls import InlineCaller
from assay.core.outcome import EndedRunMixin
from assay.core.run import RunOutcome, execute
from assay.core.runinfo import record_wall_clock
from assay.core.search_starts import keep_session_start
from assay.core.store import RunStore
from assay.core.unfinished import KEY, finished

__all__ = ["BackdoorResult", "export_filter", "record_rates"]


@dataclass(repr=False)  # EndedRunMixin's: one line
class BackdoorResult(EndedRunMixin):
    run_id: str
    seed: int
    status: str
    n_findings: int
    max_severity: float
    summary: dict[str, Any]
    progress: dict[str, Any]
    store: Path
    command: str
    filter_path: Path | None = None
    filter_overhead: float | None = None  # extra queries per input, on the scanned images
    filter_overhead_clean: float | None = None  # the same on the clean images
    # the windows the source-class check located, which the filter blocks too, and the
    # flagged images they came from (``filter_windows``)
    filter_windows: list[Trigger] = field(default_factory=list)
    window_flags: list[int] = field(default_factory=list)
    extra: dict[str, Any] = field(default_factory=dict)

    @property
    def triggers(self) -> list[Trigger]:
        return [Trigger.from_json(t) for t in self.summary.get("triggers", [])]

    @property
    def trigger_forms(self) -> list[Trigger]:
        """Every box and pixel pattern the triggers were confirmed as (the first of each its
        ``triggers`` entry): what the scan matched later images against, and what the
        exported filter matches inputs against.  A trigger first confirmed as a box holding
        a stroke beside it (4x4 over a 3x3 checker on the digits) matched 23 % of held-out
        poisoned digits by that box alone, and 100 % with its later 3x3 form."""
        forms = self.summary.get("matchers")
        if not forms:  # (a run stored before the forms were kept)
            return self.triggers
        return [Trigger.from_json(t) for _, t in sorted(forms, key=lambda kt: int(kt[0]))]

    def findings(self, limit: int | None = None) -> Any:
        """What the run found, as a pandas DataFrame: an input scan's flagged images (index,
        file name, prediction, target, trigger, flip rate, corrected label, queries), or a
        model scan's classes with whether each is a suspected target; class names where the
        model names its classes."""
        from assay.backdoor.frames import findings_frame

        with self._stored() as store:
            caps = (store.get_run(self.run_id).model or {}).get("capabilities") or {}
        return findings_frame(self.summary, caps.get("class_names"), limit)


def _execute(
    setup: BackdoorSetup,
    execution: dict[str, Any] | None,
    *,
    clock: tuple[float, float] | None = None,
    **kwargs: Any,
) -> RunOutcome:
    """The scan (``clock``: the session's start and the run's earlier sessions' seconds, its
    start kept with the run as it begins: ``core.search_starts``; a session killed in it is
    counted from its own start, its loading and determinism check included)."""
    from assay.models.serving import check_served, close_served, follow_served, record_served

    # the search's last summary says the determinism section (``record_steadiness``, after the
    # scan) is missing until it is added (``core.unfinished``): never read as finished before;
    # so is the --export-filter file, until it is written (``_result``): a scan killed while
    # writing it once read as a finished run, no filter written, and its resume refused it
    exported = kwargs["store"].get_run(kwargs["run_id"]).config.get("export_filter")
    setup.test.after_search = ("determinism", "filter") if exported else ("determinism",)
    follow_served(kwargs["store"], kwargs["run_id"], [setup.raw_model])  # (a kill: counted)
    if clock is not None:
        keep_session_start(kwargs["store"], kwargs["run_id"], *clock)
    try:
        if (execution or {}).get("units"):
            from assay.execution.campaign import execute_campaign

            assert execution is not None
            outcome = execute_campaign(
                setup.test, setup.model, execution, merge=setup.test.merge_summaries, **kwargs
            )
        else:  # each image's work depends on the answers just read, so calls stay inline
            outcome = execute(setup.test, setup.model, caller=InlineCaller(), **kwargs)
    finally:  # a served model's request counters go with the run, however it ended
        record_served(kwargs["store"], kwargs["run_id"], [setup.raw_model])
        close_served([setup.raw_model])
    # a served model that stopped answering ended the run: exit 3, never a pass
    check_served(kwargs["store"], kwargs["run_id"], [setup.raw_model])
    return outcome


def export_filter(
    path: str | os.PathLike[str],
    setup: BackdoorSetup,
    triggers: Sequence[Trigger],
    *,
    images: bool = True,
) -> tuple[Path, float | None, float | None]:
    """Write the filter file (with the model's answers to its probe images); its overhead
    (extra queries per input) on the scanned images and on the clean ones, counted without a
    query: an input costs one more exactly when it matches a trigger (its pixels or its
    pattern).  ``images``: whether the file carries clean images to refill a trigger's region
    from (without them, the region is covered with the image's dominant colour, and the
    probes are noise)."""
    references = setup.test.clean if images else None
    p = save_filter(path, setup.spec, triggers, model=setup.raw_model, references=references)
    filt = TriggerFilter(setup.raw_model, setup.spec, triggers)

    def overhead(images: np.ndarray | None) -> float | None:
        if images is None or not len(images):
            return None
        return float(np.mean(filt.carriers(np.asarray(images)) >= 0))

    return p, overhead(setup.test.images), overhead(setup.test.clean)


def _result(
    store: RunStore,
    outcome: RunOutcome,
    seed: int,
    command: str,
    setup: BackdoorSetup | None,
    filter_file: str | os.PathLike[str] | None,
    *,
    filter_images: bool = True,
) -> BackdoorResult:
    record = store.get_run(outcome.run_id)
    result = BackdoorResult(
        run_id=outcome.run_id,
        seed=seed,
        status=outcome.status,
        n_findings=outcome.n_findings,
        max_severity=outcome.max_severity,
        summary=record.summary,
        progress=outcome.progress,
        store=store.path.absolute(),  # (a notebook may chdir later)
        command=command,
    )
    if filter_file is not None:
        assert setup is not None  # (loaded for its filter: ``backdoor.finish``)
        # the located source-class windows too: a source-specific trigger's (left48b2)
        windows = filter_windows(store.iter_batches(outcome.run_id))
        result.filter_windows, result.window_flags = windows.triggers, windows.images
        result.filter_path, result.filter_overhead, result.filter_overhead_clean = export_filter(
            filter_file, setup, [*result.trigger_forms, *windows.triggers], images=filter_images
        )
        if "filter" in (record.summary.get(KEY) or []):  # written: no longer missing
            store.checkpoint(outcome.run_id, summary=finished(record.summary, "filter"))
            result.summary = store.get_run(outcome.run_id).summary
    return result


def record_rates(store: RunStore, run_id: str, seconds: float) -> None:
    """Images per wall-clock second of the whole run (``seconds``: from its start, loading
    and earlier sessions included), and its queries and seconds per image
    (``backdoor.run_rates``), beside the mean queries and seconds each image's own scan took."""
    record_wall_clock(
        store, run_id, seconds, counted="images scanned", rate="images per second (wall clock)"
    )
    record = store.get_run(run_id)
    if record.summary and seconds > 0:
        scanned = int((record.progress or {}).get("queries") or 0)
        store.checkpoint(run_id, summary=run_rates(dict(record.summary), scanned, seconds))
