"""The answer per protected attribute: how much, in whose favour, where, and is it zero.

``answer(...)`` draws an unbiased sample for each protected attribute (uniform over the input
space, and real rows when given), asks the model about every value of the attribute (one
batched call per batch), and builds from it:

- the **verdict**: the share of discriminatory inputs with its 95 % Clopper-Pearson interval (or the
  exact share, or exact bounds, when the model's trees were read), and a level from the
  user's threshold (``--fail-on 'share>0.01'``);
- the **direction**: which value gets the favourable class, in what fraction of the
  discriminatory inputs;
- the **regions**: readable rules learned on two thirds of the uniform sample, their precision
  checked on the last third (``fairness.regions``); exact rules from every discriminatory box
  when the exact analysis decided the model (``fairness.exact_regions``).

Everything is plain JSON data, stored in the run summary.
"""

from __future__ import annotations

import re
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import Any

import numpy as np

from assay.core.display import listed
from assay.core.model import Model, labels_of
from assay.core.terminal import shell_word
from assay.errors import UsageError
from assay.fairness.answer_cost import LEAST_QUERIES
from assay.fairness.estimate import clopper_pearson
from assay.fairness.exact import ExactResult
from assay.fairness.exact_direction import (
    answer_samples,
    boxes_direction,
    enumerated_direction,
)
from assay.fairness.exact_misread import misread
from assay.fairness.exact_regions import exact_regions, figures_note, why_sampled
from assay.fairness.favourable_given import bool_twin
from assay.fairness.kept import KeptSamples, per_attribute
from assay.fairness.oracle import Oracle, Verdicts
from assay.fairness.outcomes import outcome_shares
from assay.fairness.regions import (
    MAX_REGION_FEATURES,
    Rule,
    as_set,
    check_rule,
    learn_rules,
    rule_values,
    typed_value,
)
from assay.fairness.schema import MISSING_DRAW, ROW_CELLS, Schema, rows_within

__all__ = ["FailRule", "answer", "favourable_class", "parse_fail_on"]

_FAVOURABLE_WORDS = ("yes", "true", "good", "approv", "accept", "grant", "hire", "pass", ">50k")
_NEGATIONS = frozenset(("not", "no", "non", "false", "never", "n", "denied", "rejected", "bad"))
_NEGATED_PREFIXES = ("un", "dis", "non", "not", "no")
_AFFIRMATIVES = frozenset(("yes", "y", "true", "t", "positive", "pos"))
_UNFAVOURABLE_WORDS = (
    "recid", "reoffend", "arrest", "default", "fraud", "churn", "risk", "denied", "reject", "bad",
    "declin", "refus", "fail",
)  # fmt: skip
# a stem is read in a word as the word's start (after a prefix that negates it, ``un``, or one
# of these) followed by one of the endings: ``approved``, ``acceptance``, ``defaulted``,
# ``highrisk``; never inside another word (``bypass``, ``immigrant``, ``eyes``, ``brisk``)
_PREFIXES = ("pre", "high", "low")
_ENDINGS = frozenset(
    ("", "e", "s", "d", "ed", "es", "ing", "al", "ance", "able", "y", "er", "ers", "ure", "ulent",
     "ion", "ions", "ivism", "ivist", "ivists", "ivate", "ated", "ation")
)  # fmt: skip
# a word that makes an unfavourable event the lesser outcome: ``low risk`` beside ``high risk``
_LESSER = frozenset(("low", "lower", "lowest", "little", "less", "least", "minimal", "small"))


@dataclass(frozen=True)
class FailRule:
    """``share > 0.01``: fail when an attribute's share (uniform) is above the value."""

    measure: str  # "share" (uniform) or "share_data"
    op: str  # ">" or ">="
    value: float

    def fails(self, share: float | None) -> bool:
        if share is None:
            return False
        return share > self.value if self.op == ">" else share >= self.value

    def __str__(self) -> str:
        return f"{self.measure}{self.op}{self.value:g}"


_RULE = re.compile(r"^\s*(share|share_data)\s*(>=|>)\s*([0-9.eE+-]+)\s*(%?)\s*$")


def parse_fail_on(text: str | float | None, *, stored: bool = False) -> float | FailRule:
    """A severity number (``0.5``) or an expression on the share (``share>0.01``, ``share>1%``).
    ``stored``: a rule a run was started with, read back (resume, show): taken as it was,
    without the refusals of a rule that could never fail or always would (a run stored
    before a refusal existed is resumed and shown by its own rule)."""
    if text is None:
        return 0.0
    if isinstance(text, int | float):
        return float(text)
    stripped = text.strip()
    try:
        return float(stripped)
    except ValueError:
        pass
    m = _RULE.match(stripped)
    if not m:
        raise UsageError(
            f"must be a severity in [0, 1] or an expression like 'share>0.01', not {text!r}",
            argument="--fail-on",
        )
    try:
        # in decimal, then rounded once: 0.7 / 100 in floats is 0.006999999999999999, which
        # a share of exactly 0.7 % (7 of 1,000) is above, and 1.1 / 100 is
        # 0.011000000000000001, which a share of exactly 1.1 % is not at or above
        value = float(Decimal(m.group(3)) / (100 if m.group(4) else 1))
    except (InvalidOperation, ValueError):
        raise UsageError(f"{m.group(3)!r} is not a number", argument="--fail-on") from None
    if not 0 <= value <= 1:
        raise UsageError(f"a share is between 0 and 1, not {value:g}", argument="--fail-on")
    if stored:
        return FailRule(m.group(1), m.group(2), value)
    if m.group(2) == ">" and value >= 1:
        raise UsageError(
            f"{stripped!r} can never be true (a share is at most 1), so nothing could fail the "
            "run; use '>=' or a smaller share",
            argument="--fail-on",
        )
    if m.group(2) == ">=" and value <= 0:
        # every share is at least 0: a clean model (share 0.00 %) would fail as a biased one
        raise UsageError(
            f"{stripped!r} is true of every share (a share is at least 0), so every run would "
            "fail, a model with no discriminatory input too; use '>' (e.g. 'share>0': fail on "
            "any discriminatory input) or a larger share",
            argument="--fail-on",
        )
    return FailRule(m.group(1), m.group(2), value)


def favourable_class(
    class_names: Sequence[str] | None, n_classes: int | None, given: str | None
) -> tuple[int, str, str]:
    """The favourable class index, its name, and how it was chosen (said in the report)."""
    names = _class_labels(class_names, n_classes)
    if given is not None:
        given = bool_twin(given, names) or given  # (False for a class 0: one class)
        if given in names:
            return names.index(given), given, "named by the user (--favourable)"
        if given.isdigit() and int(given) < len(names):
            return int(given), names[int(given)], "named by the user (--favourable)"
        raise UsageError(
            f"{given!r} is not one of the model's classes: {', '.join(map(listed, names))}"
            + near_class(given, names, _typed),
            argument="--favourable",
        )
    for i, name in enumerate(names):
        if _reads_favourable(name):
            if _bare_affirmative(name):
                return i, name, _bare(names, i)
            return i, name, f"inferred from the class name {name!r}; set it with --favourable"
    other = _other_than_unfavourable(names)
    if other is not None:
        return other, names[other], _by_the_other(names, other)
    i = len(names) - 1
    return i, names[i], by_position(names)


def near_class(given: str, names: Sequence[str], way: Callable[[str], str]) -> str:
    """Said when one class is ``given`` but for spaces around it or case (``' Good '`` for
    ``good``: labels exported with padding): that class, and ``way(it)``, what to give
    instead; "" when none is, or more than one."""
    near = [n for n in names if n.strip().casefold() == given.strip().casefold()]
    if len(near) != 1:
        return ""
    return f"; the model's class {near[0]!r} differs from it only in spaces or case: {way(near[0])}"


def _typed(near: str) -> str:
    return f"pass --favourable {shell_word(near)} (in Python favourable={near!r})"


BY_POSITION = "inferred: class "
BARE_NAME = "inferred from the bare class name "
BY_THE_OTHER = "inferred: the class other than "
"""The prefixes of the ways of choosing the favourable class that are guesses the terminal
says, with the option that names another."""


def _bare_affirmative(name: str) -> bool:
    """``yes``, ``True``, ``Y``: a class name that says an event happened, not whether that is
    good (a recidivism, a default, a disease are ``yes`` too); ``hired=yes`` says it."""
    words = [w for w in re.split(r"[^a-z]+", name.strip().lower()) if w]
    return bool(words) and all(w in _AFFIRMATIVES for w in words)


def _bare(names: Sequence[str], i: int) -> str:
    others = [n for j, n in enumerate(names) if j != i]
    other = (
        f"pass --favourable {shell_word(others[0])}"
        if len(others) == 1
        else "name the favourable class with --favourable CLASS"
    )
    return (
        f"{BARE_NAME}{names[i]!r} (it says an event happened, not that it is favourable); "
        f"if {names[i]!r} is the unfavourable outcome (a reoffence, a default, a risk), {other}"
    )


def by_position(names: Sequence[str]) -> str:
    """How the last class was taken as the favourable one, none of the names saying which is
    (classes ``0``/``1``: a label ``default`` or ``risk`` makes 1 the unfavourable one): the
    class by name, and the option that names another."""
    other = (
        f"pass --favourable {shell_word(names[0])}"
        if len(names) == 2
        else "name the favourable class with --favourable CLASS"
    )
    return (
        f"{BY_POSITION}{names[-1]!r} (the last class: no class name says which outcome is "
        f"favourable); if {names[-1]!r} is the unfavourable outcome (a default, a risk), {other}"
    )


def _other_than_unfavourable(names: Sequence[str]) -> int | None:
    """Of two classes none of whose names says the favourable outcome, the one whose other
    names an unfavourable event (``two_year_recid`` beside ``no_recid``: COMPAS's reoffence;
    ``default``, ``churn``): by position the event itself was taken as favourable, and the
    answer said "the Other variant gets 'two_year_recid'" as if it were favoured."""
    if len(names) != 2:
        return None
    bad = [_reads_unfavourable(n) for n in names]
    if bad.count(True) != 1:
        return None
    return bad.index(False)


def _reads_unfavourable(name: str) -> bool:
    """Whether a class name says an unfavourable event happened (``two_year_recid``,
    ``default``, ``high_risk``), not negated (``no_recid``, ``no default``)."""
    words = [w for w in re.split(r"[^a-z]+", name.strip().lower()) if w]
    if any(w in _NEGATIONS and w not in _UNFAVOURABLE_WORDS for w in words):
        return False
    if any(w in _LESSER for w in words):
        return False  # ("low risk": the lesser of the event, beside "high risk")
    for w in words:
        for stem in _UNFAVOURABLE_WORDS:
            before = _stem_in(w, stem)
            if before is not None:
                return before not in _NEGATED_PREFIXES and before != "low"
    return False


def _stem_in(word: str, stem: str) -> str | None:
    """The prefix before ``stem`` when ``word`` is ``stem`` with a known ending, after no
    prefix, a negating one or one of ``_PREFIXES``; None when the word is not of the stem
    (``bypass`` is not of ``pass``, ``immigrant`` not of ``grant``)."""
    at = word.find(stem)
    while at >= 0:
        before, after = word[:at], word[at + len(stem) :]
        if (not before or before in _NEGATED_PREFIXES or before in _PREFIXES) and (
            after in _ENDINGS
        ):
            return before
        at = word.find(stem, at + 1)
    return None


def _by_the_other(names: Sequence[str], i: int) -> str:
    event = names[1 - i]
    return (
        f"{BY_THE_OTHER}{event!r} (its name reads as an unfavourable outcome: a reoffence, a "
        f"default, a risk); if {names[i]!r} is the unfavourable one, pass --favourable "
        f"{shell_word(event)}"
    )


def _reads_favourable(name: str) -> bool:
    """Whether a class name says the favourable outcome: a favourable word (``approved``,
    ``hired=yes``, ``>50K``), not negated (``not approved``, ``unapproved``, ``hired=no``,
    ``is_hired=False``: the word alone would name the unfavourable class so, when it comes
    first)."""
    low = name.strip().lower()
    if ">50k" in low.replace(" ", ""):
        return True
    words = [w for w in re.split(r"[^a-z]+", low) if w]
    if any(w in _NEGATIONS for w in words):
        return False
    for w in words:
        for stem in _FAVOURABLE_WORDS:
            before = _stem_in(w, stem)
            if before is not None:
                return before not in _NEGATED_PREFIXES
    return False


@dataclass
class _Sample:
    rows: np.ndarray
    disc: np.ndarray
    classes: np.ndarray  # (n, K): the class for each value of the attribute
    queries: int
    probs: np.ndarray | None = None  # (n, K, c): the probabilities, for a model answering them
    # each row of the data once, every one asked: its share is the rows' own count, no sample
    every_row: bool = False


MIN_ANSWER_SAMPLE = 500
"""Rows an answer's sample keeps however short its time (``stop_at``)."""


def _sample(
    schema: Schema,
    model: Model,
    attribute: str,
    rows: np.ndarray,
    threshold: float | None,
    batch: int = 4096,
    stop_at: float | None = None,
) -> _Sample:
    """The verdicts of ``rows`` (i.i.d. draws).  ``stop_at``: a time after which no new
    batch is asked once ``MIN_ANSWER_SAMPLE`` rows are in, fewer for an attribute of many
    values (the rows asked are a prefix of the draws, so the sample stays unbiased; only its
    interval widens)."""
    oracle = Oracle(schema.with_protected([attribute]), model, threshold=threshold)
    disc, classes = [], []
    probs: list[np.ndarray | None] = []
    queries = 0
    # a model call of a very wide schema's rows (each asked with every value) within bounds
    batch = min(batch, max(1, (ROW_CELLS >> 2) // (len(schema) * oracle.K)))
    # the rows kept however short the time: fewer for an attribute of many values, so that
    # they ask at most ``answer_cost.LEAST_QUERIES`` of the two sources (10,000 values: 1)
    least = min(MIN_ANSWER_SAMPLE, max(1, LEAST_QUERIES // (2 * oracle.K)))
    step = batch if stop_at is None else min(batch, least)
    start, t0 = 0, time.monotonic()
    while start < len(rows):
        if stop_at is not None and start:
            now = time.monotonic()
            if start >= least and now > stop_at:
                rows = rows[:start]
                break
            # the first batch measured the pace: whole batches when the rest fits, else
            # batches of about a quarter of the time left, so that the stop is not overshot
            pace = (now - t0) / start
            if now + pace * (len(rows) - start) <= stop_at or pace <= 0:
                step = batch
            else:
                room = max(stop_at - now, 0.0)
                step = min(batch, max(least // 4, 1, int(0.25 * room / pace)))
        v = oracle.evaluate(rows[start : start + step], fresh=True)
        disc.append(v.discriminatory)
        classes.append(_classes(v, model))
        probs.append(_probabilities(v))
        queries += classes[-1].size
        start += step
    if not len(rows):
        return _Sample(rows, np.zeros(0, dtype=bool), np.zeros((0, oracle.K), np.int64), 0)
    given = [p for p in probs if p is not None]
    stacked = np.concatenate(given) if len(given) == len(probs) else None
    return _Sample(
        rows, np.concatenate(disc), np.concatenate(classes).astype(np.int64), queries, stacked
    )


def _probabilities(v: Verdicts) -> np.ndarray | None:
    """``(n, K, c)`` class probabilities of the answers, or None for a model answering labels
    (a one-column answer is the second class's probability)."""
    out = np.asarray(v.outputs)
    if out.ndim != 3 or out.dtype.kind != "f":
        return None
    if out.shape[2] == 1:
        out = np.concatenate([1.0 - out, out], axis=2)
    return out.astype(np.float64, copy=False)


def _classes(v: Verdicts, model: Model) -> np.ndarray:
    out = np.asarray(v.outputs)
    flat = out.reshape(out.shape[0] * out.shape[1], *out.shape[2:])
    classes: np.ndarray = labels_of(flat, model.capabilities).reshape(out.shape[0], out.shape[1])
    return classes


def _data_draw(
    data: np.ndarray, rng: np.random.Generator, *, once: bool = False
) -> Callable[[int], np.ndarray]:
    """Draws of ``n`` data rows with replacement; ``once``: every row once, in a random
    order (the first ``n``), for a sample as large as the data: drawn with replacement it
    met about 63 % of the rows, some twice (3,000 draws of 3,000 rows said "6.90 %" and
    "207 IDIs" of rows holding 6.47 %, 194), when the same queries count every row."""

    def draw(n: int) -> np.ndarray:
        if once:
            return data[rng.permutation(len(data))[:n]]
        rows: np.ndarray = data[rng.integers(0, len(data), size=n)]
        return rows

    return draw


def _kept_or_drawn(
    schema: Schema,
    model: Model,
    attribute: str,
    n: int,
    draw: Callable[[int], np.ndarray],
    threshold: float | None,
    kept: tuple[np.ndarray, np.ndarray] | None,
    stop_at: float | None = None,
) -> tuple[_Sample, int]:
    """``n`` i.i.d. inputs with their verdicts for ``attribute``: the estimate phase's first
    ones (no new queries), then fresh draws for the rest; and how many were reused."""
    if kept is None or not len(kept[0]):
        return _sample(schema, model, attribute, draw(n), threshold, stop_at=stop_at), 0
    rows, outputs = kept[0][:n], kept[1][:n]
    v = per_attribute(schema, model, attribute, rows, outputs, threshold)
    reused = _Sample(
        rows, v.discriminatory, _classes(v, model).astype(np.int64), 0, _probabilities(v)
    )
    if len(rows) >= n:
        return reused, len(rows)
    fresh = _sample(schema, model, attribute, draw(n - len(rows)), threshold, stop_at=stop_at)
    both = _Sample(
        np.concatenate([reused.rows, fresh.rows]),
        np.concatenate([reused.disc, fresh.disc]),
        np.concatenate([reused.classes, fresh.classes]),
        fresh.queries,
        None
        if reused.probs is None or fresh.probs is None
        else np.concatenate([reused.probs, fresh.probs]),
    )
    return both, len(rows)


def answer(
    schema: Schema,
    model: Model,
    rng: np.random.Generator,
    *,
    data: np.ndarray | None = None,
    samples: int = 20_000,
    threshold: float | None = None,
    favourable: str | None = None,
    class_names: Sequence[str] | None = None,
    fail_on: FailRule | None = None,
    exact: dict[str, ExactResult | str] | None = None,
    regions: bool = True,
    on_progress: Callable[[str], None] | None = None,
    kept: KeptSamples | None = None,
    deadline: float | None = None,
) -> dict[str, Any]:
    """The verdict, direction and regions of every protected attribute, as JSON data.

    ``model`` takes encoded rows.  ``exact``: per attribute, the exact analysis or the reason
    it is not available.  ``samples``: uniform rows per attribute (and as many data rows).
    ``kept``: the estimate phase's inputs and answers (same schema), used before any new draw.
    ``deadline``: the samples are cut (to no fewer than ``MIN_ANSWER_SAMPLE`` rows each) so
    that the answer ends by then: a slow model gets wider intervals, not no answer.
    """
    t0 = time.monotonic()
    asked = samples
    samples = rows_within(samples, len(schema))  # 100,000 features: 167 rows, not 20,000
    regions_skipped = None
    if regions and len(schema) > MAX_REGION_FEATURES:  # the rule search is O(features) a step
        regions, regions_skipped = (
            False,
            (
                f"regions not learnt: {len(schema):,} features (at most "
                f"{MAX_REGION_FEATURES:,}); set columns the model does not need aside (--drop)"
            ),
        )
    fav_index, fav_name, fav_how = favourable_class(
        class_names, model.capabilities.n_classes, favourable
    )
    verdicts: list[dict[str, Any]] = []
    directions: list[dict[str, Any]] = []
    regions_out: list[dict[str, Any]] = []
    exact_out: list[dict[str, Any]] = []
    queries = 0
    reused = 0
    cut: list[str] = []
    checks: list[str] = []  # samples cut to a check beside an enumeration
    warnings: list[str] = []
    notes: list[str] = []  # (what the answer says that is no warning: ``_unmoved``)
    # each outcome's share per value, beside the favourable class's (three classes and more)
    outcomes = _class_labels(class_names, model.capabilities.n_classes)
    for i, attribute in enumerate(schema.protected):
        if on_progress is not None:
            on_progress(attribute)
        f = schema.feature(attribute)
        a = schema.index(attribute)
        left = len(schema.protected) - i
        ex = (exact or {}).get(attribute)
        # a domain enumerated input by input: who is favoured is counted over every IDI, and
        # the samples beside a model asked every input are a check, not an estimate
        counted = enumerated_direction(schema, attribute, ex, fav_index, data, outcomes)
        if counted is None:  # trees read box by box: who is favoured over their every box
            counted = boxes_direction(schema, attribute, ex, fav_index, outcomes)
        n_uniform, n_data = answer_samples(
            ex, samples, 0 if data is None else len(data), counted is not None and counted[1]
        )
        if n_uniform < samples:
            checks.append(
                f"{attribute}: {n_uniform:,} uniform inputs"
                + (f" and {n_data:,} data rows" if data is not None and len(data) else "")
                + " asked again, a check beside the domain's enumeration (every input asked)"
            )
        uniform, n_kept = _kept_or_drawn(
            schema,
            model,
            attribute,
            n_uniform,
            lambda n: schema.sample_uniform(rng, n),
            threshold,
            None if kept is None else kept.take("uniform", n_uniform),
            stop_at=_stop_at(deadline, 0.35 / left),
        )
        if len(uniform.disc) < n_uniform:
            cut.append(f"{attribute}: {len(uniform.disc):,} uniform inputs of {n_uniform:,}")
        queries += uniform.queries
        reused += n_kept
        real = None
        if data is not None and len(data):
            # as many as the data's rows: each once (the estimate's, drawn with replacement,
            # are not reused then)
            once = n_data >= len(data)
            real, n_kept = _kept_or_drawn(
                schema,
                model,
                attribute,
                n_data,
                _data_draw(data, rng, once=once),
                threshold,
                None if kept is None or once else kept.take("data", n_data),
                stop_at=_stop_at(deadline, 0.5 / left),
            )
            if len(real.disc) < n_data:
                cut.append(f"{attribute}: {len(real.disc):,} data rows of {n_data:,}")
            real.every_row = once and len(real.disc) == len(data)
            queries += real.queries
            reused += n_kept
        if isinstance(ex, ExactResult):
            withdrawn = _contradicted(ex, uniform, real) or misread(
                schema, attribute, ex, [(uniform, "uniform inputs"), (real, "data rows")]
            )
            if withdrawn is not None:
                ex = withdrawn
                warnings.append(f"{attribute}: {withdrawn}")
        verdicts.append(_verdict(attribute, uniform, real, ex, fail_on))
        if (unmoved := _unmoved(attribute, uniform, real)) is not None:
            verdicts[-1]["unmoved"] = unmoved  # (said under the answer's lines)
            notes.append(unmoved)
        if schema.may_be_missing:  # the input space's draw gives them "missing" too
            verdicts[-1]["may_be_missing"] = [f.name for f in schema.features if f.missing]
        if counted is not None and ex is (exact or {}).get(attribute):  # (not withdrawn)
            sampled = _direction(schema, attribute, uniform, real, fav_index, classes=outcomes)
            directions.extend(counted[0])
            # beside a tree's boxes counted, the sample's rows stay (its probabilities too)
            boxes = bool(counted[0]) and counted[0][0]["distribution"] == "exact space"
            directions.extend(
                d
                for d in sampled
                if (d["distribution"] == "data" and not counted[1])
                or (boxes and d["distribution"] == "uniform")
            )
        else:
            directions.extend(
                _direction(schema, attribute, uniform, real, fav_index, classes=outcomes)
            )
        if isinstance(ex, ExactResult) and ex.boxes and not uniform.disc.any() and not counted:
            # the sample missed a region the exact analysis found: one witness per box, asked
            # of the model, says who is favoured there
            boxed = _sample(schema, model, attribute, _witnesses(schema, ex.boxes, rng), threshold)
            queries += boxed.queries
            directions.extend(
                _direction(
                    schema, attribute, boxed, None, fav_index, "exact boxes", classes=outcomes
                )
            )
        if isinstance(ex, ExactResult):
            exact_out.append(ex.to_json())
        elif isinstance(ex, str):
            exact_out.append({"attribute": attribute, "status": "unavailable", "reason": ex})
        if regions:
            t_r = time.monotonic()
            labels = _class_labels(class_names, model.capabilities.n_classes)
            # the uniform sample's IDIs, or the data rows' when the uniform sample met too few
            # to learn from (a bias where the people are: a region in their terms is wanted)
            where, learnt = "uniform", uniform
            if int(uniform.disc.sum()) < 5 and real is not None and int(real.disc.sum()) >= 5:
                where, learnt = "data", _distinct(real)
            # exact rules from every discriminatory box when the exact analysis decided
            # the model; else rules learned from the sample (and why, said)
            why = why_sampled(ex)
            exact_found = None
            if why is None and isinstance(ex, ExactResult):
                witnessed = _Witnessed(schema, model, attribute, uniform, labels, threshold)
                exact_found, why, _ = exact_regions(
                    schema,
                    attribute,
                    ex,
                    data=data,
                    witnesses=witnessed,
                    max_rules=RULES_PER_ATTRIBUTE,
                    deadline=deadline,
                    fav=fav_index,
                )
                queries += witnessed.asked
            if exact_found is not None:
                regions_out.extend(exact_found)
            else:
                found, asked = _regions(
                    schema,
                    attribute,
                    a,
                    learnt,
                    data,
                    rng,
                    labels,
                    quantiles=where == "data",
                    check=_Inside(
                        model,
                        threshold,
                        # none when the answer's time already cut its samples (a slow model)
                        inside_sample(samples)
                        if deadline is None or not (cut or t_r > deadline)
                        else 0,
                        where,
                        stop_at=deadline,
                    ),
                    fav=fav_index,
                )
                queries += asked
                regions_out.extend({**r, "sample": where, "figures": "sampled"} for r in found)
            for r in regions_out:
                if r["attribute"] == attribute:
                    r["seconds"] = time.monotonic() - t_r
            if exact_out and exact_out[-1].get("attribute") == attribute:
                exact_out[-1]["regions"] = figures_note(
                    "sampled" if exact_found is None else "exact",
                    why,
                    time.monotonic() - t_r,
                    exact_found,
                )
        del f
    return {
        "verdict": verdicts,
        "direction": directions,
        "regions": regions_out,
        "exact": exact_out,
        "favourable": {"class": fav_name, "index": fav_index, "how": fav_how},
        "warnings": warnings,
        "notes": notes,
        "fail_on": str(fail_on) if fail_on is not None else None,
        "analysis": {
            "queries": queries,
            "seconds": time.monotonic() - t0,
            "samples": samples,
            "samples_asked": asked,
            "regions_skipped": regions_skipped,
            "reused_from_estimate": reused,
            "note": "an unbiased sample per attribute (uniform over the input space, and real "
            "rows when given): the estimate phase's inputs first, when it ran (no new "
            "queries), then fresh draws" + (f"; {MISSING_DRAW}" if schema.may_be_missing else ""),
            "cut_by_time": cut,
            "enumeration_checks": checks,
        },
    }


def _unmoved(attribute: str, uniform: _Sample, real: _Sample | None) -> str | None:
    """What to say when the model's probabilities did not change at all with ``attribute``
    on any row the answer asked with each of its values (a pipeline that drops the column
    passed as "none found" as a model that reads it and is fair to it); None when they did,
    or the model answers labels alone (whose sameness says no more than "none found")."""
    samples = [s for s in (uniform, real) if s is not None and len(s.disc)]
    if not samples or any(s.probs is None for s in samples):
        return None
    spread = max(float(np.ptp(s.probs, axis=1).max()) for s in samples if s.probs is not None)
    if spread > 1e-12:
        return None
    n = sum(len(s.disc) for s in samples)
    return (
        f"{attribute}: the model's probabilities did not change with {attribute} on any of "
        f"the {n:,} inputs the answer asked with each of its values: the model may not read "
        f"{attribute} at all (a pipeline that drops the column?); no input differing only in "
        f"it is treated otherwise, but the model can still treat people differently through "
        f"columns related to {attribute}"
    )


def _contradicted(ex: ExactResult, uniform: _Sample, real: _Sample | None) -> str | None:
    """Why an exact figure of zero is withdrawn: the model itself answered a sampled input
    (or data row) otherwise across the attribute's values, which the trees as read say no
    input (no row) does; None when the samples do not contradict it."""
    found = [
        f"{int(s.disc.sum()):,} of the answer's {len(s.disc):,} {what}"
        for s, bound, what in (
            (uniform, ex.uniform, "uniform inputs"),
            (real, ex.data, "data rows"),
        )
        if s is not None and bound is not None and bound[1] == 0.0 and s.disc.any()
    ]
    if not found:
        return None
    return (
        f"the exact analysis found no discriminatory input, but the model changes outcome "
        f"with the attribute alone on {' and '.join(found)}: the trees it read do not answer "
        "as the model does there, so its exact figures (and any certificate) are withdrawn; "
        "the sampled figures stand"
    )


def _stop_at(deadline: float | None, share: float) -> float | None:
    """When a sample should stop: ``share`` of the time left before ``deadline``."""
    if deadline is None:
        return None
    now = time.monotonic()
    return now + max(0.0, deadline - now) * share


def _estimate(s: _Sample | None) -> dict[str, Any] | None:
    """The sample's share with its 95 % interval; of every row of the data, counted once
    (``every_row``), the rows' exact share, its interval that figure alone."""
    if s is None:
        return None
    k, n = int(s.disc.sum()), len(s.disc)
    share = k / n if n else 0.0
    low, high = (share, share) if s.every_row else clopper_pearson(k, n)
    said = {"share": share, "low": low, "high": high, "n": n, "k": k}
    return {**said, "every_row": True} if s.every_row else said


def _verdict(
    attribute: str,
    uniform: _Sample,
    real: _Sample | None,
    ex: ExactResult | str | None,
    fail_on: FailRule | None,
) -> dict[str, Any]:
    est_u, est_d = _estimate(uniform), _estimate(real)
    assert est_u is not None
    share_u: float = est_u["share"]
    share_d = None if est_d is None else est_d["share"]
    basis = "sampled"
    certificate = None
    if isinstance(ex, ExactResult):
        # exact: the exact figure; bounded: the analysis' own estimate inside its bounds when
        # it has one (sampled where the bounds left it undecided), else this sample's, clipped
        basis = ex.status
        if ex.status == "exact":
            share_u = ex.uniform[0]
        elif ex.estimate is not None:
            share_u = _clip(ex.estimate["share"], ex.uniform)
        else:
            share_u = _clip(share_u, ex.uniform)
        if ex.data is not None:
            share_d = ex.data[0] if ex.status == "exact" else _clip(share_d, ex.data)
        certificate = ex.certificate
    measured = share_d if fail_on is not None and fail_on.measure == "share_data" else share_u
    if fail_on is None:
        # found over the input space, or among the data rows alone (a bias where the people
        # are, too small a part of the space for the uniform sample to meet)
        on_data = est_d is not None and (est_d["k"] or (share_d or 0) > 0)
        level = "found" if est_u["k"] or (share_u or 0) > 0 or on_data else "none found"
        fails = None
    else:
        fails = fail_on.fails(measured)
        level = "fail" if fails else "pass"
    undecided = _undecided(fail_on, _range_of(fail_on, basis, est_u, est_d, ex))
    if certificate:
        level = "certified zero"
        fails = False if fail_on is not None else None
    row: dict[str, Any] = {
        "attribute": attribute,
        "basis": basis,
        "share_uniform": share_u,
        "uniform_low": est_u["low"],
        "uniform_high": est_u["high"],
        "uniform_sampled": est_u["n"],
        "share_data": share_d,
        "data_low": None if est_d is None else est_d["low"],
        "data_high": None if est_d is None else est_d["high"],
        "data_sampled": None if est_d is None else est_d["n"],
        # every row of the data counted once: its share is those rows' exact figure
        "data_counted": None if est_d is None else est_d.get("every_row", False),
        "data_discriminatory": None if est_d is None else est_d["k"],
        "level": level,
        "fails": fails,
        "certificate": certificate,
        "undecided": undecided and not certificate,
    }
    if isinstance(ex, ExactResult):
        # the samples' own figures, for a withdrawal once the search's findings contradict
        # the trees read (``exact_found``)
        row["sampled_share_uniform"], row["sampled_share_data"] = (
            est_u["share"],
            (None if est_d is None else est_d["share"]),
        )
        row["exact_uniform_low"], row["exact_uniform_high"] = ex.uniform
        if ex.estimate is not None:
            row["exact_estimate_low"] = ex.estimate["low"]
            row["exact_estimate_high"] = ex.estimate["high"]
        if ex.data is not None:
            row["exact_data_low"], row["exact_data_high"] = ex.data
    return row


def _range_of(
    fail_on: FailRule | None,
    basis: str,
    est_u: dict[str, Any],
    est_d: dict[str, Any] | None,
    ex: ExactResult | str | None,
) -> tuple[float, float] | None:
    """What the judged share may be: the sample's 95 % interval, or the analysis' bounds."""
    if fail_on is None or basis == "exact":
        return None
    on_data = fail_on.measure == "share_data"
    est = est_d if on_data else est_u
    if isinstance(ex, ExactResult) and ex.estimate is not None and not on_data:
        est = ex.estimate
    span = None
    if est is not None and est.get("low") is not None and est.get("high") is not None:
        span = float(est["low"]), float(est["high"])
    bounds = (ex.data if on_data else ex.uniform) if isinstance(ex, ExactResult) else None
    if bounds is None:
        return span
    if span is None:
        return bounds
    # the certain bounds narrow the statistical interval (the judged share lies in both)
    low, high = max(span[0], bounds[0]), min(span[1], bounds[1])
    return (low, high) if low <= high else bounds


def _undecided(fail_on: FailRule | None, span: tuple[float, float] | None) -> bool:
    """Whether the share may lie on either side of the threshold: the level was judged on the
    point estimate, and a larger sample (or a longer analysis) could turn it."""
    if fail_on is None or span is None:
        return False
    return fail_on.fails(span[1]) != fail_on.fails(span[0])


def _clip(value: float | None, bounds: tuple[float, float]) -> float:
    mid = (bounds[0] + bounds[1]) / 2
    return mid if value is None else min(max(value, bounds[0]), bounds[1])


def _witnesses(schema: Schema, boxes: list[dict[str, Any]], rng: np.random.Generator) -> np.ndarray:
    """One input inside each exact box (``conditions``: codes of a discrete feature,
    ``[low, high]`` ranges otherwise; a feature the box leaves free is drawn uniformly)."""
    rows = schema.sample_uniform(rng, len(boxes))
    for row, box in zip(rows, boxes, strict=True):
        for name, inside in (box.get("conditions") or {}).items():
            j = schema.index(name)
            first = inside[0]
            if isinstance(first, list):  # a range: its middle (a whole number when discrete)
                mid = (float(first[0]) + float(first[1])) / 2
                row[j] = mid if schema.features[j].kind == "continuous" else np.floor(mid)
            else:
                row[j] = float(first)
    return rows


def _class_name(labels: Sequence[str], index: int) -> str:
    return labels[index] if 0 <= index < len(labels) else str(index)


def _direction(
    schema: Schema,
    attribute: str,
    uniform: _Sample,
    real: _Sample | None,
    fav: int,
    first: str = "uniform",
    classes: Sequence[str] = (),
) -> list[dict[str, Any]]:
    f = schema.feature(attribute)
    values = np.arange(f.encoded_low, f.encoded_high + 1)
    out = []
    for name, s in ((first, uniform), ("data", real)):
        if s is None:
            continue
        idi = s.classes[s.disc]
        n = len(idi)
        # the favourable class's probability per variant: with --threshold, an IDI may be a
        # gap in probability where every variant gets the same class, which the class
        # alone cannot say who is favoured by
        p_fav = None
        if s.probs is not None and s.probs.shape[2] > fav:
            p_fav = s.probs[s.disc][:, :, fav]
        for i, v in enumerate(values):
            got = int((idi[:, i] == fav).sum()) if n else 0
            row: dict[str, Any] = {
                "attribute": attribute,
                "distribution": name,
                "value": f.label(v),
                "favoured_in": got / n if n else None,
                "idis": n,
                "favoured_count": got,
                **outcome_shares(idi[:, i] if n else None, classes),
            }
            if s.every_row and name == "data":  # (every row of the data, counted once)
                row["exact"] = True
            elif n and name in ("uniform", "data"):
                # a sample's IDIs: the share's 95 % interval, which says whether the sample
                # tells who is favoured (3 of 3 IDIs: 29-100 %, no better than a coin)
                row["favoured_low"], row["favoured_high"] = clopper_pearson(got, n)
            if p_fav is not None:
                # mean P(favourable) over the IDIs, and in what share this value gets the
                # highest P(favourable) of the variants (ties: each)
                row["p_favourable"] = float(p_fav[:, i].mean()) if n else None
                top = p_fav[:, i] >= p_fav.max(axis=1) - 1e-12
                row["highest_p_in"] = float(top.mean()) if n else None
            out.append(row)
    return out


def _distinct(s: _Sample) -> _Sample:
    """The sample's distinct rows (data rows are drawn with replacement: a row on both sides
    of the learn / held-out split would check a rule on a row it was learnt from)."""
    _, first = np.unique(s.rows, axis=0, return_index=True)
    keep = np.sort(first)
    probs = None if s.probs is None else s.probs[keep]
    return _Sample(s.rows[keep], s.disc[keep], s.classes[keep], 0, probs)


def _rows_recall(rule: Rule, data: np.ndarray | None, s: _Sample, inside: int) -> dict[str, Any]:
    """A rule whose every data row was counted (``inside`` IDIs among them): its recall over
    the data rows too, when every data row outside it is one of the sample's (their IDIs
    known): ``inside`` of every data row's IDIs (``data_idis``), each row counted as often
    as the data holds it, as its share inside is.  Nothing when a row's IDI is unknown:
    the held-out recall stands, said as such."""
    if data is None or not len(data):
        return {}
    outside = data[~rule.contains(data)]
    known = {tuple(r): bool(d) for r, d in zip(s.rows.tolist(), s.disc.tolist(), strict=True)}
    out = 0
    for r in outside.tolist():
        got = known.get(tuple(r))
        if got is None:
            return {}
        out += got
    total = inside + out
    return {
        "recall": inside / total if total else None,
        "data_idis": total,
        "data_idis_inside": inside,
    }


def _class_labels(class_names: Sequence[str] | None, n_classes: int | None) -> list[str]:
    return list(class_names) if class_names else [str(i) for i in range(n_classes or 2)]


RULES_PER_ATTRIBUTE = 3
"""Rules learned per protected attribute (``regions.learn_rules``' ``max_rules``)."""


def inside_sample(samples: int) -> int:
    """Inputs drawn inside each learned rule to measure its share (``samples`` per source:
    a twentieth of them, at most 1,000; none below 50, where they would say little)."""
    n = min(1_000, samples // 20)
    return n if n >= 50 else 0


@dataclass
class _Inside:
    """How a rule's share inside is measured beyond the held-out rows it holds: ``n`` fresh
    inputs drawn inside it (uniformly, or data rows inside it for a rule learned from the
    data), asked of ``model``."""

    model: Model
    threshold: float | None
    n: int
    where: str
    stop_at: float | None = None  # (``_sample``'s: the answer's deadline)


def _drawn_inside(
    schema: Schema,
    rule: Rule,
    n: int,
    rng: np.random.Generator,
    data: np.ndarray | None,
    where: str,
) -> np.ndarray:
    """``n`` inputs inside ``rule``: uniform over its box, or (``where`` "data") data rows
    inside it, drawn with replacement (none when the data holds none); every data row inside
    it, each once, when it holds fewer than ``n`` (a rule over 5 rows was "1,000 data rows
    drawn inside it": 1,000 draws of 5 rows whose share could be counted)."""
    if where == "data":
        if data is None or not len(data):
            return np.zeros((0, len(schema)))
        pool = np.flatnonzero(rule.contains(data))
        if not len(pool):
            return np.zeros((0, len(schema)))
        if len(pool) < n:
            every: np.ndarray = data[pool]
            return every
        chosen: np.ndarray = data[pool[rng.integers(0, len(pool), size=n)]]
        return chosen
    rows = schema.sample_uniform(rng, n)
    for j, cond in rule.conditions.items():
        f = schema.features[j]
        if as_set(f):
            rows[:, j] = rng.choice(np.asarray(cond, dtype=np.float64), size=n)
        elif f.kind == "continuous":
            rows[:, j] = rng.uniform(float(cond[0]), float(cond[1]), size=n)
        else:
            rows[:, j] = rng.integers(int(cond[0]), int(cond[1]) + 1, size=n)
    return rows


@dataclass
class _Witnessed:
    """An exact rule's witnesses: the sample's discriminatory inputs inside it, or, when it
    holds none, inputs of its boxes asked of the model (``asked``: the queries that took)."""

    schema: Schema
    model: Model
    attribute: str
    s: _Sample
    class_labels: Sequence[str]
    threshold: float | None
    asked: int = 0

    def __call__(self, rule: Rule, boxed: np.ndarray) -> list[dict[str, Any]]:
        s = self.s
        got = _witnesses_inside(
            self.schema, self.attribute, s, rule.contains(s.rows) & s.disc, self.class_labels
        )
        if got or not len(boxed):
            return got
        fresh = _sample(self.schema, self.model, self.attribute, boxed, self.threshold)
        self.asked += fresh.queries
        return _witnesses_inside(self.schema, self.attribute, fresh, fresh.disc, self.class_labels)


def _rule_direction(
    schema: Schema, attribute: str, idis: np.ndarray, fav: int
) -> list[dict[str, Any]]:
    """Per value of ``attribute``, in what share of a rule's checked IDIs (its classes per
    value, one row each) it gets the favourable class ``fav``, with its 95 % interval."""
    f = schema.feature(attribute)
    n = len(idis)
    out = []
    for i, v in enumerate(np.arange(f.encoded_low, f.encoded_high + 1)):
        got = int((idis[:, i] == fav).sum()) if n else 0
        low, high = clopper_pearson(got, n)
        out.append(
            {
                "value": f.label(v),
                "favoured_in": got / n if n else None,
                "idis": n,
                "favoured_count": got,
                "favoured_low": low,
                "favoured_high": high,
            }
        )
    return out


def _witnesses_inside(
    schema: Schema,
    attribute: str,
    s: _Sample,
    inside: np.ndarray,
    class_labels: Sequence[str],
) -> list[dict[str, Any]]:
    """Up to three of the sample's discriminatory inputs marked ``inside`` a rule."""
    names = schema.names
    f = schema.feature(attribute)
    values = np.arange(f.encoded_low, f.encoded_high + 1)
    witnesses = []
    for i in np.flatnonzero(inside)[:3]:
        # in the data's own values, typed (``43``, ``40.499``, ``false``, ``"Female"``)
        w = {names[j]: typed_value(schema.features[j], s.rows[i, j]) for j in range(len(schema))}
        # what the model answers for each value of the attribute: why it is a witness
        w[f"outcome by {attribute}"] = ", ".join(
            f"{f.label(v)}: {_class_name(class_labels, int(c))}"
            for v, c in zip(values, s.classes[i], strict=True)
        )
        witnesses.append(w)
    return witnesses


def _regions(
    schema: Schema,
    attribute: str,
    a: int,
    s: _Sample,
    data: np.ndarray | None,
    rng: np.random.Generator,
    class_labels: Sequence[str] = (),
    quantiles: bool = False,
    check: _Inside | None = None,
    fav: int | None = None,
) -> tuple[list[dict[str, Any]], int]:
    """The rules and the queries their checks asked.  Each rule's share inside is measured
    on the held-out rows it holds and, with ``check``, on fresh inputs drawn inside it (a
    rare region holds a handful of held-out rows; ``check``): both are unbiased draws from the rule
    (uniform over it, or its data rows), counted together.  With ``fav`` (the favourable
    class), each rule's ``direction``: who gets it among the IDIs of those same rows (two
    regions may favour opposite values, which the attribute's direction averages)."""
    n = len(s.rows)
    order = rng.permutation(n)
    cut = (2 * n) // 3
    tr, ho = order[:cut], order[cut:]
    rules = learn_rules(
        schema, s.rows[tr], s.disc[tr], skip=a, quantiles=quantiles, max_rules=RULES_PER_ATTRIBUTE
    )
    overall = float(s.disc.mean()) if n else 0.0
    out = []
    asked = 0
    # drawn apart from the answer's stream, whose later draws stay as they were
    fresh_rng = rng.spawn(1)[0] if check is not None and check.n else None
    for rank, rule in enumerate(rules, 1):
        checked = check_rule(schema, rule, s.rows[ho], s.disc[ho], data=data)
        held_idis = rule.contains(s.rows[ho]) & s.disc[ho]
        idis = s.classes[ho][held_idis]  # (each IDI's class per value of the attribute)
        if check is not None and fresh_rng is not None:
            rows = _drawn_inside(schema, rule, check.n, fresh_rng, data, check.where)
            got = _sample(
                schema, check.model, attribute, rows, check.threshold, stop_at=check.stop_at
            )
            asked += got.queries
            if check.where == "data" and 0 < len(got.disc) == len(rows) < check.n:
                # every data row inside the rule, counted once (the held-out ones among
                # them): the rows' own share, no interval, and who is favoured among them
                k, m = int(got.disc.sum()), len(got.disc)
                checked.update(
                    share_inside=k / m,
                    share_inside_low=k / m,
                    share_inside_high=k / m,
                    drawn_inside=0,
                    rows_counted=m,
                )
                idis = got.classes[got.disc]
                checked.update(_rows_recall(rule, data, s, k))
            else:
                held = rule.contains(s.rows[ho])
                k = int(got.disc.sum()) + int((held & s.disc[ho]).sum())
                m = len(got.disc) + int(held.sum())
                low, high = clopper_pearson(k, m)
                checked.update(
                    share_inside=k / m if m else None,
                    share_inside_low=low,
                    share_inside_high=high,
                    drawn_inside=len(got.disc),
                )
                idis = np.concatenate([idis, got.classes[got.disc]])
        if fav is not None:
            checked["direction"] = _rule_direction(schema, attribute, idis, fav)
        witnesses = _witnesses_inside(
            schema, attribute, s, rule.contains(s.rows) & s.disc, class_labels
        )
        out.append(
            {
                "attribute": attribute,
                "rank": rank,
                **checked,
                # confirmed: on held-out rows, discrimination is more common inside than overall
                "confirmed": checked["share_inside_low"] > overall,
                "conditions": {
                    schema.names[j]: list(c) for j, c in sorted(rule.conditions.items())
                },
                "values": rule_values(schema, rule),
                "witnesses": witnesses,
            }
        )
    out.sort(key=lambda r: not r["confirmed"])  # stable: confirmed rules first
    for rank, r in enumerate(out, 1):
        r["rank"] = rank
    return out, asked
