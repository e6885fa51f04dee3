"""A text run's resumed session: its search continued from its last checkpoint, or, for a
run whose search had ended when it was stopped (killed -9 or stopped in its re-check of the
minimal failing sentences: ``core.finishing``), only the checks after it (``finish``): the
classifiers loaded again, the start's probe as the run kept it, the re-check with the
limit the run's plan gives it (``text.phases.run_session`` without the search).

Part of the text technique's shell: it may import ``models`` and ``execution``.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any

from assay.core.calls import DEFAULT_CALL_TIMEOUT
from assay.core.clock import call_started
from assay.core.finishing import release, stored_outcome
from assay.core.integrity import check_fingerprints
from assay.core.interrupted import guarded_run
from assay.core.run import RunOutcome
from assay.core.run_record import RunRecord
from assay.core.runinfo import earlier_wall_seconds
from assay.core.served_answers import force_given
from assay.core.store import RunStore
from assay.text.phases import recheck_at_start, record_rates, run_session
from assay.text.prepare import setup_from_record
from assay.text.setup import TextSetup

__all__ = ["resumed_session"]


def resumed_session(
    record: RunRecord,
    store: RunStore,
    *,
    on_progress: Callable[[dict[str, Any]], None] | None = None,
    model: Any = None,
    allow_pickle: bool = False,
    finish: bool = False,
    label_map: Any = None,
) -> RunOutcome:
    """Continue the stored run ``record`` (``finish``: its search ended, only the checks
    after it are made, its status left as its search ended it; ``label_map``: lines added to
    its map, ``text.label_map_added``)."""
    started = call_started()  # the call's (core.clock)
    # a changed grammar or classifier file would mix two searches' findings: refuse
    check_fingerprints(
        record.config.get("fingerprints"),
        run_id=record.id,
        finishing=finish,
        force=force_given(),  # (a fixed classifier: ``assay resume --force``)
    )
    before = earlier_wall_seconds(record)
    the_setup = setup_from_record(
        record, model=model, allow_pickle=allow_pickle, resumed=True, added_map=label_map
    )
    _same_served(record, the_setup)
    if label_map is not None:  # the merged map is the run's from now on (verify, resume)
        invocation = dict(record.config.get("invocation") or {})
        store.set_config(
            record.id, invocation={**invocation, "label_map": the_setup.invocation["label_map"]}
        )  # (another classifier behind a URL now: refused)
    budget = record.config.get("budget", {})
    # this session's loading asked again, within the budget as the first session's (taken
    # from the re-check's reserve: text.recheck.CheckPlan): added up over the run's resumed
    # sessions, and said in its summary
    again = int(budget.get("loading_again") or 0) + the_setup.loading_queries
    store.set_budget(record.id, loading_again=again)
    with guarded_run(store, record.id):
        if not finish:
            store.checkpoint(record.id, status="running")
        outcome = run_session(
            the_setup,
            record.config.get("execution"),
            checks=bool(record.config.get("determinism_check", True)),
            # a run stored before the checks counted within the budget resumes as it began
            counted="determinism_check" in record.config,
            loading=int(budget.get("loading_queries") or 0),
            resumed_loading=again,
            # as the run began: a variable that turned its checks off (and so gave its search
            # the whole budget) at its start, set or not now, decides its resume too
            recheck_env=recheck_at_start(record.config),
            store=store,
            run_id=record.id,
            seed=record.seed,
            max_queries=budget.get("max_queries"),
            max_time=budget.get("max_time"),
            call_timeout=budget.get("call_timeout", DEFAULT_CALL_TIMEOUT),
            resume=True,
            on_progress=on_progress,
            started=started,
            before=before,
            ended=stored_outcome(record) if finish else None,
        )
        # per wall-clock second from the run's start: the earlier sessions' and this one's,
        # its loading included (as a run that was never stopped counts its own)
        record_rates(store, outcome, before + time.monotonic() - started)
        if finish and store.get_run(record.id).status == record.status:
            release(store, record.id, record.status)
            outcome = stored_outcome(store.get_run(record.id))
        return outcome


def _same_served(record: RunRecord, setup: TextSetup) -> None:
    """A served classifier answering otherwise than when the run began refuses its resume
    (``models.redeployed``), unless the run's determinism probe saw its answers change."""
    from assay.models.redeployed import refuse_redeployed

    kept = (record.model or {}).get("classifiers")
    models = setup.model.models
    if not isinstance(kept, list) or len(kept) != len(models):
        return
    probe = (record.config.get("budget") or {}).get("determinism_probe")
    changed = probe.get("classifiers") if isinstance(probe, dict) else None
    moved = set(changed) if isinstance(changed, list) else set()
    names = list(setup.names)
    refuse_redeployed(
        record,
        models,
        stored=[info if isinstance(info, dict) else None for info in kept],
        steady=[name not in moved for name in names],
        names=[f"classifier {name}" for name in names],
    )
