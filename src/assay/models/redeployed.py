"""A resumed or finished run's served models checked against what they answered when the
run began (``core.served_answers``), for every technique: each served model among those the
session loaded, asked again only when its answer differs (``probe_asked``), closed when the
resume is refused."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

from assay.core.run_record import RunRecord
from assay.core.served_answers import same_served_model
from assay.models.serving import close_served, served_model

__all__ = ["refuse_redeployed"]


def refuse_redeployed(
    record: RunRecord,
    models: Sequence[Any],
    *,
    stored: Sequence[dict[str, Any] | None] | None = None,
    steady: bool | Sequence[bool] = True,
    names: Sequence[str] | None = None,
) -> None:
    """``same_served_model`` for each of ``models`` (the session's, loaded again) that is
    served, against ``stored[k]`` (the model info kept with the run; default the run's
    model); ``steady`` (or ``steady[k]``) False: the run saw its answers change, it is not
    compared; ``names[k]``: what a message calls it.  A refusal closes them all first."""
    try:
        for k, model in enumerate(models):
            served = served_model(model)
            if served is None:
                continue
            kept = record.model if stored is None else stored[k]
            if kept is None:  # (nothing kept of it: a run of an older assay)
                continue
            same_served_model(
                record,
                getattr(model, "spec_info", None) or {"details": served.info},
                stored=kept,
                steady=steady if isinstance(steady, bool) else steady[k],
                again=_asker(served),
                name="the endpoint" if names is None else names[k],
            )
    except BaseException:
        close_served(list(models))
        raise


def _asker(served: Any) -> Callable[[], Any] | None:
    """Asks the served model loading's probe again (None: none kept)."""
    probe = getattr(served, "probe_asked", None)
    if probe is None:
        return None
    return lambda: served.predict(probe)
