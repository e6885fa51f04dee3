"""scikit-learn estimators and pipelines (and duck-typed look-alikes) as Models."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np

from assay.core.model import Capabilities, Modality, ModelInputs, OutputKind
from assay.errors import ModelError, UsageError
from assay.models import probed
from assay.models.answer_order import in_input_order
from assay.models.batch_limit import in_chunks
from assay.models.callable import by_column_names
from assay.models.checked import FRAME_ADVICE

__all__ = ["SklearnModel", "from_sklearn", "index_of"]


def _check_fitted(estimator: Any) -> None:
    if not hasattr(estimator, "fit"):
        return
    from sklearn.exceptions import NotFittedError
    from sklearn.utils.validation import check_is_fitted

    try:
        check_is_fitted(estimator)
    except NotFittedError:
        raise UsageError(
            f"the {type(estimator).__name__} is not fitted; fit it before testing it",
            argument="MODEL",
        ) from None
    except (TypeError, AttributeError):
        # not a scikit-learn estimator: nothing to check
        pass


def _classes_of(estimator: Any) -> np.ndarray | None:
    try:
        classes = estimator.classes_
    except AttributeError:
        return None
    # a multi-output classifier's ``classes_`` is a list of arrays, one per output; a list of
    # labels (``classes_ = ["no", "yes"]`` on an object of one's own, as on a function) is one
    several = isinstance(classes, list) and any(np.ndim(c) > 0 for c in classes)
    if several or np.asarray(classes).ndim != 1:
        raise UsageError(
            f"the {type(estimator).__name__} predicts several outputs at once "
            "(multi-output classifier); assay tests models with one output",
            argument="MODEL",
        )
    return np.asarray(classes)


def _takes_one_sentence(estimator: Any) -> None:
    """A text classifier takes one sentence per input: an estimator fitted on a table of
    several columns (``n_features_in_`` 2 or more) is a tabular model, refused before a run
    is made (it was made, and its first batch failed: "Expected 2D array, got 1D array",
    exit 3, with a resume line no resume could help)."""
    width = getattr(estimator, "n_features_in_", None)
    if not isinstance(width, int | np.integer) or width < 2:
        return
    names = getattr(estimator, "feature_names_in_", None)
    listed = f" ({', '.join(str(c) for c in list(names)[:8])})" if names is not None else ""
    raise UsageError(
        f"the {type(estimator).__name__} takes {int(width)} columns per input{listed}: a model "
        "of a table, not of text; a text classifier takes one sentence per input (a Pipeline "
        "that starts from the text: a TfidfVectorizer, ...)",
        argument="MODEL",
    )


def is_sklearn_regressor(estimator: Any) -> bool:
    try:
        from sklearn.base import is_regressor

        return bool(is_regressor(estimator))
    except Exception:
        return False


class SklearnModel:
    """A fitted estimator or Pipeline answering as its capabilities declare.

    - ``outputs == "proba"`` on a classifier: ``predict_proba``;
    - ``outputs == "labels"``: ``predict`` mapped to indices into ``classes_``;
    - regressors: ``predict`` as one column of scores (``n_classes`` None).

    An estimator fitted on a DataFrame (``feature_names_in_``) receives a DataFrame with those
    columns built from the 2-D array it is given (object arrays keep their strings).
    """

    def __init__(
        self,
        estimator: Any,
        capabilities: Capabilities,
        classes: np.ndarray | None,
        *,
        use_proba: bool | None = None,
    ) -> None:
        self.estimator = estimator
        self.use_proba = (
            use_proba
            if use_proba is not None
            else capabilities.outputs == "proba" and classes is not None
        )
        self.capabilities = capabilities
        self._classes = classes
        names = getattr(estimator, "feature_names_in_", None)
        self.feature_names: list[str] | None = (
            [str(c) for c in names] if names is not None else None
        )
        # the user's dtype per column (set by a technique that read the user's DataFrame)
        self.dtypes: dict[str, Any] | None = None
        # else one dtype per column that may be missing, whatever a batch holds
        self.steady_dtypes: dict[str, Any] = {}
        # given polars DataFrames (``polars_if_needed``): data given as one, and a model that
        # fails on pandas (a Pipeline fitted on polars, its first step polars' own API)
        self.polars = False
        # polars imported (by the model's module, the caller): the first call failing as
        # pandas for want of an attribute or a type is tried again as polars (no call more
        # for a model that answers pandas; a model's other failures, a transient one, stand)
        self.polars_fallback = False
        self._answered = False
        n_in = getattr(estimator, "n_features_in_", None)
        self.n_features: int | None = int(n_in) if isinstance(n_in, int | np.integer) else None
        self.info: dict[str, Any] = {
            "estimator": f"{type(estimator).__module__}.{type(estimator).__qualname__}",
            "feature_names": self.feature_names,
        }

    def _frame(self, inputs: ModelInputs) -> Any:
        if self.capabilities.modality == "text":
            return list(inputs) if not isinstance(inputs, np.ndarray) else inputs
        arr = np.asarray(inputs)
        if arr.ndim == 2:
            expected = len(self.feature_names) if self.feature_names else self.n_features
            if expected is not None and arr.shape[1] != expected:
                cols = f": {', '.join(self.feature_names)}" if self.feature_names else ""
                raise UsageError(
                    f"the model takes {expected} columns{cols}; the inputs have {arr.shape[1]}",
                    argument="MODEL",
                )
        if self.feature_names is None or arr.ndim != 2:
            return arr
        if self.dtypes is not None:
            import pandas as pd

            frame = pd.DataFrame(arr, columns=self.feature_names).astype(self.dtypes)
        else:
            from assay.models.inferred_frame import inferred_frame

            frame = inferred_frame(arr, self.feature_names, self.steady_dtypes)
        if self.polars:
            import polars as pl

            return pl.from_pandas(frame)
        return frame

    def polars_if_needed(self, rows: ModelInputs) -> bool:
        """For data given as a polars DataFrame: whether the estimator fails on ``rows`` as
        a pandas DataFrame and answers them as a polars one (a Pipeline fitted on polars
        whose first step calls polars' own API, ``X.with_columns``): if so it is given
        polars DataFrames from then on.  Loading's two probe rows, asked once or twice."""
        if self.feature_names is None:
            return False
        try:
            self.predict(rows)
            return False
        except Exception:  # (the model's own failure, whatever it raises: tried again below)
            self.polars = True
        try:
            self.predict(rows)
        except Exception:
            self.polars = False  # failing both ways: the pandas call's failure is the run's
        return self.polars

    def predict(self, inputs: ModelInputs, /) -> np.ndarray:
        if not self.polars_fallback or self._answered or self.polars:
            return self._predict(inputs)
        failed: Exception | None = None
        try:
            out = self._predict(inputs)
        except (AttributeError, TypeError) as exc:  # (a pandas frame lacking polars' API)
            failed = exc
        if failed is not None:  # tried as polars; failing both ways, the pandas failure
            self.polars = True
            try:
                out = self._predict(inputs)
            except Exception:
                self.polars = False
            if not self.polars:
                raise failed
        self._answered = True
        return out

    def _predict(self, inputs: ModelInputs) -> np.ndarray:
        x = self._frame(inputs)
        try:
            return self._answer(x, inputs)
        except ValueError as exc:
            from assay.models.booster_dtypes import category_mismatch

            hint = category_mismatch(self.estimator, x, exc)
            if hint is None:
                raise
            raise ModelError(hint) from exc

    def _answer(self, x: Any, inputs: ModelInputs) -> np.ndarray:
        # a pandas answer is read by its index (a wrapper that sorts or groups its batch
        # before predicting), a frame of probabilities by its columns when they name the
        # classes (in another order, read by position, every label was swapped): as a
        # function's answer is (hostile44f)
        n = len(x)
        if self.use_proba:
            proba = in_input_order(self.estimator.predict_proba(x), n)
            if self._classes is not None:
                proba = by_column_names(proba, {str(c): i for i, c in enumerate(self._classes)})
            return np.asarray(proba)
        raw = np.asarray(in_input_order(self.estimator.predict(x), n))
        if self.capabilities.outputs == "proba" or self._classes is None:
            return raw
        return _to_indices(raw, self._classes, inputs)

    def __repr__(self) -> str:
        return f"SklearnModel({type(self.estimator).__name__})"


def index_of(values: np.ndarray, classes: Sequence[Any] | np.ndarray) -> np.ndarray:
    """Position of each value in ``classes`` (compared as given, else as strings); -1 if absent."""
    table = np.asarray(classes)
    vals = np.asarray(values).reshape(-1)
    numeric = table.dtype.kind in "iufb" and vals.dtype.kind in "iufb"
    pairs = [(table, vals)] if numeric else []
    for a, b in [*pairs, (table.astype(str), vals.astype(str))]:
        try:
            order = np.argsort(a, kind="stable")
            pos = np.clip(np.searchsorted(a[order], b), 0, max(len(a) - 1, 0))
            idx = order[pos] if len(a) else np.full(len(b), -1)
            found = a[idx] == b if len(a) else np.zeros(len(b), dtype=bool)
        except TypeError:
            continue
        return np.where(found, idx, -1).astype(np.int64)
    return np.full(len(vals), -1, dtype=np.int64)  # pragma: no cover - str always compares


def _to_indices(raw: np.ndarray, classes: np.ndarray, inputs: ModelInputs) -> np.ndarray:
    """Predicted class values as indices into ``classes``."""
    from assay.core.model import describe_input

    idx = index_of(raw, classes)
    bad = idx < 0
    if np.any(bad):
        i = int(np.argmax(bad))
        raise ModelError(
            f"the model predicted {raw.reshape(-1)[i]!r}, which is not one of its classes "
            f"{classes.tolist()}, for input {i}: {describe_input(inputs, i)}"
        )
    return idx


def from_sklearn(
    estimator: Any,
    *,
    outputs: OutputKind | None = None,
    modality: Modality = "tabular",
    n_classes: int | None = None,
    probe: ModelInputs | None = None,
) -> SklearnModel:
    """Wrap a fitted scikit-learn estimator, Pipeline, or anything with ``predict``.

    ``outputs`` chooses ``"proba"`` (the default when ``predict_proba`` exists) or
    ``"labels"``.  ``n_classes``, when given, must agree with ``classes_``.  A duck-typed
    classifier without ``classes_`` needs ``n_classes`` or a ``probe`` batch to count them.
    """
    if not hasattr(estimator, "predict") and not hasattr(estimator, "predict_proba"):
        raise UsageError(
            f"a {type(estimator).__name__} has no predict method; it is not a model",
            argument="MODEL",
        )
    _check_fitted(estimator)
    if modality == "text":
        _takes_one_sentence(estimator)
    classes = _classes_of(estimator)
    has_proba = hasattr(estimator, "predict_proba")
    name = type(estimator).__name__
    if classes is None and has_proba and not is_sklearn_regressor(estimator):
        return _duck_classifier(estimator, outputs, modality, n_classes, probe)
    if classes is None:
        if outputs == "labels":
            raise UsageError(
                f"the {name} is a regressor (no classes_); it answers scores, not labels",
                argument="--outputs",
            )
        caps = Capabilities(modality=modality, n_classes=None, outputs="proba")
        return SklearnModel(estimator, caps, None)
    if n_classes is not None and n_classes != len(classes):
        raise UsageError(
            f"{n_classes} classes given, but the {name} has {len(classes)}: "
            f"{', '.join(map(str, classes.tolist()))}",
            argument="--n-classes",
        )
    kind: OutputKind = outputs or ("proba" if has_proba else "labels")
    if kind == "proba" and not has_proba:
        raise UsageError(
            f"the {name} has no predict_proba (for SVC, fit it with probability=True); "
            "use --outputs labels",
            argument="--outputs",
        )
    caps = Capabilities(
        modality=modality,
        n_classes=len(classes),
        outputs=kind,
        class_names=tuple(str(c) for c in classes.tolist()),
    )
    return SklearnModel(estimator, caps, classes)


def _duck_classifier(
    estimator: Any,
    outputs: OutputKind | None,
    modality: Modality,
    n_classes: int | None,
    probe: ModelInputs | None,
) -> SklearnModel:
    """A predict_proba object without classes_: count classes from n_classes or a probe."""
    kind: OutputKind = outputs or "proba"
    if n_classes is None and kind == "proba" and probe is not None:
        probed.asked(len(probe))
        # in the form every later call takes (a DataFrame of its feature_names_in_)
        framed = SklearnModel(estimator, Capabilities(modality, None, "proba"), None)._frame
        try:
            answer = np.asarray(in_chunks(lambda b: estimator.predict_proba(framed(b)), probe))
        except Exception as exc:  # (the user's model: a ModelError, never a bare traceback)
            shape = getattr(probe, "shape", None)
            given = f"a numpy array of shape {shape}" if shape is not None else "a batch"
            raise ModelError(
                f"the {type(estimator).__name__}'s predict_proba raised "
                f"{type(exc).__name__}: {exc} on its first call (a probe batch of "
                f"{len(probe)} inputs, given as {given}); {FRAME_ADVICE}"
            ) from exc
        n_classes = int(answer.shape[1]) if answer.ndim == 2 else None
    if n_classes is None and kind == "proba":
        raise UsageError(
            f"the {type(estimator).__name__} has predict_proba but no classes_; "
            "give the number of classes with --n-classes",
            argument="--n-classes",
        )
    caps = Capabilities(modality=modality, n_classes=n_classes, outputs=kind)
    return SklearnModel(estimator, caps, None, use_proba=kind == "proba")
