"""Read tree models (scikit-learn, ONNX) into plain arrays, for the exact fairness analysis.

``read_trees(model)`` returns an ``Ensemble`` of plain arrays or the reason it cannot; the
fairness shell turns it into the schema's terms (``fairness.exact.compose``).  Supported:

- scikit-learn ``DecisionTreeClassifier``, ``RandomForestClassifier``,
  ``ExtraTreesClassifier``, ``GradientBoostingClassifier``, ``HistGradientBoostingClassifier``
  (numeric splits), in memory or loaded from skops, alone or at the end of a ``Pipeline`` whose
  steps are column selections, one-hot/ordinal encoders and scalers (``transform`` applies
  them; the composition checks that each output column depends on one feature);
- ONNX ``TreeEnsembleClassifier`` fed straight from the graph's input (XGBoost, LightGBM and
  scikit-learn exports; equality splits, LightGBM's categorical ones, each read as a 0/1
  column past the input's; a graph fed floats compares float32 values, ``inputs32``, as
  scikit-learn's trees and forests do).

A tree sends a row left at node ``i`` when ``x[feature[i]] <= threshold[i]``; leaves have
feature -1.  See ``fairness.exact.trees`` for how ``combine``, ``base``, ``scale`` and ``cut``
make a class.
"""

from __future__ import annotations

import dataclasses
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Literal

import numpy as np

from assay.core.extras import pip_install
from assay.models.step_values import known_values

__all__ = ["Ensemble", "TreeArrays", "read_graph", "read_trees"]

_STEPS = {
    "ColumnTransformer",
    "OneHotEncoder",
    "OrdinalEncoder",
    "StandardScaler",
    "MinMaxScaler",
    "MaxAbsScaler",
    "RobustScaler",
    "Pipeline",
    "SimpleImputer",
}


@dataclass(frozen=True)
class TreeArrays:
    feature: np.ndarray
    threshold: np.ndarray
    left: np.ndarray
    right: np.ndarray
    value: np.ndarray  # (n_nodes, k)
    # where the model sends a missing value (NaN) at each node, True: left (None: not known)
    missing_left: np.ndarray | None = None


@dataclass(frozen=True)
class Ensemble:
    trees: tuple[TreeArrays, ...]
    combine: Literal["mean", "sum"]
    base: np.ndarray | None = None
    scale: float = 1.0
    cut: float = 0.0
    source: str = ""
    steps: tuple[str, ...] = ()  # preprocessing in front of the trees, by name
    # the model's raw input rows -> the columns the trees see (None: the rows themselves)
    transform: Callable[[Any], np.ndarray] | None = None
    # the runtime sums the leaves in float32 (an ONNX graph with float thresholds)
    float32: bool = False
    # the trees compare the inputs as float32 (scikit-learn's trees and forests, an ONNX graph
    # fed float tensors): a value is rounded to float32 before it meets a threshold
    inputs32: bool = False
    # read from a conversion of the model (an in-memory booster's ONNX graph), named: checked
    # against the model on more inputs before it is trusted (``fairness.exact.checked``)
    conversion: str = ""
    # seconds spent reading (an in-memory booster's conversion): part of the exact analysis's
    # time (``fairness.answer``)
    read_seconds: float = 0.0
    # per raw input column, the values its encoders were fitted on (``step_values``): the
    # preprocessing is probed there too
    known: dict[str, np.ndarray] | None = None


NOT_CONVERTED = (
    "the run tests missing values (--missing value), and an in-memory {name}'s trees are read "
    "only through a conversion (another program's rewriting of it), whose handling of a "
    "missing value is not known to be the model's: the trees are not read"
)


def read_trees(
    model: Any, *, deadline: float | None = None, convert: bool = True
) -> Ensemble | str:
    """The model's trees as plain arrays, or why they cannot be read.  ``deadline``
    (``time.monotonic()``): an in-memory booster's conversion to ONNX is given up then.
    ``convert``: False when the trees of a conversion would not be used (a run testing
    missing values): an in-memory booster is then not converted, ``NOT_CONVERTED`` says why."""
    inner = model
    while hasattr(inner, "inner"):
        inner = inner.inner
        if getattr(inner, "cutoff", None) is not None:  # (models.cutoff: not the trees' class)
            from assay.models.cutoff import written

            return (
                f"the model's score is decided at the cutoff {written(inner.cutoff)} "
                "(--cutoff), and "
                "the trees read decide at their own class"
            )
    if hasattr(inner, "estimator"):
        return _from_sklearn(inner, deadline, convert)
    if hasattr(inner, "session") and hasattr(inner, "path"):
        return _from_onnx(inner)
    return f"exact analysis reads scikit-learn and ONNX tree models; this is {type(inner).__name__}"


# -- scikit-learn ---------------------------------------------------------------------------------


def _resampler(step: Any) -> bool:
    """A step that resamples the training rows and transforms none (imbalanced-learn's
    ``RandomOverSampler``, ``SMOTE``): a Pipeline that can hold one (imblearn's) skips it
    when it predicts, so it is no part of what the trees are fed."""
    return callable(getattr(step, "fit_resample", None)) and not hasattr(step, "transform")


def _from_sklearn(
    adapter: Any, deadline: float | None = None, convert: bool = True
) -> Ensemble | str:
    est = adapter.estimator
    steps: list[Any] = []
    if type(est).__name__ == "Pipeline":
        steps = [
            s for _, s in est.steps[:-1] if s not in (None, "passthrough") and not _resampler(s)
        ]
        est = est.steps[-1][1]
    name = type(est).__name__
    if getattr(adapter, "use_proba", True) is False and not hasattr(est, "classes_"):
        return "exact analysis needs a classifier"
    read = _READERS.get(name)
    if read is None and name in _BOOSTERS and not convert:
        return NOT_CONVERTED.format(name=name)
    if read is None and name in _BOOSTERS:
        # in a Pipeline, the booster sees the preprocessed columns, not the user's frame
        converted = _converted(est, None if steps else adapter, deadline)
        if converted is None:
            return (
                f"exact analysis does not read {name} objects (their trees, base score and "
                f"categorical splits are {_BOOSTERS[name]}'s own); export the model to ONNX "
                f"(onnxmltools.{_CONVERTERS[_BOOSTERS[name]]}) and give assay the .onnx file"
                + (
                    "; in a Pipeline, install onnxmltools ("
                    + pip_install("'assay[boosters]'")
                    + "): "
                    "the booster is then converted in memory and the preprocessing composed "
                    "in front of its trees (an export of the whole Pipeline is not read: "
                    "exact analysis reads ONNX trees fed straight from the graph's input)"
                    if steps
                    else ""
                )
            )
        if isinstance(converted, str) or not steps:
            return converted
        trees: Ensemble | str = converted
    elif read is None:
        return f"exact analysis reads tree models; the final estimator is {name}"
    else:
        trees = read(est)
    if isinstance(trees, str):
        return trees
    for step in steps:
        bad = _unsupported(step)
        if bad:
            return (
                f"preprocessing step {bad} in front of the trees is not known to be monotone "
                "or categorical per feature, so it cannot be composed into boxes"
            )
    transform = None
    inner = trees.transform  # the estimator's own encoding (a booster's categories)
    if steps or inner is not None:

        def transform(raw: Any) -> np.ndarray:
            x: Any = adapter._frame(raw)
            for step in steps:
                x = step.transform(x)
            if hasattr(x, "toarray"):
                x = x.toarray()
            if inner is not None:
                return np.asarray(inner(x), dtype=np.float64)
            return np.asarray(x, dtype=np.float64)

    return dataclasses.replace(
        trees,
        source=(trees.source or f"scikit-learn {name}") + (" in a Pipeline" if steps else ""),
        steps=tuple(type(s).__name__ for s in steps) + trees.steps,
        transform=transform,
        inputs32=trees.inputs32 or name in _ROUNDS32,
        known=known_values(steps) or None,
    )


def _converted(est: Any, adapter: Any, deadline: float | None) -> Ensemble | str | None:
    """An XGBoost/LightGBM classifier read from its ONNX conversion made in memory (to be
    checked against the model: ``conversion`` says so), why not, or None without
    onnxmltools.  A bare model (``adapter``; None: at the end of a Pipeline) fitted on a
    DataFrame sees its rows as the frame it is given (``category`` columns as the codes it
    was trained with): ``transform`` does the same."""
    from assay.models.booster_onnx import coded, convert, lightgbm_splits

    t0 = time.monotonic()
    onx = convert(est, deadline)
    if onx is None or isinstance(onx, str):
        return onx
    name = type(est).__name__
    arrays = read_graph(onx.graph, onx.output, f"{name} read from {onx.note}")
    if isinstance(arrays, str):
        return f"{name} read from {onx.note}: {arrays}"
    conversion = f"{onx.note} of the {name}"
    if name == "LGBMClassifier":
        arrays = _in_float64(arrays, lightgbm_splits(est), int(est.n_features_in_))
    arrays = dataclasses.replace(arrays, conversion=conversion, read_seconds=time.monotonic() - t0)
    if getattr(adapter, "feature_names", None) is None:
        return arrays
    inner = arrays.transform  # the graph's equality splits

    def transform(raw: Any) -> np.ndarray:
        x = coded(est, adapter._frame(raw))
        return x if inner is None else np.asarray(inner(x), dtype=np.float64)

    return dataclasses.replace(arrays, transform=transform)


def _in_float64(
    arrays: Ensemble, own: list[tuple[list[tuple[int, float]], list[float]]], width: int
) -> Ensemble:
    """The trees of a LightGBM model's ONNX graph with LightGBM's own float64 thresholds and
    leaf values (``own``: per tree, in the graph's order), compared and added in float64 as
    LightGBM does; the graph's float32 reading when they do not pair up one to one (same
    feature, same values in float32)."""
    if len(own) != len(arrays.trees):
        return arrays
    trees = []
    for tree, (splits, leaves) in zip(arrays.trees, own, strict=True):
        order = _preorder(tree)
        nodes = [n for n in order if 0 <= tree.feature[n] < width]
        ends = [n for n in order if tree.feature[n] < 0]
        if len(nodes) != len(splits) or len(ends) != len(leaves):
            return arrays
        threshold, value = tree.threshold.copy(), tree.value.copy()
        for n, (f, t) in zip(nodes, splits, strict=True):
            if tree.feature[n] != f or np.float32(t) != np.float32(tree.threshold[n]):
                return arrays
            threshold[n] = t
        for n, v in zip(ends, leaves, strict=True):
            held = np.flatnonzero(value[n])  # the class column the graph adds it to
            if len(held) > 1 or (len(held) and np.float32(v) != np.float32(value[n, held[0]])):
                return arrays
            if len(held):
                value[n, held[0]] = v
        trees.append(dataclasses.replace(tree, threshold=threshold, value=value))
    return dataclasses.replace(arrays, trees=tuple(trees), inputs32=False, float32=False)


def _preorder(tree: TreeArrays) -> list[int]:
    """The nodes, each before its left (true) then right subtree, once each."""
    out: list[int] = []
    seen: set[int] = set()
    stack = [0]
    while stack:
        n = stack.pop()
        if n in seen:
            continue
        seen.add(n)
        out.append(n)
        if tree.feature[n] >= 0:
            stack.extend([int(tree.right[n]), int(tree.left[n])])
    return out


def _sk_tree(t: Any, *, normalise: bool, column: int | None = None, k: int = 0) -> TreeArrays:
    value = np.asarray(t.value, dtype=np.float64)[:, 0, :]
    if normalise:
        total = value.sum(axis=1, keepdims=True)
        value = np.divide(value, total, out=np.zeros_like(value), where=total > 0)
    if column is not None:  # one class's tree of a multi-class booster
        full = np.zeros((len(value), k))
        full[:, column] = value[:, 0]
        value = full
    feature = np.asarray(t.feature, dtype=np.int64).copy()
    left = np.asarray(t.children_left, dtype=np.int64)
    feature[left < 0] = -1
    # scikit-learn >= 1.3 sends NaN where each node says, also where training saw none (there:
    # to the child that had more samples); older versions refuse NaN at predict time
    going = getattr(t, "missing_go_to_left", None)
    return TreeArrays(
        feature=feature,
        threshold=np.asarray(t.threshold, dtype=np.float64),
        left=left,
        right=np.asarray(t.children_right, dtype=np.int64),
        value=value,
        missing_left=None if going is None else np.asarray(going, dtype=bool),
    )


def _decision_tree(est: Any) -> Ensemble | str:
    if getattr(est.tree_, "n_outputs", 1) != 1:
        return "exact analysis reads single-output trees"
    return _bare((_sk_tree(est.tree_, normalise=True),), "mean")


def _forest(est: Any) -> Ensemble | str:
    if getattr(est, "n_outputs_", 1) != 1:
        return "exact analysis reads single-output forests"
    trees = tuple(_sk_tree(e.tree_, normalise=True) for e in est.estimators_)
    return _bare(trees, "mean")


def _gradient_boosting(est: Any) -> Ensemble | str:
    if est.init_ not in ("zero", None) and not hasattr(est.init_, "class_prior_"):
        return "exact analysis reads gradient boosting with the default initial estimator"
    width = int(est.n_features_in_)
    base = np.asarray(est._raw_predict_init(np.zeros((1, width))), dtype=np.float64)[0]
    stages = est.estimators_
    k = stages.shape[1]
    if k == 1:
        trees = tuple(_sk_tree(s[0].tree_, normalise=False) for s in stages)
    else:
        trees = tuple(
            _sk_tree(stages[i, c].tree_, normalise=False, column=c, k=k)
            for i in range(stages.shape[0])
            for c in range(k)
        )
    return _bare(trees, "sum", base=base, scale=float(est.learning_rate), cut=0.0)


def _hist_gradient_boosting(est: Any) -> Ensemble | str:
    categorical = getattr(est, "is_categorical_", None) is not None and np.any(est.is_categorical_)
    preprocessor = getattr(est, "_preprocessor", None)
    if categorical and preprocessor is None:
        return "exact analysis cannot read this booster's categorical splits (no encoder found)"
    base = np.asarray(est._baseline_prediction, dtype=np.float64).reshape(-1)
    k = len(base)
    width = int(est.n_features_in_)
    splits: list[_CategorySplit] = []  # native categorical splits, each read as a 0/1 column
    known = est._bin_mapper.make_known_categories_bitsets() if categorical else None
    trees = []
    for stage in est._predictors:
        for c, pred in enumerate(stage):
            nodes = pred.nodes
            leaf = nodes["is_leaf"].astype(bool)
            value = np.zeros((len(nodes), k))
            value[:, c] = nodes["value"]
            feature = np.where(leaf, -1, nodes["feature_idx"]).astype(np.int64)
            threshold = np.asarray(nodes["num_threshold"], dtype=np.float64).copy()
            if categorical and known is not None:
                for i in np.flatnonzero(~leaf & nodes["is_categorical"].astype(bool)):
                    f = int(nodes["feature_idx"][i])
                    splits.append(
                        _CategorySplit(
                            column=f,
                            left=pred.raw_left_cat_bitsets[int(nodes["bitset_idx"][i])].copy(),
                            known=known[0][int(known[1][f])].copy(),
                            missing_left=bool(nodes["missing_go_to_left"][i]),
                        )
                    )
                    feature[i] = width + len(splits) - 1
                    threshold[i] = 0.5  # the split's column: 0 goes left, 1 right
            trees.append(
                TreeArrays(
                    feature=feature,
                    threshold=threshold,
                    left=np.asarray(nodes["left"], dtype=np.int64),
                    right=np.asarray(nodes["right"], dtype=np.int64),
                    value=value,
                    missing_left=np.asarray(nodes["missing_go_to_left"], dtype=bool),
                )
            )
    ensemble = _bare(tuple(trees), "sum", base=base, cut=0.0)
    if not categorical or preprocessor is None:
        return ensemble

    def transform(x: Any) -> np.ndarray:
        """The booster's own encoding (its categories as codes, categorical columns first),
        then one 0/1 column per categorical split: 0 where it sends the row left."""
        coded = np.asarray(preprocessor.transform(x), dtype=np.float64)
        sides = [split.right_of(coded[:, split.column]) for split in splits]
        return np.column_stack([coded, *sides]) if sides else coded

    steps = ("its own category encoding (native categorical splits)",)
    return dataclasses.replace(ensemble, steps=steps, transform=transform)


@dataclass(frozen=True)
class _CategorySplit:
    """A native categorical split of a HistGradientBoosting tree, as the booster decides it:
    a code in its left set goes left; a known code not in it, right; a missing, negative or
    unknown code goes where missing values go."""

    column: int
    left: np.ndarray  # bitset (8 x uint32) of the codes sent left
    known: np.ndarray  # bitset of the codes seen in training
    missing_left: bool

    def right_of(self, codes: np.ndarray) -> np.ndarray:
        out = np.full(len(codes), 0.0 if self.missing_left else 1.0)
        ok = np.isfinite(codes) & (codes >= 0) & (codes < 256)
        c = codes[ok].astype(np.int64)
        in_left = (self.left[c // 32] >> (c % 32).astype(np.uint32)) & 1 == 1
        in_known = (self.known[c // 32] >> (c % 32).astype(np.uint32)) & 1 == 1
        side = np.where(in_left, 0.0, np.where(in_known, 1.0, out[ok]))
        out[ok] = side
        return out


def _bare(
    trees: tuple[TreeArrays, ...],
    combine: Any,
    *,
    base: np.ndarray | None = None,
    scale: float = 1.0,
    cut: float = 0.0,
) -> Ensemble:
    return Ensemble(trees=trees, combine=combine, base=base, scale=scale, cut=cut)


# tree models of other libraries: read through their ONNX export
_BOOSTERS = {
    "XGBClassifier": "XGBoost",
    "XGBRFClassifier": "XGBoost",
    "Booster": "XGBoost or LightGBM",
    "LGBMClassifier": "LightGBM",
}
_CONVERTERS = {
    "XGBoost": "convert_xgboost",
    "LightGBM": "convert_lightgbm",
    "XGBoost or LightGBM": "convert_xgboost or convert_lightgbm",
}

# their predict casts the rows to float32 before comparing them with float64 thresholds
# (HistGradientBoosting bins and compares float64)
_ROUNDS32 = {
    "DecisionTreeClassifier",
    "ExtraTreeClassifier",
    "RandomForestClassifier",
    "ExtraTreesClassifier",
    "GradientBoostingClassifier",
}

_READERS: dict[str, Any] = {
    "DecisionTreeClassifier": _decision_tree,
    "ExtraTreeClassifier": _decision_tree,
    "RandomForestClassifier": _forest,
    "ExtraTreesClassifier": _forest,
    "GradientBoostingClassifier": _gradient_boosting,
    "HistGradientBoostingClassifier": _hist_gradient_boosting,
}


def _unsupported(step: Any) -> str | None:
    name = type(step).__name__
    if name == "FunctionTransformer" and getattr(step, "func", None) is None:
        return None  # the identity (a ColumnTransformer's passthrough remainder)
    if name not in _STEPS:
        return name
    if name == "ColumnTransformer":
        for _, inner, _ in step.transformers_:
            if isinstance(inner, str):
                continue
            bad = _unsupported(inner)
            if bad:
                return bad
    if name == "Pipeline":
        for _, inner in step.steps:
            bad = _unsupported(inner) if inner not in (None, "passthrough") else None
            if bad:
                return bad
    return None


# -- ONNX -----------------------------------------------------------------------------------------


def _from_onnx(adapter: Any) -> Ensemble | str:
    try:
        import onnx
    except ImportError:
        return "reading ONNX trees needs the onnx package (" + pip_install("'assay[onnx]'") + ")"
    graph = onnx.load(str(adapter.path)).graph
    read = getattr(getattr(adapter, "output", None), "name", None)
    return read_graph(graph, read, f"ONNX TreeEnsembleClassifier in {adapter.path.name}")


def read_graph(graph: Any, read: str | None, label: str) -> Ensemble | str:
    """The trees of an ONNX graph (``onnx.GraphProto``) whose output ``read`` (None: not
    checked) the analysis compares, or why they cannot be read; ``label`` names them."""
    import onnx

    ensembles = [n for n in graph.node if n.op_type == "TreeEnsembleClassifier"]
    if len(ensembles) != 1:
        kinds = sorted({n.op_type for n in graph.node})
        return f"exact analysis reads ONNX graphs with one TreeEnsembleClassifier; found {kinds}"
    node = ensembles[0]
    source = {i.name: i for i in graph.input}
    feeding = node.input[0]
    producers = {o: n for n in graph.node for o in n.output}
    inputs32 = False  # the values reach the trees as float32
    while feeding not in source:
        prev = producers.get(feeding)
        if prev is None or prev.op_type not in ("Cast", "Identity"):
            what = prev.op_type if prev is not None else feeding
            return f"the ONNX trees are fed by {what}, which cannot be composed into boxes"
        if prev.op_type == "Cast":
            to = next(a.i for a in prev.attribute if a.name == "to")
            inputs32 = inputs32 or to == onnx.TensorProto.FLOAT
        feeding = prev.input[0]
    port = source[feeding].type.tensor_type
    inputs32 = inputs32 or port.elem_type == onnx.TensorProto.FLOAT
    dims = [d.dim_value if d.HasField("dim_value") else None for d in port.shape.dim]
    width = dims[1] if len(dims) == 2 else None
    if read is not None:
        made_by = _made_by(read, producers, _ones(graph))
        if made_by is not node:
            what = made_by.op_type if made_by is not None else "the graph's input"
            return (
                f"the ONNX output read ({read}) is computed after the trees by {what}, "
                "which exact analysis cannot follow; it reads the trees' own outputs"
            )
    attrs = {a.name: onnx.helper.get_attribute_value(a) for a in node.attribute}
    if "nodes_values" not in attrs:
        return "exact analysis reads ONNX tree thresholds stored as floats (nodes_values)"
    post = attrs.get("post_transform", b"NONE")
    post = post.decode() if isinstance(post, bytes) else str(post)
    labels = attrs.get("classlabels_int64s") or attrs.get("classlabels_strings") or []
    n_labels = len(labels)
    class_ids = np.asarray(attrs["class_ids"], dtype=np.int64)
    weights = np.asarray(attrs["class_weights"], dtype=np.float64)
    binary_single = n_labels == 2 and len(set(class_ids.tolist())) == 1
    k = 1 if binary_single else n_labels
    base_vals = attrs.get("base_values")
    if n_labels == 2 and base_vals and (len(base_vals) > 1 or set(class_ids.tolist()) != {0}):
        # onnxruntime adds such base values to another class's score than the one it decides
        # on (or to both, differently): no reading of them answers as it does everywhere
        return (
            f"binary ONNX trees with base_values {list(base_vals)} and class ids "
            f"{sorted(set(class_ids.tolist()))} are not read: runtimes apply them differently"
        )
    equal: list[tuple[int, float]] = []  # (column, value) of the equality splits
    trees = _onnx_trees(
        attrs, k, class_ids if not binary_single else np.zeros_like(class_ids), width, equal
    )
    if isinstance(trees, str):
        return trees
    base = np.zeros(k) if not base_vals else np.asarray(base_vals, dtype=np.float64)[-k:]
    cut = 0.0
    if binary_single:
        if post == "NONE":
            cut = 0.5 if np.all(weights >= 0) else 0.0
        elif post != "LOGISTIC":
            return f"binary ONNX trees with post_transform {post} are not read"
    elif post not in ("NONE", "LOGISTIC", "SOFTMAX", "SOFTMAX_ZERO"):
        return f"ONNX trees with post_transform {post} are not read"
    return Ensemble(
        trees=trees,
        combine="sum",
        base=base,
        scale=1.0,
        cut=cut,
        source=label,
        steps=("each equality split a 0/1 column",) if equal else (),
        transform=_equalities(equal, inputs32) if equal else None,
        float32=True,
        inputs32=inputs32,
    )


def _equalities(equal: list[tuple[int, float]], inputs32: bool) -> Callable[[Any], np.ndarray]:
    """The graph's input columns, then one column per equality split (``BRANCH_EQ``, the
    categorical splits of LightGBM exports): 0 where the value equals the split's (the row
    goes the split's true way), 1 elsewhere."""

    def transform(raw: Any) -> np.ndarray:
        x = np.asarray(raw, dtype=np.float64)
        seen = x.astype(np.float32) if inputs32 else x
        # a missing value stays NaN: the split's node says where it goes
        sides = [np.where(np.isnan(seen[:, c]), np.nan, seen[:, c] != v) for c, v in equal]
        return np.column_stack([x, *sides]).astype(np.float64)

    return transform


def _made_by(name: str, producers: dict[str, Any], ones: set[str]) -> Any:
    """The node that computes the value ``name``, looking through the nodes that only
    pass values on (Identity, Cast, ZipMap, and a product with or quotient by constant ones,
    ``ones``: onnxmltools' LightGBM export multiplies its probabilities by 1); None for a
    graph input."""
    node = producers.get(name)
    while node is not None:
        by_one = node.op_type in ("Mul", "Div") and len(node.input) == 2
        if node.op_type in ("Identity", "Cast", "ZipMap") or (by_one and node.input[1] in ones):
            node = producers.get(node.input[0])
        elif by_one and node.op_type == "Mul" and node.input[0] in ones:
            node = producers.get(node.input[1])
        else:
            break
    return node


def _ones(graph: Any) -> set[str]:
    """The graph's constants (initializers, Constant nodes) whose every value is 1."""
    from onnx import numpy_helper

    tensors = [(t.name, t) for t in graph.initializer]
    for n in graph.node:
        if n.op_type == "Constant":
            value = next((a.t for a in n.attribute if a.name == "value"), None)
            if value is not None:
                tensors.append((n.output[0], value))
    out = set()
    for name, tensor in tensors:
        values = numpy_helper.to_array(tensor)
        if values.size and values.dtype.kind in "fiu" and np.all(values == 1):
            out.add(name)
    return out


def _onnx_trees(
    attrs: dict[str, Any],
    k: int,
    class_ids: np.ndarray,
    width: int | None,
    equal: list[tuple[int, float]],
) -> tuple[TreeArrays, ...] | str:
    """The trees; each equality split (``BRANCH_EQ``, ``BRANCH_NEQ``) becomes a test of its
    own column past the input's ``width`` (0: equal), listed in ``equal``."""
    tree_ids = np.asarray(attrs["nodes_treeids"], dtype=np.int64)
    node_ids = np.asarray(attrs["nodes_nodeids"], dtype=np.int64)
    features = np.asarray(attrs["nodes_featureids"], dtype=np.int64)
    values = np.asarray(attrs["nodes_values"], dtype=np.float32).astype(np.float64)
    modes = [m.decode() if isinstance(m, bytes) else str(m) for m in attrs["nodes_modes"]]
    true_ids = np.asarray(attrs["nodes_truenodeids"], dtype=np.int64)
    false_ids = np.asarray(attrs["nodes_falsenodeids"], dtype=np.int64)
    c_tree = np.asarray(attrs["class_treeids"], dtype=np.int64)
    c_node = np.asarray(attrs["class_nodeids"], dtype=np.int64)
    c_weight = np.asarray(attrs["class_weights"], dtype=np.float32).astype(np.float64)
    # a NaN goes the true way where this is 1, else the way its comparison (false) sends it
    tracks = np.zeros(len(modes), dtype=bool)
    if attrs.get("nodes_missing_value_tracks_true"):
        tracks = np.asarray(attrs["nodes_missing_value_tracks_true"], dtype=np.int64) != 0
    out: list[TreeArrays] = []
    columns: dict[tuple[int, float], int] = {}
    for t in np.unique(tree_ids):
        sel = np.flatnonzero(tree_ids == t)
        n = int(node_ids[sel].max()) + 1
        feature = np.full(n, -1, dtype=np.int64)
        threshold = np.zeros(n)
        left = np.full(n, -1, dtype=np.int64)
        right = np.full(n, -1, dtype=np.int64)
        missing_left = np.zeros(n, dtype=bool)
        for i in sel:
            nid, mode = int(node_ids[i]), modes[i]
            if mode == "LEAF":
                continue
            # left is the true way for LEQ, LT and EQ; NaN != v is true, so NEQ sends it true
            true_left = mode in ("BRANCH_LEQ", "BRANCH_LT", "BRANCH_EQ")
            nan_true = bool(tracks[i]) or mode == "BRANCH_NEQ"
            missing_left[nid] = nan_true == true_left
            thr = float(values[i])
            below = float(np.nextafter(np.float32(thr), np.float32(-np.inf)))
            if mode == "BRANCH_LEQ":
                threshold[nid], left[nid], right[nid] = thr, true_ids[i], false_ids[i]
            elif mode == "BRANCH_LT":
                threshold[nid], left[nid], right[nid] = below, true_ids[i], false_ids[i]
            elif mode == "BRANCH_GTE":
                threshold[nid], left[nid], right[nid] = below, false_ids[i], true_ids[i]
            elif mode == "BRANCH_GT":
                threshold[nid], left[nid], right[nid] = thr, false_ids[i], true_ids[i]
            elif mode in ("BRANCH_EQ", "BRANCH_NEQ"):
                if width is None:
                    return f"ONNX split mode {mode} is read only on an input of fixed width"
                key = (int(features[i]), thr)
                if key not in columns:
                    columns[key] = width + len(equal)
                    equal.append(key)
                first, second = true_ids[i], false_ids[i]
                if mode == "BRANCH_NEQ":
                    first, second = second, first
                threshold[nid], left[nid], right[nid] = 0.5, first, second
                feature[nid] = columns[key]
                continue
            else:
                return f"ONNX split mode {mode} is not read"
            feature[nid] = features[i]
        value = np.zeros((n, k))
        mine = np.flatnonzero(c_tree == t)
        np.add.at(value, (c_node[mine], class_ids[mine]), c_weight[mine])
        out.append(TreeArrays(feature, threshold, left, right, value, missing_left))
    return tuple(out)
