"""The fairness technique's shell: build a fairness test from models, data and schemas, run it.

```python
import assay
result = assay.check_fairness(model, data="people.csv", protected=["sex"], max_queries=50_000)
print(result.headline)
```
Everything the CLI does goes through here, so the two never disagree.  This module (like every
technique's ``api.py``) may import ``models``, ``datasets`` and ``execution`` to build what the
technique needs; the rest of the package imports ``core`` only.
"""

from __future__ import annotations

import os
import time
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager, suppress
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

import numpy as np

from assay.core.budget import BudgetedModel, check_budget
from assay.core.calls import DEFAULT_CALL_TIMEOUT, InlineCaller
from assay.core.display import percent
from assay.core.integrity import file_fingerprint, model_fingerprint
from assay.core.model import Model
from assay.core.redact import is_redacted, redact_text
from assay.core.rng import fresh_seed, generator
from assay.core.run import RunOutcome, execute
from assay.core.runinfo import rerun_command, versions
from assay.core.store import DEFAULT_STORE, RunRecord, RunStore, new_run_id
from assay.core.witnesses import DEFAULT_KEEP, keep_option, parse_keep
from assay.errors import (
    AssayError,
    BudgetExhausted,
    ModelUnavailable,
    StoreError,
    UsageError,
)
from assay.execution import default_caller
from assay.fairness.determinism import confirm_findings, flip_rate
from assay.fairness.determinism import section as determinism_section
from assay.fairness.encoded import EncodedModel
from assay.fairness.form import InputForm
from assay.fairness.schema import Schema
from assay.fairness.search import DEFAULT_STRATEGY
from assay.fairness.technique import FairnessTest, check_protected
from assay.models.http import ServingOptions
from assay.models.serving import record_serving

__all__ = [
    "FairnessResult",
    "FairnessSetup",
    "check_fairness",
    "resume_fairness",
    "setup_fairness",
    "setup_from_record",
]

DEFAULT_MAX_QUERIES = 200_000
# the part of --max-time kept for what follows the search and the estimate (the summary, the
# final commit, the reports), so that --max-time bounds the whole run
ANSWER_SHARE = 0.05  # of --max-time: the exact analysis's share (the sampled answer as much)
FINISH_SHARE = 0.03
FINISH_MIN = 1.0  # seconds kept for finishing a run bounded by time (see _engine_time)


@dataclass
class FairnessSetup:
    """Everything a fairness run needs, built and validated."""

    test: FairnessTest
    model: Model  # takes encoded rows
    raw_model: Model  # takes what the model takes
    invocation: dict[str, Any]
    estimator: Any | None = None  # a refittable scikit-learn estimator, when known
    train: tuple[np.ndarray, np.ndarray] | None = None  # encoded rows, labels as fitted
    holdout: tuple[np.ndarray, np.ndarray] | None = None
    form: InputForm = field(default_factory=InputForm)  # what the estimator was fitted on


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


@dataclass
class FairnessResult:
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

        if self.setup is None:
            raise UsageError("this result has no setup; rebuild it with assay.check_fairness")
        with RunStore(self.store) as store:
            return findings_frame(
                store.iter_batches(self.run_id),
                self.setup.test.schema,
                class_names=self.class_names,
                limit=limit,
                form=self.setup.form,
            )

    def tables(self) -> dict[str, Any]:
        """The summary's tables as pandas objects holding numbers (shares as fractions, not
        display strings): ``metrics`` (a Series), ``estimates`` and, with labelled data,
        ``groups`` (DataFrames)."""
        import pandas as pd

        out: dict[str, Any] = {"metrics": pd.Series(self.summary.get("metrics", {}), dtype=object)}
        cols = ["distribution", "share", "low", "high", "discriminatory", "sampled", "queries"]
        out["estimates"] = pd.DataFrame(
            [{c: e.get(c) for c in cols} for e in self.summary.get("estimates", [])],
            columns=cols,
        )
        group = self.summary.get("group")
        if group:
            out["groups"] = pd.DataFrame(group["groups"]).drop(columns=["values"])
        return out

    @property
    def class_names(self) -> tuple[str, ...] | None:
        setup = self.setup
        if setup is None:
            return None
        names = setup.raw_model.capabilities.class_names
        given = setup.test.label_names
        if given and (names is None or all(n.isdigit() for n in names)):
            return tuple(given)
        return names

    def _estimates_text(self) -> list[str]:
        return [
            f"{e['distribution']}: {percent(e['share'])} "
            f"(95 % CI {percent(e['low'])} to {percent(e['high'])})"
            for e in self.summary.get("estimates", [])
        ]

    def __repr__(self) -> str:
        est = "; ".join(self._estimates_text())
        return (
            f"<FairnessResult {self.run_id} ({self.status}): {self.n_findings:,} IDIs"
            + (f"; estimated share {est}" if est else "")
            + (f"; {len(self.warnings)} warning(s)" if self.warnings else "")
            + ">"
        )

    def _repr_html_(self) -> str:
        """Jupyter: the headline, the estimates, warnings and the first three examples."""
        from html import escape

        parts = [f"<p><b>{escape(self.run_id)}</b> ({escape(self.status)})</p>"]
        parts.append(f"<p>{escape(self.headline)}</p>")
        est = self._estimates_text()
        if est:
            items = "".join(f"<li>{escape(e)}</li>" for e in est)
            parts.append(f"<p>Estimated share of discriminatory inputs:</p><ul>{items}</ul>")
        for w in self.warnings:
            parts.append(f"<p style='color:#a00'>{escape(w)}</p>")
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
        parts.append(
            "<p><code>result.findings()</code>: the IDIs as a DataFrame; "
            "<code>result.group_metrics()</code>: group metrics (MetricFrame).</p>"
        )
        return "\n".join(parts)

    def group_metrics(self) -> Any:
        """fairlearn's ``MetricFrame`` of the group metrics over every labelled row (the
        figures of the report's group section), or None without labelled data.  Asks the
        model once more for those rows (outside the run's budget)."""
        from assay.core.model import labels_of
        from assay.fairness.group import metric_frame

        setup = self.setup
        if setup is None or setup.test.labels is None or setup.test.data is None:
            return None
        data, labels = setup.test.data, setup.test.labels
        if setup.test.context_rows is not None:
            data, labels = data[setup.test.context_rows], labels[setup.test.context_rows]
        pred = labels_of(setup.model.predict(data), setup.model.capabilities)
        schema = setup.test.schema
        groups = {
            schema.names[j]: [schema.features[j].label(v) for v in data[:, j]]
            for j in schema.protected_indices
        }
        return metric_frame(np.asarray(labels), pred, groups)

    @property
    def headline(self) -> str:
        return str(self.summary.get("headline", ""))

    @property
    def warnings(self) -> list[str]:
        """What makes the figures less trustworthy (e.g. a model that is not deterministic)."""
        return [str(w) for w in self.summary.get("warnings", [])]

    @property
    def verdict(self) -> Any:
        """One row per protected attribute: share (uniform, data) with intervals, level."""
        return _frame(self.summary.get("verdict"))

    @property
    def direction(self) -> Any:
        """Per attribute value: in what share of the IDIs it gets the favourable class."""
        return _frame(self.summary.get("direction"))

    @property
    def regions(self) -> Any:
        """Readable rules where discrimination concentrates, with held-out precision."""
        return _frame(self.summary.get("regions"))

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
        return _frame(rows)


def _frame(rows: Any) -> Any:
    import pandas as pd

    return pd.DataFrame(list(rows or []))


def _split_names(value: str | Sequence[str] | None) -> tuple[str, ...]:
    if value is None:
        return ()
    if isinstance(value, str):
        names = tuple(v.strip() for v in value.split(",") if v.strip())
    else:
        names = tuple(value)
    for i, name in enumerate(names):
        if name in names[:i]:
            raise UsageError(f"protected attribute {name!r} is named twice", argument="--protected")
    return names


def _read(reader: Callable[[Any], Any], path: Any, argument: str) -> Any:
    """``reader(path)``; whatever goes wrong reading a user's file is that file's problem
    (a usage error naming it), not a crash."""
    try:
        return reader(path)
    except (AssayError, OSError, MemoryError, KeyboardInterrupt):
        raise
    except Exception as exc:
        text = " ".join(str(exc).split())[:300]
        raise UsageError(
            f"cannot read it: {type(exc).__name__}: {text}", argument=argument, path=str(path)
        ) from exc


def _innermost(model: Any) -> Any:
    while hasattr(model, "inner"):
        model = model.inner
    return model


def _labels_to_indices(values: np.ndarray, class_names: tuple[str, ...] | None) -> np.ndarray:
    """True labels as class indices of the model (by class name when the model has names)."""
    if class_names:
        lookup = {name: i for i, name in enumerate(class_names)}
        out = np.empty(len(values), dtype=np.int64)
        for i, v in enumerate(values):
            key = str(v.item() if isinstance(v, np.generic) else v)
            if key not in lookup and key.endswith(".0") and key[:-2] in lookup:
                key = key[:-2]
            if key not in lookup:
                raise UsageError(
                    f"label value {key!r} (row {i + 1}) is not one of the model's classes: "
                    f"{', '.join(class_names)}",
                    argument="--label",
                )
            out[i] = lookup[key]
        return out
    try:
        return np.asarray(values).astype(np.int64)
    except (TypeError, ValueError):
        raise UsageError(
            "label values must be class indices (integers)", argument="--label"
        ) from None


def setup_fairness(
    model: Any = None,
    *,
    data: Any = None,
    dataset: str | None = None,
    schema: Schema | str | os.PathLike[str] | None = None,
    protected: str | Sequence[str] | None = None,
    label: str | None = None,
    strategy: str = DEFAULT_STRATEGY,
    threshold: float | None = None,
    start: str = "auto",
    estimate: bool = False,
    precision: float = 0.005,
    model_type: str | None = None,
    optimize: str = "auto",
    allow_pickle: bool = False,
    trust: Sequence[str] = (),
    output: str | None = None,
    call_timeout: float | None = DEFAULT_CALL_TIMEOUT,
    serving: ServingOptions | dict[str, Any] | None = None,
    encoding: str = "utf-8",
) -> FairnessSetup:
    """Load the model, data and schema, and check that they fit together.

    ``call_timeout``: seconds the model may take to answer the probe call made while loading.
    ``serving``: how to talk to a served model (``assay.models.http.ServingOptions``).
    ``encoding``: the text encoding of a data file (decoded strictly; default UTF-8).
    """
    from assay.datasets import load_dataset
    from assay.fairness.tables import check_encoding
    from assay.fairness.tabular_io import check_data, infer_schema, load_schema, read_table
    from assay.models import load_model

    check_encoding(encoding)  # before anything is loaded

    invocation: dict[str, Any] = {
        "model": model if isinstance(model, str) or model is None else None,
        "data": str(data) if isinstance(data, str | os.PathLike) else None,
        "dataset": dataset,
        "schema": str(schema) if isinstance(schema, str | os.PathLike) else None,
        "protected": list(_split_names(protected)),
        "label": label,
        "strategy": strategy,
        "optimize": optimize,
        "threshold": threshold,
        "start": start,
        "estimate": estimate,
        "precision": precision,
        "model_type": model_type,
        "allow_pickle": allow_pickle,
        "trust": list(trust),
        "output": output,
        "encoding": encoding,
    }
    serving_opts = (
        serving
        if isinstance(serving, ServingOptions) or serving is None
        else ServingOptions.from_json(serving)
    )
    if serving_opts is not None:
        invocation["serving"] = serving_opts.to_json()  # header variable names, never values
    names = _split_names(protected)
    estimator: Any = None
    train = holdout = None
    labels_raw: np.ndarray | None = None
    context_rows: np.ndarray | None = None
    label_names: tuple[str, ...] | None = None
    encoded: np.ndarray | None = None
    frame: Any = None
    if dataset is not None and data is not None:
        raise UsageError("give --data or --dataset, not both", argument="--dataset")
    if dataset is not None:
        ds = load_dataset(dataset)
        the_schema = ds.schema if not names else ds.schema.with_protected(names)
        if isinstance(schema, Schema):
            the_schema = schema
        encoded, labels_raw = ds.X, np.asarray(ds.target)
        label_names = tuple(ds.label_names)
        source: dict[str, Any] = {"dataset": dataset, "rows": len(encoded)}
    elif data is not None:
        frame = (
            data
            if hasattr(data, "columns")
            else _read(lambda p: read_table(p, encoding=encoding), data, "--data")
        )
        src = str(data) if isinstance(data, str | os.PathLike) else "data"
        if label is not None:
            if label not in [str(c) for c in frame.columns]:
                raise UsageError(
                    f"label column {label!r} is not a column of {src}; columns are: "
                    f"{', '.join(map(str, frame.columns))}",
                    argument="--label",
                )
            labels_raw = frame[label].to_numpy()
        if isinstance(schema, Schema):
            the_schema = schema if not names else schema.with_protected(names)
        elif schema is not None:
            loaded = _read(load_schema, schema, "--schema")
            the_schema = loaded if not names else loaded.with_protected(names)
        else:
            the_schema = infer_schema(frame, protected=names, target=label)
        encoded = check_data(
            the_schema, frame, source=src, ignore=[label] if label else [], dtype=None
        )
        source = {"data": src, "rows": len(encoded)}
    elif schema is not None:
        loaded = schema if isinstance(schema, Schema) else _read(load_schema, schema, "--schema")
        the_schema = loaded if not names else loaded.with_protected(names)
        source = {"schema": invocation["schema"] or "in memory"}
    else:
        raise UsageError(
            "describe the input space: give --data FILE, --dataset NAME or --schema FILE",
            argument="--data",
        )
    if not the_schema.protected:
        raise UsageError(
            f"name the protected attribute(s); columns are: {', '.join(the_schema.names)}",
            argument="--protected",
        )
    check_protected(the_schema)

    if model is None or (isinstance(model, str) and model.startswith("builtin:")):
        kind = "tree" if model is None else model.split(":", 1)[1]
        if dataset is None or encoded is None or labels_raw is None:
            raise UsageError(
                "a built-in model is trained on a built-in dataset: give --dataset, or a MODEL",
                argument="MODEL",
            )
        from assay.builtin_models import train_builtin

        rng = np.random.default_rng(0)
        order = rng.permutation(len(encoded))
        cut = int(0.7 * len(order))
        tr, te = order[:cut], order[cut:]
        strings = [
            j
            for j, f in enumerate(the_schema.features)
            if f.kind == "categorical" and any(isinstance(c, str) for c in f.categories or ())
        ]
        estimator = train_builtin(
            kind, the_schema.decode(encoded[tr]), labels_raw[tr], categorical=strings
        )
        context_rows = te
        train = (encoded[tr], labels_raw[tr].astype(np.int64))
        holdout = (encoded[te], labels_raw[te].astype(np.int64))
        raw_model = load_model(estimator)
        invocation["model"] = f"builtin:{kind}"
    else:
        probe_rows = (
            encoded[:2]
            if encoded is not None
            else the_schema.sample_uniform(np.random.default_rng(0), 2)
        )
        if serving_opts is not None and serving_opts.columns is None:
            serving_opts = replace(serving_opts, columns=tuple(the_schema.names))
        raw_model = load_model(
            model,
            model_type=model_type,
            allow_pickle=allow_pickle,
            trust=tuple(trust),
            output=output,
            probe=the_schema.decode(probe_rows),
            call_timeout=call_timeout,
            serving=serving_opts,
        )
        inner = _innermost(raw_model)
        estimator = getattr(inner, "estimator", None)
    form = InputForm.of(estimator, frame) if estimator is not None else InputForm()
    inner_model = _innermost(raw_model)
    if form.dtypes is not None and hasattr(inner_model, "dtypes"):
        # every call gets the user's dtypes, as the model was fitted on
        inner_model.dtypes = dict(zip(form.columns or (), form.dtypes, strict=True))
    if raw_model.capabilities.modality != "tabular":
        raise UsageError(
            "the fairness search needs a tabular model; this one is "
            f"{raw_model.capabilities.modality}",
            argument="MODEL",
        )
    if threshold is not None and raw_model.capabilities.outputs != "proba":
        raise UsageError(
            "a probability threshold needs a model that returns probabilities; this model "
            "returns labels only",
            argument="--threshold",
        )
    width = getattr(_innermost(raw_model), "n_features", None)
    if isinstance(width, int) and width != len(the_schema):
        raise UsageError(
            f"the model takes {width} features but the schema has {len(the_schema)}: "
            f"{', '.join(the_schema.names)}",
            argument="--schema" if schema is not None else "--data",
        )
    labels = None
    if labels_raw is not None and encoded is not None:
        labels = _labels_to_indices(labels_raw, raw_model.capabilities.class_names)
        classes = getattr(estimator, "classes_", None)
        if train is None and estimator is not None and classes is not None:
            # refits get the labels as the user gave them (e.g. '<=50K'), not class indices
            fitted_labels = np.asarray(classes)[labels]
            rng = np.random.default_rng(0)
            order = rng.permutation(len(encoded))
            cut = int(0.7 * len(order))
            train = (encoded[order[:cut]], fitted_labels[order[:cut]])
            holdout = (encoded[order[cut:]], fitted_labels[order[cut:]])
    test = FairnessTest(
        schema=the_schema,
        data=encoded,
        labels=labels,
        context_rows=context_rows,
        label_names=label_names,
        strategy=strategy,
        optimize=optimize,
        threshold=threshold,
        start=start,
        estimate=estimate,
        precision=precision,
        source=source,
    ).validate()
    return FairnessSetup(
        test=test,
        model=EncodedModel(the_schema, raw_model),
        raw_model=raw_model,
        invocation=invocation,
        estimator=estimator,
        train=train,
        holdout=holdout,
        form=form,
    )


def check_fairness(
    model: Any = None,
    *,
    max_queries: int | None = None,
    max_time: float | None = None,
    seed: int | None = None,
    store: RunStore | str | os.PathLike[str] = DEFAULT_STORE,
    retrain: bool = False,
    retrain_dir: str | os.PathLike[str] | None = None,
    on_progress: Callable[[dict[str, Any]], None] | None = None,
    argv: Sequence[str] | None = None,
    setup: FairnessSetup | None = None,
    on_start: Callable[[str, int, str], None] | None = None,
    overlap: bool = True,
    call_timeout: float | None = DEFAULT_CALL_TIMEOUT,
    executor: str = "inprocess",
    workers: int | None = None,
    scheduler: str | None = None,
    units: int | None = None,
    keep_findings: int | str | None = DEFAULT_KEEP,
    exact: bool | None = None,
    exact_time: float | None = None,
    favourable: str | None = None,
    fail_on: float | str | None = None,
    answer: bool = True,
    answer_samples: int = 20_000,
    **options: Any,
) -> FairnessResult:
    """Search ``model`` for individual discrimination; store and return what was found.

    ``options`` are those of ``setup_fairness`` (data, dataset, schema, protected, label,
    strategy, threshold, start, estimate, precision, model_type, allow_pickle, trust, output,
    encoding, optimize: "auto", "queries" or "time", what the default search spends
    sparingly).
    Without a budget the run stops after ``DEFAULT_MAX_QUERIES`` queries.  ``overlap``: call
    the model on a background thread while the search prepares its next round (on machines
    with two cores or more); the findings are the same either way.  ``call_timeout``: seconds
    one model call may take (then the model is taken to be hung: ``ModelError``).
    ``keep_findings``: the witnesses kept in the store, ``"all"`` or a number (default
    100,000: the first half of them, then a seeded random sample, plus the most severe);
    every finding is counted.

    ``units`` splits the campaign into that many independent units (each with its own seed
    spawned from ``seed`` and its share of the query budget); ``executor="dask"`` runs them
    on a Dask cluster (``scheduler="tcp://host:8786"``) or a local one of ``workers``
    processes.  A seeded run gives the same findings for the same ``units`` whatever the
    executor and the number of workers.  Without ``units`` and with the in-process executor,
    the run is one search (the default).

    After the search, the answer per protected attribute (verdict, direction, regions; see
    ``fairness.verdict``) is computed from an unbiased sample of ``answer_samples`` rows and
    stored in the summary (``answer=False`` skips it).  ``exact``: read the model's trees and
    compute the share exactly (None: when the model is a tree model the reader knows; True:
    also say why not; False: never), within ``exact_time`` seconds in all (default 60 s
    with ``exact=True``, 10 s when automatic), after which bounds are reported.  ``favourable``:
    the favourable class (default: inferred, and said so).  ``fail_on``: ``"share>0.01"``
    marks attributes above it as failing (``result.verdict["fails"]``).
    """
    from assay.fairness.answer import AnswerOptions
    from assay.fairness.verdict import FailRule, parse_fail_on

    # the run's start: loading the model and the data is part of the run (--max-time bounds
    # it too, and every rate is per second from here)
    started = time.monotonic()
    # everything is checked before the run exists: a bad argument never leaves a stalled run
    check_budget(max_queries=max_queries, max_time=max_time, call_timeout=call_timeout, seed=seed)
    keep = parse_keep(keep_findings)
    rule = parse_fail_on(fail_on)
    answer_options = AnswerOptions(
        exact=exact,
        exact_time=exact_time if exact_time is not None else (60.0 if exact else 10.0),
        favourable=favourable,
        fail_on=rule if isinstance(rule, FailRule) else None,
        samples=answer_samples,
        enabled=answer,
    )
    the_setup = setup or setup_fairness(model, call_timeout=call_timeout, **options)
    if retrain:
        from assay.fairness.retrain import check_retrainable

        check_retrainable(the_setup)  # before a run is created
    seed = fresh_seed() if seed is None else int(seed)
    if max_queries is None and max_time is None:
        max_queries = DEFAULT_MAX_QUERIES
    the_store = store if isinstance(store, RunStore) else RunStore(store)
    run_id = new_run_id("fairness")
    command = rerun_command(argv, seed)
    given = argv is not None and any(a.split("=")[0] == "--keep-findings" for a in argv)
    if argv and argv[0] == "fairness" and not given:
        command += f" --keep-findings {keep_option(keep)}"
    config = the_setup.test.config()
    config["keep_findings"] = keep_option(keep)
    config["invocation"] = the_setup.invocation
    config["budget"] = {
        "max_queries": max_queries,
        "max_time": max_time,
        "call_timeout": call_timeout,
    }
    config["retrain"] = retrain
    config["fingerprints"] = _fingerprints(the_setup)
    config["execution"] = _execution_config(executor, workers, scheduler, units)
    config["answer"] = answer_options.to_json()
    the_store.create_run(
        run_id=run_id,
        technique="fairness",
        seed=seed,
        command=command,
        config=config,
        model=getattr(the_setup.raw_model, "spec_info", {}) or {"type": type(model).__name__},
        versions=versions(),
        keep_findings=keep,
    )
    if on_start is not None:
        on_start(run_id, seed, command)
    with _failed_on_error(the_store, run_id), _serving_recorded(the_store, run_id, the_setup):
        check = _flip_check(the_setup, seed, call_timeout, max_time, started)
        if answer_options.enabled and the_setup.test.estimate and max_time is None:
            from assay.fairness.kept import KeptSamples

            # the answer reuses the estimate's first inputs rather than paying for them again
            # (when it runs after the search: with --max-time it comes first and draws its own)
            the_setup.test.kept = KeptSamples(answer_options.samples)
        if max_queries is not None:
            # the answer's own sample costs at most about the search's query budget
            k = sum(
                the_setup.test.schema.feature(p).n_values or 1
                for p in the_setup.test.schema.protected
            )
            per = max_queries // max(1, k * (2 if the_setup.test.data is not None else 1))
            answer_options.samples = max(500, min(answer_options.samples, per))
        # with a time budget the answer (which does not depend on the search) comes first:
        # the search then gets the time it really left, not a guessed reserve; its deadline
        # is the share of --max-time it may take
        answer_first = max_time is not None and answer_options.enabled
        answered: dict[str, Any] | None = None
        if answer_first:
            assert max_time is not None
            # the answer is part of the run: --max-time bounds it too
            answer_options.exact_time = min(answer_options.exact_time, ANSWER_SHARE * max_time)
            answered = _compute_answer(
                the_setup, answer_options, seed, call_timeout, 2 * ANSWER_SHARE * max_time
            )
        outcome = _execute(
            the_setup,
            overlap,
            execution=config["execution"],
            store=the_store,
            run_id=run_id,
            seed=seed,
            max_queries=max_queries,
            max_time=_engine_time(max_time, started),
            on_progress=on_progress,
            call_timeout=call_timeout,
        )
        if answer_first:
            if the_store.get_run(run_id).status != "failed":
                _add_answer(the_store, run_id, answered)
        else:
            _answer(the_setup, answer_options, the_store, run_id, seed, call_timeout, None)
        _record_determinism(
            the_store,
            run_id,
            the_setup,
            check,
            seed,
            call_timeout,
            None if max_time is None else max_time - (time.monotonic() - started),
        )
        _record_wall_clock(the_store, run_id, time.monotonic() - started)
        mitigation = None
        if retrain:
            from assay.fairness.retrain import retrain_model

            mitigation = retrain_model(
                the_setup,
                store=the_store,
                run_id=run_id,
                seed=seed,
                out_dir=retrain_dir,
                max_queries=max_queries,
            )
    return _result(the_store, outcome, seed, command, mitigation, the_setup)


@contextmanager
def _serving_recorded(store: RunStore, run_id: str, setup: FairnessSetup) -> Iterator[None]:
    """A served model's request counters go with the run once every phase that asks it is
    over (search, answer, determinism checks, retraining), whether the run ended well or not."""
    try:
        yield
    finally:
        with suppress(AssayError):
            record_serving(store, run_id, setup.raw_model)


@contextmanager
def _failed_on_error(store: RunStore, run_id: str) -> Iterator[None]:
    """Any exception but a usage error or an interrupt marks the run failed (an internal
    error or a model failure is never 'completed'), then goes on up to the caller."""
    try:
        yield
    except (UsageError, KeyboardInterrupt, BudgetExhausted, StoreError):
        raise  # (a store that failed stays at its last checkpoint, resumable)
    except BaseException as exc:
        message = str(exc) or type(exc).__name__
        if not isinstance(exc, AssayError):
            message = f"internal error ({type(exc).__name__}): {message}"
        # a served model that stopped answering can be resumed once it is back
        status = "model_unavailable" if isinstance(exc, ModelUnavailable) else "failed"
        with suppress(Exception):  # the store itself failed: the original error matters more
            store.checkpoint(run_id, status=status, error=message)
        raise


def _engine_time(max_time: float | None, started: float, reserve: float = 0.0) -> float | None:
    """The engine's time budget: --max-time less the time already spent since the run's
    start, less a share kept for finishing (summary, commit, reports) and ``reserve`` (a
    share of --max-time kept for the work after the search, such as the answer)."""
    if max_time is None:
        return None
    spent = time.monotonic() - started
    # finishing takes about a second whatever the budget (a tenth of a short one at most)
    finish = max(FINISH_SHARE * max_time, min(FINISH_MIN, 0.1 * max_time))
    return max(max_time * (1 - reserve) - finish - spent, 1e-3)


def _fingerprints(setup: FairnessSetup) -> dict[str, Any]:
    """What a resume checks did not change: the model file's and the data file's contents."""
    prints: dict[str, Any] = {}
    model = model_fingerprint(
        getattr(setup.raw_model, "spec_info", {}) or {}, setup.invocation.get("model")
    )
    if model is not None:
        prints["model"] = model
    data = setup.invocation.get("data")
    if isinstance(data, str) and Path(data).is_file():
        prints["data"] = file_fingerprint(data)
    schema = setup.invocation.get("schema")
    if isinstance(schema, str) and Path(schema).is_file():
        prints["schema"] = file_fingerprint(schema)
    return prints


def _execution_config(
    executor: str, workers: int | None, scheduler: str | None, units: int | None
) -> dict[str, Any]:
    from assay.execution.campaign import execution_config

    return execution_config(executor, workers, scheduler, units)


def _execute(
    setup: FairnessSetup, overlap: bool, execution: dict[str, Any] | None = None, **kwargs: Any
) -> RunOutcome:
    execution = execution or {}
    if execution.get("units"):
        return _execute_units(setup, execution, **kwargs)
    caller = default_caller() if overlap else InlineCaller()
    try:
        return execute(setup.test, setup.model, caller=caller, **kwargs)
    finally:
        caller.close()


def _deadlined(model: Model, call_timeout: float | None, time_left: float | None) -> Model:
    """``model`` with a deadline on every call (``call_timeout``, and ``time_left`` of the run
    in all): checks made outside the search's budget can never hang the run either."""
    guarded = BudgetedModel(
        model,
        call_timeout=call_timeout,
        max_time=None if time_left is None else max(time_left, 0.5),
        cache_size=0,
    )
    # the model has answered this run before (its probe): a call still out when the time
    # runs out ends the check (BudgetExhausted), it does not make the model a failure
    guarded.answered = 1
    return guarded


def _flip_check(
    setup: FairnessSetup,
    seed: int,
    call_timeout: float | None,
    max_time: float | None,
    started: float,
) -> dict[str, Any]:
    """Ask the same inputs twice at the start (is the model deterministic?), on a deadline."""
    left = None if max_time is None else max_time - (time.monotonic() - started)
    model = _deadlined(setup.model, call_timeout, None if left is None else FINISH_SHARE * left)
    try:
        return flip_rate(setup.test.schema, model, generator(seed, 2), data=setup.test.data)
    except BudgetExhausted:
        return {"rows": 0, "changed": 0, "flip_rate": 0.0, "deterministic": True}


def _record_determinism(
    store: RunStore,
    run_id: str,
    setup: FairnessSetup,
    check: dict[str, Any],
    seed: int,
    call_timeout: float | None = DEFAULT_CALL_TIMEOUT,
    time_left: float | None = None,
) -> None:
    """Re-check a sample of the stored IDIs; record the flip rate and the confirmation rate
    (and a warning on a non-deterministic model) in the run's summary."""
    try:
        confirmation = confirm_findings(
            store.iter_batches(run_id),
            setup.test.schema,
            _deadlined(setup.model, call_timeout, time_left),
            generator(seed, 3),
            threshold=setup.test.threshold,
        )
    except BudgetExhausted:  # --max-time is spent: say so rather than overrun it
        confirmation = {"sampled": 0, "confirmed": 0, "confirmation_rate": None, "repeats": 0}
    record = store.get_run(run_id)
    summary = dict(record.summary)
    if not summary:
        return
    summary["determinism"] = {**check, "confirmation": confirmation}
    section = determinism_section(check, confirmation)
    summary["sections"] = [*summary.get("sections", []), section]
    metrics = dict(summary.get("metrics") or {})
    metrics["answers changed on a repeated call (%)"] = round(100 * check["flip_rate"], 2)
    if confirmation.get("confirmation_rate") is not None:
        rate = 100 * float(confirmation["confirmation_rate"])
        metrics["IDIs confirmed on re-check (%)"] = round(rate, 1)
    summary["metrics"] = metrics
    if not check["deterministic"]:
        warnings = list(summary.get("warnings", []))
        warnings.append(str(section["note"]))
        summary["warnings"] = warnings
        summary["headline"] = (
            f"{summary.get('headline', '')} (warning: the model is not deterministic; "
            f"{percent(check['flip_rate'])} of answers changed on a repeated call)"
        )
    store.checkpoint(run_id, summary=summary)


def _record_wall_clock(store: RunStore, run_id: str, seconds: float) -> None:
    """Rates per wall-clock second from the run's start (a resumed run adds its earlier
    sessions); the search phase's own rate stays, labelled as such."""
    record = store.get_run(run_id)
    summary = dict(record.summary)
    if not summary:
        return
    wall = float(summary.get("wall_seconds_before", 0.0)) + seconds
    search = summary.get("search") or {}
    idis = int(search.get("idis", 0))
    metrics = dict(summary.get("metrics") or {})
    rate = idis / wall if wall > 0 else 0.0
    search_rate = metrics.pop("IDIs per second", None)
    new_metrics: dict[str, Any] = {}
    for key, value in metrics.items():
        new_metrics[key] = value
        if key == "IDIs per 1,000 queries":
            new_metrics["IDIs per second (wall clock from the run's start)"] = round(rate)
            new_metrics["IDIs per second of the search phase only"] = search_rate
    new_metrics.setdefault("IDIs per second (wall clock from the run's start)", round(rate))
    new_metrics["wall-clock seconds"] = round(wall, 2)
    summary["metrics"] = new_metrics
    summary["wall_seconds"] = wall
    summary["idis_per_wall_second"] = rate
    headline = str(summary.get("headline", ""))
    if headline and " in " in headline and "wall-clock" not in headline:
        summary["headline"] = headline.replace(
            " queries ", f" queries and {wall:,.1f} s (wall clock) ", 1
        )
    store.checkpoint(run_id, summary=summary)


def _answer(
    setup: FairnessSetup,
    options: Any,
    store: RunStore,
    run_id: str,
    seed: int,
    call_timeout: float | None = DEFAULT_CALL_TIMEOUT,
    time_left: float | None = None,
) -> dict[str, Any] | None:
    """The verdict, direction, regions and exact figures, added to the stored summary.  Its
    model calls have deadlines (``call_timeout``; ``time_left`` of the run in all): when the
    time is spent, the answer is left out and the summary says why."""
    if not options.enabled or store.get_run(run_id).status == "failed":
        return None
    return _add_answer(
        store, run_id, _compute_answer(setup, options, seed, call_timeout, time_left)
    )


def build_exact_kernel() -> float:
    """Build the exact analysis's compiled refinement for tree ensembles ahead of its first
    use (numba, the extra ``assay[exact]``; 20-40 s of CPU once, then loaded from numba's
    cache), and the default search's compiled loops (``core.jit``).  A run whose time
    budget cannot take the building uses the vectorised refinement and says so.  Returns
    the seconds it took (0.0 without numba)."""
    from sklearn.ensemble import GradientBoostingClassifier

    from assay.fairness.exact import compose_read, kernel
    from assay.fairness.exact.domain import build_domain
    from assay.fairness.exact.ensemble import flatten, refine
    from assay.fairness.schema import Feature
    from assay.models import load_model
    from assay.models.trees import read_trees

    if not kernel.COMPILED:
        return 0.0
    t0 = time.monotonic()
    from assay.core import jit

    for loops in ("assay.core.hashkernel", "assay.fairness.search.walkkernel"):
        jit.compiled(loops)  # the default search's compiled loops too (``core.jit``)
    schema = Schema(
        (Feature("a", "integer", 0, 9), Feature("s", "integer", 0, 1)), protected=("s",)
    )
    rng = np.random.default_rng(0)
    x = rng.integers(0, 10, size=(200, 2)).astype(np.float64)
    x[:, 1] %= 2
    y = (x[:, 0] + 3 * x[:, 1] > 6).astype(np.int64)
    model = GradientBoostingClassifier(n_estimators=3, max_depth=2, random_state=0)
    arrays = read_trees(load_model(model.fit(x, y)))
    if isinstance(arrays, str):
        raise RuntimeError(f"building the exact kernel: {arrays}")
    trees = compose_read(schema, arrays)
    if isinstance(trees, str):
        raise RuntimeError(f"building the exact kernel: {trees}")
    flat = flatten(build_domain(schema, trees), trees, schema.index("s"))
    if isinstance(flat, str):
        raise RuntimeError(f"building the exact kernel: {flat}")
    for wide in (False, True):  # boxes in int16 and in int32
        refine(flat, deadline=float("inf"), max_steps=1, compiled=True, wide=wide)
    return time.monotonic() - t0


def _compute_answer(
    setup: FairnessSetup,
    options: Any,
    seed: int,
    call_timeout: float | None,
    time_left: float | None,
) -> dict[str, Any] | None:
    """The answer (not stored), or None when its deadline ran out."""
    from assay.fairness.answer import compute_answer

    arrays: Any = None
    if options.exact is not False:
        from assay.models.trees import read_trees

        arrays = read_trees(setup.raw_model)
    guarded = replace(setup, model=_deadlined(setup.model, call_timeout, time_left))
    try:
        return compute_answer(guarded, options, arrays, seed=seed)
    except BudgetExhausted:
        return None


def _add_answer(
    store: RunStore, run_id: str, result: dict[str, Any] | None
) -> dict[str, Any] | None:
    """Add a computed answer to the stored summary (or, None: say it was left out)."""
    from assay.fairness.answer import add_answer

    if result is not None:
        add_answer(store, run_id, result)
        return result
    summary = dict(store.get_run(run_id).summary)
    if summary:
        warnings = list(summary.get("warnings", []))
        warnings.append("the answer (verdict, direction, regions) was left out: --max-time ran out")
        summary["warnings"] = warnings
        store.checkpoint(run_id, summary=summary)
    return None


def _execute_units(setup: FairnessSetup, execution: dict[str, Any], **kwargs: Any) -> RunOutcome:
    from assay.execution.campaign import execute_campaign

    return execute_campaign(
        setup.test, setup.model, execution, merge=setup.test.merge_summaries, **kwargs
    )


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
        store=store.path,
        command=command,
        mitigation=mitigation,
        setup=setup,
    )


def setup_from_record(record: RunRecord, *, model: Any = None, **overrides: Any) -> FairnessSetup:
    """Rebuild a stored fairness run's setup from its configuration (or with another model)."""
    if record.technique != "fairness":
        raise UsageError(f"run {record.id} is a {record.technique} run", argument="RUN_ID")
    inv = dict(record.config.get("invocation", {}))
    stored = inv.pop("model", None)
    if isinstance(stored, str) and is_redacted(stored):
        if model is None:
            raise UsageError(
                f"run {record.id}'s model URL held credentials, which assay never stores; "
                f"give the URL again: assay resume {record.id} --model URL",
                argument="--model",
            )
        if isinstance(model, str) and redact_text(model) != stored:
            raise UsageError(
                f"{redact_text(model)} is not the run's model ({stored})", argument="--model"
            )
    spec = model if model is not None else stored
    if spec is None and inv.get("dataset") is None:
        raise UsageError(
            f"run {record.id} was made with an in-memory model; pass it again (model=...)",
            argument="RUN_ID",
        )
    inv.update(overrides)
    return setup_fairness(spec, **inv)


def resume_fairness(
    run_id: str,
    *,
    store: RunStore | str | os.PathLike[str] = DEFAULT_STORE,
    on_progress: Callable[[dict[str, Any]], None] | None = None,
    model: Any = None,
    overlap: bool = True,
) -> FairnessResult:
    """Continue a stopped or killed run from its last checkpoint, as its config describes."""
    the_store = store if isinstance(store, RunStore) else RunStore(store)
    record = the_store.get_run(run_id)
    if record.status in ("completed", "budget_exhausted"):
        raise UsageError(
            f"run {record.id} already ended ({record.status}); nothing to resume",
            argument="RUN_ID",
        )
    if record.technique != "fairness":
        raise UsageError(f"cannot resume a {record.technique} run", argument="RUN_ID")
    started = time.monotonic()
    the_setup = setup_from_record(record, model=model)
    budget = record.config.get("budget", {})
    before = float(record.progress.get("elapsed", 0.0) or 0.0)
    the_store.checkpoint(record.id, status="running")
    with (
        _failed_on_error(the_store, record.id),
        _serving_recorded(the_store, record.id, the_setup),
    ):
        outcome = _execute(
            the_setup,
            overlap,
            store=the_store,
            run_id=record.id,
            seed=record.seed,
            max_queries=budget.get("max_queries"),
            max_time=budget.get("max_time"),
            resume=True,
            on_progress=on_progress,
            execution=record.config.get("execution"),
            call_timeout=budget.get("call_timeout", DEFAULT_CALL_TIMEOUT),
        )
        stored = record.config.get("answer")
        if isinstance(stored, dict):
            from assay.fairness.answer import AnswerOptions
            from assay.fairness.verdict import FailRule, parse_fail_on

            rule = parse_fail_on(stored.get("fail_on"))
            options = AnswerOptions(
                exact=stored.get("exact"),
                exact_time=float(stored.get("exact_time", 60.0)),
                exact_tolerance=float(stored.get("exact_tolerance", 0.0)),
                favourable=stored.get("favourable"),
                fail_on=rule if isinstance(rule, FailRule) else None,
                samples=int(stored.get("samples", 20_000)),
                enabled=bool(stored.get("enabled", True)),
            )
            _answer(the_setup, options, the_store, record.id, record.seed)
        summary = dict(the_store.get_run(record.id).summary)
        summary["wall_seconds_before"] = before
        the_store.checkpoint(record.id, summary=summary)
        _record_wall_clock(the_store, record.id, time.monotonic() - started)
        mitigation = None
        if record.config.get("retrain"):
            from assay.fairness.retrain import retrain_model

            mitigation = retrain_model(
                the_setup,
                store=the_store,
                run_id=record.id,
                seed=record.seed,
                max_queries=budget.get("max_queries"),
            )
    return _result(the_store, outcome, record.seed, record.command, mitigation, the_setup)
