"""``--retrain``: wire the fairness search and estimate into the mitigation rounds.

Generation uses the default search with a query cap per round; estimates sample uniformly
over the schema's space to a fixed precision.  Label flips only (no probability threshold),
since a refitted scikit-learn model is compared by its predicted labels.
"""

from __future__ import annotations

import contextlib
import json
import os
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np

from assay.core.budget import BudgetedModel
from assay.core.model import Model
from assay.core.paths import own_folder, run_file_name
from assay.core.rng import generator
from assay.core.stopping import asked_stop
from assay.core.store import RunStore
from assay.core.unfinished import finished
from assay.errors import BudgetExhausted, UsageError
from assay.fairness.estimate import Estimate, estimate_share
from assay.fairness.form import InputForm
from assay.fairness.mitigate import (
    MAX_ACCURACY_LOSS,
    check_max_accuracy_loss,
    mitigate,
    save_model_checked,
)
from assay.fairness.nothing_retrained import found_all_the_same
from assay.fairness.search import DEFAULT_STRATEGY, make_search

if TYPE_CHECKING:
    from assay.fairness.setup import FairnessSetup

__all__ = [
    "accuracy_bound",
    "added_rows_text",
    "check_retrainable",
    "refuse_unrefittable",
    "retrain_model",
    "retrains_after",
]

GENERATE_QUERIES = 400_000
ESTIMATE_QUERIES = 400_000
PRECISION = 0.002


# a run stopped by Ctrl-C or SIGTERM (a CI job's timeout) stops within about a second: its
# retraining (minutes of refits) waits for ``assay resume``, which retrains when it ends;
# a failed run or a served model that stopped answering retrains nothing
_NOT_RETRAINED = ("interrupted", "failed", "model_unavailable", "running")


def retrains_after(store: RunStore, run_id: str) -> bool:
    """Whether the run ended so that ``--retrain`` may follow it."""
    return store.get_run(run_id).status not in _NOT_RETRAINED


_ASKED_ONLY = (".onnx", ".pt", ".pth", ".pt2", ".torchscript")


def refuse_unrefittable(model: object) -> None:
    """Refuse ``--retrain`` for a model named by a URL or a file that is asked, never refit
    (ONNX, TorchScript), before it is loaded or asked anything."""
    if not isinstance(model, str | os.PathLike):
        return
    text = str(model)
    served = text.lower().startswith(("http://", "https://"))
    if served or text.lower().endswith(_ASKED_ONLY):
        what = "a served model" if served else f"a {Path(text).suffix} file"
        raise UsageError(
            f"--retrain refits a clone of the model on its training data, and {what} cannot "
            "be refit (it is asked, not refitted): give the scikit-learn model itself (skops, "
            "joblib or in memory)",
            argument="--retrain",
        )


def accuracy_bound(retrain: bool, max_accuracy_loss: float | None) -> float | None:
    """The bound ``--retrain``'s rounds keep to; refused without ``--retrain``."""
    if max_accuracy_loss is None:
        return MAX_ACCURACY_LOSS if retrain else None
    bound = check_max_accuracy_loss(max_accuracy_loss)
    if not retrain:
        raise UsageError(
            "bounds the accuracy --retrain's rounds may cost, and there is no --retrain: "
            "give --retrain too, or leave it out",
            argument="--max-accuracy-loss",
        )
    return bound


def check_retrainable(setup: FairnessSetup) -> None:
    """Raise ``UsageError`` (before any run starts) when the setup cannot be retrained."""
    cutoff = setup.invocation.get("cutoff")
    if cutoff is not None:  # (the refits are measured at their own class: another decision)
        raise UsageError(
            f"--retrain measures each refit by its own predicted class, and --cutoff {cutoff:g} "
            "decides the model's score elsewhere: its figures would be of another decision "
            "than the one tested; leave out one of them",
            argument="--retrain",
        )
    if setup.estimator is None:
        raise UsageError(
            "--retrain refits a clone of the model on its training data, and this model "
            "cannot be refit (an ONNX graph, a function, a served model, a TorchScript file "
            "are asked, not refitted): give the scikit-learn model itself (skops, joblib or "
            "in memory)",
            argument="--retrain",
        )
    missing = [
        name for name in ("fit", "get_params") if not callable(getattr(setup.estimator, name, None))
    ]
    if missing:
        raise UsageError(
            f"--retrain refits a clone of the model, and this {type(setup.estimator).__name__} "
            f"has no {' or '.join(missing)} (scikit-learn's estimator interface, which a clone "
            "needs): it cannot be refit; give an estimator that has them (a scikit-learn "
            "model, or a class deriving from sklearn.base.BaseEstimator)",
            argument="--retrain",
        )
    if setup.train is None or setup.holdout is None:
        raise UsageError(
            "--retrain refits the model on labelled rows, and none were given: the model "
            "cannot be refit without them; give the true labels (--data with --label "
            "COLUMN, or --dataset)",
            argument="--retrain",
        )
    schema = setup.test.schema
    binned = [
        n
        for n in schema.protected
        if schema.feature(n).kind == "categorical" and schema.feature(n).value_labels
    ]
    if binned:
        raise UsageError(
            f"--retrain refits the model on the data's rows, and {binned[0]!r} is tested by "
            "bins: its rows hold each bin's median, not the real values, so the refit model "
            f"would learn {binned[0]} from a few numbers; retrain without bins (an integer or "
            "categorical protected attribute), or test by bins without --retrain",
            argument="--retrain",
        )
    classes = sorted({str(v) for v in np.asarray(setup.train[1]).tolist()})
    if len(classes) < 2:
        label = setup.invocation.get("label")
        column = f"the label column {label!r}" if label else "the true labels"
        raise UsageError(
            f"--retrain refits the model on {column}, and its training rows hold one "
            f"class only ({', '.join(repr(c) for c in classes) or 'none'}): a classifier "
            "cannot be learnt from them; give rows of every class",
            argument="--retrain",
        )


def _refit_form(setup: FairnessSetup, X_train: np.ndarray) -> InputForm | None:
    """The form every refit and its measures give the model: the run's, as polars DataFrames
    where the run found the model needs them (a Pipeline fitted on polars whose first step
    calls polars' own API: given pandas, its refit failed).  A model to be tried as polars
    at its first call and not called yet (a resumed run's retraining) is called first on
    two training rows."""
    inner: Any = getattr(setup, "raw_model", None)  # (a setup made by hand: none)
    while hasattr(inner, "inner"):
        inner = inner.inner
    if getattr(inner, "polars_fallback", False) and not getattr(inner, "_answered", True):
        with contextlib.suppress(Exception):  # (failing both ways: the refit's failure says)
            inner.predict(setup.test.schema.decode(X_train[:2]))
    return None if setup.form is None else setup.form.of_model(inner)


def retrain_model(
    setup: FairnessSetup,
    *,
    store: RunStore,
    run_id: str,
    seed: int,
    out_dir: str | os.PathLike[str] | None = None,
    rounds: int = 3,
    per_round: int = 2000,
    policy: str = "majority",
    max_queries: int | None = None,
    max_accuracy_loss: float | None = MAX_ACCURACY_LOSS,
) -> dict[str, Any]:
    """Retrain the run's model; store the report in the run's summary; save the model.

    ``max_queries``: the run's query budget; each generation and each estimate spends at most
    that many (and at most ``GENERATE_QUERIES`` / ``ESTIMATE_QUERIES``).
    ``max_accuracy_loss``: points of held-out accuracy a kept round may lose (see
    ``mitigate``); when no round is kept, no model is written.
    """
    check_retrainable(setup)
    assert setup.estimator is not None and setup.train is not None and setup.holdout is not None
    schema = setup.test.schema
    data = setup.test.data
    gen_cap = GENERATE_QUERIES if max_queries is None else min(GENERATE_QUERIES, max_queries)
    est_cap = ESTIMATE_QUERIES if max_queries is None else min(ESTIMATE_QUERIES, max_queries)

    def generate(model: Model, n: int, rng: np.random.Generator) -> np.ndarray:
        budgeted = BudgetedModel(model, max_queries=gen_cap, heed=asked_stop())
        search = make_search(DEFAULT_STRATEGY, schema=schema, model=budgeted, rng=rng, data=data)
        rows: list[np.ndarray] = []
        found = 0
        try:
            while found < n and not search.done and not budgeted.exhausted():
                for batch in search.step():
                    gen = batch.columns["generated"].astype(np.int64)
                    rows.append(batch.inputs[np.arange(len(batch)), gen].astype(np.float64))
                    found += len(batch)
        except BudgetExhausted:
            pass
        if not rows:
            return np.zeros((0, len(schema)))
        return np.concatenate(rows)[:n]

    def estimate(model: Model, rng: np.random.Generator) -> Estimate:
        # over the data when there is some: the inputs the model will really see
        return estimate_share(
            schema,
            BudgetedModel(model, max_queries=est_cap, heed=asked_stop()),
            rng,
            distribution="data" if data is not None else "uniform",
            data=data,
            precision=PRECISION,
        )

    X_train, y_train = setup.train
    X_hold, y_hold = setup.holdout
    form = _refit_form(setup, X_train)
    report = mitigate(
        setup.estimator,
        schema=schema,
        X_train=X_train,
        y_train=y_train,
        X_holdout=X_hold,
        y_holdout=y_hold,
        generate=generate,
        estimate=estimate,
        rounds=rounds,
        per_round=per_round,
        policy=policy,
        rng=generator(seed, 1),
        form=form,
        max_accuracy_loss=max_accuracy_loss,
    )
    where = (
        Path(out_dir)
        if out_dir is not None
        else store.path.parent / "models" / run_file_name(run_id)
    )
    if out_dir is None and report.kept:  # (links planted beside a store: removed, not followed)
        own_folder(where.parent)
        own_folder(where)
    # absolute: the reports say where the model is wherever they are read (a CI artifact),
    # and `assay report` run from another folder finds it
    where = Path(os.path.abspath(where))
    # no round kept: the "retrained" model would be the original, unchanged; a file named
    # so would be deployed as a fix
    saved, unloadable = (
        save_model_checked(report.estimator, where / "retrained", schema=schema)
        if report.kept
        else ([], None)
    )
    rows_file = (
        _write_added(report.added, where / "retrained.added_rows.csv", setup, form)
        if saved and report.added is not None
        else None
    )
    section = report.section()
    run_before = store.get_run(run_id)  # (what the run found, said beside "Nothing to retrain")
    if not report.kept:
        refused = any(r.get("why") == "accuracy" for r in report.rounds)
        section["text"] = f"{section.get('text', '')} " + (
            "No retrained model was written."
            + found_all_the_same(run_before.n_findings, run_before.summary, gen_cap)
            if report.nothing_found
            else "No retrained model was written (the model is unchanged)."
            if refused
            else "No round lowered the share, so no retrained model was written (the model "
            "is unchanged)."
        )
    if unloadable:
        section["text"] = (
            f"{section.get('text', '')} NOTE: {saved[0].name} was written but cannot be loaded "
            f"back ({unloadable}): the model holds something skops saves by name only (a "
            "lambda, or a function or class defined in __main__ or a notebook); define it in a "
            "module the loading code imports, then run again."
        )
    result = report.to_json()
    result["saved"] = [str(p) for p in saved]
    result["added_rows_file"] = None if rows_file is None else str(rows_file)
    result["unloadable"] = unloadable
    if saved and not unloadable:
        manifest = json.loads(saved[-1].read_text())
        result["load"] = manifest["skops_load"]
        result["trusted"] = manifest["skops_trusted"]
    result["text"] = section.get("text", "")
    record = store.get_run(run_id)
    summary = finished(record.summary, "retrain")
    summary["mitigation"] = result
    sections = list(summary.get("sections", []))
    section = dict(section)
    why = _before_versus_headline(summary.get("estimates", []), report.before.estimate)
    result["before_versus_headline"] = why
    section["text"] = f"{section.get('text', '')} {why}".strip()
    if saved:
        section["note"] = "Retrained model saved to: " + ", ".join(str(p) for p in saved)
        if result.get("load"):  # (the HTML reader told how to load it, as the terminal's)
            section["note"] += (
                f". Load it in Python with: import skops.io; model = {result['load']} (a "
                "skops file: joblib and pickle cannot read it)"
            )
    if rows_file is not None:
        section["note"] = f"{section.get('note', '')}. {added_rows_text(result)}".lstrip(". ")
    sections.append(section)
    summary["sections"] = sections
    store.checkpoint(run_id, summary=summary)
    return result


def added_rows_text(mitigation: dict[str, Any]) -> str | None:
    """What the retraining wrote beside its model of the rows it added (None: nothing)."""
    path = mitigation.get("added_rows_file")
    if not path:
        return None
    return (
        f"The {mitigation.get('added_rows', 0):,} rows the retraining added to the training "
        f"rows (generated inputs, labelled by the {mitigation.get('policy', 'majority')} "
        f"policy), in your columns with their labels: "
        f"{path} (append them to your own rows to refit the model your way)"
    )


def _write_added(
    added: tuple[np.ndarray, np.ndarray], path: Path, setup: FairnessSetup, form: InputForm | None
) -> Path:
    """The rows the kept rounds added, as a CSV in the user's columns (the model's, in the
    dtypes it was fitted on) and a label column named as the data's (``label`` without one),
    written beside the retrained model."""
    import pandas as pd

    from assay.core.exports import write_table

    X, y = added
    schema = setup.test.schema
    form = form or InputForm.of(setup.estimator)
    decoded = schema.decode(X)
    frame = (
        InputForm(columns=form.columns, dtypes=form.dtypes).build(decoded)
        if form.columns is not None
        else pd.DataFrame(decoded, columns=list(schema.names))
    )
    label = str((getattr(setup, "invocation", None) or {}).get("label") or "label")
    while label in frame.columns:
        label += "_"
    frame = frame.reset_index(drop=True).assign(**{label: np.asarray(y)})
    return write_table(
        frame, path, argument="--retrain", written_as=getattr(setup, "written_as", None)
    )


def counted_beside(counted: Estimate, sampled: Estimate) -> str:
    """How a share counted over every data row relates to an estimate of a sample of them:
    the count is the figure; the sample's 95 % interval holds it or, as one such interval in
    20 may, misses it."""
    inside = sampled.low <= counted.share <= sampled.high
    return (
        f"The 'before' share ({counted.interval_text()}) counts every data row: it is the "
        f"figure; the run's estimate ({sampled.interval_text()}) is of a random sample of "
        f"{sampled.sampled:,} rows, "
        + (
            "and its 95 % interval holds the count."
            if inside
            else "and its 95 % interval misses the count, as one such interval in 20 may: "
            "the count stands."
        )
    )


def _before_versus_headline(estimates: list[dict[str, Any]], before: Estimate) -> str:
    """Why the 'before' share may differ from the run's own estimate."""
    text = (
        # (every data row counted is no "fresh random sample": report47, beside the text's
        # "every data row asked of before, after and control")
        "Before, after and the control count every data row (no sample, so no interval); "
        "the rounds to keep were chosen on samples of their own."
        if before.counted
        else "Before, after and the control are measured on one fresh random sample, "
        "independent of the samples that chose which rounds to keep, so the choice does not "
        "flatter them."
    )
    same = [e for e in estimates if e.get("distribution") == before.distribution]
    if not same:
        return text
    run = Estimate.from_json(same[0])
    if abs(run.share - before.share) < 1e-12:
        return text
    if before.counted and not run.counted:
        # every data row counted: the figure itself, no sample's, so no interval to overlap
        # (it said "because it comes from another random sample; the two intervals overlap"
        # of a count and an interval that may miss it: left47f)
        return f"{text} {counted_beside(before, run)}"
    overlap = run.low <= before.high and before.low <= run.high
    return (
        f"{text} The 'before' share ({before.interval_text()}) differs from the run's estimate "
        f"({run.interval_text()}) because it comes from another random sample"
        + (
            "; the two intervals overlap."
            if overlap
            else " (of another size and precision target); the intervals do not overlap, so "
            "treat both with care."
        )
    )
