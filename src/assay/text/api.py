"""The text technique's shell: build a text test from classifiers and a grammar, run it.

```python
import assay
result = assay.check_text(["builtin:vader", "builtin:textblob"], grammar="builtin:reviews",
                          max_queries=5_000, seed=1)
print(result.headline)
result.findings()        # a pandas DataFrame, one row per distinct minimal failing sentence
```
Like every technique's ``api.py``, this module may import ``models``, ``datasets`` and
``execution``; the rest of the package imports ``core`` only.
"""

from __future__ import annotations

import contextlib
import functools
import json
import os
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from assay.core.budget import check_budget, time_after_loading
from assay.core.calls import DEFAULT_CALL_TIMEOUT, InlineCaller
from assay.core.exports import check_export
from assay.core.integrity import check_fingerprints, file_fingerprint, model_fingerprint
from assay.core.keywords import check_keywords, in_callers_terms
from assay.core.model import Model
from assay.core.outcome import EndedRunMixin, check_fail_on
from assay.core.paths import absolute_spec
from assay.core.redact import specs_given_again
from assay.core.rng import fresh_seed
from assay.core.run import RunOutcome, execute
from assay.core.runinfo import launch_dir, record_wall_clock, rerun_command, versions
from assay.core.store import DEFAULT_STORE, RunStore, new_run_id
from assay.core.units import check_units_budget
from assay.core.witnesses import DEFAULT_KEEP, keep_option, parse_keep, pinned_keep
from assay.errors import UsageError
from assay.text.engine import thaw
from assay.text.generate import Draws, Sampler, tree_text
from assay.text.grammar import Grammar, load_grammar, parse_grammar
from assay.text.panel import Panel, build_layout, fold_label, load_label_map
from assay.text.pipeline import lanes_from
from assay.text.strategies import DEFAULT_STRATEGY
from assay.text.technique import TextTest

__all__ = [
    "BUILTIN_CLASSIFIERS",
    "TextResult",
    "TextSetup",
    "builtin_classifier",
    "check_export",
    "check_text",
    "export_findings",
    "findings_frame",
    "resume_text",
    "setup_text",
]

DEFAULT_MAX_QUERIES = 20_000
BUILTIN_CLASSIFIERS = {
    "vader": "VADER sentiment (vaderSentiment; lexicon in the wheel)",
    "textblob": "TextBlob pattern sentiment (lexicon in the wheel)",
    "tfidf": "TF-IDF + logistic regression trained on the shipped tweets",
    "tfidf-nonegation": "the same, but negation words are deleted before vectorising",
}


@functools.lru_cache(maxsize=8)
def builtin_classifier(name: str) -> Model:
    """A built-in classifier by name (trained at first use; never downloaded)."""
    from assay.text.classifiers import TextBlobModel, VaderModel, train_tfidf

    if name == "vader":
        return VaderModel()
    if name == "textblob":
        return TextBlobModel()
    if name in ("tfidf", "tfidf-nonegation"):
        from assay.datasets.tweets import load_tweets

        texts, labels = load_tweets()
        return train_tfidf(texts, labels, negation=name == "tfidf")
    raise UsageError(
        f"no built-in classifier {name!r}; choose one of {', '.join(BUILTIN_CLASSIFIERS)}",
        argument="MODEL",
    )


@dataclass
class TextSetup:
    test: TextTest
    model: Panel
    names: list[str]
    invocation: dict[str, Any]


@dataclass(repr=False)  # EndedRunMixin's: one line
class TextResult(EndedRunMixin):
    run_id: str
    seed: int
    status: str
    n_findings: int
    max_severity: float
    summary: dict[str, Any]
    progress: dict[str, Any]
    store: Path
    command: str
    extra: dict[str, Any] = field(default_factory=dict)

    def findings(self, limit: int | None = None) -> Any:
        """One row per distinct minimal failing sentence (a pandas DataFrame), the first
        ``limit`` (None: all)."""
        with self._stored() as store:
            return findings_frame(store, self.run_id, limit)

    def export(self, path: str | os.PathLike[str]) -> Path:
        """Write the failing sentences as CSV (``.csv``) or JSON lines (``.jsonl``)."""
        with RunStore(self.store) as store:
            return export_findings(store, self.run_id, path)


def _grammar_text(given: str) -> bool:
    """Whether ``grammar=`` is a grammar's text rather than a file's name: several lines, or
    one rule (``'S -> "yes" | "no"'``) that names no file."""
    if "\n" in given:
        return True
    return "->" in given and not given.startswith("builtin:") and not Path(given).exists()


def _name_of(spec: Any, i: int) -> str:
    if isinstance(spec, str):
        if spec.startswith("builtin:"):
            return spec.split(":", 1)[1]
        if "://" in spec:  # an endpoint: never its query, user or password (secrets)
            from urllib.parse import urlsplit

            parts = urlsplit(spec)
            base = parts.path.rstrip("/").rsplit("/", 1)[-1] or (parts.hostname or "")
            return base or f"model{i + 1}"
        base = spec.rstrip("/").rsplit("/", 1)[-1]
        return base or f"model{i + 1}"
    # an object (the API): a function by its name, an estimator by its class ('model2'
    # named nothing the user wrote)
    name = getattr(spec, "__name__", None) or type(spec).__name__
    if isinstance(name, str) and name.isidentifier() and name != "<lambda>":
        return name
    return f"model{i + 1}"


def _of_classifier(exc: UsageError, spec: Any, k: int, n: int) -> UsageError:
    """``exc`` naming the classifier it is about, when there are several."""
    if n < 2:
        return exc
    return UsageError(
        f"classifier {_name_of(spec, k)}: {exc.bare_message}",
        argument=exc.argument,
        path=exc.path,
        line=exc.line,
        column=exc.column,
    )


def _unique(names: list[str]) -> list[str]:
    seen: dict[str, int] = {}
    out = []
    for n in names:
        if names.count(n) > 1:
            seen[n] = seen.get(n, 0) + 1
            out.append(f"{n}#{seen[n]}")
        else:
            out.append(n)
    return out


def _identities(spec: Any, model: Model) -> set[tuple[Any, ...]]:
    """What makes a classifier the one it is: its built-in name, its object, its file's
    contents (a path, a symlink, a copy), a function's file and name, an endpoint."""
    from assay.models.callable import CallableModel

    out: set[tuple[Any, ...]] = set()
    inner = getattr(model, "inner", model)
    fn = inner.fn if isinstance(inner, CallableModel) else None
    for obj in (fn, None if isinstance(spec, str) else spec):
        if obj is not None:
            out.add(("object", id(obj)))
    if not isinstance(spec, str):
        return out
    if spec.startswith("builtin:") or "://" in spec:
        out.add(("spec", spec.rstrip("/")))
        return out
    fingerprint = model_fingerprint(getattr(model, "spec_info", {}) or {}, spec)
    if fingerprint is not None:
        name = spec.rpartition(":")[2] if ".py:" in spec else ""
        out.add(("file", fingerprint["sha256"], name))
    return out


def _refuse_the_same_twice(specs: list[Any], loaded: list[Model]) -> None:
    """A differential test of one classifier against itself can find nothing: refused."""
    seen: dict[tuple[Any, ...], int] = {}
    for k, (spec, m) in enumerate(zip(specs, loaded, strict=True)):
        for key in _identities(spec, m):
            j = seen.setdefault(key, k)
            if j == k:
                continue
            how = {
                "file": "files of identical contents",
                "object": "the same object",
                "spec": "the same name",
            }[str(key[0])]
            raise UsageError(
                f"classifiers {j + 1} and {k + 1} ({_name_of(specs[j], j)}, "
                f"{_name_of(spec, k)}) are the same classifier ({how}): a differential test "
                "compares different classifiers, and one compared with itself can never "
                "disagree. Give two different classifiers, or test one alone with --oracle "
                "invariance or --oracle directional",
                argument="MODEL",
            )


def _outputs_per_classifier(output: str | Sequence[str | None] | None, n: int) -> list[str | None]:
    """``output`` as one name (or None: the default) per classifier: one name for one
    classifier, else one per classifier in order (``-``: its default output)."""
    if output is None:
        return [None] * n
    given = [output] if isinstance(output, str) else list(output)
    if len(given) != n:
        raise UsageError(
            f"{len(given)} --output value{'s' if len(given) != 1 else ''} for {n} "
            f"classifier{'s' if n != 1 else ''}: give one per classifier, in order, with '-' "
            "for a classifier whose default output is read (an ONNX graph's probabilities, an "
            "endpoint's first output)",
            argument="--output",
        )
    out: list[str | None] = []
    for value in given:
        if value is not None and not isinstance(value, str):
            raise UsageError(
                f"an output is named by a string, not {type(value).__name__}", argument="--output"
            )
        name = None if value is None or value.strip() in ("", "-") else value.strip()
        out.append(name)
    return out


def _reads_named_outputs(model: Any) -> bool:
    """Whether ``model`` (through its wrappers) reads one of several named outputs: an ONNX
    graph, or an endpoint speaking the Open Inference Protocol."""
    from assay.models.onnx import OnnxModel

    seen = 0
    while model is not None and seen < 6:
        if isinstance(model, OnnxModel):
            return True
        codec = getattr(model, "codec", None)
        if codec is not None:
            return getattr(codec, "name", None) == "oip"
        fn_owner = getattr(getattr(model, "fn", None), "__self__", None)  # an endpoint's method
        model = getattr(model, "inner", None) or getattr(model, "model", None) or fn_owner
        seen += 1
    return False


def _no_named_outputs(spec: Any, name: str | None, model: Any = None) -> UsageError:
    kind = (getattr(model, "spec_info", None) or {}).get("type") if model is not None else None
    what = kind or ("a built-in classifier" if isinstance(spec, str) else type(spec).__name__)
    return UsageError(
        f"--output {name} names an output of an ONNX graph or of an Open Inference Protocol "
        f"endpoint (/v2/models/NAME); {_name_of(spec, 0)} ({what}) has no named outputs to "
        "choose from: give '-' for it",
        argument="--output",
    )


_LABEL_PROBE = 64  # sentences asked of a classifier answering labels by name, undeclared


def _labels_as_answered(loaded: list[Model], sampler: Sampler, *, alone: bool) -> list[Model]:
    """Each classifier that answers labels by name without declaring them (``"pos"``,
    ``{"label": "POSITIVE", ...}``) with its labels read off its answers to a few dozen
    sentences of the grammar, and (``alone`` False: no label map) the other classifiers'
    labels after its own, so that labels are compared as the strings they are."""
    from assay.models.callable import NamedLabelsModel, probe_call
    from assay.models.checked import CheckedModel

    def open_of(m: Model) -> NamedLabelsModel | None:
        inner = getattr(m, "inner", None)
        ok = isinstance(inner, NamedLabelsModel) and inner.from_answers
        return inner if ok else None

    if not any(open_of(m) for m in loaded):
        return loaded
    draws = Draws(__import__("numpy").random.default_rng(1))
    more = list(dict.fromkeys(tree_text(sampler.sentence_tree(draws)) for _ in range(_LABEL_PROBE)))
    own: list[tuple[str, ...]] = []
    for m in loaded:
        inner = open_of(m)
        if inner is None:
            own.append(tuple(m.capabilities.class_names or ()))
            continue
        info = inner.info  # a function's, or an endpoint's answering labels by name
        what = f"the function {info['callable']}" if "callable" in info else info.get("url")
        said = probe_call(inner.labels_answered, more, what=str(what))
        own.append(tuple(sorted(set(said) | set(inner.capabilities.class_names or ()))))
    out: list[Model] = []
    for k, m in enumerate(loaded):
        inner = open_of(m)
        if inner is None:
            out.append(m)
            continue
        names = list(own[k])
        if not alone:  # the others' labels it has not written (in any case) itself
            for x in (x for labels in own for x in labels):
                if fold_label(x) not in {fold_label(n) for n in names}:
                    names.append(x)
        wide = CheckedModel(inner.with_labels(tuple(names)), spec_info=getattr(m, "spec_info", {}))
        wide.spec_info["capabilities"] = wide.capabilities.to_json()
        out.append(wide)
    return out


def setup_text(
    models: Any,
    *,
    grammar: Grammar | str | os.PathLike[str] | None = None,
    oracle: str = "differential",
    label_map: str | os.PathLike[str] | dict[int, dict[str, str]] | None = None,
    strategy: str = DEFAULT_STRATEGY,
    mode: str = "top1",
    top_k: int = 2,
    threshold: float = 0.5,
    max_depth: int = 24,
    names: Sequence[str] | None = None,
    model_type: str | None = None,
    allow_pickle: bool = False,
    trust: Sequence[str] = (),
    batch: int = 256,
    shrink: bool = True,
    weighted: bool = True,
    serving: Any = None,
    lanes: int | None = None,
    output: str | Sequence[str | None] | None = None,
) -> TextSetup:
    """Load the classifiers and the grammar, align the labels, and check it all fits.

    ``grammar``: a file, ``builtin:NAME``, a ``Grammar`` or a grammar's text (a string of
    several lines).

    ``serving``: how to talk to served classifiers (``assay.models.http.ServingOptions`` or
    its JSON form): batch size, concurrency, timeout, retries, header variables.
    ``lanes``: walks of many walkers split into that many lanes taking turns, so that the
    classifiers answer one while the search works on the other (default 1, or
    ``$ASSAY_TEXT_LANES``; ``text.pipeline``): more of the time inside the classifiers,
    different (not worse by design, but measured worse on the tweets pair) findings.

    ``output``: the output to read of an ONNX graph or an Open Inference Protocol endpoint
    with several (default: an ONNX graph's probabilities, an endpoint's first): one name
    for one classifier, else one per classifier in order, ``None`` or ``"-"`` for a
    classifier's default (the CLI's ``--output``, repeated)."""
    from assay.models import load_model
    from assay.models.checked import CheckedModel
    from assay.models.http import ServingOptions

    serving_opts = (
        serving
        if isinstance(serving, ServingOptions) or serving is None
        else ServingOptions.from_json(serving)
    )

    specs = list(models) if isinstance(models, list | tuple) else [models]
    if not specs or any(s is None for s in specs):
        raise UsageError("give one or more classifiers (MODEL ...)", argument="MODEL")
    if grammar is None:
        raise UsageError(
            "give a grammar: --grammar FILE (or builtin:reviews)", argument="--grammar"
        )
    if isinstance(grammar, str) and _grammar_text(grammar):  # a grammar's text (a notebook's)
        grammar = parse_grammar(grammar, source="the grammar text")
    the_grammar = grammar if isinstance(grammar, Grammar) else load_grammar(grammar)
    sampler = Sampler(the_grammar, max_depth=max_depth)
    draws = Draws(__import__("numpy").random.default_rng(0))
    probe = [tree_text(sampler.sentence_tree(draws)) for _ in range(2)]
    chosen = _outputs_per_classifier(output, len(specs))
    loaded: list[Model] = []
    for k, spec in enumerate(specs):
        if chosen[k] is not None and (not isinstance(spec, str) or spec.startswith("builtin:")):
            raise _of_classifier(_no_named_outputs(spec, chosen[k]), spec, k, len(specs))
        if isinstance(spec, str) and spec.startswith("builtin:"):
            inner = builtin_classifier(spec.split(":", 1)[1])
            loaded.append(CheckedModel(inner, spec_info={"spec": spec, "type": "builtin"}))
            continue
        try:
            loaded.append(
                load_model(
                    spec,
                    model_type=model_type,
                    allow_pickle=allow_pickle,
                    trust=tuple(trust),
                    modality="text",
                    probe=probe,
                    serving=serving_opts,
                    output=chosen[k],
                )
            )
            if chosen[k] is not None and not _reads_named_outputs(loaded[-1]):
                raise _no_named_outputs(spec, chosen[k], loaded[-1])
        except UsageError as exc:  # of several classifiers: say which one
            raise _of_classifier(exc, spec, k, len(specs)) from None
    for k, (spec, m) in enumerate(zip(specs, loaded, strict=True)):
        caps = m.capabilities
        if caps.modality != "text":
            raise UsageError(
                f"{_name_of(spec, k)} is a {caps.modality} model; text "
                "testing needs text classifiers",
                argument="MODEL",
            )
        if not caps.class_names and caps.n_classes is None:
            fix = (
                "declare them beside the function, in order, as scikit-learn does: "
                "`FUNCTION.classes_ = ['neg', 'pos']`, or answer probabilities (one column "
                "per class)"
                if caps.outputs == "labels"
                else "answer probabilities, one column per class (for a score p of the "
                "second class: `np.column_stack([1 - p, p])`), and declare the classes "
                "beside the function: `FUNCTION.classes_ = ['neg', 'pos']`"
            )
            what = "class indices" if caps.outputs == "labels" else "one score per sentence"
            raise UsageError(
                f"classifier {_name_of(spec, k)} answers {what} without saying which classes "
                f"there are; {fix}",
                argument="MODEL",
            )
    if oracle == "differential":
        _refuse_the_same_twice(specs, loaded)
        ranked_not = [
            _name_of(spec, k)
            for k, (spec, m) in enumerate(zip(specs, loaded, strict=True))
            if m.capabilities.outputs == "labels"
        ]
        if mode == "topk" and ranked_not:
            verb = "answers" if len(ranked_not) == 1 else "answer"
            raise UsageError(
                f"--mode topk --top-k {top_k} compares each classifier's {top_k} most "
                f"likely labels, but {', '.join(ranked_not)} {verb} one "
                "label per sentence, not a ranking: its other labels would be ranked by "
                "their order alone. Use --mode top1, or classifiers answering probabilities",
                argument="--mode",
            )
    loaded = _labels_as_answered(loaded, sampler, alone=label_map is not None)
    the_names = (
        list(names) if names is not None else _unique([_name_of(s, i) for i, s in enumerate(specs)])
    )
    if len(the_names) != len(loaded):
        raise UsageError(f"{len(the_names)} names for {len(loaded)} classifiers", argument="names")
    # a classifier's name heads its columns of the findings and its line in the label map:
    # two of one name would merge their columns, a blank one would print as nothing
    blank = [i for i, n in enumerate(the_names) if not str(n).strip()]
    if blank:
        raise UsageError(f"the name of classifier {blank[0] + 1} is blank", argument="names")
    twice = sorted({str(n) for n in the_names if list(map(str, the_names)).count(str(n)) > 1})
    if twice:
        raise UsageError(
            f"two classifiers are named {twice[0]!r}; each needs its own name", argument="names"
        )
    mapping: dict[int, dict[str, str]] | None
    if label_map is None or isinstance(label_map, dict):
        mapping = label_map
    else:
        mapping = load_label_map(label_map, loaded, the_names)
    layout = build_layout(loaded, the_names, mapping, differential=oracle == "differential")
    test = TextTest(
        grammar=the_grammar,
        layout=layout,
        oracle=oracle,
        mode=mode,
        top_k=top_k,
        threshold=threshold,
        strategy=strategy,
        max_depth=max_depth,
        batch=batch,
        shrink=shrink,
        weighted=weighted,
        lanes=lanes_from(lanes),
        source={"models": [s if isinstance(s, str) else None for s in specs]},
    ).validate()
    invocation: dict[str, Any] = {
        # paths as absolute: a resume may run in another directory
        "models": [absolute_spec(s) if isinstance(s, str) else None for s in specs],
        "grammar": absolute_spec(grammar) if isinstance(grammar, str | os.PathLike) else None,
        "oracle": oracle,
        "label_map": mapping,
        "strategy": strategy,
        "mode": mode,
        "top_k": top_k,
        "threshold": threshold,
        "max_depth": max_depth,
        "names": the_names,
        "model_type": model_type,
        "allow_pickle": allow_pickle,
        "trust": list(trust),
        "batch": batch,
        "shrink": shrink,
        "weighted": weighted,
        "lanes": test.lanes,
    }
    if any(o is not None for o in chosen):
        invocation["output"] = chosen
    if serving_opts is not None:
        invocation["serving"] = serving_opts.to_json()  # header variable names, never values
    return TextSetup(
        test=test, model=Panel(loaded, the_names, layout), names=the_names, invocation=invocation
    )


@in_callers_terms(setup_text)
def check_text(
    models: Any = None,
    *,
    max_queries: int | None = None,
    max_time: float | None = None,
    call_timeout: float | None = DEFAULT_CALL_TIMEOUT,
    seed: int | None = None,
    store: RunStore | str | os.PathLike[str] = DEFAULT_STORE,
    on_progress: Callable[[dict[str, Any]], None] | None = None,
    argv: Sequence[str] | None = None,
    setup: TextSetup | None = None,
    on_start: Callable[[str, int, str], None] | None = None,
    executor: str = "inprocess",
    workers: int | None = None,
    scheduler: str | None = None,
    units: int | None = None,
    started: float | None = None,
    fail_on: float = 0.0,
    keep_findings: int | str | None = DEFAULT_KEEP,
    determinism_check: bool = True,
    **options: Any,
) -> TextResult:
    """Test text classifiers with sentences from a grammar; store and return what was found.

    ``options`` are those of ``setup_text`` (grammar, oracle, label_map, strategy, mode,
    top_k, threshold, max_depth, names, ...).  Without a budget the run stops after
    ``DEFAULT_MAX_QUERIES`` queries.  A query is one sentence sent to every classifier.

    ``units`` splits the search into that many independent searches (each with its own
    seed spawned from ``seed`` and its share of the query budget; ``text.units``);
    ``executor="dask"`` runs them on a Dask cluster (``scheduler="tcp://host:8786"``) or a
    local one of ``workers`` processes (8 units unless told).  A seeded run gives the same
    findings for the same ``units`` whatever the executor and the number of workers.
    Without ``units`` and with the in-process executor, the run is one search (the default).

    ``started``: the ``time.monotonic()`` at which the caller began loading ``setup``: loading
    is part of the run (``max_time`` bounds it, the rates count it).  ``call_timeout``: seconds
    one model call may take (then the model is taken to be hung: ``ModelError``, exit 3).

    ``fail_on``: the severity from which a finding fails the run (the CLI's ``--fail-on``),
    kept with the run so that ``assay resume`` and ``assay report`` judge it the same way.

    ``keep_findings``: the witnesses (distinct minimal failing sentences) kept in the store,
    ``"all"`` or a number (default 100,000: the first half of them, then a seeded random
    sample, plus the most severe); every finding is counted.

    ``determinism_check``: ask sentences of the grammar twice before the search and the
    first minimal failing sentences again after it (``text.recheck``), within the query
    budget (at most a tenth of ``max_queries``, 128 queries from 1,280 on; the search gets
    the rest).  ``False`` (the CLI's ``--no-determinism-check``): neither, and the search has
    the whole budget.
    """
    from assay.execution.campaign import execution_config

    started = time.monotonic() if started is None else float(started)
    # a bad budget or seed is a usage error before anything is loaded or a run exists
    check_budget(max_queries=max_queries, max_time=max_time, call_timeout=call_timeout, seed=seed)
    fail_on = check_fail_on(fail_on)
    keep = parse_keep(keep_findings)
    execution = execution_config(executor, workers, scheduler, units)
    check_units_budget(execution.get("units"), max_queries)  # every unit gets a query
    if setup is None:  # a misspelt option named in the caller's terms
        check_keywords("check_text", options, (check_text, setup_text))
    the_setup = setup or setup_text(models, **options)
    engine_time = time_after_loading(max_time, started)  # before the run exists
    seed = fresh_seed() if seed is None else int(seed)
    if max_queries is None and max_time is None:
        max_queries = DEFAULT_MAX_QUERIES
    the_store = store if isinstance(store, RunStore) else RunStore(store)
    run_id = new_run_id("text")
    shown = {
        "max_queries": max_queries,
        "max_time": max_time,
        **options,
        "fail_on": fail_on or None,
        "units": units,
        "keep_findings": None if keep == DEFAULT_KEEP else keep_option(keep),
        "determinism_check": None if determinism_check else False,
        "store": store,
    }
    command = pinned_keep(rerun_command(argv, seed, ("check_text", models, shown)), argv, keep)
    config = the_setup.test.config()
    config["invocation"] = the_setup.invocation
    config["cwd"] = launch_dir(argv)  # the rerun command's relative paths are its
    config["budget"] = {
        "max_queries": max_queries,
        "max_time": max_time,
        "call_timeout": call_timeout,
    }
    config["fingerprints"] = text_fingerprints(the_setup)
    config["execution"] = execution
    config["fail_on"] = fail_on
    config["keep_findings"] = keep_option(keep)
    config["determinism_check"] = bool(determinism_check)
    the_store.create_run(
        run_id=run_id,
        technique="text",
        seed=seed,
        command=command,
        config=config,
        model={"classifiers": [getattr(m, "spec_info", {}) for m in the_setup.model.models]},
        versions=versions(),
        keep_findings=keep,
    )
    if on_start is not None:
        on_start(run_id, seed, command)
    outcome = _execute(
        the_setup,
        execution,
        checks=bool(determinism_check),
        store=the_store,
        run_id=run_id,
        seed=seed,
        max_queries=max_queries,
        max_time=engine_time,
        call_timeout=call_timeout,
        on_progress=on_progress,
    )
    _record_wall_clock(the_store, outcome, time.monotonic() - started)
    return _result(the_store, outcome, seed, command)


def _record_wall_clock(store: RunStore, outcome: RunOutcome, seconds: float) -> None:
    """Errors per wall-clock second from the run's start (loading included)."""
    record_wall_clock(
        store,
        outcome.run_id,
        seconds,
        counted="errors found (distinct failing sentences)",
        rate="errors per second",
    )


def text_fingerprints(setup: TextSetup) -> dict[str, Any]:
    """What a resume checks did not change (``core.integrity``): the grammar file's and each
    classifier file's contents (.skops, .onnx, a callable's .py file).  Built-in grammars
    are files of the package; built-in classifiers and endpoints have no file."""
    from assay.text.builtin_grammars import builtin_grammar_path

    prints: dict[str, Any] = {}
    spec = setup.invocation.get("grammar")
    if isinstance(spec, str):
        path = (
            builtin_grammar_path(spec.split(":", 1)[1])
            if spec.startswith("builtin:")
            else Path(spec)
        )
        if path.is_file():
            prints["grammar"] = file_fingerprint(path)
    specs = setup.invocation.get("models") or []
    for k, (model, name) in enumerate(zip(setup.model.models, setup.names, strict=True)):
        spec_k = specs[k] if k < len(specs) else None
        got = model_fingerprint(getattr(model, "spec_info", {}) or {}, spec_k)
        if got is not None:
            prints[f"classifier {k + 1} ({name})"] = got
    return prints


def _execute(
    setup: TextSetup,
    execution: dict[str, Any] | None,
    *,
    checks: bool = True,
    counted: bool = True,
    **kwargs: Any,
) -> RunOutcome:
    """The search, and the determinism checks around it (``checks``, and not
    ``$ASSAY_TEXT_RECHECK=0``), which count within the query budget: the search gets what
    they leave (``text.recheck.plan``), the same in every session of a run (``counted``
    False: a run stored before they counted, whose search has the whole budget)."""
    from assay.models.serving import (
        close_served,
        fail_unavailable,
        record_served,
        stopped_answering,
    )
    from assay.text.recheck import plan

    checking = checks and _checking()
    the_plan = plan(
        kwargs.get("max_queries") if counted else None, units=(execution or {}).get("units")
    )
    if checking and counted:
        kwargs["max_queries"] = the_plan.search_budget()
    probed: dict[str, Any] = {}  # the determinism probe's answer (``_probe``)
    try:
        if not (execution or {}).get("units"):
            outcome = _execute_one(setup, probed, checking, the_plan, **kwargs)
        else:
            outcome = _execute_units(setup, execution or {}, probed, checking, the_plan, **kwargs)
        thaw()  # what the search froze between its rounds is collected as usual again
        # whether a served classifier stopped answering is judged on the run's own requests,
        # before the re-check's (which must never make the ended run a model failure)
        why = stopped_answering(setup.model.models)
        if why is None and checking:
            # a stopped session leaves the re-check to the one that ends the run
            asked = int(outcome.progress.get("queries") or 0)
            limit = the_plan.recheck_limit(asked) if outcome.status != "interrupted" else None
            _recheck(setup, probed.get("probe"), limit, the_plan, **kwargs)
        elif why is None:
            _record_off(kwargs["store"], kwargs["run_id"], checks)
    finally:  # served classifiers' request counters go with the run, however it ended
        thaw()
        record_served(kwargs["store"], kwargs["run_id"], setup.model.models)
        close_served(setup.model.models)
    # a served classifier that stopped answering ended the run: exit 3, never a pass
    fail_unavailable(kwargs["store"], kwargs["run_id"], why)
    return outcome


def _checking() -> bool:
    """Whether the determinism checks may be made (``ASSAY_TEXT_RECHECK=0``: not, for tests
    that count every sentence the search asks; users turn them off with
    ``--no-determinism-check``, ``determinism_check=False``)."""
    return os.environ.get("ASSAY_TEXT_RECHECK", "1") != "0"


def _record_off(store: RunStore, run_id: str, checks: bool) -> None:
    from assay.errors import AssayError
    from assay.text.recheck import record_off

    why = (
        "turned off (--no-determinism-check)" if not checks else "turned off (ASSAY_TEXT_RECHECK=0)"
    )
    with contextlib.suppress(AssayError):
        record_off(store, run_id, why)


def _probe(
    setup: TextSetup,
    model: Any,
    probed: dict[str, Any],
    checking: bool,
    the_plan: Any,
    kwargs: dict[str, Any],
) -> None:
    """``the_plan.probe`` sentences of the grammar (drawn from the run's seed, apart from the
    search's draws) asked twice of ``model`` (the classifiers where the search asks them: a
    forked worker's crash stays there) before the search (``text.recheck.probe``), into
    ``probed``: two calls within the query budget's share kept for them, of at most 5 s (and
    a twentieth of the time left) under a time budget, whose time is the run's
    (``kwargs["max_time"]`` less it).  Under a query budget only the run's first session
    asks them (its queries were kept once), and its answer is kept with the run
    (``config["budget"]["determinism_probe"]``) for the sessions that resume it; without
    one, every session makes its own (a resumed run's classifiers may be others)."""
    from assay.core.rng import generator
    from assay.text.recheck import probe

    if not checking:
        return
    if the_plan.budget is not None and kwargs.get("resume"):
        stored = kwargs["store"].get_run(kwargs["run_id"]).config.get("budget") or {}
        made = stored.get("determinism_probe")  # the first session's, kept with the run
        probed["probe"] = (
            dict(made)
            if isinstance(made, dict)
            else _not_probed(
                "the run was resumed: its first session made it, within the query budget "
                "(a resumed session asks no more)"
            )
        )
        return
    if the_plan.probe <= 0:
        probed["probe"] = _not_probed(
            f"the query budget ({the_plan.budget:,}) is too small to keep queries for it (at "
            "least 40 are needed)"
        )
        return
    started = time.monotonic()
    test = setup.test
    sampler = Sampler(test.grammar, max_depth=test.max_depth, weighted=test.weighted)
    draws = Draws(generator(int(kwargs["seed"]), 7))
    sentences = [tree_text(sampler.sentence_tree(draws)) for _ in range(the_plan.probe)]
    layout = setup.model.layout
    left = kwargs.get("max_time")
    probed["probe"] = probe(
        model,
        sentences,
        list(layout.names),
        [len(labels) for labels in layout.labels],
        call_timeout=kwargs.get("call_timeout"),
        max_time=None if left is None else max(min(5.0, 0.05 * left), 0.2),
    )
    if the_plan.budget is not None:  # a resumed session reports it, and asks no more
        with contextlib.suppress(Exception):  # (the run's own outcome matters more)
            kwargs["store"].set_budget(kwargs["run_id"], determinism_probe=probed["probe"])
    if left is not None:
        kwargs["max_time"] = max(left - (time.monotonic() - started), 0.1)


def _not_probed(why: str) -> dict[str, Any]:
    """The start's check, not made (``why``)."""
    return {
        "sentences": 0,
        "changed": 0,
        "classifiers": [],
        "queries": 0,
        "calls": 0,
        "skipped": why,
    }


def _recheck(
    setup: TextSetup,
    probed: dict[str, Any] | None,
    limit: int | None,
    the_plan: Any,
    **kwargs: Any,
) -> None:
    """At most ``limit`` (None: none, the start's probe alone is recorded) of the run's
    minimal failing sentences asked again
    (``text.recheck``): one call, of at most 5 s under a time budget, within the run's call
    timeout; recorded in the summary with the start's probe (``probed``) and what both
    cost.  A failure there is noted in the summary and leaves the run as it ended (a served
    classifier's too: ``_execute`` judged whether it stopped answering before)."""
    from assay.errors import AssayError
    from assay.text.recheck import record_recheck

    with contextlib.suppress(AssayError):
        record_recheck(
            kwargs["store"],
            kwargs["run_id"],
            None if limit is None else setup.model,
            call_timeout=kwargs.get("call_timeout"),
            max_time=None if kwargs.get("max_time") is None else 5.0,
            probed=probed,
            limit=limit or 0,
            budget=the_plan.budget,
        )


def _execute_one(
    setup: TextSetup, probed: dict[str, Any], checking: bool, the_plan: Any, **kwargs: Any
) -> RunOutcome:
    """One search, its classifiers answering in a worker process, a thread or inline
    (``pipeline.worker_mode``: ``$ASSAY_TEXT_WORKER``); the same findings in every mode."""
    from assay.execution import ThreadCaller
    from assay.models.serving import served_model
    from assay.text.pipeline import PanelWorker, worker_mode

    served = any(served_model(m) is not None for m in setup.model.models)
    mode, why = worker_mode(served=served)
    model: Any = setup.model
    worker: PanelWorker | None = None
    caller: Any = InlineCaller()
    if mode == "process":
        worker = model = PanelWorker(setup.model)
        caller = ThreadCaller(native_threads=0)  # the classifiers' native pools: the worker's
    elif mode == "thread":
        caller = ThreadCaller()
    try:
        _probe(setup, model, probed, checking, the_plan, kwargs)
        return execute(setup.test, model, caller=caller, **kwargs)
    finally:
        if worker is not None:  # first: a call still out (hung) ends with the worker
            worker.close()
        caller.close()
        _record_worker(kwargs["store"], kwargs["run_id"], mode, why)


def _record_worker(store: RunStore, run_id: str, mode: str, why: str) -> None:
    """Where the classifiers answered, in the run's summary (its report)."""
    with contextlib.suppress(Exception):  # the run's own outcome matters more
        record = store.get_run(run_id)
        if record.summary:
            summary = dict(record.summary)
            summary["classifiers answered in"] = {"mode": mode, "why": why}
            store.checkpoint(run_id, summary=summary)


def _execute_units(
    setup: TextSetup,
    execution: dict[str, Any],
    probed: dict[str, Any],
    checking: bool,
    the_plan: Any,
    **kwargs: Any,
) -> RunOutcome:
    from assay.execution.campaign import execute_campaign

    _probe(setup, setup.model, probed, checking, the_plan, kwargs)

    outcome = execute_campaign(
        setup.test, setup.model, execution, merge=setup.test.merge_summaries, **kwargs
    )
    # the merged rate is per second of the units' own time: make it per wall-clock second
    metrics = outcome.summary.get("metrics")
    elapsed = float(outcome.progress.get("elapsed") or 0.0)
    if isinstance(metrics, dict) and elapsed > 0 and not kwargs.get("resume"):
        metrics["errors per second"] = round(
            float(metrics.get("errors found (distinct failing sentences)") or 0) / elapsed, 6
        )
        kwargs["store"].checkpoint(outcome.run_id, summary=outcome.summary)
    return outcome


def _result(store: RunStore, outcome: RunOutcome, seed: int, command: str) -> TextResult:
    record = store.get_run(outcome.run_id)
    return TextResult(
        run_id=outcome.run_id,
        seed=seed,
        status=outcome.status,
        n_findings=outcome.n_findings,
        max_severity=outcome.max_severity,
        summary=record.summary,
        progress=outcome.progress,
        store=store.path.absolute(),  # (a notebook may chdir later)
        command=command,
    )


def setup_from_record(record: Any, *, model: Any = None, allow_pickle: bool = False) -> TextSetup:
    """Rebuild a stored text run's setup (grammar, oracle, classifiers) from its record;
    ``model``: classifiers in place of the stored ones (URLs given again, as for resume, or
    the classifiers themselves); ``allow_pickle``: this caller's consent (the stored run's is
    never reused)."""
    from assay.text.grammar import parse_grammar

    if record.technique != "text":
        raise UsageError(f"run {record.id} is a {record.technique} run", argument="RUN_ID")
    inv = dict(record.config.get("invocation", {}))
    stored = inv.get("models")
    # a URL's credentials were never stored: given again (--model URL) in its place
    specs = specs_given_again(stored, model, run_id=record.id) if stored else model
    if specs is None or any(s is None for s in specs):
        raise UsageError(
            f"run {record.id} was made with in-memory classifiers; pass them again (model=[...])",
            argument="RUN_ID",
        )
    # the grammar's text is stored once, in the test's config (runs stored before this kept a
    # copy in the invocation too)
    text = inv.pop("grammar_text", None) or record.config.get("grammar", {}).get("text")
    if not isinstance(text, str):
        raise UsageError(
            f"run {record.id} has no grammar stored; it cannot resume", argument="RUN_ID"
        )
    grammar = parse_grammar(text, source=inv.get("grammar") or "<grammar>")
    label_map = inv.get("label_map")
    if isinstance(label_map, dict):
        label_map = {int(k): v for k, v in label_map.items()}
    return setup_text(
        specs,
        grammar=grammar,
        oracle=inv["oracle"],
        label_map=label_map,
        strategy=inv["strategy"],
        mode=inv["mode"],
        top_k=inv["top_k"],
        threshold=inv["threshold"],
        max_depth=inv["max_depth"],
        names=inv["names"],
        model_type=inv.get("model_type"),
        allow_pickle=allow_pickle,
        trust=inv.get("trust", []),
        batch=inv.get("batch", 256),
        shrink=inv.get("shrink", True),
        weighted=inv.get("weighted", True),
        serving=inv.get("serving"),
        lanes=inv.get("lanes", 1),
        output=inv.get("output"),
    )


def resume_text(
    run_id: str,
    *,
    store: RunStore | str | os.PathLike[str] = DEFAULT_STORE,
    on_progress: Callable[[dict[str, Any]], None] | None = None,
    model: Any = None,
    overlap: bool = True,
    allow_pickle: bool = False,
) -> TextResult:
    """Continue a stopped or killed text run from its last checkpoint (a classifier that is
    a pickle only with ``allow_pickle``: the stored run's consent is never reused)."""
    del overlap  # text runs call the classifiers inline
    the_store = store if isinstance(store, RunStore) else RunStore(store)
    record = the_store.get_run(run_id)
    if record.status in ("completed", "budget_exhausted"):
        raise UsageError(
            f"run {record.id} already ended ({record.status}); nothing to resume", argument="RUN_ID"
        )
    if record.technique != "text":
        raise UsageError(f"run {record.id} is a {record.technique} run", argument="RUN_ID")
    # a changed grammar or classifier file would mix two searches' findings: refuse
    check_fingerprints(record.config.get("fingerprints"), run_id=record.id)
    the_setup = setup_from_record(record, model=model, allow_pickle=allow_pickle)
    budget = record.config.get("budget", {})
    the_store.checkpoint(record.id, status="running")
    outcome = _execute(
        the_setup,
        record.config.get("execution"),
        checks=bool(record.config.get("determinism_check", True)),
        # a run stored before the checks counted within the budget resumes as it began
        counted="determinism_check" in record.config,
        store=the_store,
        run_id=record.id,
        seed=record.seed,
        max_queries=budget.get("max_queries"),
        max_time=budget.get("max_time"),
        call_timeout=budget.get("call_timeout", DEFAULT_CALL_TIMEOUT),
        resume=True,
        on_progress=on_progress,
    )
    # the engine's time of every session (kept across a kill; this session's loading is
    # not counted): the same figures as a run that was never stopped
    _record_wall_clock(the_store, outcome, float(outcome.progress.get("elapsed") or 0))
    return _result(the_store, outcome, record.seed, record.command)


def findings_frame(store: RunStore, run_id: str, limit: int | None = None) -> Any:
    """The run's findings as a DataFrame: minimal sentence, sentence found, margin, labels
    (a list, one per classifier, as in the JSON exports), and each classifier's
    probabilities for the minimal sentence (the first ``limit``)."""
    import numpy as np
    import pandas as pd

    from assay.core.labels import split_labels

    rows: list[dict[str, Any]] = []
    record = store.get_run(run_id)
    for batch in store.iter_batches(record.id):
        cols = batch.details.get("columns", [])
        for i in range(len(batch)):
            row: dict[str, Any] = {
                "kind": batch.kind,
                "minimal": str(batch.inputs[i][0]),
                "sentence": str(batch.inputs[i][1]),
                "variant": str(batch.columns["variant"][i]) if "variant" in batch.columns else "",
                "severity": float(batch.severity[i]),
                "margin": float(batch.columns["margin"][i]) if "margin" in batch.columns else None,
                "labels": split_labels(str(batch.columns["labels"][i]))
                if "labels" in batch.columns
                else [],
                "minimal_words": int(batch.columns["minimal_words"][i])
                if "minimal_words" in batch.columns
                else None,
            }
            for j, name in enumerate(cols):
                row[name] = float(np.asarray(batch.outputs)[i, 0, j])
            rows.append(row)
            if limit is not None and len(rows) >= limit:
                break
        if limit is not None and len(rows) >= limit:
            break
    if not rows:  # the columns of a run that found something: code written for one works
        layout = (record.config or {}).get("layout") or {}
        scores = [
            f"{n}: {lab}"
            for n, labs in zip(layout.get("names", []), layout.get("labels", []), strict=False)
            for lab in labs
        ]
        return pd.DataFrame(columns=[*_FINDING_COLUMNS, *scores])
    frame = pd.DataFrame(rows)
    # object: whole numbers, and None (empty in CSV, null in JSON lines) where unknown
    found = _times_found(record.summary or {}, frame)
    frame.insert(1, "times_found", pd.Series(found, dtype=object, index=frame.index))
    return frame


# a findings frame's columns before the classifiers' scores ("NAME: LABEL")
_FINDING_COLUMNS = (
    "kind",
    "times_found",
    "minimal",
    "sentence",
    "variant",
    "severity",
    "margin",
    "labels",
    "minimal_words",
)


def _times_found(summary: dict[str, Any], frame: Any) -> list[int | None]:
    """How often each minimal sentence was reached, from the summary's ranked list (the
    most found first, capped): one beyond the list is known only when the list's last count
    is 1; else ``None`` (it read 1, a count nobody measured)."""
    text = summary.get("text") or {}
    ranked = text.get("minimal") or []
    counts = {(r["sentence"], r.get("variant", "")): int(r["count"]) for r in ranked}
    whole = len(ranked) >= int(text.get("distinct_minimal") or 0)
    floor = min(counts.values(), default=1)
    beyond = 1 if whole or floor <= 1 else None
    return [
        counts.get((m, v), beyond) for m, v in zip(frame["minimal"], frame["variant"], strict=True)
    ]


def export_findings(store: RunStore, run_id: str, path: str | os.PathLike[str]) -> Path:
    """Write the failing sentences for labelling or retraining: CSV or JSON lines.  In JSON
    (``.jsonl``, ``.json``, as in ``findings()``) ``labels`` is a list, one label per
    classifier; in CSV one string, the labels joined by "; " (``core.labels``: a label
    holding ";" or a quote is written quoted, so that ``split_labels`` reads them back)."""
    from assay.core.labels import join_labels

    frame = findings_frame(store, run_id)
    p = Path(path)
    try:
        p.parent.mkdir(parents=True, exist_ok=True)
        if p.suffix.lower() in (".jsonl", ".json"):
            records = frame.to_dict(orient="records")
            for rec in records:
                rec["labels"] = list(rec.get("labels") or [])
        if p.suffix.lower() == ".jsonl":
            with p.open("w", encoding="utf-8") as fh:
                for rec in records:
                    fh.write(json.dumps(rec, ensure_ascii=False) + "\n")
        elif p.suffix.lower() == ".json":  # one JSON document (json.load reads it)
            p.write_text(json.dumps(records, ensure_ascii=False, indent=1) + "\n", "utf-8")
        elif p.suffix.lower() == ".csv":  # a cell holds one string: the labels joined
            frame.assign(labels=[join_labels(x) for x in frame["labels"]]).to_csv(p, index=False)
        else:
            raise UsageError("export to a .csv or .jsonl file", argument="--export", path=str(p))
    except OSError as exc:
        raise UsageError(
            f"cannot write: {exc.strerror or exc}", argument="--export", path=str(p)
        ) from exc
    return p
