"""Inference protocols: how a batch becomes a request body and an answer becomes an array.

A protocol (``Codec``) knows three things about a kind of inference server: where to ask
(``endpoint``), how to check that the model is ready and learn what it takes (``prepare``,
given a GET function), and how to turn a batch into a JSON body (``encode``) and a JSON answer
into an array with one row per input (``decode``).  Sending, retrying and counting are the
transport's job (``assay.models.http``), so a new protocol is a small class.

- ``oip``: Open Inference Protocol v2 (KServe v2, MLServer, Triton).
- ``mlflow``: the MLflow scoring server (``/invocations``, ``dataframe_split`` or ``instances``).
- ``kserve-v1``: KServe v1 (``/v1/models/NAME:predict``).
- ``json``: assay's generic endpoint (``{"inputs": [...]}`` -> ``{"outputs": [...]}``).
- ``template``: an in-house service described by a body template and a path to the outputs.

``decode`` raises ``ValueError`` (or ``KeyError``/``TypeError``) for an answer of the wrong
form; the transport turns it into a ``ModelError`` naming the endpoint with an excerpt.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any, Protocol
from urllib.parse import urlsplit, urlunsplit

import numpy as np

from assay.core.model import ModelInputs
from assay.core.textfile import read_text_file
from assay.errors import ModelError, UsageError
from assay.models.classes import classes_advice

__all__ = [
    "PROTOCOLS",
    "Codec",
    "JsonCodec",
    "KServeV1Codec",
    "LabelsByName",
    "MlflowCodec",
    "OipCodec",
    "TemplateCodec",
    "guess_protocol",
    "make_codec",
]

PROTOCOLS = ("oip", "mlflow", "kserve-v1", "json", "template")
PLACEHOLDER = "{{inputs}}"

# a GET: path relative to the server root -> (status, parsed JSON or None)
Getter = Callable[[str], tuple[int, Any]]

_OIP = re.compile(r"^(?P<root>.*?)/v2/models/(?P<name>[^/]+)(?:/versions/(?P<version>[^/]+))?")
_KSERVE_V1 = re.compile(r"^(?P<root>.*?)/v1/models/(?P<name>[^/:]+)(?::predict)?$")


def guess_protocol(url: str) -> str:
    """The protocol a URL's path names: ``/v2/models/...`` is OIP, ``/invocations`` MLflow,
    ``/v1/models/NAME:predict`` KServe v1; anything else the generic JSON endpoint."""
    path = urlsplit(url).path.rstrip("/")
    if _OIP.match(path):
        return "oip"
    if path.endswith("/invocations"):
        return "mlflow"
    if _KSERVE_V1.match(path):
        return "kserve-v1"
    return "json"


def _rows(batch: ModelInputs) -> list[Any]:
    return batch.tolist() if isinstance(batch, np.ndarray) else list(batch)


def _with_path(url: str, path: str) -> str:
    parts = urlsplit(url)
    return urlunsplit(parts._replace(path=path))


class LabelsByName(ValueError):
    """An answer of labels by name (``["pos", "neg"]``): one per input, a text classifier's
    labels, read by name (``HttpModel``); for any other model a ``ValueError`` saying how to
    test it."""

    def __init__(
        self, values: np.ndarray, names: list[str], what: str, n_classes: int | None = None
    ) -> None:
        super().__init__(
            f"{what} holds labels by name ({', '.join(map(repr, names[:5]))}), not "
            f"numbers: declare every label it can answer: {classes_advice(names, n_classes)} "
            f"(classes=[{names[0]!r}, ...] from Python; docs/serving.md)"
        )
        self.values = values
        self.names = names
        self.what = what

    def counted(self, n_classes: int | None) -> LabelsByName:
        """The same, its advice for a model declared to have ``n_classes`` (``--classes N``)."""
        return LabelsByName(self.values, self.names, self.what, n_classes)


def _array(values: Any, n: int, what: str) -> np.ndarray:
    if not isinstance(values, list):
        raise ValueError(f"{what} is a {type(values).__name__}, not a list")
    if len(values) != n:
        raise ValueError(f"{what} has {len(values)} answers for {n} inputs")
    try:
        out = np.asarray(values)
    except ValueError as exc:
        raise ValueError(f"{what} is ragged: {exc}") from None
    if out.dtype.kind not in "biuf":
        names = sorted({v for v in out.reshape(-1).tolist() if isinstance(v, str)})
        if out.dtype.kind == "U" and names:
            raise LabelsByName(out, names, what)
        raise ValueError(f"{what} holds values that are not numbers")
    return out


class Codec(Protocol):
    name: str

    def endpoint(self) -> str:
        """The URL batches are POSTed to."""
        ...

    def prepare(self, get: Getter) -> dict[str, Any]:
        """Check readiness, read metadata; returns what to record about the server."""
        ...

    def encode(self, batch: ModelInputs) -> Any: ...

    def decode(self, payload: Any, n: int) -> np.ndarray: ...


class JsonCodec:
    """``POST url`` with ``{"inputs": [...]}``; the answer is ``{"outputs": [...]}``."""

    name = "json"

    def __init__(self, url: str) -> None:
        self.url = url

    def endpoint(self) -> str:
        return self.url

    def prepare(self, get: Getter) -> dict[str, Any]:
        return {}

    def encode(self, batch: ModelInputs) -> Any:
        return {"inputs": _rows(batch)}

    def decode(self, payload: Any, n: int) -> np.ndarray:
        return _array(payload["outputs"], n, '"outputs"')


_OIP_TYPES = {
    "b": "BOOL",
    "i": "INT64",
    "u": "UINT64",
    "f": "FP64",
}
_NUMPY_OF_OIP = {
    "BOOL": np.bool_,
    "INT8": np.int8,
    "INT16": np.int16,
    "INT32": np.int32,
    "INT64": np.int64,
    "UINT8": np.uint8,
    "UINT16": np.uint16,
    "UINT32": np.uint32,
    "UINT64": np.uint64,
    "FP16": np.float16,
    "FP32": np.float32,
    "FP64": np.float64,
}


class OipCodec:
    """Open Inference Protocol v2: ``POST {root}/v2/models/{name}[/versions/{v}]/infer``.

    The model's metadata (``GET {root}/v2/models/{name}``) gives the input names, datatypes
    and shapes: one input takes the whole batch as an ``[n, k]`` tensor; as many inputs as
    columns take one ``[n, 1]`` column each.  ``output`` names the output to request and read
    (e.g. MLServer's ``predict_proba``); otherwise the first output is read.
    """

    name = "oip"

    def __init__(self, url: str, *, output: str | None = None) -> None:
        parts = urlsplit(url)
        m = _OIP.match(parts.path.rstrip("/"))
        if m is None:
            raise UsageError(
                f"an Open Inference Protocol URL ends in /v2/models/NAME (optionally "
                f"/versions/VERSION), not {parts.path!r}",
                argument="MODEL",
            )
        self.model_name = m["name"]
        model_path = f"{m['root']}/v2/models/{m['name']}"
        if m["version"]:
            model_path += f"/versions/{m['version']}"
        self.root = m["root"]
        self.model_path = model_path
        self.url = _with_path(url, model_path + "/infer")
        self.output = output
        self.inputs: list[dict[str, Any]] = []

    def endpoint(self) -> str:
        return self.url

    def prepare(self, get: Getter) -> dict[str, Any]:
        status, _ = get(f"{self.root}/v2/health/ready")
        if status != 200:
            raise ModelError(f"the server is not ready: /v2/health/ready answered {status}")
        status, meta = get(self.model_path)
        if status != 200 or not isinstance(meta, dict):
            raise ModelError(f"no metadata for model {self.model_name!r}: status {status}")
        inputs = meta.get("inputs") or []
        self.inputs = [i for i in inputs if isinstance(i, dict) and "name" in i]
        outputs = [o.get("name") for o in meta.get("outputs") or [] if isinstance(o, dict)]
        if self.output and outputs and self.output not in outputs:
            # before any request: a misspelt name is the user's, not a model failure
            raise UsageError(
                f"model {self.model_name!r} has no output {self.output!r}; its outputs are: "
                f"{', '.join(str(o) for o in outputs)}",
                argument="--output",
            )
        return {
            "model": meta.get("name", self.model_name),
            "platform": meta.get("platform"),
            "inputs": [{k: i.get(k) for k in ("name", "datatype", "shape")} for i in self.inputs],
            "outputs": outputs,
        }

    def _tensor(self, name: str, values: np.ndarray, declared: str | None) -> dict[str, Any]:
        if declared and declared != "BYTES" and declared in _NUMPY_OF_OIP:
            datatype = declared
            data = values.astype(_NUMPY_OF_OIP[declared]).ravel().tolist()
        elif values.dtype.kind in _OIP_TYPES and declared != "BYTES":
            datatype = _OIP_TYPES[values.dtype.kind]
            data = values.ravel().tolist()
        else:
            datatype = "BYTES"
            # (a missing value, NaN, is sent as null: never the text "nan")
            data = [None if v is None or v != v else str(v) for v in values.ravel().tolist()]
        return {"name": name, "shape": list(values.shape), "datatype": datatype, "data": data}

    def encode(self, batch: ModelInputs) -> Any:
        arr = np.asarray(batch)
        if arr.ndim == 1:
            arr = arr.reshape(-1, 1)
        if arr.dtype == object:  # mixed columns: numbers stay numbers where they all are
            try:
                arr = arr.astype(np.float64)
            except (TypeError, ValueError):  # text; a missing value (NaN) stays one
                empty = np.asarray([v is None or v != v for v in arr.ravel().tolist()])
                arr = arr.astype(str).astype(object)
                arr[empty.reshape(arr.shape)] = None
        tensors: list[dict[str, Any]]
        if len(self.inputs) > 1 and len(self.inputs) == arr.shape[1]:
            tensors = [
                self._tensor(spec["name"], arr[:, [j]], spec.get("datatype"))
                for j, spec in enumerate(self.inputs)
            ]
        else:
            spec = self.inputs[0] if self.inputs else {"name": "input-0"}
            tensors = [self._tensor(spec["name"], arr, spec.get("datatype"))]
        body: dict[str, Any] = {"inputs": tensors}
        if self.output:
            body["outputs"] = [{"name": self.output}]
        return body

    def decode(self, payload: Any, n: int) -> np.ndarray:
        outputs = payload["outputs"]
        if not isinstance(outputs, list) or not outputs:
            raise ValueError('"outputs" is not a non-empty list of tensors')
        chosen = outputs[0]
        if self.output:
            named = [o for o in outputs if isinstance(o, dict) and o.get("name") == self.output]
            if not named:
                raise ValueError(f"no output named {self.output!r}")
            chosen = named[0]
        shape, datatype, data = chosen["shape"], chosen["datatype"], chosen["data"]
        if datatype not in _NUMPY_OF_OIP:
            raise ValueError(f"output datatype {datatype!r} is not numeric")
        if not isinstance(data, list) or not isinstance(shape, list):
            raise ValueError("output data and shape must be lists")
        flat = np.asarray(data, dtype=np.float64) if data else np.zeros(0)
        if flat.ndim != 1 and not (flat.ndim == len(shape) and list(flat.shape) == shape):
            flat = flat.ravel()
        if int(np.prod(shape)) != flat.size:
            raise ValueError(f"output shape {shape} does not hold {flat.size} values")
        if not shape or shape[0] != n:
            raise ValueError(f"output shape {shape} is not for {n} inputs")
        out: np.ndarray = flat.reshape(shape).astype(_NUMPY_OF_OIP[datatype])
        if out.ndim == 2 and out.shape[1] == 1 and datatype.startswith(("INT", "UINT", "BOOL")):
            out = out[:, 0]  # a column of labels
        return out


class MlflowCodec:
    """The MLflow scoring server: ``POST {root}/invocations``; readiness from ``/ping``.

    With column names (the schema's), batches go as ``dataframe_split``; without, as
    ``instances``.  The answer is ``{"predictions": [...]}``.
    """

    name = "mlflow"

    def __init__(self, url: str, *, columns: Sequence[str] | None = None) -> None:
        path = urlsplit(url).path.rstrip("/")
        root = path[: -len("/invocations")] if path.endswith("/invocations") else path
        self.root = root
        self.url = _with_path(url, root + "/invocations")
        self.columns = list(columns) if columns else None

    def endpoint(self) -> str:
        return self.url

    def prepare(self, get: Getter) -> dict[str, Any]:
        status, _ = get(f"{self.root}/ping")
        if status != 200:
            raise ModelError(f"the scoring server is not ready: /ping answered {status}")
        return {"format": "dataframe_split" if self.columns else "instances"}

    def encode(self, batch: ModelInputs) -> Any:
        rows = _rows(batch)
        if self.columns:
            return {"dataframe_split": {"columns": self.columns, "data": rows}}
        return {"instances": rows}

    def decode(self, payload: Any, n: int) -> np.ndarray:
        preds = payload["predictions"] if isinstance(payload, dict) else payload
        return _array(_records(preds), n, '"predictions"')


def _records(preds: Any) -> Any:
    """A pyfunc model's DataFrame answer, which MLflow's server writes as records (``[{"0":
    0.74, "1": 0.26}, ...]``: one object per row, its columns in the frame's order), as rows
    of its values; anything else as it is.  (Refused before as "values that are not
    numbers".)  Rows whose columns differ stay objects, refused as before."""
    if not isinstance(preds, list) or not preds or not isinstance(preds[0], dict):
        return preds
    columns = list(preds[0])
    if not columns or not all(isinstance(r, dict) and list(r) == columns for r in preds):
        return preds
    rows = [list(r.values()) for r in preds]
    return [r[0] for r in rows] if len(columns) == 1 else rows


class KServeV1Codec:
    """KServe v1: ``POST {root}/v1/models/{name}:predict`` with ``instances``; readiness from
    ``GET {root}/v1/models/{name}`` (``"ready": true``)."""

    name = "kserve-v1"

    def __init__(self, url: str) -> None:
        path = urlsplit(url).path.rstrip("/")
        m = _KSERVE_V1.match(path)
        if m is None:
            raise UsageError(
                f"a KServe v1 URL ends in /v1/models/NAME:predict, not {path!r}", argument="MODEL"
            )
        self.model_path = f"{m['root']}/v1/models/{m['name']}"
        self.url = _with_path(url, self.model_path + ":predict")

    def endpoint(self) -> str:
        return self.url

    def prepare(self, get: Getter) -> dict[str, Any]:
        status, meta = get(self.model_path)
        if status != 200 or (isinstance(meta, dict) and meta.get("ready") is False):
            raise ModelError(f"the model is not ready: {self.model_path} answered {status}")
        return {}

    def encode(self, batch: ModelInputs) -> Any:
        return {"instances": _rows(batch)}

    def decode(self, payload: Any, n: int) -> np.ndarray:
        return _array(payload["predictions"], n, '"predictions"')


def _substitute(template: Any, batch: list[Any]) -> Any:
    if template == PLACEHOLDER:
        return batch
    if isinstance(template, dict):
        return {k: _substitute(v, batch) for k, v in template.items()}
    if isinstance(template, list):
        return [_substitute(v, batch) for v in template]
    return template


def _count_placeholders(template: Any) -> int:
    if template == PLACEHOLDER:
        return 1
    if isinstance(template, dict):
        return sum(_count_placeholders(v) for v in template.values())
    if isinstance(template, list):
        return sum(_count_placeholders(v) for v in template)
    return 0


class TemplateCodec:
    """An in-house service: a JSON body with ``"{{inputs}}"`` where the batch goes, and a
    dotted path to the outputs in the answer (``result.scores``; numbers index lists).

    The template file (JSON or YAML) holds ``body`` and ``outputs``::

        body: {"model": "credit-v3", "rows": "{{inputs}}"}
        outputs: data.predictions
    """

    name = "template"

    def __init__(self, url: str, *, body: Any, outputs: str) -> None:
        if _count_placeholders(body) != 1:
            raise UsageError(
                f"the template body must hold {PLACEHOLDER!r} exactly once", argument="--template"
            )
        if not outputs:
            raise UsageError("the template needs 'outputs', a path", argument="--template")
        self.url = url
        self.body = body
        # (a part of digits 0-9 indexes a list; '²' raised a bare ValueError, '٨' was 8)
        self.path = [int(p) if p.isascii() and p.isdigit() else p for p in outputs.split(".")]

    @classmethod
    def from_file(cls, url: str, path: str | Path) -> TemplateCodec:
        import yaml

        p = Path(path)
        try:
            # (a byte that does not decode at its line and column: '\xff' was exit 5)
            text = read_text_file(p, what="the template", argument="--template")
            spec = yaml.safe_load(text)
        except OSError as exc:
            text = str(path)
            if any(c in text for c in '{}\n"') or len(text) > 255:
                # an inline template, not a file name: never echoed (it may hold a secret)
                raise UsageError(
                    f"takes a file (JSON or YAML), not the template itself ({len(text)} "
                    "characters given, not shown: they may hold a secret); write it to a file",
                    argument="--template",
                ) from None
            raise UsageError(
                f"cannot read: {exc.strerror}", argument="--template", path=str(p)
            ) from None
        except yaml.YAMLError as exc:
            mark = getattr(exc, "problem_mark", None)
            raise UsageError(
                f"not YAML/JSON: {getattr(exc, 'problem', exc)}",
                argument="--template",
                path=str(p),
                line=None if mark is None else mark.line + 1,
                column=None if mark is None else mark.column + 1,
            ) from None
        if not isinstance(spec, dict) or "body" not in spec or "outputs" not in spec:
            raise UsageError(
                "a template holds 'body' (with \"{{inputs}}\") and 'outputs' (a dotted path)",
                argument="--template",
                path=str(p),
            )
        return cls(url, body=spec["body"], outputs=str(spec["outputs"]))

    def endpoint(self) -> str:
        return self.url

    def prepare(self, get: Getter) -> dict[str, Any]:
        return {"outputs": ".".join(map(str, self.path))}

    def encode(self, batch: ModelInputs) -> Any:
        return _substitute(self.body, _rows(batch))

    def decode(self, payload: Any, n: int) -> np.ndarray:
        value = payload
        for part in self.path:
            value = value[part]
        return _array(value, n, ".".join(map(str, self.path)))


def make_codec(
    protocol: str,
    url: str,
    *,
    columns: Sequence[str] | None = None,
    output: str | None = None,
    template: str | Path | None = None,
) -> Codec:
    """The codec for ``protocol`` (one of ``PROTOCOLS``, or ``auto`` to read the URL)."""
    if protocol == "auto":
        protocol = "template" if template is not None else guess_protocol(url)
    if protocol == "oip":
        return OipCodec(url, output=output)
    if protocol == "mlflow":
        return MlflowCodec(url, columns=columns)
    if protocol == "kserve-v1":
        return KServeV1Codec(url)
    if protocol == "json":
        return JsonCodec(url)
    if protocol == "template":
        if template is None:
            raise UsageError("the template protocol needs --template FILE", argument="--template")
        return TemplateCodec.from_file(url, template)
    raise UsageError(
        f"unknown protocol {protocol!r}; choose one of: {', '.join(PROTOCOLS)}",
        argument="--model-type",
    )


def excerpt(data: bytes | str, limit: int = 200) -> str:
    """The start of a response body, for error messages (a huge body is not read whole)."""
    data = data[: limit * 8]
    text = data.decode("utf-8", "replace") if isinstance(data, bytes) else data
    text = " ".join(text.split())
    return json.dumps(text[:limit] + ("..." if len(text) > limit else ""))
