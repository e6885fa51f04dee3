"""``FairnessResult``: what ``check_fairness`` and ``resume_fairness`` give back: the run's
figures and summary, its findings and tables as pandas objects, and a Jupyter view."""

from __future__ import annotations

import os
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from assay.core.callers_prose import made_from_python
from assay.core.display import counted_text, data_rows, percent
from assay.core.outcome import EndedRunMixin
from assay.core.run import RunOutcome
from assay.core.store import RunStore
from assay.core.wholes import whole
from assay.errors import UsageError
from assay.fairness.setup import FairnessSetup

__all__ = ["FairnessResult"]


def _case_html(case: dict[str, Any]) -> str:
    """One readable example (a summary ``cases`` item) as HTML for Jupyter: the values the
    variants share once, then the input and its variants, cells that differ in bold."""
    from html import escape

    def cell(value: Any, bold: bool = False) -> str:
        text = escape(str(value))
        return f"<td><b>{text}</b></td>" if bold else f"<td>{text}</td>"

    shared = case.get("shared") or {}
    table = case.get("table") or {}
    marked = {tuple(m) for m in table.get("marked", []) if isinstance(m, list)}
    out = [f"<p><b>{escape(str(case.get('title', '')))}</b></p>"]
    if shared.get("columns"):
        head = "".join(f"<th>{escape(str(c))}</th>" for c in shared["columns"])
        out.append(
            f"<table><tr>{head}</tr><tr>{''.join(cell(v) for v in shared.get('values', []))}"
            "</tr></table>"
        )
    head = "".join(f"<th>{escape(str(c))}</th>" for c in table.get("columns", []))
    body = "".join(
        "<tr>" + "".join(cell(v, (r, c) in marked) for c, v in enumerate(row)) + "</tr>"
        for r, row in enumerate(table.get("rows", []))
    )
    out.append(f"<table><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>")
    return "\n".join(out)


# why a run has no group metrics: its data held no true outcomes (the Jupyter view and
# ``group_metrics()`` say it alike)
_NO_LABELS = "the data has no labels (give label=, the column of true outcomes)"


@dataclass
class FairnessResult(EndedRunMixin):
    run_id: str
    seed: int
    status: str
    n_findings: int
    max_severity: float
    summary: dict[str, Any]
    progress: dict[str, Any]
    store: Path
    command: str
    mitigation: dict[str, Any] | None = None
    extra: dict[str, Any] = field(default_factory=dict)
    setup: FairnessSetup | None = field(default=None, repr=False, compare=False)

    def findings(self, limit: int | None = 1000) -> Any:
        """The first ``limit`` IDIs (None: all) as a pandas DataFrame in the user's own
        columns and values: one row per input (the generated one and each protected
        variant queried), with the model's prediction (and probabilities)."""
        from assay.fairness.frames import findings_frame

        limit = whole(limit, "limit")
        if limit is not None and limit < 0:
            raise UsageError(f"must be None (all) or 0 or more, not {limit}", argument="limit")
        if self.setup is None:
            raise UsageError("this result has no setup; rebuild it with assay.check_fairness")
        with self._stored() as store:
            return findings_frame(
                store.iter_batches(self.run_id),
                self.setup.test.schema,
                class_names=self.class_names,
                limit=limit,
                form=self.setup.form,
                dtypes=self.setup.user_dtypes,
                labels=self.setup.user_columns,
                proba=self.setup.raw_model.capabilities.outputs == "proba",
                class_values=self.setup.class_values,
                row_labels=self.setup.row_labels,
            )

    def export(self, path: str | os.PathLike[str]) -> Path:
        """Write every stored IDI (``findings(limit=None)``: your columns and values, one row
        per input) to ``path``: ``.csv``, ``.jsonl`` or ``.json`` (a list of rows).  A CSV
        takes the data file's delimiter, byte-order mark and decimal mark (``;``, a BOM and
        ``39,5`` from a spreadsheet set to a European locale), else ``,`` and ``.``."""
        from assay.core.exports import write_table

        frame = self.findings(limit=None)
        return write_table(frame, path, argument="path", written_as=self.written_as)

    @property
    def written_as(self) -> dict[str, Any]:
        """How the data's CSV file was written (empty: not a CSV file)."""
        return {} if self.setup is None else dict(self.setup.written_as)

    def tables(self) -> dict[str, Any]:
        """The summary's tables as pandas objects holding numbers (shares as fractions, not
        display strings): ``metrics`` (a Series), ``estimates`` (``estimate=True``'s),
        ``verdict`` (the answer per protected attribute) and, with labelled data, ``groups``
        (DataFrames)."""
        import pandas as pd

        out: dict[str, Any] = {"metrics": pd.Series(self.summary.get("metrics", {}), dtype=object)}
        cols = ["distribution", "share", "low", "high", "discriminatory", "sampled", "queries"]
        cols.append("counted")  # (every row of the data asked once: the share is its count)
        out["estimates"] = pd.DataFrame(
            [
                {c: bool(e.get(c)) if c == "counted" else e.get(c) for c in cols}
                for e in self.summary.get("estimates", [])
            ],
            columns=cols,
        )
        group = self.summary.get("group")
        if group:
            out["groups"] = self._frame(group["groups"]).drop(columns=["values"])
        out["verdict"] = self.verdict  # (the answer: the estimates hold --estimate's alone)
        return out

    @property
    def class_names(self) -> tuple[str, ...] | None:
        from assay.fairness.technique import class_names_of

        setup = self.setup
        if setup is None:
            return None
        # (the run's own reading: the data's label names only where they are as many as
        # the model's classes; a 3-class model on adult's two labels had them, its third 2)
        return class_names_of(setup.test, setup.raw_model.capabilities)

    def _estimates_text(self) -> list[str]:
        return [
            f"{e['distribution']}: {percent(e['share'])} "
            + (
                counted_text(
                    {
                        "data_discriminatory": e.get("discriminatory"),
                        "data_sampled": e.get("sampled"),
                    }
                ).strip()
                if e.get("counted")
                else f"(95 % CI {percent(e['low'])} to {percent(e['high'])})"
            )
            for e in self.summary.get("estimates", [])
        ]

    def _answer_text(self) -> list[str]:
        """The answer per protected attribute (``verdict``) in one line each, as the
        command line leads with it: ``sex: 25.68 % of the input space (95 % CI ...), 25.50 %
        of the data rows (...); found``."""
        return [_verdict_line(v) for v in self.summary.get("verdict") or []]

    def __repr__(self) -> str:
        # one line: the answer's shares alone (their intervals are in _repr_html_ and
        # .verdict), else the estimate's
        answer = ", ".join(_short_verdict(v) for v in self.summary.get("verdict") or [])
        est = "" if answer else "; ".join(self._estimates_text())
        return (
            f"<FairnessResult {self.run_id} ({self.status}): {self.n_findings:,} IDIs"
            + (f"; answer: {answer}" if answer else "")
            + (f"; estimated share {est}" if est else "")
            + (f"; {len(self.warnings)} warning(s)" if self.warnings else "")
            + (f"; {len(self.notes)} note(s)" if self.notes else "")
            + ("; NOTHING WAS TESTED" if self.untested else "")
            + ">"
        )

    def _repr_html_(self) -> str:
        """Jupyter: the headline, the estimates, warnings and the first three examples."""
        from html import escape

        parts = [f"<p><b>{escape(self.run_id)}</b> ({escape(self.status)})</p>"]
        parts.append(f"<p>{escape(self.headline)}</p>")
        parts.append(f"<p>seed {self.seed}; rerun: <code>{escape(self.command)}</code></p>")
        if note := self.rerun_note:
            parts.append(f"<p>note: {escape(note)}</p>")
        if answer := self._answer_text():
            items = "".join(f"<li>{escape(a)}</li>" for a in answer)
            parts.append(f"<p>The answer per protected attribute:</p><ul>{items}</ul>")
        est = self._estimates_text()
        if est:
            items = "".join(f"<li>{escape(e)}</li>" for e in est)
            parts.append(f"<p>Estimated share of discriminatory inputs:</p><ul>{items}</ul>")
        for w in self.warnings:
            parts.append(f"<p style='color:#a00'>{escape(w)}</p>")
        for n in self.notes:  # (how the data was read, as asked: not in a warning's red)
            parts.append(f"<p>note: {escape(n)}</p>")
        cases = [c for c in (self.summary.get("cases") or {}).get("items", []) if c][:3]
        parts.extend(_case_html(c) for c in cases)
        tables: list[dict[str, Any]] = []
        for section in self.summary.get("sections", []):
            if section.get("title") == "Example discriminatory inputs" and not cases:
                tables = list(section.get("tables", []))[:3]
        for t in tables:
            head = "".join(f"<th>{escape(str(c))}</th>" for c in t["columns"])
            body = "".join(
                "<tr>" + "".join(f"<td>{escape(str(v))}</td>" for v in row) + "</tr>"
                for row in t["rows"]
            )
            parts.append(
                f"<table><caption>{escape(str(t.get('caption', '')))}</caption>"
                f"<thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>"
            )
        for budget in self.budget_notes:  # (the group metrics skipped, in the call's terms)
            parts.append(f"<p>budget: {escape(budget)}</p>")
        findings = "<code>result.findings()</code>: the IDIs as a DataFrame"
        parts.append(f"<p>{findings}; {self._groups_offer()}</p>")
        return "\n".join(parts)

    def _groups_offer(self) -> str:
        """The Jupyter view's offer of ``group_metrics()`` (HTML): it asks the model for every
        labelled row again, outside the run's budget, which is said beside it (a budget that
        skipped them was said on the line before, and the offer read as within it)."""
        from html import escape

        test = None if self.setup is None else self.setup.test
        if test is None or test.labels is None:
            said = escape(_NO_LABELS).replace("label=", "<code>label=</code>")
            return f"no group metrics: {said}."
        rows = len(test.labels if test.context_rows is None else test.labels[test.context_rows])
        what = "group metrics" if self.summary.get("group") else "the group metrics the run skipped"
        return (
            f"<code>result.group_metrics()</code>: {what} (MetricFrame), asking the model "
            f"once for each of the {rows:,} labelled rows, outside the run's query budget."
        )

    def group_metrics(self, *, max_groups: int | None = None) -> Any:
        """fairlearn's ``MetricFrame`` of the group metrics over every labelled row (the
        figures of the report's group section).  A run of data without labels (no
        ``label=``) has none: ``UsageError``, saying so as the Jupyter view does (it returned
        None, and the notebook's next line failed on it).  Asks the
        model once more for those rows (outside the run's budget).  Labelled rows holding
        more than ``max_groups`` groups (combinations of protected values; default
        ``group.MOST_GROUPS``, the bound a run computes them under) are refused before the
        model is asked (``UsageError``, saying how many): fairlearn takes milliseconds a
        group (4,909 took 27 s); give a larger ``max_groups`` to wait for them.

        Its rates (selection, true and false positive) are those of the run's favourable
        class (``favourable=``, else inferred as the answer infers it), named by the
        frame's ``favourable`` attribute and how it was chosen by ``favourable_how``: with
        classes ``['approved', 'denied']`` the selection rate is the rate of 'approved'."""
        from assay.core.model import labels_of
        from assay.fairness.group import MOST_GROUPS, metric_frame, too_many_groups
        from assay.fairness.technique import favourable_of

        bound = MOST_GROUPS if max_groups is None else whole(max_groups, "max_groups")
        if bound is None or bound < 1:
            raise UsageError(
                f"max_groups must be a whole number of at least 1, not {max_groups!r}",
                argument="max_groups",
            )
        setup = self.setup
        if setup is None:
            raise UsageError("this result has no setup; rebuild it with assay.check_fairness")
        if setup.test.labels is None or setup.test.data is None:
            raise UsageError(f"run {self.run_id} has no group metrics: {_NO_LABELS}")
        data, labels = setup.test.data, setup.test.labels
        if setup.test.context_rows is not None:
            data, labels = data[setup.test.context_rows], labels[setup.test.context_rows]
        schema = setup.test.schema
        columns = list(schema.protected_indices)
        why = too_many_groups(data, columns, [schema.names[j] for j in columns], most=bound)
        if why is not None:
            raise UsageError(
                f"{why}; give max_groups= above their number to compute them anyway",
                argument="max_groups",
            )
        pred = labels_of(setup.model.predict(data), setup.model.capabilities)
        groups = {
            schema.names[j]: [schema.features[j].label(v) for v in data[:, j]]
            for j in schema.protected_indices
        }
        index, name, how = favourable_of(setup.test, setup.model.capabilities)
        frame = metric_frame(np.asarray(labels), pred, groups, positive=index)
        frame.favourable, frame.favourable_how = name, how
        return frame

    @property
    def warnings(self) -> list[str]:
        """What makes the figures less trustworthy (e.g. a model that is not deterministic,
        columns fed to a model in an order nothing confirms)."""
        return [self._callers(str(w)) or "" for w in self.summary.get("warnings", [])]

    @property
    def notes(self) -> list[str]:
        """What the run says of how it read the data and the model as it was asked (columns
        set aside, a protected number tested by bins, a function given DataFrames): said,
        and not counted among the ``warnings``."""
        said = [self._callers(str(n)) or "" for n in self.summary.get("notes", [])]
        guess = self._favourable_guess()
        return [*said, guess] if guess else said

    def _favourable_guess(self) -> str | None:
        """Which class the answer's direction takes as favourable, when that was a guess (the
        last of ``A``/``B``/``C``; a bare ``yes``), as the command line says under its lines:
        a notebook's ``direction`` and HTML said "the F variant gets 'C'" and never that 'C'
        was a guess, perhaps the worst grade."""
        from assay.fairness.verdict import BARE_NAME, BY_POSITION, BY_THE_OTHER

        how = str((self.summary.get("favourable") or {}).get("how") or "")
        if not self.summary.get("verdict") or not how.startswith(
            (BY_POSITION, BARE_NAME, BY_THE_OTHER)
        ):
            return None
        said = f"Favourable outcome {how}"
        if not made_from_python(self.command):
            return said
        return re.sub(r"--favourable ('[^']*'|\S+)", _favourable_keyword, said)

    @property
    def budget_notes(self) -> list[str]:
        """What the budget cut (the report's Budget section): "the group metrics were not
        computed: ...; raise max_queries to at least twice that", in the caller's terms (the
        summary says ``--max-queries``, the command line's)."""
        return [
            self._callers(str(s["note"])) or ""
            for s in self.summary.get("sections", [])
            if s.get("title") == "Budget" and s.get("note")
        ]

    @property
    def verdict(self) -> Any:
        """One row per protected attribute: share (uniform, data) with intervals, level."""
        return self._frame(self.summary.get("verdict"))

    @property
    def direction(self) -> Any:
        """Per attribute value: in what share of the IDIs it gets the favourable class."""
        return self._frame(self.summary.get("direction"))

    @property
    def regions(self) -> Any:
        """Readable rules where discrimination concentrates, with held-out precision."""
        return self._frame(self.summary.get("regions"))

    def _frame(self, rows: Any) -> Any:
        """``rows`` as a DataFrame, under the user's own column labels (see ``findings``)."""
        import pandas as pd

        from assay.fairness.frames import relabelled

        labels = self.setup.user_columns if self.setup is not None else {}
        return pd.DataFrame(relabelled(rows or [], labels))

    @property
    def exact(self) -> Any:
        """Per attribute: the exact share (or bounds), or why it is not available."""
        rows = []
        for item in self.summary.get("exact") or []:
            row = {k: v for k, v in item.items() if k not in ("boxes", "assumptions")}
            for key in ("share_uniform", "share_data", "estimate"):
                if isinstance(row.get(key), dict):
                    got = row.pop(key)
                    row[f"{key}_low"], row[f"{key}_high"] = got.get("low"), got.get("high")
            rows.append(row)
        return self._frame(rows)


def _favourable_keyword(m: re.Match[str]) -> str:
    """``--favourable no`` as a Python caller passes it: ``favourable='no'``."""
    word = m.group(1)
    if word == "CLASS" or word.startswith("'"):  # (a placeholder, or quoted already)
        return f"favourable={word}"
    return f"favourable={word!r}"


def _verdict_line(v: dict[str, Any]) -> str:
    """One verdict row (``fairness.verdict``) as a line: its shares with their intervals
    (sampled), exact, or the exact analysis' bounds, and its level."""

    def interval(low: Any, high: Any, what: str) -> str:
        if low is None or high is None:
            return ""
        return f" ({what} {percent(low)} to {percent(high)})"

    share = v.get("share_uniform")
    basis = v.get("basis")
    text = f"{v.get('attribute')}: "
    text += "not estimated" if share is None else f"{percent(share)} of the input space"
    if share is not None and basis == "exact":
        text += " (exact)"
    elif share is not None and basis == "bounded":
        text += interval(v.get("exact_uniform_low"), v.get("exact_uniform_high"), "exact bounds")
    elif share is not None:
        text += interval(v.get("uniform_low"), v.get("uniform_high"), "95 % CI")
    if v.get("share_data") is not None:
        text += f", {percent(v['share_data'])} of {data_rows(v)}"
        if v.get("exact_data_low") is not None and basis != "sampled":
            text += interval(v.get("exact_data_low"), v.get("exact_data_high"), "exact bounds")
        elif v.get("data_counted"):
            text += counted_text(v)
        else:
            text += interval(v.get("data_low"), v.get("data_high"), "95 % CI")
    return f"{text}; {v.get('level')}"


def _short_verdict(v: dict[str, Any]) -> str:
    """``sex 25.68 % of inputs, 25.50 % of rows (found)``: a verdict row's shares alone."""
    share, rows = v.get("share_uniform"), v.get("share_data")
    text = f"{v.get('attribute')} " + ("not estimated" if share is None else percent(share))
    text += " of inputs" if share is not None else ""
    text += "" if rows is None else f", {percent(rows)} of rows"
    return f"{text} ({v.get('level')})"


def _result(
    store: RunStore,
    outcome: RunOutcome,
    seed: int,
    command: str,
    mitigation: dict[str, Any] | None,
    setup: FairnessSetup | None = None,
) -> FairnessResult:
    record = store.get_run(outcome.run_id)
    return FairnessResult(
        run_id=outcome.run_id,
        seed=seed,
        status=outcome.status,
        n_findings=outcome.n_findings,
        max_severity=outcome.max_severity,
        summary=record.summary,
        progress=outcome.progress,
        store=store.path.absolute(),  # (a notebook may chdir later)
        command=command,
        mitigation=mitigation,
        setup=setup,
    )
