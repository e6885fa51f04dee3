"""Python callables as Models, and the ``file.py:name`` / ``package.module:name`` specs."""

from __future__ import annotations

import contextlib
import hashlib
import importlib
import importlib.util
import json
import sys
import threading
import unicodedata
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any

import numpy as np

from assay.core.calls import DEFAULT_CALL_TIMEOUT, CallTimeout, OwnExit, WatchedCaller
from assay.core.deadline import time_left
from assay.core.model import Capabilities, Modality, ModelInputs, OutputKind, describe_input
from assay.core.named_code import remember, remember_module
from assay.errors import AssayError, ModelError, UsageError
from assay.models import probe_answers, probed
from assay.models.answer_form import answer_form_hint
from assay.models.answer_order import in_input_order
from assay.models.batch_form import by_sentence, other_batch_form, spacy_like
from assay.models.batch_limit import current_limit, in_chunks
from assay.models.checked import array_hint
from assay.models.classes import classes_advice, numbered
from assay.models.column_classes import refuse_other_columns
from assay.models.empty_text import dropped_text_hint, empty_text_hint
from assay.models.lazy_answers import refuse_lazy
from assay.models.pipeline_answers import (
    covers,
    independent_scores,
    is_partial,
    is_ranked,
    one_output_scores,
    pipeline_classes,
    ranked_labels,
    ranked_to_labels,
    ranked_to_proba,
)
from assay.models.probe_timeout import probe_timed_out
from assay.models.row_sums import refuse_rows_not_one
from assay.models.score_dicts import read_score_dicts
from assay.models.sentence_index import in_sentence_order

__all__ = [
    "CallableModel",
    "FramedFunction",
    "from_callable",
    "infer_capabilities",
    "is_callable_spec",
    "labels_by_name",
    "probe_call",
    "resolve_spec",
]

_FORMS = "path/to/file.py:function or package.module:function"
DECLARED_BY = "--classes"  # names declared by the user, not by the model (API: classes)
_ONE_SENTENCE = (
    "a text classifier is called with a list of sentences and answers one label (or row of "
    "probabilities) per sentence; for a function of one sentence give "
    "`lambda batch: [{0}(s) for s in batch]`"
)


class CallableModel:
    """A function ``fn(batch) -> answers`` with declared capabilities."""

    def __init__(self, fn: Callable[[Any], Any], capabilities: Capabilities) -> None:
        self.fn = fn
        self.capabilities = capabilities
        self.info: dict[str, Any] = {"callable": _qualname(fn)}

    def predict(self, inputs: ModelInputs, /) -> np.ndarray:
        return np.asarray(in_input_order(self._in_order(self.fn(inputs), inputs), len(inputs)))

    def _in_order(self, answer: Any, inputs: ModelInputs) -> Any:
        """A text classifier's answer indexed by its sentences, in the batch's order."""
        if self.capabilities.modality != "text":
            return answer
        return in_sentence_order(answer, inputs)

    def __repr__(self) -> str:
        return f"CallableModel({_qualname(self.fn)})"

    def __getstate__(self) -> dict[str, Any]:
        # a function from a user's file goes by value (to Dask workers: their processes
        # never imported the file under the name assay gave it); plain pickle would send
        # only that name
        state = dict(self.__dict__)
        if str(getattr(self.fn, "__module__", "")).startswith(_USER_MODULE):
            try:
                import cloudpickle  # type: ignore[import-untyped,unused-ignore]
            except ImportError:  # without Dask nothing sends models to other processes
                return state
            state["fn"] = _ByValue(cloudpickle.dumps(self.fn))
        return state

    def __setstate__(self, state: dict[str, Any]) -> None:
        fn = state.get("fn")
        if isinstance(fn, _ByValue):
            import pickle

            state["fn"] = pickle.loads(fn.data)  # our own bytes, sent by the client
        self.__dict__.update(state)


_USER_MODULE = "assay_user_"


class _ByValue:
    """A function pickled by value (cloudpickle), inside a normally pickled model."""

    def __init__(self, data: bytes) -> None:
        self.data = data


class FramedFunction:
    """A function written for a pandas DataFrame (``df["age"]``), given each batch of rows as
    a DataFrame with the data's column names (``columns``, in the rows' order)."""

    def __init__(
        self,
        fn: Callable[[Any], Any],
        columns: tuple[str, ...],
        dtypes: Mapping[str, Any] | None = None,
    ) -> None:
        self.fn = fn
        self.frame_columns = columns
        # the user's own dtypes (a DataFrame's category, Int64, float32 columns: a model
        # fitted on categories wants them back), and one dtype per column that may be
        # missing, whatever a batch holds (inferred_frame)
        self.steady_dtypes: dict[str, Any] = dict(dtypes or {})
        # a function from the user's file goes by value to Dask workers (CallableModel)
        self.__module__ = str(getattr(fn, "__module__", "") or __name__)
        self.__qualname__ = _qualname(fn).rpartition(":")[2].rpartition(".")[2]

    def __call__(self, rows: Any) -> Any:
        from assay.models.inferred_frame import inferred_frame

        return self.fn(inferred_frame(rows, self.frame_columns, self.steady_dtypes))


def _shown_columns(columns: tuple[str, ...]) -> str:
    head = ", ".join(columns[:8])
    return head + (f", ... ({len(columns):,} in all)" if len(columns) > 8 else "")


def _table(probe: ModelInputs) -> bool:
    return isinstance(probe, np.ndarray) and probe.ndim == 2


def _probe_or_frame(
    fn: Callable[[Any], Any],
    probe: ModelInputs,
    columns: tuple[str, ...] | None,
    *,
    timeout: float | None,
    dtypes: Mapping[str, Any] | None = None,
) -> tuple[Callable[[Any], Any], Any]:
    """The function and its answer to ``probe`` (rows of a table, a numpy array).  A function
    that fails on the array and answers the same rows as a DataFrame with the data's
    ``columns`` (it was written for one) is given DataFrames from then on; failing both
    ways, the error says what it was given, in which column order."""
    what = f"the function {_qualname(fn)}"
    try:
        return fn, probe_call(fn, probe, what=what, timeout=timeout)
    except ModelError as exc:
        # (an exit or its own KeyboardInterrupt is never a refusal of the array: not asked
        # again, and a model exiting on its first call only was never taken for one that passed)
        if isinstance(exc, OwnExit) or not columns or not _table(probe):
            raise
        framed = FramedFunction(fn, columns, dtypes)
        try:
            return framed, probe_call(framed, probe, what=what, timeout=timeout)
        except OwnExit:  # (exiting when given the DataFrame: said as that)
            raise
        except ModelError:
            pass
        said = str(exc).split("; the model is called with a 2-D numpy array")[0]
        raise ModelError(
            f"{said}; it was given a 2-D numpy array of {len(probe)} rows, its columns in this "
            f"order: {_shown_columns(columns)}, and failed on a pandas DataFrame of those "
            "columns too"
        ) from exc


def _bare(fn: Any) -> str:
    """A function's own name as the user would write it (``f`` for a lambda)."""
    name = getattr(fn, "__name__", None)
    return name if isinstance(name, str) and name.isidentifier() else "f"


def _qualname(fn: Any) -> str:
    module = getattr(fn, "__module__", None) or "?"
    name = getattr(fn, "__qualname__", None) or type(fn).__qualname__
    if module.startswith(_USER_MODULE):  # a file the user named: 'bad.py:f', as given
        path = getattr(sys.modules.get(module), "__file__", None)
        if path:
            return f"{Path(path).name}:{name}"
    return f"{module}.{name}"


def infer_capabilities(
    answer: Any, *, modality: Modality, n_classes: int | None = None
) -> Capabilities:
    """Capabilities read off one answer to a probe batch.

    A 1-D integer (or boolean) answer means labels; a 2-D float answer means probabilities
    with one column per class; a 1-D float answer (or one column) means a score.
    """
    out = np.asarray(answer)
    if out.ndim == 1 and (out.dtype.kind in "iub"):
        return Capabilities(modality=modality, n_classes=n_classes, outputs="labels")
    if out.ndim == 2 and out.shape[1] == 1 and out.dtype.kind in "iub":
        return Capabilities(modality=modality, n_classes=n_classes, outputs="labels")
    if out.dtype.kind == "f" and out.ndim in (1, 2):
        columns = 1 if out.ndim == 1 else int(out.shape[1])
        if n_classes is not None and columns != n_classes:
            raise UsageError(
                f"{n_classes} classes given, but the model answered {columns} columns",
                argument="--n-classes",
            )
        return Capabilities(
            modality=modality, n_classes=columns if columns > 1 else n_classes, outputs="proba"
        )
    if out.ndim == 1 and len(out) and all(_is_label(v) for v in out.tolist()):
        seen = sorted({str(_label_of(v)) for v in out.tolist()})
        refusal = UsageError(
            f"the model answers labels by name ({', '.join(map(repr, seen[:5]))}): declare "
            f"every label it can answer, in order: {classes_advice(seen, n_classes)} "
            "(classes= from Python), or beside the function, as scikit-learn does, "
            f"`FUNCTION.classes_ = {seen!r}` (with all its labels); or answer class indices or "
            "probabilities",
            argument="--classes" if n_classes is not None else "MODEL",
        )
        raise numbered(refusal, seen, n_classes)
    if out.ndim == 1 and len(out) and all(isinstance(v, bytes) for v in out.tolist()):
        seen_bytes = sorted(set(out.tolist()))[:5]
        raise UsageError(
            f"the model answers its labels as bytes ({', '.join(map(repr, seen_bytes))}): "
            "answer them as text, e.g. `lambda batch: [y.decode() for y in FUNCTION(batch)]`",
            argument="MODEL",
        )
    raise UsageError(
        f"cannot tell what the model answers from an answer of shape {out.shape} and type "
        f"{out.dtype}; it must answer a batch with one class index per input (labels) or one "
        f"row of class probabilities per input{answer_form_hint(answer)}",
        argument="MODEL",
    )


_SHOWN_LABEL = 200  # characters of an unknown label an error quotes


def _is_label(v: Any) -> bool:
    return isinstance(v, str) or (isinstance(v, dict) and isinstance(v.get("label"), str))


def _booleans(answer: Any, n: int) -> bool:
    """Whether a batch of ``n`` inputs was answered with one True or False each."""
    try:
        out = np.asarray(answer)
    except (TypeError, ValueError):
        return False
    return out.dtype.kind == "b" and out.shape == (n,)


def labels_by_name(answer: Any, n: int) -> tuple[str, ...] | None:
    """The names a batch of ``n`` inputs answered by name (strings, or a pipeline's top
    ``{label, score}`` per input), sorted; None for any other answer."""
    if (
        isinstance(answer, str | bytes | dict)
        or (isinstance(answer, np.ndarray) and answer.dtype.kind not in "UO")
        or hasattr(answer, "columns")  # a DataFrame: iterating it gives its column names
    ):
        return None
    if is_ranked(answer):  # a pipeline with top_k=1: a list of its best {label, score}
        rows = list(answer)
        if len(rows) != n:
            return None
        return tuple(sorted({str(e["label"]) for row in rows for e in row}))
    answer = _one_column(answer)
    try:
        values = answer.tolist() if isinstance(answer, np.ndarray) else list(answer)
    except TypeError:
        return None
    if len(values) != n or not values or not all(_is_label(v) for v in values):
        return None
    return tuple(sorted({str(_label_of(v)) for v in values}))


def column_names(answer: Any) -> tuple[str, ...] | None:
    """The classes a DataFrame of probabilities names by its columns (None: not such a
    frame, or columns numbered 0, 1, ... that name nothing)."""
    columns = getattr(answer, "columns", None)
    if columns is None or not hasattr(answer, "to_numpy"):
        return None
    names = tuple(str(c) for c in columns)
    numbered = names == tuple(str(k) for k in range(len(names)))
    if len(names) < 2 or numbered or len(set(names)) != len(names):
        return None
    return names if np.asarray(answer.to_numpy()).dtype.kind == "f" else None


def by_column_names(raw: Any, index: dict[str, int]) -> Any:
    """A DataFrame whose columns are the declared classes, as an array in their order
    (its columns may come in another: read by position, every label would be swapped);
    any other answer as it is."""
    columns = getattr(raw, "columns", None)
    if columns is None or not hasattr(raw, "to_numpy"):
        return raw
    named = {str(c): c for c in columns}
    if len(named) != len(columns) or set(named) != set(index):
        return raw
    order = sorted(named, key=index.__getitem__)
    return np.asarray(raw[[named[n] for n in order]].to_numpy())


def _shown_input(inputs: ModelInputs, i: int) -> str:
    """`` ('the sentence')`` for a text input, at most 80 characters; nothing otherwise."""
    try:
        one = inputs[i]
    except (IndexError, TypeError, KeyError):
        return ""
    if not isinstance(one, str):
        return ""
    return f" ({one if len(one) <= 80 else one[:77] + '...'!r})"


def _missing(v: Any) -> bool:
    """Whether an answer is no answer: None, NaN, pandas' NA."""
    if v is None:
        return True
    try:
        return bool(v != v)  # NaN and pd.NA are not equal to themselves
    except (TypeError, ValueError):  # pd.NA's comparison is NA, whose truth is ambiguous
        return True


def _label_of(v: Any) -> Any:
    """A label by name: the value itself, or a pipeline's ``{"label": ..., "score": ...}``."""
    return v["label"] if isinstance(v, dict) and "label" in v else v


def _declared_classes(fn: Any) -> tuple[str, ...] | None:
    """The labels a function declares in order (``fn.classes_``, as scikit-learn's; or a
    Hugging Face pipeline's ``model.config.id2label``)."""
    classes = getattr(fn, "classes_", None)
    if classes is None:
        return pipeline_classes(fn)
    if hasattr(fn, "predict"):
        return None
    try:
        names = tuple(str(c) for c in classes)
    except TypeError:
        raise UsageError(
            f"{_qualname(fn)}.classes_ must be a list of labels, not {classes!r}",
            argument="MODEL",
        ) from None
    if len(names) < 2 or len(set(names)) != len(names):
        raise UsageError(
            f"{_qualname(fn)}.classes_ must list two or more distinct labels, not {names!r}",
            argument="MODEL",
        )
    return names


class NamedLabelsModel(CallableModel):
    """A function that answers labels by name (or pipeline dicts), declared in ``classes_``:
    names become class indices; a name not declared is a ModelError naming it.  A list of
    ``{label, score}`` per input (a pipeline with ``top_k=None``) is a row of probabilities
    when the capabilities say so, else its best label."""

    model: Any = None  # the endpoint it reads, when it is one (models.serving.served_model)
    # what loading says of how its answers are read (a pipeline's score lists whose rows name
    # different classes: read by its best label), None when nothing
    loading_note: str | None = None

    def __init__(
        self,
        fn: Callable[[Any], Any],
        capabilities: Capabilities,
        names: tuple[str, ...],
        *,
        from_answers: bool = False,
        declared_by: str = "classes_",
        who: str = "the model",
        ranked: bool = False,
    ) -> None:
        super().__init__(fn, capabilities)
        # where the names were declared (a function's classes_, or --classes) and who
        # answers: named when an answer is none of them
        self.declared_by = declared_by
        self.who = who
        self._index = {n: i for i, n in enumerate(names)}
        # labels added from other classifiers are written their way ("neutral"): this one's
        # "NEUTRAL" is that label when no other of its labels is written alike
        folds = [_folded(n) for n in names]
        self._folded = {f: i for i, f in enumerate(folds) if folds.count(f) == 1}
        # names read off its answers (a text classifier answering "pos"/"neg" without
        # classes_), not declared: the text technique may widen them (``with_labels``)
        self.from_answers = from_answers
        # the form of its answers so far (labels read off its answers were names): a
        # classifier answering names on some calls and numbers on others is refused, its
        # numbers never guessed to be indices of the labels it named
        self._form: str | None = _NAMES if from_answers else None
        if from_answers and ranked:  # a pipeline's top_k lists: its labels read off them
            self._form = _RANKED

    def predict(self, inputs: ModelInputs, /) -> np.ndarray:
        return self.read(self.fn(inputs), inputs)

    def read(self, answer: Any, inputs: ModelInputs) -> np.ndarray:
        """``answer``, the function's answer to ``inputs``, as ``predict`` reads it (score
        dicts and ranked labels into class scores): also loading's probe answer, checked
        before a run is made (``backdoor.first_answer``) with no call more."""
        if self.capabilities.modality == "text":  # (indexed by its sentences, reordered)
            answer = in_sentence_order(answer, inputs)
            refuse_other_columns(answer, list(self._index), self.who)
        raw = by_column_names(in_input_order(answer, len(inputs)), self._index)
        self._same_form(raw)
        if is_ranked(raw):
            text = self.capabilities.modality == "text"
            several = independent_scores(raw, inputs) if text else None
            if several is not None:  # (a multi-label model: read by its best label before)
                raise ModelError(f"the function {several}")
            index = self._index
            if self.from_answers:  # its own way of writing a label it was widened with
                said = {str(e["label"]) for row in raw for e in row} - set(index)
                found = {x: self._at(x) for x in said}
                index = {**index, **{x: at for x, at in found.items() if at is not None}}
            if self.capabilities.outputs == "proba":
                return ranked_to_proba(raw, index)
            return ranked_to_labels(raw, index)
        raw = _one_column(raw)
        if isinstance(raw, list | tuple) and raw and all(_is_label(v) for v in raw):
            # labels by name, read as they are: an array of them has one fixed width, the
            # longest's (a 20 MB label made every row of a batch 80 MB)
            values = list(raw)
        else:
            out = np.asarray(raw)
            if out.dtype.kind == "f" and self.capabilities.outputs == "proba":
                return _one_class(out, len(self._index))
            if out.dtype.kind in "iub" or out.dtype.kind == "f":
                return out  # indices or probabilities: checked downstream like any answer
            values = list(raw) if not isinstance(raw, np.ndarray) else raw.tolist()
        labels = np.empty(len(values), dtype=np.int64)
        for i, v in enumerate(values):
            if _missing(_label_of(v)):
                raise ModelError(
                    f"{self.who} answered no label ({_label_of(v)!r}) for input {i}"
                    f"{_shown_input(inputs, i)}: a "
                    "classifier must answer one of its labels for every input (a "
                    "missing answer is no label to compare)"
                )
            name = str(_label_of(v))
            at = self._index.get(name)
            if at is None and self.from_answers:
                at = self._at(name)
            if at is None and self.declared_by == DECLARED_BY:  # (the user's list: exit 2)
                raise UsageError(self._not_given(name, i), argument="--classes")
            if at is None:
                raise ModelError(self._unknown(name, i))
            labels[i] = at
        return labels

    def _same_form(self, raw: Any) -> None:
        """Refuses (a ModelError: the model failed) an answer in another form than its
        earlier ones: labels by name, then numbers (or the reverse)."""
        form = _form_of(_one_column(raw), self.capabilities.outputs)
        if form is None:
            return
        if self._form is None:
            self._form = form
        elif form != self._form:
            raise ModelError(
                f"{self.who} answered {self._form} to its earlier calls and {form} to this "
                "one: a classifier must answer in one form for the whole run (its numbers "
                "are not guessed to be indices of the labels it named)"
            )

    def _at(self, name: str) -> int | None:
        """The index of a label it was widened with that ``name`` writes differently only
        in case, spaces or Unicode normal form (None: none, or more than one)."""
        return self._folded.get(_folded(name))

    def _not_given(self, name: str, i: int) -> str:
        """A label answered that the user's ``--classes`` does not list: the mistake is the
        list's (it was "the model failed", exit 3, before left50b)."""
        shown = name if len(name) <= _SHOWN_LABEL else f"{name[:_SHOWN_LABEL]}..."
        return (
            f"{self.who} answered {shown!r} for input {i}, which --classes does not list "
            f"(it gives {', '.join(map(repr, self._index))}); give every class the model "
            "answers, in the order of its outputs"
        )

    def _unknown(self, name: str, i: int) -> str:
        if len(name) > _SHOWN_LABEL:  # an answer of megabytes is not repeated whole
            return (
                f"{self.who} answered a label of {len(name):,} characters for input {i} "
                f"({name[:_SHOWN_LABEL]!r}...), which is not one of its labels: is it "
                "answering text rather than a label?"
            )
        known = list(self._index)
        if not self.from_answers:
            return (
                f"{self.who} answered {name!r} for input {i}, which is not one of the classes "
                f"declared in {self.declared_by} {known!r}"
            )
        mapped = (
            f"a text run's --label-map FILE declares every label it names (a line `CLASSIFIER "
            f'{json.dumps(name)} -> COMMON`, or `-> ""` for no answer: an LLM\'s refusal)'
        )
        if getattr(self, "model", None) is not None:  # (an endpoint: no function to declare on)
            return (
                f"{self.info.get('url') or 'the endpoint'} answered {name!r} for input {i}, a "
                f"label it had not answered before (its labels so far: "
                f"{', '.join(map(repr, known))}); {mapped}"
            )
        return (
            f"the model answered {name!r} for input {i}, a label it had not answered before "
            f"(its labels so far: {', '.join(map(repr, known))}); declare every label it can "
            f"answer beside the function, as scikit-learn does: `FUNCTION.classes_ = "
            f"{[*known, name]!r}`, or {mapped}"
        )

    def labels_answered(self, inputs: ModelInputs) -> list[str]:
        """The labels it answers to ``inputs``, by name, as it answers them."""
        raw = self.fn(inputs)
        if len(self.capabilities.class_names or ()) == 1:  # (a model of one output?)
            one = one_output_scores(raw)
            if one is not None:
                who = self.info.get("callable") or self.info.get("url") or "the classifier"
                raise UsageError(f"{who} {one}", argument="MODEL")
        if is_ranked(raw):
            return [str(e["label"]) for row in raw for e in row]
        raw = _one_column(raw)
        values = raw.tolist() if isinstance(raw, np.ndarray) else list(raw)
        return [str(_label_of(v)) for v in values if _is_label(v)]

    def with_labels(self, names: tuple[str, ...]) -> NamedLabelsModel:
        """The same function with ``names`` (its own first, in order) as its labels."""
        caps = Capabilities(
            modality=self.capabilities.modality,
            n_classes=len(names),
            outputs=self.capabilities.outputs,
            max_batch=self.capabilities.max_batch,
            class_names=names,
        )
        widened = NamedLabelsModel(
            self.fn,
            caps,
            names,
            from_answers=self.from_answers,
            declared_by=self.declared_by,
            who=self.who,
            ranked=self._form == _RANKED,
        )
        widened.loading_note = self.loading_note
        served = getattr(self, "model", None)
        if served is not None:  # an endpoint's labels by name (loader._http): the same one
            widened.model = served
            widened.info = self.info
        return widened


def _classes_apart(answer: Any) -> str | None:
    """What to say of a ranked answer scoring every class of each row (not a ``top_k``
    below the classes) whose rows name different classes: it is read by its best label."""
    if not is_ranked(answer) or is_partial(answer):
        return None
    sets = list(dict.fromkeys(tuple(sorted(str(e["label"]) for e in row)) for row in answer))
    if len(sets) < 2 or all(len(s) < 2 for s in sets):
        return None
    shown = "; ".join(", ".join(s) for s in sets[:2])
    return (
        "answered {label, score} lists (as a pipeline's top_k=None) whose rows name different "
        f"classes ({shown}): read by its best label, as certain (its scores unused: --mode "
        "distance and topk compare that label alone); answer every class in each row for "
        "its scores to count"
    )


def _folded(name: str) -> str:
    """A label as ``NamedLabelsModel`` matches one written otherwise: spaces and case
    ignored, its canonically equivalent forms one ("négatif" NFC and NFD: a function
    answering both answers one label)."""
    return unicodedata.normalize("NFC", " ".join(name.split()).casefold())


_NAMES = "labels by name"
_RANKED = "{label, score} lists"


def _form_of(raw: Any, outputs: str) -> str | None:
    """The form of an answer: labels by name, class indices (numbers), probabilities, or
    None when it says nothing (an empty batch) or is none of them (refused downstream)."""
    if is_ranked(raw):
        return _RANKED
    if isinstance(raw, list | tuple) and raw and all(_is_label(v) for v in raw):
        return _NAMES
    try:
        out = np.asarray(raw)
    except (TypeError, ValueError):
        return None
    if not out.size:
        return None
    if out.dtype.kind == "f" and outputs == "proba":
        return "probabilities"
    if out.dtype.kind in "iubf":
        return "numbers (class indices)"
    return _NAMES if out.dtype.kind in "US" else None


def _one_column(raw: Any) -> Any:
    """Labels by name answered as one column (an ``(n, 1)`` array of strings, as a
    ``DataFrame[["label"]].to_numpy()`` gives) as the ``(n,)`` labels they are."""
    if isinstance(raw, np.ndarray):
        one = raw.ndim == 2 and raw.shape[1] == 1 and raw.dtype.kind in "OUS"
        return raw[:, 0] if one else raw
    if isinstance(raw, list | tuple) and raw:
        ones = all(isinstance(v, list | tuple) and len(v) == 1 and _is_label(v[0]) for v in raw)
        return [v[0] for v in raw] if ones else raw
    return raw


def _one_class(out: np.ndarray, n: int) -> np.ndarray:
    """Probabilities of the second of two classes (one number, or one column, per input,
    as ``predict_proba(X)[:, 1]`` gives) as rows ``[1 - p, p]``; anything else unchanged."""
    if n == 2 and (out.ndim == 1 or (out.ndim == 2 and out.shape[1] == 1)):
        p = out.reshape(-1)
        return np.column_stack([1.0 - p, p])
    return out


def declared_model(
    fn: Callable[[Any], Any],
    names: tuple[str, ...],
    *,
    modality: Modality,
    probe: ModelInputs | None,
    call_timeout: float | None,
    answered: Any = None,
    declared_by: str = "classes_",
    who: str | None = None,
    declared: OutputKind | None = None,
) -> NamedLabelsModel:
    """A function with declared classes: labels by name, indices, or probabilities (also
    as a pipeline's ``{label, score}`` lists naming every class).  ``answered``: its answer
    to ``probe`` when already asked.  ``declared``: what the caller said it answers
    (``outputs=``), taken when there is no probe to read it from."""
    outputs: OutputKind = declared or "labels"
    if probe is not None:
        raw = answered
        if raw is None:
            raw = probe_call(fn, probe, what=_qualname(fn), timeout=call_timeout)
        fn, raw = read_score_dicts(fn, raw)  # spaCy's cats: {class: score} per input
        several = independent_scores(raw, probe) if modality == "text" else None
        if several is not None:
            raise UsageError(f"the function {several}", argument="MODEL")
        if modality == "text":  # (columns naming other classes: before a run is made)
            try:
                refuse_other_columns(raw, list(names), f"the function {_qualname(fn)}")
            except ModelError as exc:
                raise UsageError(str(exc), argument="MODEL") from None
        answer = np.asarray(raw) if not is_ranked(raw) else np.zeros((0, 0), dtype=object)
        if is_ranked(raw) and covers(raw, names) and not is_partial(raw):
            outputs = "proba"
        one_column = answer.ndim == 1 or (answer.ndim == 2 and answer.shape[1] == 1)
        if answer.dtype.kind == "f" and one_column and answer.size:
            if len(names) != 2:
                raise UsageError(
                    f"{who or _qualname(fn)} declares {len(names)} {_noun(declared_by)} but "
                    "answered one number per input; answer one probability per class (one "
                    "column each)",
                    argument="MODEL",
                )
            outputs = "proba"  # the probability of the second class, as predict_proba[:, 1]
        elif answer.dtype.kind in "fiub" and answer.ndim == 2:
            # (integer rows too: one-hot [[0, 1], [1, 0]], read as probabilities; declared
            # labels expected one index per input and the run failed on its first batch,
            # "declares label outputs but returned shape (26, 2)", exit 3: hostile44t)
            if answer.shape[1] != len(names):
                raise UsageError(
                    f"{who or _qualname(fn)} declares {len(names)} {_noun(declared_by)} but "
                    f"answered {answer.shape[1]} probability columns",
                    argument="MODEL",
                )
            # (multi-hot [1, 1] rows failed the run on its first batch, exit 3: left44t)
            if modality == "text":  # (the backdoor scan refuses them its own way: left43b)
                refuse_rows_not_one(answer, probe, who or f"the function {_qualname(fn)}")
            outputs = "proba"
    caps = Capabilities(modality=modality, n_classes=len(names), outputs=outputs, class_names=names)
    model = NamedLabelsModel(
        fn, caps, names, declared_by=declared_by, who=who or f"the function {_qualname(fn)}"
    )
    if modality == "text" and probe is not None and outputs == "labels":
        # a label the probe answered that the declared classes lack: refused before the
        # run (a run was made and failed on its first batch, exit 3: hostile53)
        try:
            model.read(raw, probe)
        except ModelError as exc:
            if "which is not one of the classes declared" not in str(exc):
                raise
            raise UsageError(
                f"{exc}, to loading's probe; declare every label it answers, in order, or "
                "answer the declared ones",
                argument="MODEL",
            ) from None
    return model


def _noun(declared_by: str) -> str:
    return "classes_" if declared_by == "classes_" else f"classes given ({declared_by})"


def probe_call(
    ask: Callable[[ModelInputs], Any],
    probe: ModelInputs,
    *,
    what: str,
    timeout: float | None = DEFAULT_CALL_TIMEOUT,
    per_input: bool = True,
) -> Any:
    """``ask(probe)`` with a deadline, off the main thread; its failures are ``ModelError``s
    (an exception, ``sys.exit``, no answer within ``timeout`` seconds).  ``per_input``: the
    answer holds one value per input (checked: its length, finite values); False for an
    ``ask`` that answers something else (the labels a function said, by name)."""
    # within the run's --max-time when loading counts towards it (core.deadline); a budget
    # that loading spent before the first call is a budget too small, not a model failure
    known = probe_answers.replayed(probe)  # (a resumed run's: its first session's answer)
    if known is not probe_answers.NOT_KEPT:
        probed.answered(probe, known)
        return known
    left = time_left()
    if left is not None and (left() or 0.0) <= 0:
        raise UsageError(
            "loading took all of the time budget before the model's first call could be "
            "made; raise --max-time",
            argument="--max-time",
        )
    caller = WatchedCaller(call_timeout=timeout, time_left=left, answered=lambda: 0)
    probed.asked(len(probe))
    try:
        try:
            limit = current_limit()  # (read here: the call runs on the caller's thread)
            answer = caller.submit(lambda: in_chunks(ask, probe, limit)).result()
        except BaseException:
            probe_answers.not_kept(probe)  # (its place in the order: asked again on resume)
            raise
    except OwnExit as exc:  # (said of the model by its name)
        raise exc.named(what, f"on its first call (a probe batch of {len(probe)} inputs)") from None
    except CallTimeout as exc:  # (which model, and a way on for one that is only slow)
        raise probe_timed_out(exc, what, len(probe)) from None
    except AssayError:
        raise
    except Exception as exc:
        text = " ".join(str(exc).split())[:300]
        raise ModelError(
            f"{what} raised {type(exc).__name__}: {text} on its first call (a probe batch of "
            f"{len(probe)} inputs){array_hint(exc, probe)}{empty_text_hint(probe)}"
        ) from exc
    finally:
        caller.close()
    refuse_lazy(answer, what)  # (an async def or yielding model: before it reads as one value)
    if per_input:
        _refuse_short(answer, probe, what)
        _refuse_non_finite(answer, probe, what)
    probe_answers.kept(probe, answer)
    probed.answered(probe, answer)
    return answer


def _one_value(answer: Any) -> bool:
    """Whether ``answer`` is one value, not one per input (``np.ndim`` raised on a ragged
    list: a pipeline's rows naming two classes and three, exit 5)."""
    if isinstance(answer, str | bytes | dict) or not hasattr(answer, "__len__"):
        return True
    return isinstance(answer, np.ndarray) and answer.ndim == 0


def _refuse_short(answer: Any, probe: ModelInputs, what: str) -> None:
    """A probe answered with a list of another length than its batch (one answer too few:
    the run's first batch failed so, after a run was made).  One value (a function of one
    sentence, a dict) is left to the checks that name what to write instead."""
    if _one_value(answer) or len(answer) == len(probe):
        return
    raise ModelError(
        f"{what} returned {len(answer)} answer{'' if len(answer) == 1 else 's'} for "
        f"{len(probe)} inputs on its first call (a probe batch); it must return one answer "
        f"per input{dropped_text_hint(len(answer), probe)}"
    )


def _refuse_non_finite(answer: Any, probe: ModelInputs, what: str) -> None:
    """A probe answered with NaN or infinity: the model failed before a run is made (it
    passed the probe, a run was made, and its first batch failed the same way: exit 3, a
    failed run of no finding).  Answers that are not numbers are left to the checks that
    read them (labels by name)."""
    try:
        values = np.asarray(answer)
    except Exception:  # (ragged, or not an array at all: the checks that read it say so)
        return
    if values.dtype.kind != "f" or values.ndim == 0 or not values.size:
        return
    if np.isfinite(values).all():
        return
    rows = values.reshape(len(values), -1)
    i = int(np.argmax(~np.isfinite(rows).all(axis=1)))
    raise ModelError(
        f"{what} returned a non-finite value ({rows[i].tolist()}) for input {i} on its first "
        f"call (a probe batch of {len(probe)} inputs): {describe_input(probe, i)}"
    )


def declared_capabilities(
    *,
    modality: Modality,
    n_classes: int | None,
    outputs: OutputKind | None,
    probe: ModelInputs | None,
    ask: Callable[[ModelInputs], Any],
    what: str,
    timeout: float | None = DEFAULT_CALL_TIMEOUT,
) -> Capabilities:
    """Capabilities from what the caller declared, or from one probe call when allowed.

    The probe call has a deadline of ``timeout`` seconds; its failures are ``ModelError``s.
    """
    if outputs is not None:
        if outputs == "proba" and n_classes is None and probe is not None:
            answer = probe_call(ask, probe, what=what, timeout=timeout)
            return infer_capabilities(answer, modality=modality)
        return Capabilities(modality=modality, n_classes=n_classes, outputs=outputs)
    if probe is not None:
        answer = probe_call(ask, probe, what=what, timeout=timeout)
        return infer_capabilities(answer, modality=modality, n_classes=n_classes)
    raise UsageError(
        f"cannot tell what {what} answers: it must be called once on example inputs (give "
        "--data, --dataset or --schema), or, from Python, declared with outputs= "
        "('labels' or 'proba') and n_classes=",
        argument="MODEL",
    )


def from_callable(
    fn: Callable[[Any], Any],
    *,
    capabilities: Capabilities | None = None,
    modality: Modality = "tabular",
    n_classes: int | None = None,
    outputs: OutputKind | None = None,
    probe: ModelInputs | None = None,
    call_timeout: float | None = DEFAULT_CALL_TIMEOUT,
    classes: tuple[str, ...] | None = None,
    columns: tuple[str, ...] | None = None,
    dtypes: Mapping[str, Any] | None = None,
) -> CallableModel:
    """Wrap a batched function as a Model.

    Capabilities come from ``capabilities``, else from ``outputs``/``n_classes``, else from
    one call on ``probe`` (see ``infer_capabilities``); without any of these, UsageError.
    ``classes``: the names of its classes, in order (``--classes``), as ``fn.classes_``.
    ``columns``: the names of a table's columns, in the rows' order: a function that fails
    on its probe rows as an array and answers them as a DataFrame with these columns is
    given DataFrames (``FramedFunction``), their columns in ``dtypes`` where it names one
    (the user's DataFrame's own).
    """
    if not callable(fn):
        raise UsageError(f"{fn!r} is not callable", argument="MODEL")
    names = _declared_classes(fn)
    declared_by = "classes_"
    if classes is not None:
        if names is not None and names != classes:
            raise UsageError(
                f"{_qualname(fn)} declares its classes ({', '.join(map(repr, names))}); "
                f"--classes gives {', '.join(map(repr, classes))}: give the same, in order "
                "(or leave --classes out)",
                argument="--classes",
            )
        names, declared_by = classes, DECLARED_BY
    if capabilities is None and names is not None:
        answered = None
        if probe is not None and modality == "tabular":  # (written for a DataFrame: given
            # one, as a function that declares no classes is; --classes took that away)
            fn, answered = _probe_or_frame(fn, probe, columns, timeout=call_timeout, dtypes=dtypes)
        return declared_model(
            fn,
            names,
            modality=modality,
            probe=probe,
            call_timeout=call_timeout,
            answered=answered,
            declared_by=declared_by,
            declared=outputs,
        )
    if capabilities is None and outputs is None and probe is not None:
        # one probe call: a pipeline's lists of {label, score} name the classes themselves
        try:
            fn, answer = _probe_or_frame(
                fn,
                probe,
                columns if modality == "tabular" else None,
                timeout=call_timeout,
                dtypes=dtypes,
            )
        except ModelError as exc:  # ('list' object has no attribute 'lower')
            other = (
                spacy_like(fn) or other_batch_form(str(exc), _bare(fn))
                if modality == "text"
                else None
            )
            if other is not None:  # (a function of a pandas Series or DataFrame)
                raise ModelError(f"{exc}; {other}") from exc
            if modality == "text" and "'list'" in str(exc):
                raise ModelError(f"{exc}; {_ONE_SENTENCE.format(_bare(fn))}") from exc
            raise
        if modality == "text" and _one_value(answer):
            raise UsageError(
                f"{_qualname(fn)} answered one value ({answer!r}) to a batch of "
                f"{len(probe)} sentences; "
                f"{by_sentence(answer, probe, _bare(fn)) or _ONE_SENTENCE.format(_bare(fn))}",
                argument="MODEL",
            )
        fn, answer = read_score_dicts(fn, answer)  # spaCy's cats: {class: score} per input
        several = independent_scores(answer, probe) if modality == "text" else None
        if several is not None:
            raise UsageError(f"the function {several}", argument="MODEL")
        found = ranked_labels(answer)
        if found is None and modality == "text":
            found = column_names(answer)  # pd.DataFrame(proba, columns=clf.classes_)
        if found is not None:
            return declared_model(
                fn,
                found,
                modality=modality,
                probe=probe,
                call_timeout=call_timeout,
                answered=answer,
            )
        if modality == "text" and _booleans(answer, len(probe)):  # is_toxic(batch): two labels
            names = ("False", "True")
            caps = Capabilities(modality=modality, n_classes=2, outputs="labels", class_names=names)
            return NamedLabelsModel(fn, caps, names)
        seen = labels_by_name(answer, len(probe)) if modality == "text" else None
        one = one_output_scores(answer) if seen is not None and len(seen) == 1 else None
        if one is not None:
            raise UsageError(f"the function {one}", argument="MODEL")
        if seen is not None:  # "pos"/"neg": its labels are the names it answers
            caps = Capabilities(
                modality=modality, n_classes=len(seen), outputs="labels", class_names=seen
            )
            ranked = is_ranked(_one_column(answer))  # (top_k=1: one label each)
            named = NamedLabelsModel(fn, caps, seen, from_answers=True, ranked=ranked)
            named.loading_note = _classes_apart(answer)
            return named
        caps = infer_capabilities(answer, modality=modality, n_classes=n_classes)
        return CallableModel(fn, caps)
    if capabilities is None:
        capabilities = declared_capabilities(
            modality=modality,
            n_classes=n_classes,
            outputs=outputs,
            probe=probe,
            ask=fn,
            what=f"the function {_qualname(fn)}",
            timeout=call_timeout,
        )
    return CallableModel(fn, capabilities)


# -- specs ---------------------------------------------------------------------------------
def _split(spec: str) -> tuple[str, str] | None:
    target, sep, name = spec.rpartition(":")
    if not sep or not target or not name:
        return None
    if not all(part.isidentifier() for part in name.split(".")):
        return None
    return target, name


def is_callable_spec(spec: str) -> bool:
    """Whether ``spec`` reads as ``file.py:name`` or ``package.module:name``."""
    parts = _split(spec)
    if parts is None:
        return False
    target = parts[0]
    if target.endswith(".py"):
        return True
    return all(p.isidentifier() for p in target.split("."))


def resolve_spec(spec: str) -> Any:
    """The object named by ``file.py:name`` or ``package.module:name`` (dots reach attributes)."""
    parts = _split(spec)
    if parts is None:
        raise UsageError(f"{spec!r} is not a callable spec; expected {_FORMS}", argument="MODEL")
    target, name = parts
    if target.endswith(".py"):
        module = _import_file(target)
    else:
        module = _import_module(target)
        remember_module(spec, module)  # a stored run may import it again (core.named_code)
    obj: Any = module
    for attr in name.split("."):
        try:
            obj = getattr(obj, attr)
        except AttributeError:
            raise UsageError(
                f"{target} has no {name!r}; it defines: {_public_names(module)}",
                argument="MODEL",
            ) from None
    return obj


def _public_names(module: Any) -> str:
    names = sorted(
        n
        for n, v in vars(module).items()
        if not n.startswith("_")
        and (callable(v) or hasattr(v, "predict"))
        and getattr(v, "__module__", None) == module.__name__
    )
    return ", ".join(names[:20]) or "(nothing callable)"


def _import_file(target: str) -> Any:
    path = Path(target).expanduser()
    if not path.is_file():
        raise UsageError(f"no such file: {target}", argument="MODEL", path=target)
    resolved = path.resolve()
    # keyed by the file's contents too: a file edited since (a notebook re-running a check,
    # ``assay verify`` after a fix) is imported again, never answered by its old code
    digest = hashlib.sha1(str(resolved).encode() + resolved.read_bytes()).hexdigest()[:12]
    module_name = f"{_USER_MODULE}{resolved.stem}_{digest}"
    remember(resolved)  # a stored run may import it again (core.named_code)
    with _import_lock(module_name):  # (one import of a file at a time: see _import_lock)
        if module_name in sys.modules:
            return sys.modules[module_name]
        return _exec_file(target, resolved, module_name)


_IMPORTS_GUARD = threading.Lock()
_IMPORTING: dict[str, threading.Lock] = {}


def _import_lock(module_name: str) -> threading.Lock:
    """The lock held while ``module_name`` (a user's file) is imported.  The module is in
    ``sys.modules`` from the start of its import: a load given up at ``max_time`` on another
    thread (``core.loading_time``: it goes on in the background) left it there half run, and
    the next call loading the same file took it as it was: "slow.py has no 'f'; it defines:
    (nothing callable)".  A second import of the file now waits for the first to end (a
    Ctrl-C or the alarm of ``--max-time`` still interrupts the wait)."""
    with _IMPORTS_GUARD:
        return _IMPORTING.setdefault(module_name, threading.Lock())


def _exec_file(target: str, resolved: Path, module_name: str) -> Any:
    """Import the file at ``resolved`` as ``module_name`` (``_import_file``, holding its
    lock); a file that fails to import leaves no module behind."""
    spec = importlib.util.spec_from_file_location(module_name, resolved)
    if spec is None or spec.loader is None:
        raise UsageError(f"cannot import {target} as Python", argument="MODEL", path=target)
    module = importlib.util.module_from_spec(spec)
    sys.modules[module_name] = module
    folder = str(resolved.parent)
    sys.path.insert(0, folder)
    try:
        spec.loader.exec_module(module)
    except KeyboardInterrupt:  # a Ctrl-C or SIGTERM while a slow file imports: the user's
        del sys.modules[module_name]
        raise
    except SystemExit as exc:
        del sys.modules[module_name]
        raise UsageError(
            f"importing it raised {type(exc).__name__} (a model file must not exit)",
            argument="MODEL",
            path=target,
            line=_user_line(exc, resolved),
        ) from None
    except SyntaxError as exc:
        del sys.modules[module_name]
        raise UsageError(
            f"syntax error: {exc.msg}", argument="MODEL", path=target, line=exc.lineno
        ) from exc
    except Exception as exc:
        del sys.modules[module_name]
        line = _user_line(exc, resolved)
        raise UsageError(
            f"importing it raised {type(exc).__name__}: {exc}",
            argument="MODEL",
            path=target,
            line=line,
        ) from exc
    finally:
        if folder in sys.path:
            sys.path.remove(folder)
    _by_value(module)
    return module


def _by_value(module: Any) -> None:
    """Functions of a user's file travel by value when pickled (to Dask workers, whose
    processes never imported the file under assay's name for it)."""
    try:
        import cloudpickle  # type: ignore[import-untyped,unused-ignore]
    except ImportError:  # no Dask here: nothing pickles functions
        return
    with contextlib.suppress(ValueError):  # already registered
        cloudpickle.register_pickle_by_value(module)


def _user_line(exc: BaseException, path: Path) -> int | None:
    tb = exc.__traceback__
    line = None
    while tb is not None:
        if Path(tb.tb_frame.f_code.co_filename) == path:
            line = tb.tb_lineno
        tb = tb.tb_next
    return line


def _import_module(target: str) -> Any:
    try:
        return importlib.import_module(target)
    except ModuleNotFoundError as exc:
        raise UsageError(
            f"cannot import module {target!r}: {exc}; expected {_FORMS}", argument="MODEL"
        ) from exc
    except Exception as exc:
        raise UsageError(
            f"importing module {target!r} raised {type(exc).__name__}: {exc}", argument="MODEL"
        ) from exc
