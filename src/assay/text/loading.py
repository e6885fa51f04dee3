"""The text shell's classifiers: built-in ones by name, the others through the model
adapters (``models.load_model``), each checked to be a text classifier that says which
classes it has; the same classifier given twice refused; labels answered by name read
off the classifiers' answers.  Part of the text technique's shell: it may import
``models`` and ``datasets``."""

from __future__ import annotations

import functools
import unicodedata
from collections.abc import Sequence
from dataclasses import replace
from typing import Any

from assay.core.calls import DEFAULT_CALL_TIMEOUT
from assay.core.integrity import model_fingerprint
from assay.core.label_length import check_labels_not_texts
from assay.core.model import Model
from assay.errors import UsageError
from assay.text.generate import Draws, Sampler, tree_text
from assay.text.panel import fold_label

__all__ = [
    "BUILTIN_CLASSIFIERS",
    "LOADING_PROBE",
    "builtin_classifier",
    "load_classifiers",
    "name_of",
    "outputs_per_classifier",
]


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


# an endpoint answering class indices or one score: there is no function to declare its
# classes beside, and text has no --classes
_ENDPOINT_CLASSES = (
    "an endpoint is asked over HTTP, so it has no function to declare them beside: make it "
    'answer its labels by name ("neg", "pos": read as they are), or call it from a Python '
    "function that declares them (`classify.classes_ = ['neg', 'pos']`; docs/serving.md) "
    "and test that function"
)


def name_of(spec: Any, i: int) -> str:
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
        f"classifier {name_of(spec, k)}: {exc.bare_message}",
        argument=exc.argument,
        path=exc.path,
        line=exc.line,
        column=exc.column,
    )


def _identities(spec: Any, model: Model) -> set[tuple[Any, ...]]:
    """What makes a classifier the one it is: its built-in name, its object, its file's
    contents (a path, a symlink, a copy), a function's file and name, an endpoint."""
    from assay.models.callable import CallableModel, is_callable_spec

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
        # (a function's name too: two functions of one file or module are two classifiers)
        name = spec.rpartition(":")[2] if is_callable_spec(spec) else ""
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
                f"classifiers {j + 1} and {k + 1} ({name_of(specs[j], j)}, "
                f"{name_of(spec, k)}) are the same classifier ({how}): a differential test "
                "compares different classifiers, and one compared with itself can never "
                "disagree. Give two different classifiers, or test one alone with --oracle "
                "invariance or --oracle directional",
                argument="MODEL",
            )


def outputs_per_classifier(output: str | Sequence[str | None] | None, n: int) -> list[str | None]:
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
        f"endpoint (/v2/models/NAME); {name_of(spec, 0)} ({what}) has no named outputs to "
        "choose from: give '-' for it",
        argument="--output",
    )


LOADING_PROBE = 2  # sentences asked of a classifier to learn what it answers
_LABEL_PROBE = 64  # sentences asked of a classifier answering labels by name, undeclared


def _labels_as_answered(
    loaded: list[Model],
    sampler: Sampler,
    *,
    alone: bool,
    asked: list[int],
    max_queries: int | None,
    names: list[str],
    answered: Sequence[Sequence[str] | None] | None = None,
    call_timeout: float | None = DEFAULT_CALL_TIMEOUT,
) -> list[Model]:
    """Each classifier that answers labels by name without declaring them (``"pos"``,
    ``{"label": "POSITIVE", ...}``) with its labels read off its answers to a few dozen
    sentences of the grammar, and (``alone`` False: no label map) the other classifiers'
    labels after its own, so that labels are compared as the strings they are.  The sentences
    asked of each are added to ``asked``; with ``max_queries``, refused (exit 2) before any
    is asked when they would leave no query for the search.  ``answered``: per classifier,
    the labels a resumed run's first session read so (its layout's), taken as they are
    without asking again: a resumed session asking 64 sentences more took them from the
    determinism re-check's reserve and beyond it from the search, whose findings then were
    not the uninterrupted run's."""
    from assay.core.message_secrets import secrets_masked
    from assay.models import probed
    from assay.models.batch_limit import limited
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
    for k, m in enumerate(loaded):
        inner = open_of(m)
        if inner is None:
            own.append(tuple(m.capabilities.class_names or ()))
            continue
        known = answered[k] if answered is not None and k < len(answered) else None
        if known:  # (the first session's, in its order: nothing asked again)
            own.append(tuple(str(x) for x in known))
            continue
        needed = asked[k] + len(more) + 1
        _refuse_beyond(max_queries, needed, names[k], needed - 1, _LABELS_HINT)
        info = inner.info  # a function's, or an endpoint's answering labels by name
        what = f"the function {info['callable']}" if "callable" in info else info.get("url")
        # (its credentials kept out of this probe's error, as out of loading's first:
        # ``load_model``'s ``secrets_masked``; this one is asked after it, mutation53)
        hidden = getattr(m, "hidden", None) or ()
        with (
            probed.counting() as tally,
            limited(getattr(m, "limit", None)),
            secrets_masked(hidden),
        ):
            said = probe_call(
                inner.labels_answered,
                more,
                what=str(what),
                timeout=call_timeout,
                per_input=False,  # the labels said, by name (a missing one left out)
            )
        asked[k] += tally[0]
        check_labels_not_texts(names[k], len(more), said)
        own.append(_one_form(sorted(set(said) | set(inner.capabilities.class_names or ()))))
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
        wide = CheckedModel(
            inner.with_labels(tuple(names)),
            spec_info=getattr(m, "spec_info", {}),
            max_batch=getattr(m, "limit", None),
        )
        wide.spec_info["capabilities"] = wide.capabilities.to_json()
        wide.spec_info["own_labels"] = list(own[k])  # (what it answered: said in refusals)
        out.append(wide)
    return out


def with_mapped(loaded: Sequence[Model], mapping: dict[int, dict[str, str]]) -> list[Model]:
    """``loaded`` with each classifier whose labels were read off its answers given the
    labels ``mapping`` (a label map) names for it that it had not answered yet, after its
    own: the map declares them (``panel.labels_open``).  An LLM behind an endpoint words a
    label many ways (``Positive``, `` positive.``, ``The sentiment is positive``); loading's
    probe sees some, and a wording the map names that the probe missed was refused, or,
    met later, stopped the run (exit 3)."""
    from assay.models.callable import NamedLabelsModel
    from assay.models.checked import CheckedModel

    out = list(loaded)
    for k, pairs in mapping.items():
        inner = getattr(out[k], "inner", None)
        if not isinstance(inner, NamedLabelsModel) or not inner.from_answers:
            continue
        have = tuple(out[k].capabilities.class_names or ())
        extra = [x for x in pairs if x not in have]
        if not extra:
            continue
        spec_info = getattr(out[k], "spec_info", {})
        wide = CheckedModel(
            inner.with_labels((*have, *extra)),
            spec_info=spec_info,
            max_batch=getattr(out[k], "limit", None),
        )
        wide.spec_info["capabilities"] = wide.capabilities.to_json()
        out[k] = wide
    return out


def _one_form(labels: list[str]) -> tuple[str, ...]:
    """``labels`` with one of each set written in several Unicode normal forms (the first):
    a function answering "négatif" NFC to some sentences and NFD to others answers one
    label, and a swap between the two is no invariance failure (it was before 2026-12-06)."""
    kept: dict[str, str] = {}
    for x in labels:
        kept.setdefault(unicodedata.normalize("NFC", x), x)
    return tuple(kept.values())


def indexed_by_map(model: Model, labels: Sequence[str]) -> Model | None:
    """``model`` (answering class indices, its classes unnamed) with classes ``"0"`` to
    ``"N-1"``, N one more than the largest index ``labels`` (a map's, for it) names, when
    every one is an index in ASCII digits (at most 6) and N is 2 or more; else None
    (refused as before: its classes are not known)."""
    from assay.models.checked import CheckedModel

    caps = model.capabilities
    if caps.class_names or caps.n_classes is not None:
        return None
    if not labels or not all(x.isascii() and x.isdigit() and len(x) <= 6 for x in labels):
        return None
    n = max(int(x) for x in labels) + 1
    if n < 2:
        return None
    inner = getattr(model, "inner", None)
    if not isinstance(model, CheckedModel) or inner is None:
        return None
    names = tuple(str(i) for i in range(n))
    inner.capabilities = replace(inner.capabilities, n_classes=n, class_names=names)
    spec_info = getattr(model, "spec_info", {})
    named = CheckedModel(inner, spec_info=spec_info, max_batch=getattr(model, "limit", None))
    named.classes_named_by = (  # (text has no --classes: the map is what names them)
        "named by the label map; if it answers more, name each in the map: a resume adds "
        "its lines, assay resume RUN_ID --label-map FILE (in Python "
        "resume_run(run_id, label_map=...))"
    )
    named.spec_info["capabilities"] = named.capabilities.to_json()
    return named


def load_classifiers(
    specs: list[Any],
    sampler: Sampler,
    *,
    chosen: list[str | None],
    model_type: str | None,
    allow_pickle: bool,
    trust: Sequence[str],
    serving: Any,
    oracle: str,
    mode: str,
    top_k: int,
    alone: bool,
    max_queries: int | None = None,
    answered: Sequence[Sequence[str] | None] | None = None,
    probes: list[Any] | None = None,
    replay: Sequence[Any] | None = None,
    call_timeout: float | None = DEFAULT_CALL_TIMEOUT,
    mapped: dict[int, list[str]] | None = None,
) -> tuple[list[Model], list[int]]:
    """The classifiers ``specs`` loaded (built-in ones by name, the others through the model
    adapters, which may ask them 2 sentences of the grammar, drawn by ``sampler``, to learn
    what they answer), each reading its output ``chosen[k]`` (None: its default), and
    checked: text classifiers saying which classes they have, not one classifier twice in a
    differential test (``oracle``), and answering a ranking for ``mode`` topk.  Labels
    answered by name are read off the answers (``alone``: a label map aligns them).

    Also the sentences loading asked each classifier (``models.probed``): a text run counts
    them within its query budget.  ``max_queries``: the run's budget; loading never asks a
    classifier more (the first probe is cut to it) and is refused (exit 2) before asking
    what would leave no query for the search.  ``answered``: a resumed run's labels read off
    the answers in its first session (``_labels_as_answered``).  ``probes``: filled with
    each classifier's answers to the probe (``models.probe_answers``: kept with the run);
    ``replay``: a resumed run's, answered from without asking (its loading asks nothing
    again: its budget and its findings are the uninterrupted run's).  ``call_timeout``: the
    run's deadline per call, loading's calls included (a classifier that hangs on its first
    batch is stopped after it, not after the default 60 s).  ``mapped``: the labels the
    user's label map names per classifier (``text.index_labels``): one answering class
    indices without naming its classes is named by them when they are ``0``, ``1``, ...
    (``indexed_by_map``)."""
    from assay.models import load_model, probe_answers, probed
    from assay.models.checked import CheckedModel

    draws = Draws(__import__("numpy").random.default_rng(0))
    probe = [tree_text(sampler.sentence_tree(draws)) for _ in range(LOADING_PROBE)]
    if max_queries is not None:  # a budget of 1 or 2: refused after, never exceeded
        probe = probe[: max(1, min(LOADING_PROBE, max_queries))]
    loaded: list[Model] = []
    asked = [0] * len(specs)
    for k, spec in enumerate(specs):
        if chosen[k] is not None and (not isinstance(spec, str) or spec.startswith("builtin:")):
            raise _of_classifier(_no_named_outputs(spec, chosen[k]), spec, k, len(specs))
        if isinstance(spec, str) and spec.startswith("builtin:"):
            inner = builtin_classifier(spec.split(":", 1)[1])
            loaded.append(CheckedModel(inner, spec_info={"spec": spec, "type": "builtin"}))
            if probes is not None:
                probes.append([])
            continue
        given = replay[k] if replay is not None and k < len(replay) else None
        try:
            with (
                probed.counting() as tally,
                probe_answers.recording() as answers,
                probe_answers.replaying(given),
            ):
                loaded.append(
                    load_model(
                        spec,
                        model_type=model_type,
                        allow_pickle=allow_pickle,
                        trust=tuple(trust),
                        modality="text",
                        probe=probe,
                        serving=serving,
                        output=chosen[k],
                        call_timeout=call_timeout,
                    )
                )
            asked[k] = tally[0]
            if probes is not None:
                probes.append(answers)
            if chosen[k] is not None and not _reads_named_outputs(loaded[-1]):
                raise _no_named_outputs(spec, chosen[k], loaded[-1])
        except UsageError as exc:  # of several classifiers: say which one
            raise _of_classifier(exc, spec, k, len(specs)) from None
        _refuse_beyond(max_queries, asked[k] + 1, name_of(spec, k), asked[k])
    for k, m in enumerate(loaded):
        if m.capabilities.outputs == "labels":  # (a served one too: left52)
            loaded[k] = indexed_by_map(m, (mapped or {}).get(k, ())) or m
    for k, (spec, m) in enumerate(zip(specs, loaded, strict=True)):
        caps = m.capabilities
        if caps.modality != "text":
            raise UsageError(
                f"{name_of(spec, k)} is a {caps.modality} model; text "
                "testing needs text classifiers",
                argument="MODEL",
            )
        if not caps.class_names and caps.n_classes is None:
            fix = (
                _ENDPOINT_CLASSES
                if caps.remote
                else (
                    "declare them beside the function, in order, as scikit-learn does: "
                    "`FUNCTION.classes_ = ['neg', 'pos']`, or answer probabilities (one column "
                    "per class)"
                    if caps.outputs == "labels"
                    else "answer probabilities, one column per class (for a score p of the "
                    "second class: `np.column_stack([1 - p, p])`), and declare the classes "
                    "beside the function: `FUNCTION.classes_ = ['neg', 'pos']`"
                )
            )
            what = "class indices" if caps.outputs == "labels" else "one score per sentence"
            if caps.outputs == "labels":  # (indexed_by_map: a map of its indices names them)
                fix += (
                    "; or name its indices with a label map, a line for each index it answers "
                    f"(--label-map FILE: `{k + 1} 0 -> negative`, `{k + 1} 1 -> positive`)"
                )
            raise UsageError(
                f"classifier {name_of(spec, k)} answers {what} without saying which classes "
                f"there are; {fix}",
                argument="MODEL",
            )
    if oracle == "differential":
        _refuse_the_same_twice(specs, loaded)
        ranked_not = [
            name_of(spec, k)
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
    names = [name_of(spec, k) for k, spec in enumerate(specs)]
    out = _labels_as_answered(
        loaded,
        sampler,
        alone=alone,
        asked=asked,
        max_queries=max_queries,
        names=names,
        answered=answered,
        call_timeout=call_timeout,
    )
    return out, asked


_LABELS_HINT = (
    " (to read the labels it answers by name; declared beside a function, "
    "`FUNCTION.classes_ = ['neg', 'pos']`, they are read without these)"
)


def _refuse_beyond(
    max_queries: int | None, needed: int, name: str, loading: int, hint: str = ""
) -> None:
    """Refused (exit 2) when loading's ``loading`` sentences of classifier ``name`` and the
    search's first query (``needed`` in all) do not fit in ``max_queries``: loading counts
    within it."""
    if max_queries is None or needed <= max_queries:
        return
    raise UsageError(
        f"--max-queries {max_queries:,} leaves no query for the search: loading asks "
        f"{name} {loading:,} sentence{'s' if loading != 1 else ''} of the grammar to learn "
        f"what it answers{hint}, counted within --max-queries; give at least "
        f"--max-queries {needed:,}",
        argument="--max-queries",
    )
