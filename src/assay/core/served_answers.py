"""A served model's answers to loading's probe, kept with a run and asked again on resume.

A model file is fingerprinted, and a resume refused once it changed (``core.integrity``):
the findings of two models must never be mixed.  An endpoint has no file: a deployment
between a CI job's timeout and its resume put a new model behind the same URL, and the
resumed run kept the old model's findings beside the new one's, saying of the old ones that
no longer held that "the model's answers depend on the batch they are asked in" (hostile44s:
463 stored IDIs of the first model, 6 % of the IDIs re-checked failing, the cause misnamed).

Loading asks every model a probe (a few rows of the data, the same on every load of the
run); a served model's answer to it is kept in its info (``PROBE_ANSWER``, at no request
more), and ``answers_changed`` compares the answer of the resumed session's load with it.
A model that answers the same input differently from call to call (the run's determinism
check said so) is not compared: its answers say nothing of a change.  Every technique's
resume and finish checks it (``same_served_model``; left44s: a text or backdoor resume, and
a fairness run finishing its answer, mixed two models' findings silently).

An answer that differs is asked once more (``again``: one request, on that path only): an
endpoint whose two answers of now differ as well moves from call to call (dropout left on at
inference; a run made with ``--no-determinism-check`` never measured it), so no change can be
told: the resume goes on, and says so.  ``assay resume --force`` (``forced``) lets a changed
endpoint through, as it lets a changed model file, and says so.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from typing import Any

import numpy as np

from assay.core.notices import warn
from assay.core.run_record import RunRecord
from assay.errors import UsageError

__all__ = [
    "PROBE_ANSWER",
    "ServedModelChanged",
    "answer_print",
    "answers_changed",
    "force_given",
    "forced",
    "kept_probe",
    "redeploy_unseen",
    "same_served_model",
]

PROBE_ANSWER = "probe_answer"  # the key in a served model's info (``spec_info["details"]``)
_MOST = 256  # values kept at most (a probe of a few inputs; a text probe's 64 labels)
_TOLERANCE = 1e-4  # a float32 server's jitter from call to call is below it; a retrain is not


def answer_print(answer: Any) -> dict[str, Any] | None:
    """What to keep of a probe's answer: its shape and its first values (numbers rounded,
    labels as text); None for an answer of no array form."""
    try:
        values = np.asarray(answer)
    except (TypeError, ValueError):
        return None
    flat = values.reshape(-1)[:_MOST]
    if values.dtype.kind in "biuf":
        numbers = flat.astype(np.float64).tolist()
        kept: list[Any] = [round(v, 6) if math.isfinite(v) else None for v in numbers]
    else:
        kept = [str(v) for v in flat.tolist()]
    return {"shape": list(values.shape), "values": kept}


def answers_changed(
    stored: dict[str, Any] | None, now: dict[str, Any] | None, *, steady: bool = True
) -> str | None:
    """How a served model's probe answer now (``now``, its ``spec_info``) differs from the
    one kept with the run (``stored``, the run's model info): None when they agree, when
    either lacks one (a run of an older assay; a model that is not served), or when the model
    is not ``steady`` (its determinism check saw answers change on a repeated call)."""
    before = _kept(stored)
    after = _kept(now)
    if before is None or after is None or not steady:
        return None
    if before["shape"] != after["shape"]:
        return f"its answer's shape was {tuple(before['shape'])}, now {tuple(after['shape'])}"
    old, new = before["values"], after["values"]
    if len(old) != len(new):
        return None
    try:
        a, b = np.asarray(old, dtype=np.float64), np.asarray(new, dtype=np.float64)
    except ValueError:  # (labels by name)
        differ = sum(x != y for x, y in zip(old, new, strict=True))
    else:
        differ = int(np.sum(~np.isclose(a, b, rtol=0.0, atol=_TOLERANCE)))
    if not differ:
        return None
    return f"{differ:,} of the {len(old):,} values it answered the probe inputs differ"


class ServedModelChanged(UsageError):
    """A resume refused: the served model answers otherwise than when the run began (exit 2,
    the run left as it was; ``api.resume_run`` does not count the refused session)."""


_FORCED: ContextVar[bool] = ContextVar("assay_served_forced", default=False)


@contextmanager
def forced(force: bool) -> Iterator[None]:
    """Within the block, a changed endpoint is let through with a warning (``--force``)."""
    token = _FORCED.set(bool(force))
    try:
        yield
    finally:
        _FORCED.reset(token)


def force_given() -> bool:
    """Whether the call running now was given ``--force`` (``forced``): a text run's resume
    checks its classifiers' files again under it (``text.finish``)."""
    return _FORCED.get()


def same_served_model(
    record: RunRecord,
    now: dict[str, Any] | None,
    *,
    stored: dict[str, Any] | None = None,
    steady: bool = True,
    again: Callable[[], Any] | None = None,
    name: str = "the endpoint",
) -> None:
    """Refuse to resume ``record`` when its served model, loaded again (``now``: its
    ``spec_info``), answered the probe otherwise than when the run began (``stored``: the
    model's info kept with the run; default the run's model): ``ServedModelChanged`` (exit
    2), the run left as it was.  ``steady`` False: the run's determinism check saw its
    answers change, nothing is compared.  ``again``: asks the probe once more (its answer),
    made only when the answers differ: a model whose answers of now differ too moves from
    call to call, and is let through with a warning, as ``forced`` lets any through.
    ``name``: what the messages call the model (a text run's classifier)."""
    changed = answers_changed(record.model if stored is None else stored, now, steady=steady)
    if changed is None:
        return
    what = (
        f"{name} answers otherwise than when run {record.id} began ({changed}, asked the "
        "same inputs as loading asked then)"
    )
    if again is not None:
        fresh = answer_print(again())
        moved = answers_changed(now, {"details": {PROBE_ANSWER: fresh}})
        if moved is not None:
            warn(
                f"{what}, and otherwise again when asked them once more ({moved}): its answers "
                "move from call to call (dropout or sampling left on at inference?), so whether "
                f"another model is served cannot be told; run {record.id} resumed (a "
                f"deployment since would mix two models' findings: assay verify {record.id} "
                "replays them against the endpoint as it is now)"
            )
            return
    if _FORCED.get():
        warn(
            f"{what}; continuing with the model served now (--force): the run's findings may "
            f"be of two models (assay verify {record.id} replays them against it)"
        )
        return
    raise ServedModelChanged(
        f"{what}: another model is served at its URL now (a deployment since?). Resuming "
        "would mix the findings of two models; the run is left as it was: start a new run, "
        f"or replay its findings against the endpoint as it is now (assay verify {record.id}), "
        "or pass --force to continue with the model served now",
        argument="RUN_ID",
    )


def _kept(info: dict[str, Any] | None) -> dict[str, Any] | None:
    details = (info or {}).get("details")
    got = details.get(PROBE_ANSWER) if isinstance(details, dict) else None
    if not isinstance(got, dict):
        return None
    ok = isinstance(got.get("values"), list) and isinstance(got.get("shape"), list)
    return got if ok else None


def kept_probe(info: Any) -> bool:
    """Whether the model info ``info`` (kept with a run) holds its probe's answer."""
    return isinstance(info, dict) and _kept(info) is not None


def redeploy_unseen(run_id: str, sessions: int) -> str:
    """Said after a served run's re-check saw answers change (put down to the batch, or to
    a classifier that samples), when the run took ``sessions`` > 1: the other cause, a model
    deployed between them whose probe answered as before (a few labels), which the resume's
    comparison could not see ("" for a run of one session)."""
    if sessions <= 1:
        return ""
    return (
        f", or another model was deployed at its URL between the run's {sessions} sessions "
        f"(its probe answered as before; assay verify {run_id} replays the findings against "
        "the endpoint as it is now)"
    )
