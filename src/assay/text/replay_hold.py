"""Findings of classifiers seen answering the same sentence otherwise, asked again before
they are reported.  A classifier left sampling (dropout on, a model left in training mode)
"fails" on noise: a differential run finds disagreements that are its dice, an invariance
run pins them on whichever member of a class the dice fell on ("answered unlike the rest of
its class: 'muslim'").  When the determinism checks (``text.recheck``) saw any answer change,
every kept finding's sentences (its minimal sentence, and the variant that broke a relation
with it) are asked again, uncached, within what the query budget left, and judged by the
run's oracle; those that no longer fail are asked a second time (``Rounds``).  A finding is
kept when it fails again in either ask (it reproduced at least once beyond the search's
observation), and withdrawn from the run's findings when it failed in neither: it did not
replay (a few are named in the summary's Determinism section; one the budget left no
second ask is withdrawn on its one, and counted so).  Those the budget left unasked
stay.  No member of a class is named as answered unlike
the rest on such a run, and a run none of whose findings held is no pass either: "not
everything was tested" (exit 2), the classifier named as not deterministic."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np

from assay.core.display import count
from assay.core.findings import FindingBatch
from assay.core.model import Model
from assay.core.outcome import UNCONFIRMED
from assay.core.sentence_cut import cut_sentence
from assay.core.store import RunStore
from assay.core.unfinished import KEY, reason
from assay.errors import AssayError
from assay.text.bound import upper_tail
from assay.text.generate import Sampler
from assay.text.summary import SEARCH_PER_1000, SEARCH_RATE, tests_rows
from assay.text.technique import TextTest

__all__ = [
    "DID_NOT_REPLAY",
    "ERRORS",
    "ERRORS_BEFORE",
    "HOLD_SHARE",
    "MOST_CHANGED",
    "NOISE_LEVEL",
    "REPLAY_MOST",
    "RULE",
    "Rounds",
    "held_back",
    "hold_findings",
    "noise_explains",
    "replay_room",
]

REPLAY_MOST = 2048  # sentences asked again with no query budget
_NAMED = 5  # withdrawn sentences named in the summary
# what keeps a finding (said in the headline): it reproduced once more beyond the search's
# sight of it.  One ask withdrew a real disagreement that noise flipped on that ask (a
# classifier flipping 5.5 % of its answers lost one planted finding of 7); two cut that
# miss to about the square of the flip rate, and keep a noise finding that replays by
# chance about twice as often as one ask would: a finding kept is one seen failing twice.
RULE = "each kept when it failed again in one of up to two asks"
# the metrics' count of distinct minimal failing sentences, and the search's own once a
# replay withdrew some as noise
MINIMAL = "distinct minimal failing sentences"
MINIMAL_BEFORE = "distinct minimal failing sentences found by the search (before the replay)"
# the metrics' errors once a replay withdrew noise: the failing sentences that shrank to a
# minimal sentence that held (the withdrawn ones' counted errors taken out: 342 errors and
# 123.3 per 1,000 queries were said beside 89 of 149 minimal sentences withdrawn; left46t),
# the search's count beside it.  Shrinking's own failing candidates are not told apart by
# the minimal sentence they led to, so none is counted: the figure never counts more errors
# than the findings that held stand for
ERRORS = "errors found (distinct failing sentences)"
ERRORS_BEFORE = "errors found by the search (before the replay)"
# a suite's test whose every finding did not replay (``text.tests``' outcome)
DID_NOT_REPLAY = "its failures did not replay"


def _noisy(determinism: dict[str, Any]) -> bool:
    """Whether the checks saw an answer change (at the start or after the search)."""
    probe = determinism.get("probe") or {}
    return bool(int(probe.get("changed") or 0) or int(determinism.get("changed") or 0))


# the share of the search's query budget held back from it when the start's check already saw
# an answer change, for asking the findings again (``hold_findings``): the search spent the
# whole budget before, and a noisy classifier's findings, real ones among them, all stood
# unconfirmed (exit 2; llm45t).  A finding is asked once (twice for a pair) and those that
# did not fail a second time: a sixth confirmed 112 of a planted bias's 128 findings beside
# 5 % flips in 2,000 queries (a third: 97, its room half unused; bench/RESULTS.md, left45t)
HOLD_SHARE = 1 / 6


# the most of the start's sentences seen answered otherwise for which any is held: a noise
# finding fails again in one of two asks with about 1 - (1 - p)^2 of a share p of answers
# flipped (a tenth at 5 %, a half at 30 %: the LLM at 30 % had a third of its noise "held"),
# so above it asking again tells too little, and the findings stand unconfirmed (exit 2)
MOST_CHANGED = 0.15


def held_back(probe: dict[str, Any] | None, search_budget: int | None) -> int:
    """Queries held back from a search of ``search_budget`` (None: no query budget, nothing
    held) for the replay, when the start's check (``probe``) saw an answer change, on at most
    ``MOST_CHANGED`` of its sentences; 0 for a deterministic classifier (its run as before)."""
    probe = probe or {}
    sentences = int(probe.get("sentences") or 0)
    if search_budget is None or not sentences or not _noisy({"probe": probe}):
        return 0
    if int(probe.get("changed") or 0) > MOST_CHANGED * sentences:
        return 0
    return int(search_budget * HOLD_SHARE)


def replay_room(summary: dict[str, Any], budget: int | None, loading: int, resumed: int) -> int:
    """The sentences the replay may ask: what the query budget left once loading the
    classifiers, the search and the determinism checks asked theirs (``REPLAY_MOST`` with
    no query budget)."""
    if budget is None:
        return REPLAY_MOST
    search = int((summary.get("metrics") or {}).get("queries") or 0)
    checks = int((summary.get("determinism") or {}).get("queries") or 0)
    return max(budget - loading - resumed - search - checks, 0)


def _judge(oracle: Any, batch: FindingBatch, n: int, ask: Any) -> tuple[np.ndarray, int]:
    """Whether each of ``batch``'s first ``n`` findings still fails when asked again
    (``ask``: the classifiers, uncached), and the sentences asked."""
    minimal = [str(x) for x in np.asarray(batch.inputs)[:n, 0]]
    if oracle.kind == "differential":
        out = np.asarray(ask(minimal), dtype=np.float64).reshape(n, -1)
        return np.asarray(oracle.judge([row[None] for row in out], []).error, dtype=bool), n
    variants = [str(v) for v in batch.columns.get("variant", [""] * len(batch))][:n]
    relation = batch.columns.get("relation")
    rel = np.full(n, -1) if relation is None else np.asarray(relation, dtype=int)[:n]
    pairs = [s for m, v in zip(minimal, variants, strict=True) for s in (m, v or m)]
    flat = np.asarray(ask(pairs), dtype=np.float64)
    bad = [oracle.breaks(o, int(r)) for o, r in zip(flat.reshape(n, 2, -1), rel, strict=True)]
    return np.asarray(bad, dtype=bool), 2 * n


@dataclass
class Rounds:
    """The two asks of a replay: every finding asked once (``first``, in the store's order,
    while the room lasts), then those that did not fail asked a second time (``second``):
    a finding is kept when it fails again in either ask, withdrawn when it failed in neither
    (or, the room spent, in the one it was given: ``once_only``)."""

    judged: int = 0  # findings asked at least once
    asked: int = 0  # sentences asked in both rounds
    again: int = 0  # findings asked a second time
    held_second: int = 0  # of those, the ones that failed again then (kept)
    once_only: int = 0  # did not fail in the first ask; no room for a second (withdrawn)
    failed: str | None = None  # why asking failed (the rest stand unasked)
    unfit: int = 0  # findings of batches that cannot be judged again (not ``eligible``)
    firsts: list[int] = field(default_factory=list)  # per batch: its findings asked once

    def _ask(self, oracle: Any, batch: FindingBatch, ask: Any) -> np.ndarray | None:
        """``batch``'s findings judged again (None, and ``failed`` said, when asking fails)."""
        try:
            held, sent = _judge(oracle, batch, len(batch), ask)
        except (AssayError, ValueError, TypeError) as exc:
            said = str(exc).strip()
            self.failed = said.splitlines()[0] if said else repr(exc)
            return None
        self.asked += sent
        return held

    def first(
        self, b: FindingBatch, mask: np.ndarray, eligible: bool, oracle: Any, ask: Any,
        room: int, per: int,
    ) -> None:  # fmt: skip
        n = min(len(b), max(room - self.asked, 0) // per) if eligible else 0
        self.unfit += 0 if eligible else len(b)
        held = None if n <= 0 or self.failed else self._ask(oracle, b.select(np.arange(n)), ask)
        self.firsts.append(0 if held is None else n)
        if held is not None:
            mask[:n] = held
            self.judged += n

    def second(
        self, i: int, b: FindingBatch, mask: np.ndarray, oracle: Any, ask: Any, room: int,
        per: int,
    ) -> None:  # fmt: skip
        idx = np.flatnonzero(~mask[: self.firsts[i]])
        n = min(len(idx), max(room - self.asked, 0) // per)
        held = None if n <= 0 or self.failed else self._ask(oracle, b.select(idx[:n]), ask)
        if held is None:
            n = 0
        else:
            mask[idx[:n][held]] = True
            self.again += n
            self.held_second += int(held.sum())
        self.once_only += len(idx) - n


def hold_findings(
    store: RunStore,
    run_id: str,
    test: TextTest,
    model: Model,
    *,
    room: int,
    call_timeout: float | None,
    max_time: float | None = None,
) -> None:
    """When the run's determinism checks saw answers change, ask every kept finding again
    (at most ``room`` sentences) and withdraw those that no longer fail (see the module)."""
    from assay.text.recheck import _guarded

    record = store.get_run(run_id)
    summary = dict(record.summary or {})
    determinism = dict(summary.get("determinism") or {})
    total = store.count_findings(run_id)
    if not total or not _noisy(determinism):
        return
    batches = [b for b in store.iter_batches(run_id) if len(b)]
    kept = sum(len(b) for b in batches)
    sampler = Sampler(test.grammar, max_depth=test.max_depth, weighted=test.weighted)
    oracle = test.make_oracle(sampler)
    per = 1 if oracle.kind == "differential" else 2
    guarded = _guarded(model, call_timeout, max_time, max_queries=max(room, 1))
    masks: list[np.ndarray] = []  # per batch: its findings kept
    rounds = Rounds()
    try:
        for b in batches:
            masks.append(np.ones(len(b), dtype=bool))
            directional = oracle.kind not in ("differential", "invariance")
            eligible = b.kind.startswith("text-") and (not directional or "relation" in b.columns)
            rounds.first(b, masks[-1], eligible, oracle, guarded.predict, room, per)
        for i, (b, mask) in enumerate(zip(batches, masks, strict=True)):
            rounds.second(i, b, mask, oracle, guarded.predict, room, per)
    finally:
        guarded.close()
    withdrawn = sum(int((~m).sum()) for m in masks)
    # the withdrawn minimal sentences as the summary keeps them (``core.sentence_cut``)
    gone = [
        cut_sentence(str(s))
        for b, m in zip(batches, masks, strict=True)
        for s in np.asarray(b.inputs)[~m, 0]
    ]
    per_test: dict[int, int] = {}  # withdrawn findings by the test (relation) they failed
    for b, m in zip(batches, masks, strict=True):
        relation = b.columns.get("relation")
        if relation is not None:
            for r in np.asarray(relation, dtype=int)[~m].tolist():
                per_test[r] = per_test.get(r, 0) + 1
    if withdrawn and kept == total:
        store.truncate_findings(run_id, 0)  # the run's findings: those that held alone
        store.checkpoint(
            run_id, findings=[b.select(m) for b, m in zip(batches, masks, strict=True) if m.any()]
        )
    record = store.get_run(run_id)
    summary = dict(record.summary or {})
    _said(summary, determinism, rounds, withdrawn, gone, total, kept)
    if withdrawn and kept == total:
        _tests_without(summary, per_test)
    store.checkpoint(run_id, summary=summary)


# how unlikely, under noise alone, as many held findings must be for them not to be called
# possibly all noise: a noise finding fails again in one of two asks with about
# 1 - (1 - c)^2 of a share c of the start's sentences answered otherwise (twice the chance
# of one flip: on the safe side), so a sampling classifier with no bug keeps a few (7 of 58
# at 5 % flips; left45t).  Said, not acted on: with the start's few sentences (2 of 8) a
# planted bias's 4 held of 14 are no more than the 6.1 noise explains either; the exit
# code stays the findings'.
NOISE_LEVEL = 0.01


def noise_explains(held: int, judged: int, probe: dict[str, Any]) -> float | None:
    """The number of held findings noise alone would keep, when ``held`` of ``judged`` is no
    more than it explains (the chance of as many is above ``NOISE_LEVEL``); else ``None``."""
    sentences, changed = int(probe.get("sentences") or 0), int(probe.get("changed") or 0)
    if held <= 0 or judged <= 0 or sentences <= 0 or changed <= 0:
        return None
    c = min(changed / sentences, 1.0)
    q = 1.0 - (1.0 - c) ** 2
    if q >= 1.0 or upper_tail(judged, held, q) > NOISE_LEVEL:
        return judged * q
    return None


def _said(
    summary: dict[str, Any],
    determinism: dict[str, Any],
    rounds: Rounds,
    withdrawn: int,
    gone: list[str],
    total: int,
    kept: int,
) -> None:
    """The replay in the run's summary: its figures, its section, its headline and, when
    nothing held, why the run is no pass."""
    probe = determinism.get("probe") or {}
    who = ", ".join(probe.get("classifiers") or []) or "the classifiers"
    one = len(probe.get("classifiers") or []) == 1
    judged, asked, failed = rounds.judged, rounds.asked, rounds.failed
    could = withdrawn and kept == total
    determinism["replayed"] = {
        "findings": judged,
        "held": judged - withdrawn,
        "did_not_replay": withdrawn,
        "withdrawn": withdrawn if could else 0,
        "queries": asked,
        "asked_twice": rounds.again,
        "held_on_second_ask": rounds.held_second,
        "asked_once_only": rounds.once_only,
        **({"failed": failed} if failed else {}),
    }
    determinism["queries"] = int(determinism.get("queries") or 0) + asked
    summary["determinism"] = determinism
    metrics = dict(summary.get("metrics") or {})
    metrics["queries asked by the determinism checks"] = determinism["queries"]
    metrics["findings asked again (the classifiers not deterministic)"] = judged
    metrics["findings that did not replay (withdrawn)"] = withdrawn if could else 0
    summary["metrics"] = metrics
    text = dict(summary.get("text") or {})
    if text.get("odd_members"):  # never noise pinned on a member of a class
        text["odd_members"] = []
    if could:
        dropped = set(gone)
        _errors_held(metrics, text, dropped, withdrawn)
        text["minimal"] = [r for r in text.get("minimal") or [] if not _among(r, dropped)]
        if isinstance(text.get("distinct_minimal"), int):
            text["distinct_minimal"] = max(text["distinct_minimal"] - withdrawn, 0)
        # the metrics' count is the findings' (those that held), the search's beside it: it
        # said 149 beside the 60 held in the findings, the reports and ``text`` (audit46t)
        found = metrics.get(MINIMAL)
        if isinstance(found, int):
            metrics[MINIMAL_BEFORE] = found
            metrics[MINIMAL] = max(found - withdrawn, 0)
            summary["metrics"] = metrics
    summary["text"] = text
    sections = [
        s
        for s in summary.get("sections") or []
        if s.get("title") != "Members answered unlike the rest of their class"
    ]
    line = (
        f"{who} {'is' if one else 'are'} not deterministic, so its findings were asked again "
        f"before they were reported, {RULE} ({count(asked)} queries): {count(judged)} of "
        f"{count(total)} asked, {count(judged - withdrawn)} held"
    )
    if rounds.held_second:
        line += f" ({count(rounds.held_second)} only on the second ask)"
    line += f", {count(withdrawn)} did not replay"
    if rounds.once_only:
        line += f" ({count(rounds.once_only)} asked once only: the query budget left no second ask)"
    if withdrawn:
        line += (
            f" and {'was' if withdrawn == 1 else 'were'} withdrawn as noise"
            if could
            else " (not withdrawn: not every finding was kept to be asked again)"
        )
    if could and isinstance(metrics.get(ERRORS_BEFORE), int):
        line += (
            f"; errors found: at least {count(int(metrics[ERRORS]))} (the failing sentences "
            "that shrank to one that held; shrinking's own failing candidates, a few in a "
            "deterministic run, and a real one that shrank to noise are left out; the search's "
            f"{count(int(metrics[ERRORS_BEFORE]))} before), the errors per 1,000 queries and "
            "per second over them"
        )
    if judged < total:
        line += "; " + _unasked(total - kept, rounds.unfit, kept - rounds.unfit - judged, failed)
    if failed:
        line += f"; asking them again failed: {failed}"
    if gone:
        line += "; did not replay: " + ", ".join(repr(s) for s in gone[:_NAMED])
        line += ", ..." if len(gone) > _NAMED else ""
    if (noise := noise_explains(judged - withdrawn, judged, probe)) is not None:
        line += (
            f"; the {count(judged - withdrawn)} held are no more than its noise alone would "
            f"keep (about {noise:.1f} of {count(judged)} asked, from the "
            f"{count(int(probe.get('changed') or 0))} of {count(int(probe.get('sentences') or 0))}"
            " sentences asked twice at the start answered otherwise): they may all be noise; "
            "make its answers deterministic (temperature 0, evaluation mode) to tell"
        )
    sections.append(
        {
            "title": "Findings asked again",
            "text": line + ". No member of a class is named as answered unlike the rest: "
            "the classifiers' answers are not a function of the sentence.",
        }
    )
    summary["sections"] = sections
    warnings = list(summary.get("warnings") or [])
    warnings.append(line)
    summary["warnings"] = warnings
    summary["headline"] = f"{line}. Found by the search, before: {summary.get('headline', '')}"
    said = summary.get("incomplete_reason")  # (the parts still to come: replaced)
    if (
        could
        and judged == total == withdrawn
        and (not said or said == reason(summary.get(KEY) or []))
    ):
        summary["incomplete_reason"] = (
            f"{who} {'is' if one else 'are'} not deterministic: none of the {count(total)} "
            "findings held when asked again (withdrawn as noise), so what the run asked shows "
            "nothing either way"
        )
    elif judged == withdrawn and (not said or said == reason(summary.get(KEY) or [])):
        # none confirmed, some never asked again: they stay stored, but may be noise, so
        # they fail nothing (exit 1 on a pair alike but for one's sampling before llm45t)
        left = kept - rounds.unfit - judged  # (what the budget, or a failed ask, left)
        why = f"asking them failed: {failed}" if failed else "the query budget left no room"
        if left <= 0:  # (never the budget: the store's findings it could not ask again)
            why = _unasked(total - kept, rounds.unfit, 0, failed).removesuffix(UNSURE)
        summary[UNCONFIRMED] = True
        summary["incomplete_reason"] = (
            f"{who} {'is' if one else 'are'} not deterministic and none of the "
            f"{count(total)} findings was confirmed: {count(total - judged)} could not be "
            f"asked again ({why}){f' and {count(withdrawn)} did not replay' if withdrawn else ''}"
            ", so they may be its noise (kept in the run store, failing nothing) and what the run "
            "asked shows nothing either way; "
            + (
                "give a larger --max-queries (each finding is asked again, up to twice, within it)"
                if left > 0
                else f"start a new run{' with --keep-findings all' if kept < total else ''}"
            )
        )


def held_errors(
    minimal: list[dict[str, Any]], dropped: set[str], distinct: int, withdrawn: int
) -> int:
    """The errors the minimal sentences that held stand for: their counts (the failing
    sentences that shrank to each) added, over ``minimal`` (the summary's ranked records,
    most counted first, at most ``summary._MAX_MINIMAL``) less those ``dropped`` (as
    ``core.sentence_cut`` cuts them); a held one beyond the list (``distinct`` in all,
    ``withdrawn`` of them withdrawn) counts once, the least it stands for: exact when the
    list holds them all, never more than the truth."""
    held = sum(int(r.get("count") or 0) for r in minimal if not _among(r, dropped))
    listed_gone = sum(1 for r in minimal if _among(r, dropped))
    unlisted = max(distinct - len(minimal), 0)
    return held + max(unlisted - max(withdrawn - listed_gone, 0), 0)


def _among(record: dict[str, Any], dropped: set[str]) -> bool:
    """Whether a summary's minimal record is of a sentence in ``dropped`` (cut forms: a
    summary stored before the cut kept its sentences whole, so its own is cut here too)."""
    return cut_sentence(record.get("sentence")) in dropped


def _errors_held(
    metrics: dict[str, Any], text: dict[str, Any], dropped: set[str], withdrawn: int
) -> None:
    """The metrics' errors and their rates over the findings that held (``ERRORS``), the
    search's count beside them (``ERRORS_BEFORE``), in place: the run's rates per query and
    per second are made from ``ERRORS`` when the run's queries and wall clock are known
    (``phases``), the search phase's own scaled here."""
    before = metrics.get(ERRORS)
    minimal = [r for r in text.get("minimal") or [] if isinstance(r, dict)]
    distinct = text.get("distinct_minimal")
    if not isinstance(before, int) or not isinstance(distinct, int):
        return
    held = min(held_errors(minimal, dropped, distinct, withdrawn), before)
    metrics[ERRORS_BEFORE] = before
    metrics[ERRORS] = held
    for name in (SEARCH_PER_1000, SEARCH_RATE):  # (the same queries and seconds: scaled)
        rate = metrics.get(name)
        if isinstance(rate, int | float) and not isinstance(rate, bool) and before:
            metrics[name] = round(float(rate) * held / before, 6)


UNSURE = " stand unconfirmed"


def _unasked(unkept: int, unfit: int, left: int, failed: str | None) -> str:
    """The findings not asked again, by why: the store did not keep them (it counts more
    than it keeps: ``--keep-findings``), a batch stored by an earlier assay without the
    relation a directional finding is judged by, the query budget (or a failed ask) left
    none for them.  Each was once "(the query budget)", the budget's room unspent."""
    why = "the ask failed" if failed else "the query budget"
    parts = [
        (unkept, "not kept by the store (--keep-findings)"),
        (unfit, "stored by an earlier assay without their relation"),
        (left, f"not asked again ({why})"),
    ]
    said = ", ".join(f"{count(n)} {what}" for n, what in parts if n > 0)
    return said + UNSURE


def _tests_without(summary: dict[str, Any], per_test: dict[int, int]) -> None:
    """A suite's tests (``text.tests``, in the grammar's order: a finding's relation) less
    their findings that did not replay: a test left with none is one whose failures were
    noise (``DID_NOT_REPLAY``: nothing of it shown either way), not a failing one."""
    text = summary.get("text") or {}
    rows = [dict(t) for t in text.get("tests") or [] if isinstance(t, dict)]
    if not rows or not per_test:
        return
    for r, w in per_test.items():
        if not 0 <= r < len(rows):
            continue
        row = rows[r]
        row["distinct minimal"] = max(int(row.get("distinct minimal") or 0) - w, 0)
        row["did not replay"] = w
        if not row["distinct minimal"]:
            row.update({"failing": 0, "failure rate": None, "outcome": DID_NOT_REPLAY})
    text["tests"] = rows
    summary["text"] = text
    for section in summary.get("sections") or []:
        table = section.get("table") if section.get("title") == "Tests" else None
        if isinstance(table, dict):
            columns = list(dict.fromkeys(k for t in rows for k in t))
            table["columns"] = columns
            table["rows"] = tests_rows(rows, columns)
