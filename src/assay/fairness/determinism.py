"""Is the model deterministic?  A re-query check at the start, a re-check of findings at the end.

A randomised model (e.g. fairlearn's ``ExponentiatedGradient``, which draws a predictor per
call) answers some rows differently on two identical calls; its IDIs may then not reproduce.

- At the start, ``sample_rows`` (from the data, else uniform) are asked twice, the second
  time in two other batches, and a third time as the first when answers changed
  (``core.asked_apart``); the *flip rate* is the share of rows whose label differs when
  their own batch is asked again (or, for probabilities, whose probabilities differ by more
  than ``1e-6``); rows answered otherwise only in another batch (``batch_changed``) make a
  model whose answers depend on the batch, said as such (``start_batch_bound``).
- At the end, a sample of the first stored IDIs is re-evaluated ``repeats`` times.  The
  rule: an IDI is *confirmed* when it is discriminatory in every one of the ``repeats``
  re-evaluations.  The confirmation rate is reported for every run; on a non-deterministic
  model the run carries a warning.

These queries go to the model directly (not through the search's budget or cache), so they do
not change what a seeded search finds.  Under a query budget they are sized to ask at most a
tenth of it (``check_sizes``: a twentieth each, the flip check's rows up to three times), and
the run counts them among the queries it asked in all; ``--no-determinism-check`` skips both.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

import numpy as np

from assay.core.asked_apart import ask_rounds
from assay.core.display import percent
from assay.core.findings import FindingBatch
from assay.core.model import Model, labels_of
from assay.fairness.amounts import AmountWatch
from assay.fairness.oracle import Oracle
from assay.fairness.schema import Schema, rows_within

__all__ = [
    "FLIP_ROUNDS",
    "REPEATS",
    "batch_bound",
    "check_sizes",
    "confirm_findings",
    "flip_rate",
    "not_checked",
    "section",
    "steady",
]

REPEATS = 3
SAMPLE = 500
_TOLERANCE = 1e-6
BATCH_TOLERANCE = 1e-4  # probabilities apart only in another batch: beyond float noise
_SHARE = 20  # each check asks at most 1/_SHARE of a query budget
FLIP_ROUNDS = 3  # the flip check's inputs are asked at most three times (``core.asked_apart``)


UNBUDGETED_CONFIRMATION = SAMPLE * REPEATS * 20
"""The most queries the confirmation asks when no query budget bounds the run (a time budget
alone): ``SAMPLE`` IDIs with up to 20 protected combinations, fewer IDIs (at least one)
with more (10,000 combinations asked 5,000,000 queries, 17 s past ``--max-time 20``)."""


def check_sizes(max_queries: int | None, combinations: int) -> tuple[int, int]:
    """The inputs the flip check asks twice and the IDIs the confirmation re-checks
    ``REPEATS`` times (each with its ``combinations`` protected variants): ``SAMPLE`` each,
    or fewer so that each asks at most a twentieth of ``max_queries`` (0: not made), or,
    without a query budget, the confirmation at most ``UNBUDGETED_CONFIRMATION``."""
    if max_queries is None:
        per = REPEATS * max(1, combinations)
        return SAMPLE, min(SAMPLE, max(1, UNBUDGETED_CONFIRMATION // per))
    flips = min(SAMPLE, max_queries // (FLIP_ROUNDS * _SHARE))
    confirmed = min(SAMPLE, max_queries // (_SHARE * REPEATS * max(1, combinations)))
    return flips, confirmed


def not_checked(reason: str) -> dict[str, Any]:
    """The flip check's record when it was not made (``deterministic`` unknown: None)."""
    return {"rows": 0, "changed": 0, "flip_rate": 0.0, "deterministic": None, "skipped": reason}


def steady(check: dict[str, Any] | None) -> bool | None:
    """Whether the flip check saw the model answer each input as a function of it (the exact
    answer's ``model_steady``): False when a repeated input was answered otherwise in its own
    batch, or only in another batch (``batch_changed``: every input of the domain asked once
    is then one draw of the batches' answers too, left39); None when it was not made."""
    if not isinstance(check, dict):
        return True  # (a run stored before the check was)
    answer = check.get("deterministic")
    if not isinstance(answer, bool):
        return None
    return answer and not int(check.get("batch_changed") or 0)


def flip_rate(
    schema: Schema,
    model: Model,
    rng: np.random.Generator,
    *,
    data: np.ndarray | None = None,
    n: int = SAMPLE,
) -> dict[str, Any]:
    """Ask the same ``n`` encoded rows twice, the second time in two other batches, and a
    third time as the first when answers changed (``core.asked_apart``; fewer rows for a very
    wide schema: ``rows_within``): the share whose answer changed in their own batch
    (``flip_rate``), and how many changed only in another batch (``batch_changed``)."""
    if n <= 0:
        return not_checked("the query budget is too small to spare inputs for it")
    n = rows_within(n, len(schema))
    if data is not None and len(data):
        rows = np.asarray(data, dtype=np.float64)[rng.integers(0, len(data), size=n)]
    else:
        rows = schema.sample_uniform(rng, n)
    caps = model.capabilities

    def changed(first: np.ndarray, second: np.ndarray, tolerance: float = _TOLERANCE) -> np.ndarray:
        if caps.outputs == "proba":
            a, b = first.reshape(n, -1), second.reshape(n, -1)
            moved: np.ndarray = (np.abs(a - b) > tolerance).any(axis=1)
            out: np.ndarray = moved | (labels_of(a, caps) != labels_of(b, caps))
            return out
        return np.asarray((first.reshape(n, -1) != second.reshape(n, -1)).any(axis=1))

    def moved(first: np.ndarray, second: np.ndarray) -> np.ndarray:
        return changed(first, second, BATCH_TOLERANCE)

    # whole numbers answered as undeclared labels that are amounts: refused before the search
    watch = AmountWatch() if caps.outputs == "labels" and not caps.n_classes else None

    def ask(inputs: np.ndarray) -> np.ndarray:
        answer = np.asarray(model.predict(inputs))
        if watch is not None and not caps.class_names:
            watch.check(answer)
        return answer

    rounds = ask_rounds(ask, rows, changed, moved, scores=_standardised_sum(rows))
    flips = int(rounds.random.sum())
    return {
        "rows": n,
        "changed": flips,
        "flip_rate": flips / n,
        "deterministic": flips == 0,
        "batch_changed": rounds.batch_bound,
        "queries_asked": rounds.queries,
    }


def _standardised_sum(rows: np.ndarray) -> np.ndarray:
    """Each row's standardised values summed: the flip check's halves split by it differ in
    every column's mean (``core.asked_apart``)."""
    spread = rows.std(axis=0)
    z = (rows - rows.mean(axis=0)) / np.where(spread > 0, spread, 1.0)
    return np.asarray(np.nan_to_num(z).sum(axis=1))


def confirm_findings(
    batches: Iterable[FindingBatch],
    schema: Schema,
    model: Model,
    rng: np.random.Generator,
    *,
    threshold: float | None = None,
    n: int = SAMPLE,
    repeats: int = REPEATS,
    scan: int = 20_000,
) -> dict[str, Any]:
    """Re-evaluate a random sample of up to ``n`` stored IDIs ``repeats`` times (from the
    first ``scan`` stored); an IDI is confirmed when every re-evaluation finds it.  Rows of a
    very wide schema: fewer of both (``rows_within``)."""
    if n <= 0:
        return {"sampled": 0, "confirmed": 0, "confirmation_rate": None, "repeats": repeats}
    wide = rows_within(scan, len(schema)) < scan
    n, scan = rows_within(n, len(schema)), rows_within(scan, len(schema))
    rows: list[np.ndarray] = []
    seen = 0
    for batch in batches:
        if batch.kind != "fairness.idi" or not len(batch):
            continue
        take = min(len(batch), scan - seen) if wide else len(batch)  # (whole batches else)
        gen = batch.columns.get("generated", np.zeros(len(batch), dtype=np.int64)).astype(int)
        rows.append(batch.inputs[np.arange(take), gen[:take]].astype(np.float64))
        seen += len(batch)
        if seen >= scan:
            break
    if not rows:
        return {"sampled": 0, "confirmed": 0, "confirmation_rate": None, "repeats": repeats}
    pool = np.concatenate(rows)
    pick = rng.choice(len(pool), size=min(n, len(pool)), replace=False)
    sample = pool[np.sort(pick)]
    oracle = Oracle(schema, model, threshold=threshold)
    confirmed = np.ones(len(sample), dtype=bool)
    for _ in range(repeats):
        confirmed &= oracle.evaluate(sample).discriminatory
    k = int(confirmed.sum())
    return {
        "sampled": len(sample),
        "confirmed": k,
        "confirmation_rate": k / len(sample),
        "repeats": repeats,
    }


def section(
    check: dict[str, Any], confirmation: dict[str, Any] | None, apart: str = ""
) -> dict[str, Any]:
    """A report section (and a warning when the model is not deterministic; ``apart`` as
    ``batch_bound``'s)."""
    rate = float(check["flip_rate"])
    if check.get("skipped"):
        text = f"Determinism NOT checked: {check['skipped']}."
    else:
        text = (
            f"The same {check['rows']:,} inputs were asked twice at the start: "
            f"{check['changed']:,} answers changed (flip rate {percent(rate)})."
        )
    if confirmation and confirmation.get("sampled"):
        text += (
            f" {confirmation['sampled']:,} stored IDIs were re-checked {confirmation['repeats']} "
            f"times at the end; {confirmation['confirmed']:,} were discriminatory every time "
            f"(confirmation rate {percent(float(confirmation['confirmation_rate']))}; an IDI "
            f"counts as confirmed only when all {confirmation['repeats']} re-checks find it)."
        )
    if check.get("batch_changed"):
        text += (
            f" Asked again in two other batches (split by the sum of their standardised "
            f"values), {check['batch_changed']:,} of them were answered otherwise."
        )
    out: dict[str, Any] = {"title": "Determinism", "text": text}
    bound = start_batch_bound(check) or batch_bound(check, confirmation, apart)
    if bound is not None:
        out["note"] = bound
    if check["deterministic"] is False:
        out["note"] = (
            "Warning: the model is not deterministic (it answered the same input differently). "
            "Counts of IDIs include some that do not reproduce; use the confirmation rate above, "
            "and the same seed may not give the same findings."
        )
    return out


def start_batch_bound(check: dict[str, Any]) -> str | None:
    """The warning for a model that answered inputs alike when their own batch was asked
    again but otherwise in other batches (the flip check's ``batch_changed``): its answers
    are not a function of the input, so a run that found nothing did not show it is fair,
    and its IDIs may not reproduce one by one.  None otherwise."""
    moved = int(check.get("batch_changed") or 0)
    if check.get("deterministic") is not True or moved <= 0:
        return None
    return (
        f"Warning: the model's answer to an input depends on the batch it comes in: "
        f"{moved:,} of the {check['rows']:,} inputs asked at the start were answered otherwise "
        f"when asked in two other batches, though alike when their own batch was asked again "
        f"(statistics of the batch, such as a scaler fitted at predict time, or answers read "
        f"in another order). Its answers are not a function of its input: the search asked "
        f"inputs in its own batches, so the IDIs it found may not reproduce one by one "
        f"(assay verify replays them), and finding none does not show the model is fair; "
        f"the exit code says only what this run found."
    )


def batch_bound(
    check: dict[str, Any], confirmation: dict[str, Any] | None, apart: str = ""
) -> str | None:
    """The warning for a model that answered the same batch alike twice, yet whose stored
    IDIs did not all hold when asked again in another batch: its answer to an input depends
    on the batch (its other inputs, their order or number: a normalisation by the batch's
    own statistics, answers read by a pandas index in another order, a cache by identity).
    Its IDIs may not reproduce one by one, and nothing else said so (hostile39: 160 of 294
    no longer failing under ``assay verify``, the run silent).  ``apart``: the other cause,
    said after (``core.process_bound``: units that ran in other processes).  None otherwise."""
    if check.get("deterministic") is not True or not confirmation:
        return None
    sampled = int(confirmation.get("sampled") or 0)
    missed = sampled - int(confirmation.get("confirmed") or 0)
    if not sampled or missed <= 0:
        return None
    return (
        f"Warning: {missed:,} of {sampled:,} stored IDIs re-checked were not discriminatory "
        f"when asked again, though the model answered the same inputs alike when asked twice "
        f"in one batch: its answer to an input depends on the batch it comes in (the other "
        f"inputs, their order or number: statistics of the batch, answers read by a pandas "
        f"index, a cache){apart}. Counts of IDIs include some that do not reproduce one by one "
        f"(assay verify replays them); the confirmation rate above is the share that held."
    )
