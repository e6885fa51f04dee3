"""ONNX models (run with onnxruntime, imported only when an ONNX model is loaded).

Inputs: a graph with one input receives the whole batch cast to the declared type (reshaped
to the declared per-item shape when sizes agree); a graph with several inputs (one per column,
as skl2onnx writes mixed-type pipelines) receives one column each, cast per declared type.
A graph whose batch axis is fixed takes batches of that size (shorter ones padded).
Outputs: probabilities are preferred (a tensor, or the list of maps ZipMap produces);
``output=NAME`` picks another.  Class names come from the graph's class labels when present.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from assay.core.calls import usable_cores
from assay.core.extras import pip_install
from assay.core.model import Capabilities, Modality, ModelInputs, OutputKind
from assay.errors import ModelError, UsageError
from assay.models import probed
from assay.models.batch_limit import in_chunks
from assay.models.onnx_locale import is_locale_error, with_available_locale
from assay.models.sklearn import index_of

__all__ = ["OnnxModel", "from_onnx"]

_DTYPES: dict[str, Any] = {
    "tensor(float)": np.float32,
    "tensor(double)": np.float64,
    "tensor(float16)": np.float16,
    "tensor(int64)": np.int64,
    "tensor(int32)": np.int32,
    "tensor(int16)": np.int16,
    "tensor(int8)": np.int8,
    "tensor(uint8)": np.uint8,
    "tensor(bool)": np.bool_,
    "tensor(string)": object,
}


@dataclass(frozen=True)
class _Port:
    name: str
    type: str
    shape: tuple[int | str | None, ...]

    @property
    def dtype(self) -> Any:
        if self.type not in _DTYPES:
            raise UsageError(
                f"ONNX input {self.name!r} has type {self.type}, which assay cannot feed",
                argument="MODEL",
            )
        return _DTYPES[self.type]

    @property
    def item_shape(self) -> tuple[int, ...] | None:
        """The per-item shape when every dimension after the batch is fixed."""
        dims = self.shape[1:]
        if all(isinstance(d, int) and d > 0 for d in dims):
            return tuple(int(d) for d in dims)  # type: ignore[arg-type]
        return None

    @property
    def fixed_batch(self) -> int | None:
        first = self.shape[0] if self.shape else None
        return first if isinstance(first, int) and first > 0 else None

    def describe(self) -> str:
        return f"{self.name} {self.type} {list(self.shape)}"


def _ports(args: Any) -> list[_Port]:
    return [_Port(a.name, a.type, tuple(a.shape or ())) for a in args]


def _session(path: Path) -> tuple[Any, str | None]:
    """An onnxruntime session of the graph, and a note when it was loaded otherwise than
    written (a text graph's locale this machine lacks: ``models.onnx_locale``)."""
    try:
        import onnxruntime as ort
    except ImportError as exc:
        raise UsageError(
            "ONNX models need onnxruntime: " + pip_install("'assay[onnx]'"), argument="MODEL"
        ) from exc
    options = ort.SessionOptions()
    options.log_severity_level = 4  # its failures are raised (and said) as errors
    # leave a core to the search, which prepares its next round while the model answers
    options.intra_op_num_threads = max(usable_cores() - 1, 1)

    def make(source: str | bytes) -> Any:
        return ort.InferenceSession(source, options, providers=["CPUExecutionProvider"])

    try:
        return make(str(path)), None
    except Exception as exc:
        if is_locale_error(exc):
            return with_available_locale(path, make, exc)
        raise UsageError(
            f"onnxruntime cannot load the file: {exc}", argument="MODEL", path=str(path)
        ) from exc


def _graph_class_labels(path: Path) -> list[Any] | None:
    """Class labels written in the graph (ZipMap, *Classifier nodes), when onnx is installed."""
    try:
        import onnx
    except ImportError:  # pragma: no cover - onnx comes with the [onnx] extra
        return None
    try:
        graph = onnx.load(str(path), load_external_data=False).graph
    except Exception:
        return None
    for node in graph.node:
        for attr in node.attribute:
            if attr.name == "classlabels_strings" and len(attr.strings):
                return [s.decode("utf-8") for s in attr.strings]
            if attr.name in ("classlabels_int64s", "classlabels_ints") and len(attr.ints):
                return list(attr.ints)
    return None


def _width(inputs: list[_Port]) -> int | None:
    """Columns a tabular graph takes: one per input, or the fixed width of its one 2-D input."""
    if len(inputs) > 1:
        return len(inputs)
    shape = inputs[0].item_shape
    return shape[0] if shape is not None and len(shape) == 1 else None


def _is_map(port: _Port) -> bool:
    return port.type.startswith("seq(map(")


def _is_float(port: _Port) -> bool:
    return port.type in ("tensor(float)", "tensor(double)", "tensor(float16)")


def _choose_output(outputs: list[_Port], name: str | None, kind: OutputKind | None) -> _Port:
    if name is not None:
        for port in outputs:
            if port.name == name:
                return port
        raise UsageError(
            f"the ONNX model has no output {name!r}; its outputs are: "
            f"{', '.join(p.describe() for p in outputs)}",
            argument="--output",
        )
    scores = [p for p in outputs if _is_map(p) or _is_float(p)]
    labels = [p for p in outputs if p not in scores]
    if kind == "labels" and labels:
        return labels[0]
    for port in scores:
        if "prob" in port.name.lower():
            return port
    return (scores or outputs)[0]


def _plain(value: Any) -> Any:
    """A numpy scalar as the Python value it holds (``1``, not ``np.int64(1)``)."""
    return value.item() if isinstance(value, np.generic) else value


def _decision_beside(outputs: list[_Port], chosen: _Port) -> _Port | None:
    """The graph's label output, when the output read is its scores (checked against
    them on every call: ``OnnxModel._check_decision``)."""
    if not (_is_map(chosen) or _is_float(chosen)):
        return None
    labels = [
        p
        for p in outputs
        if not (_is_map(p) or _is_float(p))
        and p.type in ("tensor(int64)", "tensor(int32)", "tensor(string)")
        and len(p.shape) <= 2
    ]
    return labels[0] if len(labels) == 1 else None


class OnnxModel:
    """One ONNX graph answering with one of its outputs."""

    def __init__(
        self,
        path: str | Path,
        *,
        output: str | None = None,
        modality: Modality = "tabular",
        n_classes: int | None = None,
        outputs: OutputKind | None = None,
        probe: ModelInputs | None = None,
        classes: tuple[str, ...] | None = None,
    ) -> None:
        self.path = Path(path)
        self.session, locale_note = _session(self.path)
        self.inputs = _ports(self.session.get_inputs())
        self.outputs = _ports(self.session.get_outputs())
        self.output = _choose_output(self.outputs, output, outputs)
        self._decision = _decision_beside(self.outputs, self.output)
        labels = _graph_class_labels(self.path)
        if classes is not None:
            if labels is not None and tuple(str(c) for c in labels) != classes:
                raise UsageError(
                    f"the graph names its classes ({', '.join(repr(str(c)) for c in labels)}); "
                    f"the classes declared are {', '.join(map(repr, classes))}: declare the "
                    "graph's own, in its order (or leave --classes out)",
                    argument="--classes",
                    path=str(self.path),
                )
            if n_classes is not None and n_classes != len(classes):
                raise UsageError(
                    f"{n_classes} classes given, but {len(classes)} names", argument="--classes"
                )
            n_classes = len(classes)
        self._declared = classes  # names given by the user (--classes), label i = class i
        self._class_values: list[Any] | None = labels
        self.max_batch = self.inputs[0].fixed_batch if len(self.inputs) == 1 else None
        self._map_keys: list[Any] | None = None
        self.n_features = _width(self.inputs)
        if modality == "text" and len(self.inputs) > 1:  # (refused before a run is made)
            raise UsageError(
                f"the ONNX model takes {len(self.inputs)} inputs, one per column "
                f"({', '.join(p.name for p in self.inputs[:8])}): a model of a table, not of "
                "text; a text classifier takes one sentence per input",
                argument="MODEL",
                path=str(self.path),
            )
        self.capabilities = self._capabilities(modality, n_classes, outputs, probe)
        self.info: dict[str, Any] = {
            "inputs": [p.describe() for p in self.inputs],
            "outputs": [p.describe() for p in self.outputs],
            "output": self.output.name,
        }
        if locale_note is not None:
            self.info["locale"] = locale_note

    # -- a copy in another process (a Dask worker's) -----------------------------------------
    def __getstate__(self) -> dict[str, Any]:
        """The model without its onnxruntime session, which does not pickle (every ONNX model
        was refused by ``--executor dask``): a copy opens the graph again from its file."""
        state = dict(self.__dict__)
        state["session"] = None
        return state

    def __setstate__(self, state: dict[str, Any]) -> None:
        """Open the graph again where the copy lands: its file must be at the same path there
        (a LocalCluster's workers, or a file system the cluster's machines share)."""
        self.__dict__.update(state)
        if not self.path.is_file():
            raise UsageError(
                f"the ONNX model {self.path} is not on this machine: a Dask worker opens the "
                "graph from its file, at the same path (share the folder with the cluster's "
                "machines, or run in this process: leave out --executor dask)",
                argument="MODEL",
                path=str(self.path),
            )
        self.session = _session(self.path)[0]

    # -- capabilities ----------------------------------------------------------------------
    def _capabilities(
        self,
        modality: Modality,
        n_classes: int | None,
        outputs: OutputKind | None,
        probe: ModelInputs | None,
    ) -> Capabilities:
        port = self.output
        kind: OutputKind = "proba" if (_is_map(port) or _is_float(port)) else "labels"
        if outputs is not None and outputs != kind:
            raise UsageError(
                f"output {port.name!r} ({port.type}) gives {kind}, not {outputs}; "
                f"outputs are: {', '.join(p.describe() for p in self.outputs)}",
                argument="--output",
            )
        found: int | None = None
        if kind == "proba" and not _is_map(port) and len(port.shape) >= 2:
            width = port.shape[1]
            if isinstance(width, int) and width > 0:
                found = width
        if found is None and kind == "proba" and _is_map(port) and self._class_values:
            found = len(self._class_values)
        if found is None and kind == "proba":
            found = self._probe_width(probe, n_classes)
        if kind == "labels":
            found = len(self._class_values) if self._class_values else n_classes
        if n_classes is not None and found is not None and n_classes != found:
            raise UsageError(
                f"{n_classes} classes given, but output {port.name!r} has {found}",
                argument="--n-classes",
            )
        if kind == "proba" and found == 1:
            found = n_classes
        names = None
        if self._class_values is not None and len(self._class_values) == found:
            names = tuple(str(c) for c in self._class_values)
        elif self._declared is not None:
            names = self._declared
            if found is not None and found != len(names):
                raise UsageError(
                    f"output {port.name!r} has {found} classes; {len(names)} are declared "
                    f"({', '.join(map(repr, names))})",
                    argument="--classes",
                )
            found = len(names)
        return Capabilities(
            modality=modality,
            n_classes=found,
            outputs=kind,
            max_batch=self.max_batch,
            class_names=names,
        )

    def _probe_width(self, probe: ModelInputs | None, n_classes: int | None) -> int | None:
        if n_classes is not None:
            return n_classes
        batch = probe if probe is not None else self._zero_batch()
        if batch is None:
            raise UsageError(
                f"output {self.output.name!r} has no fixed width; give --n-classes",
                argument="--n-classes",
            )
        if probe is not None:
            probed.asked(len(probe))
        try:
            answer = in_chunks(self._run, batch)
        except Exception as exc:
            raise UsageError(
                f"could not count the classes of output {self.output.name!r} "
                f"({type(exc).__name__}: {exc}); give --n-classes",
                argument="--n-classes",
            ) from exc
        return int(answer.shape[1]) if answer.ndim == 2 else 1

    def _zero_batch(self) -> ModelInputs | None:
        if len(self.inputs) > 1:
            row = np.empty((1, len(self.inputs)), dtype=object)
            for j, port in enumerate(self.inputs):
                row[0, j] = "" if port.dtype is object else 0
            return row
        port = self.inputs[0]
        shape = port.item_shape
        if shape is None:
            return None
        if port.dtype is object:
            return [""]
        return np.zeros((1, *shape), dtype=port.dtype)

    # -- predict ---------------------------------------------------------------------------
    def predict(self, inputs: ModelInputs, /) -> np.ndarray:
        n = len(inputs)
        if self.max_batch is None or n <= self.max_batch:
            out = self._run(inputs)
        else:
            step = self.max_batch
            out = np.concatenate([self._run(inputs[i : i + step]) for i in range(0, n, step)])
        if self.capabilities.outputs == "labels":
            return self._label_indices(out)
        return out

    def _run(self, inputs: ModelInputs) -> np.ndarray:
        """The chosen output for one batch (probability maps as a 2-D array).  A graph whose
        batch axis is fixed (exported with batch 32) gets a shorter batch padded with copies
        of its last input; the answers to the padding are dropped."""
        n = len(inputs)
        fixed = self.max_batch
        if fixed is not None and 0 < n < fixed:
            inputs = _padded(inputs, fixed)
        names = [self.output.name] + ([self._decision.name] if self._decision else [])
        raw, *decided = self.session.run(names, self._feeds(inputs))
        scores = self._from_maps(raw[:n]) if _is_map(self.output) else np.asarray(raw)[:n]
        if decided:
            self._check_decision(scores, np.asarray(decided[0]).reshape(-1)[:n])
        return scores

    def _check_decision(self, scores: np.ndarray, decided: np.ndarray) -> None:
        """The graph's own decision (its label output) must be the class its scores rank
        first, wherever they rank one clearly first: a graph that applies a threshold or a
        rule after its scores (a label output computed by more nodes) decides otherwise, and
        testing its scores would test another model."""
        if scores.ndim != 2 or scores.shape[1] < 2 or len(decided) != len(scores):
            return
        if self._class_values is not None:
            idx = index_of(decided, self._class_values)
        elif decided.dtype.kind in "iu":
            idx = decided.astype(np.int64)
        else:
            return
        ranked = np.sort(scores, axis=1)
        clear = ranked[:, -1] - ranked[:, -2] > 1e-6 * np.maximum(1.0, np.abs(ranked[:, -1]))
        top = np.argmax(scores, axis=1)
        wrong = clear & (idx >= 0) & (idx != top)
        if not wrong.any():
            return
        i = int(np.argmax(wrong))
        names = [_plain(v) for v in (self._class_values or range(scores.shape[1]))]
        raise ModelError(
            f"the ONNX graph decides otherwise than its scores: its output "
            f"{self._decision.name if self._decision else '?'!r} answers {_plain(decided[i])!r} "
            f"where its output {self.output.name!r} ranks {names[int(top[i])]!r} first "
            f"({np.round(scores[i], 4).tolist()}): it applies a threshold or a rule after its "
            f"scores, so testing the scores would test another model; read its decision "
            f"with --output {self._decision.name if self._decision else ''}"
        )

    def _from_maps(self, rows: list[dict[Any, float]]) -> np.ndarray:
        if not rows:
            return np.zeros((0, len(self._class_values or ())), dtype=np.float64)
        if self._map_keys is None:
            keys = list(rows[0].keys())
            if self._class_values is not None and set(self._class_values) == set(keys):
                keys = list(self._class_values)
            else:
                keys = sorted(keys)
                self._class_values = keys
            self._map_keys = keys
        keys = self._map_keys
        try:
            return np.array([[row[k] for k in keys] for row in rows], dtype=np.float64)
        except KeyError as exc:
            raise ModelError(f"the model's probability map lacks class {exc}") from exc

    def _label_indices(self, out: np.ndarray) -> np.ndarray:
        out = out.reshape(-1)
        values: list[Any] | None = self._class_values
        if values is None and self._declared is not None and out.dtype.kind not in "iu":
            values = list(self._declared)  # labels by name, declared with --classes
            out = out.astype(str) if out.dtype.kind == "S" else out
        if values is None:
            if out.dtype.kind in "iu":
                return out
            raise UsageError(
                f"output {self.output.name!r} gives labels of type {out.dtype} and the graph "
                "names no classes; declare them in order (--classes no,yes; classes=[...]) "
                "or choose a probability output with --output",
                argument="--output",
            )
        idx = index_of(out, values)
        if (idx < 0).any():
            bad = out[int(np.argmax(idx < 0))]
            at = int(np.argmax(idx < 0))
            if values is not self._class_values:  # (the user's list is wrong: exit 2)
                raise UsageError(
                    f"the ONNX model {self.path.name} answered label {_plain(bad)!r} for "
                    f"input {at}, which --classes does not list (it gives "
                    f"{', '.join(repr(str(v)) for v in values)}); give every class the model "
                    "answers, in the order of its outputs",
                    argument="--classes",
                )
            raise ModelError(
                f"the ONNX model {self.path.name} answered label {_plain(bad)!r} for input "
                f"{at}, which is not one of the classes the graph names "
                f"({', '.join(repr(str(v)) for v in values)})"
            )
        return idx

    def _feeds(self, inputs: ModelInputs) -> dict[str, Any]:
        if len(self.inputs) == 1:
            port = self.inputs[0]
            return {port.name: _cast(_whole(inputs, port), port)}
        arr = np.asarray(inputs, dtype=object) if not isinstance(inputs, np.ndarray) else inputs
        if arr.ndim != 2 or arr.shape[1] != len(self.inputs):
            raise UsageError(
                f"the ONNX model takes {len(self.inputs)} columns, one per input "
                f"({', '.join(p.name for p in self.inputs)}); got inputs of shape {arr.shape}",
                argument="MODEL",
            )
        feeds = {}
        for j, port in enumerate(self.inputs):
            col = arr[:, j]
            col = col.reshape(-1, 1) if len(port.shape) == 2 else col
            feeds[port.name] = _cast(col, port)
        return feeds

    def __repr__(self) -> str:
        return f"OnnxModel({str(self.path)!r}, output={self.output.name!r})"


def _padded(inputs: ModelInputs, size: int) -> ModelInputs:
    """``inputs`` with its last item repeated up to ``size`` items."""
    extra = size - len(inputs)
    if isinstance(inputs, np.ndarray):
        return np.concatenate([inputs, np.repeat(inputs[-1:], extra, axis=0)])
    items = list(inputs)
    return items + [items[-1]] * extra


def _whole(inputs: ModelInputs, port: _Port) -> np.ndarray:
    if port.dtype is object:
        arr = np.empty(len(inputs), dtype=object)
        arr[:] = [str(s) for s in inputs]
        return arr.reshape(-1, 1) if len(port.shape) == 2 else arr
    arr = np.asarray(inputs)
    shape = port.item_shape
    if shape is not None and arr.shape[1:] != shape:
        if int(np.prod(arr.shape[1:])) != int(np.prod(shape)):
            raise UsageError(
                f"the ONNX model takes items of shape {list(shape)} (input {port.describe()}); "
                f"got inputs of shape {list(arr.shape)}",
                argument="MODEL",
            )
        arr = arr.reshape(len(arr), *shape)
    return arr


def _cast(values: np.ndarray, port: _Port) -> np.ndarray:
    dtype = port.dtype
    if dtype is object:
        flat = values.reshape(-1).tolist()
        text = [str(int(v)) if isinstance(v, float) and v.is_integer() else str(v) for v in flat]
        out = np.empty(len(text), dtype=object)
        out[:] = text
        return out.reshape(values.shape)
    try:
        cast = values.astype(np.float64) if values.dtype == object else values
        if np.issubdtype(dtype, np.integer) and cast.dtype.kind == "f":
            frac = cast != np.round(cast)
            if frac.any():
                raise UsageError(
                    f"ONNX input {port.name!r} takes integers ({port.type}); got "
                    f"{cast.reshape(-1)[int(np.argmax(frac.reshape(-1)))].item()!r}",
                    argument="MODEL",
                )
        result: np.ndarray = np.ascontiguousarray(cast, dtype=dtype)
        return result
    except (TypeError, ValueError) as exc:
        raise UsageError(
            f"ONNX input {port.name!r} takes numbers ({port.type}): {exc}", argument="MODEL"
        ) from exc


def from_onnx(
    path: str | Path,
    *,
    output: str | None = None,
    modality: Modality = "tabular",
    n_classes: int | None = None,
    outputs: OutputKind | None = None,
    probe: ModelInputs | None = None,
    classes: tuple[str, ...] | None = None,
) -> OnnxModel:
    """Load an ONNX file as a Model (see the module docstring).  ``classes``: the names of
    its classes in order, for a graph that answers labels by name and names none."""
    p = Path(path).expanduser()
    if not p.is_file():
        raise UsageError(f"no such file: {path}", argument="MODEL", path=str(path))
    return OnnxModel(
        p,
        output=output,
        modality=modality,
        n_classes=n_classes,
        outputs=outputs,
        probe=probe,
        classes=classes,
    )
