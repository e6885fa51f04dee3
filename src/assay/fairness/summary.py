"""What a fairness run reports: example pools and the summary in the report vocabulary.

The summary uses the generic report vocabulary (``headline``, ``metrics``, ``sections`` with
``text``, ``table``, ``tables`` and ``bars``) so that reports never import a technique.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import numpy as np

from assay.core.display import estimate_text, percent, probability
from assay.core.findings import FindingBatch
from assay.fairness.rates import SEARCH_FIRST_100, SEARCH_PER_1000
from assay.fairness.schema import Schema

if TYPE_CHECKING:
    from assay.fairness.technique import FairnessTest

__all__ = ["ExamplePool", "build_summary", "cases_view", "pair_tables", "readable_examples"]

_FIRST = 5
_CLOSEST = 5
_SEVERE = 5
MAX_TABLE_FEATURES = 200  # rows of an example's table (then a row saying how many more)
_MAX_VARIANTS = 16  # variant rows of one example shown in reports (every one that flips)


class ExamplePool:
    """Keeps a few IDIs to show: the first found, those with the largest change in the
    model's output (severity), and those closest to a real row."""

    def __init__(self, schema: Schema) -> None:
        self.schema = schema
        self.inputs: np.ndarray | None = None
        self.outputs: np.ndarray | None = None
        self.generated = np.zeros(0, dtype=np.int64)
        self.n_changed = np.zeros(0, dtype=np.int64)
        self.order = np.zeros(0, dtype=np.int64)
        self.severity = np.zeros(0, dtype=np.float64)
        self.seen = 0

    def offer(self, batch: FindingBatch) -> None:
        n = len(batch)
        if not n:
            return
        changed = batch.columns.get("n_changed")
        nch = np.full(n, -1, dtype=np.int64) if changed is None else changed.astype(np.int64)
        start = self.seen
        full = self.seen >= _FIRST  # the first few are in: later ones can only be closer
        self.seen += n
        real = np.flatnonzero(nch >= 0)
        kept = self.n_changed[self.n_changed >= 0]
        if full and len(kept) >= _CLOSEST:
            # only rows closer than the last of the closest kept can enter (ties go to the
            # earlier): often none, and the pool stays as it is
            real = real[nch[real] < np.sort(kept)[_CLOSEST - 1]]
            if not real.size:
                return
        gen = batch.columns.get("generated", np.zeros(n, dtype=np.int64)).astype(np.int64)
        sev = np.nan_to_num(np.asarray(batch.severity, dtype=np.float64), nan=0.0)
        order = np.arange(start, start + n)
        # candidates: this batch's first few, its closest few and its most severe few
        pick = set(range(min(n, _FIRST)))
        if real.size:
            pick.update(real[np.argsort(nch[real], kind="stable")[:_CLOSEST]].tolist())
        pick.update(np.argsort(-sev, kind="stable")[:_SEVERE].tolist())
        idx = np.array(sorted(pick))
        ins = batch.inputs[idx].astype(np.float64)
        outs = batch.outputs[idx].astype(np.float64)
        if self.inputs is None or self.outputs is None:
            self.inputs, self.outputs = ins, outs
            self.generated, self.n_changed, self.order = gen[idx], nch[idx], order[idx]
            self.severity = sev[idx]
        else:
            self.inputs = np.concatenate([self.inputs, ins])
            self.outputs = np.concatenate([self.outputs, outs])
            self.generated = np.concatenate([self.generated, gen[idx]])
            self.n_changed = np.concatenate([self.n_changed, nch[idx]])
            self.order = np.concatenate([self.order, order[idx]])
            self.severity = np.concatenate([self.severity, sev[idx]])
        self._prune()

    def _prune(self) -> None:
        keep = set(self.first()) | set(self.closest()) | set(self.severe())
        idx = np.array(sorted(keep))
        assert self.inputs is not None and self.outputs is not None
        self.inputs, self.outputs = self.inputs[idx], self.outputs[idx]
        self.generated, self.n_changed = self.generated[idx], self.n_changed[idx]
        self.order, self.severity = self.order[idx], self.severity[idx]

    def first(self) -> list[int]:
        return [int(i) for i in np.argsort(self.order, kind="stable")[:_FIRST]]

    def closest(self) -> list[int]:
        real = np.flatnonzero(self.n_changed >= 0)
        if not real.size:
            return []
        ranked = real[np.lexsort((self.order[real], self.n_changed[real]))]
        return [int(i) for i in ranked[:_CLOSEST]]

    def severe(self) -> list[int]:
        """The largest changes in the model's output first, ties in the order found."""
        if not len(self.severity):
            return []
        ranked = np.lexsort((self.order, -self.severity))
        return [int(i) for i in ranked[:_SEVERE]]

    def arrays(self) -> dict[str, np.ndarray]:
        if self.inputs is None or self.outputs is None:
            return {}
        return {
            "examples.inputs": self.inputs,
            "examples.outputs": self.outputs,
            "examples.generated": self.generated,
            "examples.n_changed": self.n_changed,
            "examples.order": self.order,
            "examples.severity": self.severity,
            "examples.seen": np.array([self.seen]),
        }

    def restore(self, arrays: dict[str, np.ndarray]) -> None:
        if "examples.inputs" not in arrays:
            return
        self.inputs = arrays["examples.inputs"]
        self.outputs = arrays["examples.outputs"]
        self.generated = arrays["examples.generated"]
        self.n_changed = arrays["examples.n_changed"]
        self.order = arrays["examples.order"]
        # checkpoints written before severities were kept: none known
        self.severity = arrays.get("examples.severity", np.zeros(len(self.order)))
        self.seen = int(arrays["examples.seen"][0])


def _label(out: np.ndarray) -> int:
    """The class the model answered: the label, or the most probable class."""
    o = np.asarray(out, dtype=np.float64).reshape(-1)
    return int(o[0]) if o.size == 1 else int(np.argmax(o))


_PHASES = {"search": "the search", "estimate": "the estimate", "context": "the group metrics"}
_BUDGETS = {"queries": "query", "time": "time", "memory": "memory"}
_NOT_COMPUTED = "group metrics not computed: "


def _budget_said(stopped: tuple[str, str]) -> str:
    """How a phase stopped (``stopped_early``'s entry), as the Budget section says it: "the
    search stopped at its query budget", "the group metrics were not computed: ..." (it
    said "context phase ended before its budget: group metrics not computed: the time
    budget ran out ...")."""
    phase, why = stopped
    name = _PHASES.get(phase, f"the {phase} phase")
    if why in _BUDGETS:
        return f"{name} stopped at its {_BUDGETS[why]} budget"
    if phase == "context":
        return f"{name} were not computed: {why.removeprefix(_NOT_COMPUTED)}"
    return f"{name} ended before its budget: {why}"


def _outcome(out: np.ndarray, class_names: tuple[str, ...] | None) -> str:
    """A readable model answer: the class (its probability is a row of its own)."""
    return _class_name(_label(out), class_names)


def pair_tables(
    schema: Schema,
    inputs: np.ndarray,
    outputs: np.ndarray,
    generated: int,
    *,
    caption: str,
    class_names: tuple[str, ...] | None = None,
    max_variants: int = 4,
) -> dict[str, Any]:
    """One example as a readable table: a row per feature (protected first), a column for
    the generated input and for the variants that differ most from it; the last row is what
    the model says.

    Variants are chosen by the model's outputs, not their display: first those whose label
    differs from the generated input's, then the largest probability gaps."""
    base = np.asarray(outputs[generated], dtype=np.float64).reshape(-1)
    base_label = _label(base)
    others = [k for k in range(len(inputs)) if k != generated]

    def rank(k: int) -> tuple[int, float, int]:
        out = np.asarray(outputs[k], dtype=np.float64).reshape(-1)
        flips = _label(out) != base_label
        gap = float(np.abs(out - base).max()) if out.size == base.size else 0.0
        return (0 if flips else 1, -gap, k)

    shown = [generated, *sorted(others, key=rank)[:max_variants]]
    columns = ["feature", "input", *[f"variant {i}" for i in range(1, len(shown))]]
    prot = schema.protected_indices
    names = schema.names  # once (a list of every name per call: quadratic on 20,000 columns)
    skip = set(prot)
    rest = [j for j in range(len(schema)) if j not in skip]
    hidden = rest[MAX_TABLE_FEATURES:]  # a table of 100,000 rows is read by nobody
    rows: list[list[str]] = []
    for j in [*prot, *rest[:MAX_TABLE_FEATURES]]:
        name = names[j] + (" (protected)" if j in prot else "")
        rows.append([name, *[schema.features[j].label(inputs[k][j]) for k in shown]])
    if hidden:
        rows.append([f"... {len(hidden):,} more features", *["(not shown)" for _ in shown]])
    rows.append(["model says", *[_outcome(outputs[k], class_names) for k in shown]])
    if base.size > 1:  # probabilities: of the second class (binary), else of the answer
        binary = class_names is not None and len(class_names) == 2 and base.size == 2
        rows.append(
            [
                f"P({class_names[1]})" if binary and class_names else "P(answer)",
                *[_probability(outputs[k], binary) for k in shown],
            ]
        )
    return {"caption": caption, "columns": columns, "rows": rows}


def _probability(out: np.ndarray, binary: bool) -> str:
    o = np.asarray(out, dtype=np.float64).reshape(-1)
    return probability(o[1] if binary else o.max())


def readable_examples(
    examples: ExamplePool, schema: Schema, class_names: tuple[str, ...] | None
) -> list[dict[str, Any]]:
    """The IDIs the report shows, in the user's values (category names, not codes), each
    once: the first found, the largest changes in the model's output, the closest to a real
    row (``why`` says which).  Each has the generated input, then each protected variant with
    what the model says."""
    if examples.inputs is None or examples.outputs is None:
        return []
    reasons: dict[int, list[str]] = {}
    for reason, picked in (
        ("first found", examples.first()),
        ("largest change in the model's output", examples.severe()),
        ("closest to a real row", examples.closest()),
    ):
        for i in picked:
            reasons.setdefault(i, []).append(reason)
    prot = schema.protected_indices
    rest = [j for j in range(len(schema)) if j not in prot]
    out: list[dict[str, Any]] = []
    seen: dict[tuple[float, ...], dict[str, Any]] = {}
    for i, why in reasons.items():
        ins, outs = examples.inputs[i], examples.outputs[i]
        gen = int(examples.generated[i])
        # one individual (the same unprotected values) is shown once
        person = tuple(float(v) for v in ins[gen][rest])
        if person in seen:
            seen[person]["why"].extend(w for w in why if w not in seen[person]["why"])
            continue
        base = _label(outs[gen])
        variants = []
        for k in range(len(ins)):
            o = np.asarray(outs[k], dtype=np.float64).reshape(-1)
            entry: dict[str, Any] = {
                "protected": {schema.names[j]: schema.features[j].label(ins[k][j]) for j in prot},
                "prediction": _class_name(_label(o), class_names),
                "differs": _label(o) != base,
                "generated": k == gen,
            }
            if o.size > 1:
                entry["probabilities"] = [round(float(x), 4) for x in o]
            variants.append(entry)
        n_changed = int(examples.n_changed[i])
        item = {
            "idi": int(examples.order[i]) + 1,
            # in the data's own form (numbers stay numbers in the JSON report)
            "input": schema.row_values(ins[gen].tolist()),
            "variants": variants,
            "from_real_row": None if n_changed < 0 else _closeness(n_changed),
            "why": list(why),
            "severity": round(float(examples.severity[i]), 4),
        }
        seen[person] = item
        out.append(item)
    return out


def cases_view(
    examples: list[dict[str, Any]], schema: Schema, class_names: tuple[str, ...] | None
) -> dict[str, Any]:
    """The readable examples in the report vocabulary's ``cases``: per IDI, the unprotected
    values once (the user's column names and values), then a row for the input and for each
    protected variant with what the model says; cells that differ from the input are marked.
    Variants that change the model's answer come first and are never left out."""
    prot = list(schema.protected)
    rest = [n for n in schema.names if n not in prot]
    binary = class_names is not None and len(class_names) == 2
    items = []
    for ex in examples:
        variants = ex["variants"]
        gen = next(v for v in variants if v["generated"])
        has_proba = any("probabilities" in v for v in variants)
        p_col: str | None
        if has_proba and binary:
            assert class_names is not None
            p_col = f"P({class_names[1]})"
        else:
            p_col = "P(answer)" if has_proba else None
        columns = ["", *prot, "model says", *([p_col] if p_col else [])]
        others = [v for v in variants if not v["generated"]]
        base = np.asarray(gen.get("probabilities", [0.0]), dtype=np.float64)

        def gap(v: dict[str, Any], base: np.ndarray = base) -> float:
            p = np.asarray(v.get("probabilities", [0.0]), dtype=np.float64)
            return float(np.abs(p - base).max()) if p.size == base.size else 0.0

        others.sort(key=lambda v: (not v["differs"], -gap(v)))
        flips = [v for v in others if v["differs"]]
        shown = flips + [v for v in others if not v["differs"]]
        shown = shown[: max(len(flips), _MAX_VARIANTS)]
        rows: list[list[str]] = []
        marks: list[list[int]] = []
        for r, v in enumerate([gen, *shown]):
            row = ["input" if r == 0 else f"variant {r}"]
            row += [str(v["protected"][a]) for a in prot]
            row.append(str(v["prediction"]))
            if p_col:
                probs = v.get("probabilities")
                if probs is None:
                    row.append("n/a")
                elif binary:
                    row.append(probability(probs[1]))
                else:
                    row.append(probability(max(probs)))
            rows.append(row)
            if r:
                marks += [
                    [r, c + 1]
                    for c, a in enumerate(prot)
                    if v["protected"][a] != gen["protected"][a]
                ]
                if v["differs"]:
                    marks.append([r, len(prot) + 1])
        if not flips and shown and p_col:
            # an IDI by a probability gap (--threshold): the variant with the largest gap
            marks.append([1, len(prot) + 2])
        note = []
        if ex.get("from_real_row"):
            note.append(str(ex["from_real_row"]))
        hidden = len(others) - len(shown)
        if hidden:
            note.append(
                f"{hidden:,} more variant{'s' if hidden > 1 else ''} with the input's answer "
                "(in the JSON report)"
            )
        items.append(
            {
                "title": f"IDI #{ex['idi']:,}",
                "tags": list(ex.get("why", [])),
                "note": "; ".join(note),
                "shared": {
                    "columns": rest,
                    "values": [schema.feature(n).display(ex["input"][n]) for n in rest],
                },
                "table": {"columns": columns, "rows": rows, "marked": marks},
            }
        )
    return {
        "text": (
            "An IDI (individual discriminatory input) is an input whose answer changes when "
            "only its protected attributes change. Each is shown once: its other values, then "
            "the input and each protected variant the model was asked about, with its answer."
        ),
        "items": items,
        "severity": "largest change in the model's output",
    }


def _class_name(k: int, class_names: tuple[str, ...] | None) -> str:
    return class_names[k] if class_names and 0 <= k < len(class_names) else str(k)


def _closeness(n_changed: int) -> str:
    if n_changed == 0:
        return "a real row of the data, as it is"
    return f"{n_changed} feature{'s' if n_changed > 1 else ''} changed from a real row"


def _percent(x: Any) -> float | None:
    """A share as a percentage (a number, 2 decimals)."""
    return None if x is None else round(100 * float(x), 2)


def _round(x: Any, digits: int) -> float | int | None:
    if x is None:
        return None
    return round(float(x)) if digits == 0 else round(float(x), digits)


def _pct(x: float | None) -> str:
    return percent(x)


def _generated_words(units: int) -> tuple[str, str]:
    """The names of the inputs generated and of the success rate: a campaign's units each
    count their own, so a campaign's (``units`` > 1) say they add them."""
    if units <= 1:
        return "unique inputs generated", "success rate (%)"
    added = f"the {units} units' added (an input two units generated counts twice)"
    return f"inputs generated, {added}", f"success rate (% of the inputs generated, {added})"


def build_summary(
    *,
    test: FairnessTest,
    search: dict[str, Any],
    estimates: dict[str, Any] | None,
    context: dict[str, Any] | None,
    examples: ExamplePool,
    stopped_early: dict[str, str],
    queries: int,
    class_names: tuple[str, ...] | None = None,
    group_queries: int | None = None,
) -> dict[str, Any]:
    """The run's summary.  ``group_queries``: the group metrics' queries, those of a phase
    cut by the budget (no ``context``) too; None: ``context``'s own count."""
    schema = test.schema
    protected = ", ".join(schema.protected)
    idis = int(search.get("idis", 0))
    generated = int(search.get("generated", 0))
    distribution = search.get("distribution", "uniform")
    where = search.get("searching") or (
        "real rows and their neighbours" if distribution == "data" else "the schema's space"
    )
    made, rate = _generated_words(int(search.get("units") or 1))
    if idis:
        headline = (
            f"{idis:,} discriminatory input{'' if idis == 1 else 's'} found for {protected} "
            f"in {queries:,} queries "
            f"({_pct(search.get('success_rate'))} of {generated:,} {made}, "
            f"searching {where})"
        )
    else:
        headline = (
            f"no discriminatory input found for {protected} in {queries:,} queries "
            f"({generated:,} {made}, searching {where})"
        )
    if search.get("optimize") == "queries" and search.get("optimize_note"):
        headline += f"; {search['optimize_note']}"
    est_list = (estimates or {}).get("estimates", [])
    for e in est_list:
        headline += f"; {estimate_text(e)}"
    metrics: dict[str, Any] = {
        "IDIs found": idis,
        made: generated,
        rate: _percent(search.get("success_rate")),
        # (the search's own, labelled: the run's are put before them once it has ended:
        # ``rates.run_rates``)
        SEARCH_PER_1000: _round(search.get("idis_per_1000_queries"), 1),
        "IDIs per second": _round(search.get("idis_per_second"), 0),
        SEARCH_FIRST_100: _round(search.get("seconds_to_first_100"), 3),
        "queries": queries,
        "strategy": search.get("strategy", test.strategy),
        "search distribution": distribution,
        "protected": protected,
    }
    if test.threshold is not None:
        metrics["probability threshold"] = test.threshold
    sections: list[dict[str, Any]] = []
    changes = search.get("feature_changes") or {}
    if changes:
        ranked = sorted(changes.items(), key=lambda kv: -kv[1])
        sections.append(
            {
                "title": "Features the search changed most",
                "text": "How many IDIs were reached by changing each feature of a neighbour.",
                "bars": {
                    "labels": [k for k, _ in ranked],
                    "values": [v for _, v in ranked],
                    "unit": "IDIs",
                },
            }
        )
    if est_list:
        sections.append(
            {
                "title": "Estimated share of discriminatory inputs",
                "text": (
                    "Inputs sampled at random from each distribution; 95 % Clopper-Pearson "
                    "intervals. 'uniform' is the schema's whole input space; 'data' is the rows "
                    "given. Sampling stops when the interval's half-width is 10 % of the share "
                    "(at most ±0.5 points, at least ±0.02 points), or when the budget ends."
                ),
                "table": {
                    "columns": ["distribution", "share", "95 % CI", "discriminatory", "sampled"],
                    "rows": [
                        [
                            e["distribution"],
                            _pct(e["share"]),
                            "none: every row counted"  # (no sample: report47)
                            if e.get("counted")
                            else f"{_pct(e['low'])} to {_pct(e['high'])}",
                            e["discriminatory"],
                            e["sampled"],
                        ]
                        for e in est_list
                    ],
                },
            }
        )
    if examples.inputs is not None and examples.outputs is not None:
        ins, outs = examples.inputs, examples.outputs
        first = [
            pair_tables(
                schema,
                ins[i],
                outs[i],
                int(examples.generated[i]),
                caption=f"IDI #{int(examples.order[i]) + 1}",
                class_names=class_names,
            )
            for i in examples.first()
        ]
        sections.append(
            {"title": "Example discriminatory inputs", "tables": first, "role": "examples"}
        )
        shown_first = {int(examples.order[i]) for i in examples.first()}
        closest = [i for i in examples.closest() if int(examples.order[i]) not in shown_first]
        if closest:
            sections.append(
                {
                    "title": "Discriminatory inputs closest to real rows",
                    "role": "examples",
                    "text": "IDIs reached from a real row by changing the fewest features.",
                    "tables": [
                        pair_tables(
                            schema,
                            ins[i],
                            outs[i],
                            int(examples.generated[i]),
                            caption=_closeness(int(examples.n_changed[i])),
                            class_names=class_names,
                        )
                        for i in closest
                    ],
                }
            )
    if context is not None:
        sections.append(context["section"])
        metrics["accuracy on the labelled rows (%)"] = _percent(context.get("accuracy"))
    if stopped_early:
        sections.append(
            {"title": "Budget", "note": "; ".join(map(_budget_said, stopped_early.items()))}
        )
    readable = readable_examples(examples, schema, class_names)
    if test.answer_follows:  # taken away when the answer is added (``answer.add_answer``)
        from assay.core.interrupted import ANSWER_MISSING

        pending = {"incomplete_reason": ANSWER_MISSING}
    else:
        pending = {}
    return {
        **pending,
        "headline": headline,
        "examples": readable,
        "cases": cases_view(readable, schema, class_names),
        "metrics": metrics,
        "sections": sections,
        "search": search,
        "estimates": est_list,
        "group": None if context is None else context.get("group"),
        # the group metrics' queries (one a labelled row), before the search, in its budget
        "group_queries": (
            int(group_queries)
            if group_queries is not None
            else 0
            if context is None
            else int(context.get("queries") or 0)
        ),
        "stopped_early": stopped_early,
        # inputs judged (search and estimate): 0 means nothing was tested (never a pass)
        "tested": generated + sum(int(e.get("sampled") or 0) for e in est_list),
    }
