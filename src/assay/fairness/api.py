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
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from assay.core.calls import InlineCaller
from assay.core.model import Model
from assay.core.rng import fresh_seed
from assay.core.run import RunOutcome, execute
from assay.core.runinfo import rerun_command, versions
from assay.core.store import DEFAULT_STORE, RunRecord, RunStore, new_run_id
from assay.errors import UsageError
from assay.execution import default_caller
from assay.fairness.encoded import EncodedModel
from assay.fairness.schema import Schema
from assay.fairness.search import DEFAULT_STRATEGY
from assay.fairness.technique import FairnessTest

__all__ = [
    "FairnessResult",
    "FairnessSetup",
    "check_fairness",
    "resume_fairness",
    "setup_fairness",
    "setup_from_record",
]

DEFAULT_MAX_QUERIES = 200_000


@dataclass
class FairnessSetup:
    """Everything a fairness run needs, built and validated."""

    test: FairnessTest
    model: Model  # takes encoded rows
    raw_model: Model  # takes what the model takes
    invocation: dict[str, Any]
    estimator: Any | None = None  # a refittable scikit-learn estimator, when known
    train: tuple[np.ndarray, np.ndarray] | None = None  # encoded rows and labels
    holdout: tuple[np.ndarray, np.ndarray] | None = None


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

    @property
    def headline(self) -> str:
        return str(self.summary.get("headline", ""))


def _split_names(value: str | Sequence[str] | None) -> tuple[str, ...]:
    if value is None:
        return ()
    if isinstance(value, str):
        return tuple(v.strip() for v in value.split(",") if v.strip())
    return tuple(value)


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
) -> FairnessSetup:
    """Load the model, data and schema, and check that they fit together."""
    from assay.datasets import load_dataset
    from assay.fairness.tabular_io import check_data, infer_schema, load_schema, read_table
    from assay.models import load_model

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
    }
    names = _split_names(protected)
    estimator: Any = None
    train = holdout = None
    labels_raw: np.ndarray | None = None
    context_rows: np.ndarray | None = None
    label_names: tuple[str, ...] | None = None
    encoded: np.ndarray | None = None
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
        frame = data if hasattr(data, "columns") else read_table(data)
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
            loaded = load_schema(schema)
            the_schema = loaded if not names else loaded.with_protected(names)
        else:
            the_schema = infer_schema(frame, protected=names, target=label)
        encoded = check_data(the_schema, frame, source=src, ignore=[label] if label else [])
        source = {"data": src, "rows": len(encoded)}
    elif schema is not None:
        loaded = schema if isinstance(schema, Schema) else load_schema(schema)
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
        raw_model = load_model(
            model,
            model_type=model_type,
            allow_pickle=allow_pickle,
            trust=tuple(trust),
            output=output,
            probe=the_schema.decode(probe_rows),
        )
        inner = _innermost(raw_model)
        estimator = getattr(inner, "estimator", None)
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
        if train is None and estimator is not None:
            rng = np.random.default_rng(0)
            order = rng.permutation(len(encoded))
            cut = int(0.7 * len(order))
            train = (encoded[order[:cut]], labels[order[:cut]])
            holdout = (encoded[order[cut:]], labels[order[cut:]])
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
    **options: Any,
) -> FairnessResult:
    """Search ``model`` for individual discrimination; store and return what was found.

    ``options`` are those of ``setup_fairness`` (data, dataset, schema, protected, label,
    strategy, threshold, start, estimate, precision, model_type, allow_pickle, trust, output,
    optimize: "auto", "queries" or "time", what the default search spends sparingly).
    Without a budget the run stops after ``DEFAULT_MAX_QUERIES`` queries.  ``overlap``: call
    the model on a background thread while the search prepares its next round (on machines
    with two cores or more); the findings are the same either way.
    """
    the_setup = setup or setup_fairness(model, **options)
    seed = fresh_seed() if seed is None else int(seed)
    if max_queries is None and max_time is None:
        max_queries = DEFAULT_MAX_QUERIES
    the_store = store if isinstance(store, RunStore) else RunStore(store)
    run_id = new_run_id("fairness")
    command = rerun_command(argv, seed)
    config = the_setup.test.config()
    config["invocation"] = the_setup.invocation
    config["budget"] = {"max_queries": max_queries, "max_time": max_time}
    config["retrain"] = retrain
    the_store.create_run(
        run_id=run_id,
        technique="fairness",
        seed=seed,
        command=command,
        config=config,
        model=getattr(the_setup.raw_model, "spec_info", {}) or {"type": type(model).__name__},
        versions=versions(),
    )
    if on_start is not None:
        on_start(run_id, seed, command)
    outcome = _execute(
        the_setup,
        overlap,
        store=the_store,
        run_id=run_id,
        seed=seed,
        max_queries=max_queries,
        max_time=max_time,
        on_progress=on_progress,
    )
    mitigation = None
    if retrain:
        from assay.fairness.retrain import retrain_model

        mitigation = retrain_model(
            the_setup, store=the_store, run_id=run_id, seed=seed, out_dir=retrain_dir
        )
    return _result(the_store, outcome, seed, command, mitigation)


def _execute(setup: FairnessSetup, overlap: bool, **kwargs: Any) -> RunOutcome:
    caller = default_caller() if overlap else InlineCaller()
    try:
        return execute(setup.test, setup.model, caller=caller, **kwargs)
    finally:
        caller.close()


def _result(
    store: RunStore,
    outcome: RunOutcome,
    seed: int,
    command: str,
    mitigation: dict[str, Any] | None,
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
    )


def setup_from_record(record: RunRecord, *, model: Any = None, **overrides: Any) -> FairnessSetup:
    """Rebuild a stored fairness run's setup from its configuration (or with another model)."""
    if record.technique != "fairness":
        raise UsageError(f"run {record.id} is a {record.technique} run", argument="RUN_ID")
    inv = dict(record.config.get("invocation", {}))
    stored = inv.pop("model", None)
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
    the_setup = setup_from_record(record, model=model)
    budget = record.config.get("budget", {})
    the_store.checkpoint(record.id, status="running")
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
    )
    mitigation = None
    if record.config.get("retrain"):
        from assay.fairness.retrain import retrain_model

        mitigation = retrain_model(the_setup, store=the_store, run_id=record.id, seed=record.seed)
    return _result(the_store, outcome, record.seed, record.command, mitigation)
