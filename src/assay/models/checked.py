"""The wrapper every loaded model goes through: failures and malformed answers become ModelError."""

from __future__ import annotations

import re
from dataclasses import replace
from typing import Any

import numpy as np

from assay.core.calls import OwnExit, shielded
from assay.core.keywords import BATCH_HINT
from assay.core.message_secrets import redact_cut, text_start
from assay.core.model import Capabilities, Model, ModelInputs, check_outputs, describe_input
from assay.core.redact import scrub
from assay.core.workdir import take_back
from assay.errors import AssayError, ModelError
from assay.models.batch_limit import in_chunks
from assay.models.class_scores import check_bound
from assay.models.empty_text import dropped_text_hint, empty_text_hint

__all__ = ["CheckedModel", "array_hint", "empty_answer", "missing_hint"]

_MESSAGE_LIMIT = 300


def empty_answer(capabilities: Capabilities) -> np.ndarray:
    """The answer to an empty batch, shaped as the capabilities declare."""
    if capabilities.outputs == "labels":
        return np.zeros(0, dtype=np.int64)
    return np.zeros((0, capabilities.n_classes or 1), dtype=np.float64)


FRAME_ADVICE = (
    "an object that needs a pandas DataFrame says so by its feature_names_in_ (the columns it "
    "takes, in order), as a fitted scikit-learn estimator does, and is then given one"
)


# a failure reading as too many inputs a call, when assay's calls were of one input each
_CALLS_OF_ONE = (
    "; the model failed on calls of one input each (a batch size of 1): no smaller batch size helps"
)
_SIZE_WORDS = ("batch", "size", "too many", "too large", "at most", "exceed", "out of memory")


def batch_hint(exc: BaseException, n: int, limit: int | None) -> str:
    """What to add to a model's failure that reads as a limit on the inputs per call (a
    function raising "batch of 44 > 40": the run failed, the option that splits assay's calls
    unsaid).  With ``limit`` (``--batch-size``: the batch of ``n`` sent in calls of at most
    ``limit``), the calls' size is said, for a smaller one to be given (a resume given
    ``--batch-size 16`` that failed again at 16 was told nothing, and its printed line failed
    the same way: left50b), and a batch of ``n`` within ``limit`` is said to be within it
    (it was told the generic words, as if no size had been given: left51); at 1 that no
    smaller size helps."""
    text = str(exc).lower()
    size = n if limit is None else min(n, limit)
    worded = any(w in text for w in _SIZE_WORDS)
    if size < 2:
        return _CALLS_OF_ONE if limit is not None and worded else ""
    if not (worded or str(size) in re.findall(r"\d+", text)):
        return ""
    if limit is None:
        return f"; a model that takes at most so many inputs a call: {BATCH_HINT}"
    if n <= limit:  # (one call of all n, within the size given: left51)
        return (
            f"; a model that takes at most so many inputs a call (this call, of {n} inputs, "
            f"was within this run's batch size of {limit} already): {BATCH_HINT}"
        )
    return (
        f"; a model that takes at most so many inputs a call (this run's calls were of "
        f"{size} inputs at most already): {BATCH_HINT}"
    )


def array_hint(exc: BaseException, inputs: ModelInputs) -> str:
    """What to add to a model's failure that reads as indexing the batch by column name (a
    function written for a pandas DataFrame given a numpy array of rows)."""
    text = str(exc)
    if not isinstance(inputs, np.ndarray) or inputs.ndim != 2:
        return ""
    if "only supported for dataframes" in text:  # a ColumnTransformer inside an object
        return (  # (that names no column: a wrapper around a pipeline)
            "; the model is called with a 2-D numpy array (one row per input, the columns in "
            f"the data's order): {FRAME_ADVICE}"
        )
    by_name = isinstance(exc, IndexError) and "only integers, slices" in text
    if not by_name:
        return ""
    return (
        "; the model is called with a 2-D numpy array (one row per input, the columns in the "
        "data's order), not a pandas DataFrame: index its columns by position, or take the "
        "array as a frame: `lambda X: f(pd.DataFrame(X, columns=[...]))`"
    )


def missing_hint(inputs: ModelInputs) -> str:
    """What to add to a model's failure on a batch holding missing values (NaN or None: a
    fairness run's ``--missing value`` gives them): a model that does not read them fails
    on every such batch, however often the run is resumed."""
    try:
        import pandas as pd

        if isinstance(inputs, pd.DataFrame):
            held = bool(inputs.isna().to_numpy().any())
        elif isinstance(inputs, np.ndarray) and inputs.dtype.kind in "fcO":
            held = bool(pd.isna(inputs).any())
        else:
            return ""
    except (TypeError, ValueError):  # (a batch pandas cannot look into)
        return ""
    if not held:
        return ""
    return (
        "; the batch held missing values (NaN: a fairness run's --missing value, in Python "
        'missing="value", tests empty cells): a model that does not read them is tested with '
        '--missing drop (missing="drop"), or behind an imputer'
    )


def _short(text: str, hidden: list[str]) -> str:
    """A model's error message on one line, cut, its credentials masked (``hidden``: those
    the model object holds; the exception itself stays the error's ``__cause__``)."""
    head = text_start(text, _MESSAGE_LIMIT * 64)  # (a 50 MB message: its start alone)
    out = redact_cut(scrub(" ".join(head.split()), hidden), _MESSAGE_LIMIT)
    return out if head is text or out.endswith("...") else out + "..."


class CheckedModel:
    """A Model that validates every answer of the model it wraps.

    The model gets a copy of each batch (it may change it in place).
    An exception raised by the wrapped model becomes a ``ModelError`` naming the exception,
    the batch size and the first input; an answer of the wrong shape, type or number of
    classes, or holding NaN, becomes a ``ModelError`` from ``check_outputs``.  Errors assay
    raises on purpose (``UsageError`` for inputs that do not fit the model) pass through.
    ``spec_info`` is the JSON summary ``load_model`` attaches for storing with a run.
    """

    def __init__(
        self,
        inner: Model,
        *,
        spec_info: dict[str, Any] | None = None,
        max_batch: int | None = None,
    ) -> None:
        take_back()  # (a folder the model moved to in its loading is its own: core.workdir)
        self.inner = inner
        caps = inner.capabilities
        if max_batch is not None and (caps.max_batch is None or max_batch < caps.max_batch):
            caps = replace(caps, max_batch=max_batch)  # (--batch-size: models.batch_limit)
        self.capabilities: Capabilities = caps
        self.limit = max_batch  # (split here; an adapter splitting its own keeps doing so)
        self.spec_info: dict[str, Any] = dict(spec_info or {})
        self.hidden: list[str] = []  # the model object's credentials (``object_secrets``)
        # rows of scores beyond any logit refused (a fairness run's undeclared classes:
        # ``models.class_scores``)
        self.score_bound = False
        # who named the classes when not the model or --classes (a text run's label map of a
        # classifier's indices): said in place of "declared by --classes N" (left52)
        self.classes_named_by: str | None = None

    def predict(self, inputs: ModelInputs, /) -> np.ndarray:
        n = len(inputs)
        if n == 0:
            return empty_answer(self.capabilities)
        given = _own_copy(inputs)
        try:
            raw = shielded(lambda: in_chunks(self.inner.predict, given, self.limit or len(given)))()
        except OwnExit as exc:  # (mid-run: said of it by name, as on its first call; left50b)
            who = getattr(self.inner, "info", {}).get("callable")
            if exc.who != "the model" or not who:
                raise
            raise exc.named(f"the function {who}", f"on a batch of {n} inputs") from None
        except AssayError:
            raise
        except Exception as exc:
            raise ModelError(
                f"the model raised {type(exc).__name__}: {_short(str(exc), self.hidden)} on a "
                f"batch of {n} inputs; first input: {describe_input(inputs, 0)}"
                f"{array_hint(exc, inputs)}"
                f"{missing_hint(inputs)}{empty_text_hint(inputs)}{batch_hint(exc, n, self.limit)}"
            ) from exc
        return self.checked(raw, inputs)

    def checked(self, raw: Any, inputs: ModelInputs) -> np.ndarray:
        """``raw``, the model's answer to ``inputs``, checked as every answer is (also a
        loading probe's answer, checked before a run is made)."""
        try:
            out = check_outputs(raw, inputs, self.capabilities)
        except ModelError as exc:  # (fewer answers than a batch holding empty sentences)
            hint = dropped_text_hint(_length(raw), inputs)
            said = str(exc)
            cut = said.find("declared by --classes")
            if self.classes_named_by and cut >= 0 and not hint:
                raise ModelError(f"{said[:cut]}{self.classes_named_by})") from exc
            if not hint:
                raise
            raise ModelError(f"{exc}{hint}") from exc
        if self.capabilities.outputs == "proba" and out.ndim == 2 and out.shape[1] >= 2:
            _check_rows(out, inputs)
            if self.score_bound:
                check_bound(out, inputs)
        return out

    def __repr__(self) -> str:
        return f"CheckedModel({self.inner!r})"


def _own_copy(inputs: ModelInputs) -> ModelInputs:
    """A copy of the batch for the model to keep: a model that changes its inputs in place
    (``X[:, 0] = 0``, ``X /= 255``, ``batch.sort()``) changed the search's own arrays, and so
    the findings stored and the answers cached for other inputs."""
    if isinstance(inputs, np.ndarray):
        return inputs.copy()
    if isinstance(inputs, list):
        return list(inputs)
    return inputs


def _check_rows(out: np.ndarray, inputs: ModelInputs) -> None:
    """Rows of class probabilities sum to 1.  Rows of values in [0, 1] that do not (one
    probability repeated, [p, p] for [1 - p, p]; a sigmoid per class) read as labels by their
    largest value gave a label that never changes: "nothing found" of a model never really
    asked.  Scores outside [0, 1] (logits) are read by their largest value, as they are."""
    if out.size == 0 or out.min() < 0.0 or out.max() > 1.0:
        return
    off = np.abs(out.sum(axis=1) - 1.0) > 0.02
    if off.any():
        i = int(np.argmax(off))
        raise ModelError(
            f"the model's class probabilities for input {i} sum to {out[i].sum():.4g}, not 1 "
            f"({np.round(out[i], 4).tolist()}; {int(off.sum()):,} of {len(out):,} rows do "
            f"not): it must answer one probability per class, the row summing to 1 (e.g. "
            f"np.column_stack([1 - p, p])); first such input: {describe_input(inputs, i)}"
        )


def _length(raw: Any) -> int:
    """How many answers ``raw`` holds (its first dimension; a large number when it has none,
    so that no hint of answers left out is given)."""
    try:
        return len(raw)
    except TypeError:
        return 1 << 62
