"""Are the classifiers deterministic?  A classifier that answers a sentence otherwise the second
time (sampling, dropout left on, a service that changes under load) finds "errors" that are
noise.  Two checks, both asked of the classifiers directly (never through the run's cache, so
that the search's answers are its own):

- at the start (``probe``), up to ``PROBE`` sentences drawn from the grammar are asked twice,
  as a fairness run asks its rows twice: this catches a classifier that samples even when
  the run finds nothing, and names it;
- after the run (``recheck``), a sample of up to ``SAMPLE`` stored minimal failing sentences
  is asked again.

Under a query budget both count within it (``plan``): they take at most ``CHECK_SHARE`` of
``--max-queries`` (all of ``2 * PROBE + SAMPLE`` from 1,280 queries on, fewer sentences
below), the search gets the rest less what loading the classifiers asked (``text.loading``),
and the re-check also gets what the search left unused.  A paid endpoint is asked at most
``--max-queries`` sentences in all.  Unlike fairness's
checks (outside its budget), they therefore change what a seeded search finds under a query
budget; with the checks off (``--no-determinism-check``) the search has the whole budget.

The run's summary (``determinism``) says how many changed and how many queries and calls
the checks made, and its headline warns when any answer changed.  A check that fails (a
served classifier that stops answering, a call past its deadline) is left out with a note:
it never turns the run into a model failure."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np

from assay.core.asked_apart import ask_rounds
from assay.core.budget import BudgetedModel
from assay.core.display import count, percent
from assay.core.message_secrets import redact_message
from assay.core.model import Model
from assay.core.stopping import StopEvent, asked_stop
from assay.core.store import RunStore
from assay.core.unfinished import finished
from assay.text.hung import named

__all__ = [
    "CHECK_SHARE",
    "PROBE",
    "SAMPLE",
    "CheckPlan",
    "extra_probe_queries",
    "plan",
    "probe",
    "recheck",
    "record_off",
    "record_recheck",
]

SAMPLE = 64  # minimal sentences asked again, the first stored
PROBE = 32  # sentences of the grammar asked twice at the start
CHECK_SHARE = 0.1  # of --max-queries at most, for both checks
BATCH_TOLERANCE = 1e-4  # answers apart only in another batch: beyond float noise


@dataclass(frozen=True, slots=True)
class CheckPlan:
    """What the checks may ask: ``probe`` sentences twice at the start, and ``reserve``
    queries kept from the search for the re-check (plus any the search leaves unused).
    ``budget``: the run's ``--max-queries`` (None: no query budget, nothing kept);
    ``loading``: the queries loading the classifiers asked within it (``text.loading``);
    ``resumed``: those its resumed sessions asked loading them again, within it too: taken
    from the re-check's reserve (the search's budget stays the first session's, for the
    same findings), from the search only beyond that reserve."""

    probe: int
    reserve: int
    budget: int | None
    loading: int = 0
    resumed: int = 0

    @property
    def kept(self) -> int:
        """Queries taken from the search's budget."""
        return 0 if self.budget is None else 2 * self.probe + self.reserve

    def search_budget(self, *, checking: bool = True) -> int | None:
        """What the search may ask: the budget less loading's queries and (``checking``)
        the checks'."""
        if self.budget is None:
            return None
        beyond = max(self.resumed - (self.reserve if checking else 0), 0)
        return self.budget - self.loading - (self.kept if checking else 0) - beyond

    def recheck_limit(self, search_queries: int, probe_extra: int = 0) -> int:
        """Sentences the re-check may ask once the search asked ``search_queries`` and the
        probe ``probe_extra`` beyond its two rounds (its third: ``extra_probe_queries``)."""
        if self.budget is None:
            return SAMPLE
        left = self.budget - self.loading - self.kept - search_queries
        return max(min(SAMPLE, self.reserve + max(left, 0) - self.resumed - probe_extra), 0)


def plan(
    max_queries: int | None, *, units: int | None = None, loading: int = 0, resumed: int = 0
) -> CheckPlan:
    """The checks' share of a query budget: ``CHECK_SHARE`` of it at most (never more than
    the full checks' ``2 * PROBE + SAMPLE``), half of it for the probe (its sentences asked
    twice), the rest for the re-check; ``units`` searches keep at least one query each, as
    the search keeps one after ``loading`` (the queries loading the classifiers asked, within
    the budget too; ``resumed``: loading again in resumed sessions, see ``CheckPlan``).  No
    query budget: the full checks, bounded by time only."""
    if max_queries is None:
        return CheckPlan(PROBE, SAMPLE, None, loading, resumed)
    share = min(2 * PROBE + SAMPLE, int(CHECK_SHARE * max_queries))
    share = max(min(share, max_queries - loading - (units or 1)), 0)
    n_probe = min(PROBE, share // 4)
    reserve = min(SAMPLE, share - 2 * n_probe)
    return CheckPlan(n_probe, reserve, max_queries, loading, resumed)


def _guarded(
    model: Model,
    call_timeout: float | None,
    max_time: float | None,
    max_queries: int | None = None,
    heed: StopEvent | None = None,
) -> BudgetedModel:
    """``model`` with a deadline on each call (``call_timeout``) and on all (``max_time``),
    no cache, and at most ``max_queries`` sentences; a call still out when the time is up
    ends the check (``BudgetExhausted``), it is not a model that never answered."""
    guarded = BudgetedModel(
        model,
        call_timeout=call_timeout,
        max_time=max_time,
        max_queries=max_queries,
        cache_size=0,
        heed=heed,
    )
    guarded.answered = 1
    return guarded


def _changed(a: np.ndarray, b: np.ndarray, atol: float = 1e-9) -> np.ndarray:
    """Per row, whether two answers differ (beyond float noise)."""
    out: np.ndarray = ~np.all(np.isclose(a, b, rtol=1e-6, atol=atol), axis=1)
    return out


def probe(
    model: Model,
    sentences: list[str],
    names: list[str],
    widths: list[int],
    *,
    call_timeout: float | None,
    max_time: float | None = None,
) -> dict[str, Any]:
    """Ask ``sentences`` twice, the second time in two other batches, and a third time as the
    first when answers changed (``core.asked_apart``): how many were answered otherwise in
    their own batch (``changed``: not deterministic) or only in another
    (``batch_changed``: the batch decides), and by which
    classifiers (``names``, each answering ``widths[k]`` columns of the panel's answer), and
    what it cost (``queries``: sentences asked, ``calls``).  A check that failed says why
    (``skipped``) instead."""
    from assay.errors import AssayError

    sentences = list(dict.fromkeys(s for s in sentences if s.strip()))
    if not sentences:
        return {"sentences": 0, "changed": 0, "classifiers": [], "queries": 0, "calls": 0}
    guarded = _guarded(model, call_timeout, max_time, max_queries=3 * len(sentences))
    n = len(sentences)
    made = [0]  # calls made, also when one failed

    def answers(batch: list[str]) -> np.ndarray:
        made[0] += 1
        return np.asarray(guarded.predict(batch), dtype=np.float64).reshape(len(batch), -1)

    def changed(a: np.ndarray, b: np.ndarray) -> np.ndarray:
        return _changed(a.reshape(n, -1), b.reshape(n, -1))

    def moved(a: np.ndarray, b: np.ndarray) -> np.ndarray:
        return _changed(a.reshape(n, -1), b.reshape(n, -1), atol=BATCH_TOLERANCE)

    try:
        lengths = np.array([len(s) for s in sentences], dtype=np.float64)
        rounds = ask_rounds(answers, sentences, changed, moved, scores=lengths)
    except (AssayError, ValueError, TypeError) as exc:
        cost = {"queries": guarded.queries, "calls": made[0]}
        why = _why(named(exc, model))
        return {"sentences": 0, "changed": 0, "classifiers": [], "skipped": why, **cost}
    finally:
        guarded.close()
    bound = rounds.batch_bound
    other = rounds.second if bound else rounds.again
    return {
        "sentences": n,
        "changed": int(rounds.random.sum()),
        "batch_changed": bound,
        "classifiers": _which(names, widths, rounds.first, other),
        "queries": rounds.queries,
        "calls": rounds.calls,
    }


def _which(names: list[str], widths: list[int], first: np.ndarray, other: Any) -> list[str]:
    """The classifiers (``names``, each answering ``widths[k]`` columns of the panel's
    answer) that answered otherwise in ``other`` (None: none did)."""
    if other is None:
        return []
    which: list[str] = []
    at = 0
    for name, width in zip(names, widths, strict=True):
        if (
            first.shape[1] >= at + width
            and _changed(first[:, at : at + width], other[:, at : at + width]).any()
        ):
            which.append(name)
        at += width
    return which


def extra_probe_queries(probed: dict[str, Any] | None, planned: int) -> int:
    """The queries the start's probe asked beyond the ``2 * planned`` kept for it (its third
    round, asked when answers changed: ``core.asked_apart``)."""
    asked = int((probed or {}).get("queries") or 0)
    return max(asked - 2 * planned, 0)


def _section(
    probed: dict[str, Any] | None,
    check: dict[str, Any] | None,
    skipped: str | None,
    found: dict[str, Any],
    budget: int | None,
) -> dict[str, Any]:
    """The report's section on the two checks, and what they cost."""
    parts: list[str] = []
    if probed is not None and probed.get("sentences"):
        who = ", ".join(probed.get("classifiers") or [])
        parts.append(
            f"{count(probed['sentences'])} sentences of the grammar were asked twice before the "
            f"search (the second time in two other batches): "
            f"{count(probed['changed'])} were answered otherwise in their own batch"
            + (
                f", {count(probed['batch_changed'])} only in the other batches"
                if probed.get("batch_changed")
                else ""
            )
            + (f" (by {who})." if who else ".")
        )
    elif probed is not None and probed.get("skipped"):
        parts.append(f"The check at the start could not be made: {probed['skipped']}.")
    if check is not None:
        parts.append(
            f"{count(check['sampled'])} stored minimal failing sentences were asked again after "
            f"it: {count(check['changed'])} were answered otherwise."
        )
    if skipped is not None:
        parts.append(f"The stored minimal failing sentences could not be asked again: {skipped}.")
    where = (
        f"within the query budget of {count(budget)} (loading the classifiers and the search "
        "had the rest)"
        if budget is not None
        else "with no query budget to count them in"
    )
    parts.append(
        f"The checks asked {count(found['queries'])} queries in {count(found['calls'])} "
        f"calls, {where}."
    )
    return {"title": "Determinism", "text": " ".join(parts)}


def record_off(store: RunStore, run_id: str, why: str) -> None:
    """The run's summary says the checks were not made, and why (``why``: how they were
    turned off): a run that asked nothing twice never reads as checked."""
    summary = finished(store.get_run(run_id).summary or {}, "determinism")
    if not summary:
        return
    summary["determinism"] = {"off": why, "queries": 0, "calls": 0}
    text = f"The determinism checks were not made: {why}."
    summary["sections"] = [*(summary.get("sections") or []), {"title": "Determinism", "text": text}]
    store.checkpoint(run_id, summary=summary)


def _batch_bound(probed: dict[str, Any]) -> str:
    """The warning for classifiers that answered the probe's sentences alike in their own
    batch and otherwise in other batches."""
    who = probed.get("classifiers") or []
    return (
        f"{', '.join(who) or 'the classifiers'} answer{'s' if len(who) == 1 else ''} a "
        f"sentence depending on the batch it comes in: {count(probed['batch_changed'])} of "
        f"{count(probed['sentences'])} sentences asked at the start were answered otherwise in "
        f"two other batches, alike when their own batch was asked again (statistics of the "
        f"batch, answers read in another order); their answers are not a function of the "
        f"sentence, so the findings may not reproduce and finding none does not show they "
        f"pass (the exit code says only what this run found)"
    )


def _cause(probed: dict[str, Any] | None) -> str:
    """What the re-check's changed answers are put down to: the start's probe tells a
    classifier that samples from one whose answers depend on the batch (the re-check asks
    its sentences in another batch than the search's); without either seen, both are said."""
    probe = probed or {}
    if probe.get("changed"):
        return "the classifiers are not deterministic"
    if probe.get("batch_changed"):
        return "the classifiers' answers depend on the batch they are asked in"
    return (
        "the classifiers are not deterministic or their answers depend on the batch they "
        "are asked in (the re-check asks its sentences in another batch than the search's)"
    )


def _why(exc: BaseException) -> str:
    text = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
    return redact_message(text)[:300]


def _stored(store: RunStore, run_id: str, limit: int) -> tuple[list[str], np.ndarray | None]:
    sentences: list[str] = []
    rows: list[np.ndarray] = []
    for batch in store.iter_batches(run_id):
        outputs = np.asarray(batch.outputs, dtype=np.float64)
        for i in range(len(batch)):
            sentences.append(str(batch.inputs[i][0]))
            rows.append(outputs[i, 0].reshape(-1))
            if len(sentences) >= limit:
                return sentences, np.stack(rows)
    return sentences, np.stack(rows) if rows else None


def recheck(
    store: RunStore,
    run_id: str,
    model: Model,
    *,
    call_timeout: float | None,
    max_time: float | None = None,
    limit: int = SAMPLE,
    asked: dict[str, int] | None = None,
) -> dict[str, Any] | None:
    """How many of the first ``limit`` stored minimal sentences were answered otherwise when
    asked again (None: no finding to ask, or ``limit`` 0).  One call, within
    ``call_timeout`` and ``max_time``; ``asked["queries"]``: the sentences sent, also when
    the call failed or was cut (sent, they were asked: counted, ``record_recheck``)."""
    if limit <= 0:
        return None
    sentences, before = _stored(store, run_id, limit)
    if before is None:
        return None
    # (after the search: the caller's stop= is heard, ``core.stopping``)
    guarded = _guarded(model, call_timeout, max_time, max_queries=len(sentences), heed=asked_stop())
    try:
        again = np.asarray(guarded.predict(sentences), dtype=np.float64)
    finally:
        guarded.close()
        if asked is not None:
            asked["queries"] = guarded.queries
    again = again.reshape(len(sentences), -1)
    if again.shape != before.shape:  # sent and answered, but not comparable: said, counted
        raise ValueError(
            f"the classifiers answered {again.shape[1]} values per sentence when asked again, "
            f"{before.shape[1]} during the search"
        )
    return {
        "sampled": len(sentences),
        "changed": int(_changed(again, before).sum()),
        "queries": len(sentences),
        "calls": 1,
    }


def record_recheck(
    store: RunStore,
    run_id: str,
    model: Model | None,
    *,
    call_timeout: float | None,
    max_time: float | None = None,
    probed: dict[str, Any] | None = None,
    limit: int = SAMPLE,
    budget: int | None = None,
    other: str = "",
) -> None:
    """``recheck`` of at most ``limit`` sentences (``model`` None: not made) and the start's
    ``probe`` (``probed``), in the run's summary (``determinism``, with the queries and calls
    both made, within the query budget ``budget`` when there is one), with a warning when
    any answer changed (``other``: another cause of the re-check's, said after it).  A
    re-check that fails is noted, never raised."""
    from assay.errors import AssayError

    check: dict[str, Any] | None = None
    skipped: str | None = None
    sent: dict[str, int] = {}
    if model is not None:
        try:
            check = recheck(
                store,
                run_id,
                model,
                call_timeout=call_timeout,
                max_time=max_time,
                limit=limit,
                asked=sent,
            )
        except (AssayError, ValueError, TypeError) as exc:
            skipped = _why(named(exc, model))
        if limit <= 0 and store.count_findings(run_id):
            skipped = f"the query budget ({count(budget or 0)}) left no query for it"
    record = store.get_run(run_id)
    summary = finished(record.summary or {}, "determinism")
    if not summary:
        return
    if check is None and probed is None and skipped is None:
        if summary != record.summary:  # nothing to add: no longer missing either
            store.checkpoint(run_id, summary=summary)
        return
    found = dict(check or {})
    if skipped is not None:
        found["skipped"] = skipped
    if probed is not None:
        found["probe"] = probed
    # a re-check that failed or was cut after its sentences were sent: asked, no result
    lost = int(sent.get("queries", 0)) if check is None and skipped is not None else 0
    if lost:
        found["spent_without_result"] = lost
        skipped = f"{skipped} ({count(lost)} queries asked, spent without a result)"
        found["skipped"] = skipped
    found["queries"] = (
        int((check or {}).get("queries", 0)) + int((probed or {}).get("queries", 0)) + lost
    )
    found["calls"] = int((check or {}).get("calls", 0)) + int((probed or {}).get("calls", 0))
    found["within_budget"] = budget is not None
    summary["determinism"] = found
    metrics = dict(summary.get("metrics") or {})
    metrics["queries asked by the determinism checks"] = found["queries"]
    warnings = list(summary.get("warnings") or [])
    said: list[str] = []
    if probed is not None and probed.get("sentences"):
        metrics["sentences answered otherwise when asked twice at the start"] = probed["changed"]
        if probed["changed"]:
            share = probed["changed"] / probed["sentences"]
            who = ", ".join(probed.get("classifiers") or []) or "the classifiers"
            said.append(
                f"{who} {'is' if len(probed.get('classifiers') or []) == 1 else 'are'} not "
                f"deterministic: {count(probed['changed'])} of {count(probed['sentences'])} "
                f"sentences asked twice at the start were answered otherwise "
                f"({percent(share)}); the findings may be noise and may not reproduce"
            )
        if probed.get("batch_changed"):
            said.append(_batch_bound(probed))
    elif probed is not None and "--call-timeout" in str(probed.get("skipped") or ""):
        # a call that timed out in the start's check: the run went on unchecked, said in the
        # headline too, not in the Determinism section alone (hostile53's Left; a Python
        # result's words in its keywords, ``core.callers_prose``)
        said.append(
            f"the check at the start that answers do not change was not made: "
            f"{probed['skipped']}; the search went on without it"
        )
    if check is not None:
        metrics["minimal sentences answered otherwise when asked again"] = check["changed"]
        if check["changed"]:
            share = check["changed"] / check["sampled"]
            said.append(
                f"{_cause(probed)}{other}: {count(check['changed'])} of "
                f"{count(check['sampled'])} minimal failing sentences asked again were "
                f"answered otherwise ({percent(share)}); the findings may not reproduce"
            )
    if skipped is not None:
        warnings.append(f"the minimal failing sentences could not be asked again: {skipped}")
    summary["metrics"] = metrics
    summary["sections"] = [
        *(summary.get("sections") or []),
        _section(probed, check, skipped, found, budget),
    ]
    if said:
        warnings.extend(said)
        summary["headline"] = f"{summary.get('headline', '')} (warning: {'; '.join(said)})"
    if warnings:
        summary["warnings"] = warnings
    store.checkpoint(run_id, summary=summary)
