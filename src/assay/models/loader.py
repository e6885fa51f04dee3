"""``load_model``: from a spec (object, path, callable spec or URL) to a checked Model."""

from __future__ import annotations

import os
from collections.abc import Callable, Iterable, Mapping, Sequence
from pathlib import Path
from typing import Any

from assay.core.calls import DEFAULT_CALL_TIMEOUT
from assay.core.integrity import file_fingerprint
from assay.core.kept_signals import kept
from assay.core.label_length import check_label_lengths
from assay.core.message_secrets import object_secrets, secrets_masked
from assay.core.model import Capabilities, Modality, ModelInputs, OutputKind
from assay.core.redact import masked_url_refused
from assay.core.served_answers import PROBE_ANSWER, answer_print
from assay.errors import ModelError, UsageError
from assay.models.batch_limit import limited
from assay.models.callable import (
    DECLARED_BY,
    FramedFunction,
    NamedLabelsModel,
    declared_capabilities,
    declared_model,
    from_callable,
    infer_capabilities,
    is_callable_spec,
    labels_by_name,
    probe_call,
)
from assay.models.callable import resolve_spec as _resolve_spec
from assay.models.checked import CheckedModel
from assay.models.classes import class_names, named_capabilities
from assay.models.files import read_pickle, read_skops
from assay.models.http import DEFAULT_REQUEST_BATCH, HttpModel, ServingOptions, redact
from assay.models.import_path import import_entries
from assay.models.native import booster_advice, native_advice
from assay.models.pipeline_answers import pipeline_classes
from assay.models.sklearn import from_sklearn

__all__ = ["MODEL_TYPES", "describe", "load_model"]

MODEL_TYPES = (
    "sklearn",
    "callable",
    "onnx",
    "skops",
    "pickle",
    "joblib",
    "http",
    "oip",
    "mlflow",
    "kserve-v1",
    "template",
    "torch",
)
# served models: --model-type http reads the protocol from the URL; the others name it
_SERVED = {"http": "auto", "oip": "oip", "mlflow": "mlflow", "kserve-v1": "kserve-v1"}
_SERVED["template"] = "template"

_SUFFIXES = {
    ".skops": "skops",
    ".onnx": "onnx",
    ".joblib": "joblib",
    ".pkl": "pickle",
    ".pickle": "pickle",
}
_TORCH_SUFFIXES = (".pt", ".pth", ".torchscript", ".pt2")
_FORMS = (
    "accepted forms: model.skops, model.onnx, model.joblib / model.pkl (with --allow-pickle), "
    "path/to/file.py:function, package.module:function, http(s)://host/path "
    "(or choose with --model-type: " + ", ".join(MODEL_TYPES) + ")"
)


def _choice(value: str, allowed: tuple[str, ...], argument: str) -> Any:
    if value not in allowed:
        raise UsageError(f"must be one of {', '.join(allowed)}, not {value!r}", argument=argument)
    return value


def _is_url(spec: str) -> bool:
    return spec.lower().startswith(("http://", "https://"))


def _type_of(spec: str) -> str:
    if _is_url(spec):
        return "http"
    suffix = Path(spec).suffix.lower()
    if suffix in _SUFFIXES:
        return _SUFFIXES[suffix]
    if suffix in _TORCH_SUFFIXES:
        return "torch"  # TorchScript / torch.export (the [torch] extra)
    if is_callable_spec(spec):
        return "callable"
    if not Path(spec).exists():
        raise UsageError(
            f"no such file, and not a callable spec or URL: {spec}; {_FORMS}", argument="MODEL"
        )
    advice = native_advice(spec)
    if advice is not None:
        raise UsageError(advice, argument="MODEL")
    raise UsageError(f"cannot tell what kind of model {spec} is; {_FORMS}", argument="MODEL")


def _file_info(path: str, kind: str) -> dict[str, Any]:
    """The model file's fingerprint (an ONNX model's external data files with it)."""
    if kind != "onnx":
        return file_fingerprint(path)
    from assay.models.onnx_external import external_files

    return file_fingerprint(path, external=external_files(path))


def _is_model(obj: Any) -> bool:
    return isinstance(getattr(obj, "capabilities", None), Capabilities) and callable(
        getattr(obj, "predict", None)
    )


def _from_object(
    obj: Any,
    *,
    model_type: str | None,
    modality: Modality,
    n_classes: int | None,
    outputs: OutputKind | None,
    probe: ModelInputs | None,
    call_timeout: float | None = DEFAULT_CALL_TIMEOUT,
    classes: tuple[str, ...] | None = None,
    columns: tuple[str, ...] | None = None,
    dtypes: Mapping[str, Any] | None = None,
) -> tuple[Any, str]:
    """An adapter for an in-memory object, and the name of its kind."""
    fn_args = (modality, n_classes, outputs, probe, call_timeout, classes, columns, dtypes)
    if isinstance(obj, CheckedModel):
        return obj.inner, str(obj.spec_info.get("type", "model"))
    if model_type == "callable":
        return _callable(obj, *fn_args), "callable"
    if model_type is None and _is_model(obj):
        _check_declared(obj.capabilities, n_classes, outputs)
        return obj, "model"
    if model_type is None:
        from assay.models.torch import from_torch, is_torch_module

        if is_torch_module(obj):
            return from_torch(obj, modality=modality, n_classes=n_classes, probe=probe), "torch"
    if model_type is None and callable(obj) and pipeline_classes(obj) is not None:
        # a Hugging Face pipeline (its predict() is its call): answers read as a callable's
        return _callable(obj, *fn_args), "callable"
    advice = booster_advice(obj)
    if advice is not None:
        raise UsageError(advice, argument="MODEL")
    if hasattr(obj, "predict") or hasattr(obj, "predict_proba"):
        est = from_sklearn(
            obj, outputs=outputs, modality=modality, n_classes=n_classes, probe=probe
        )
        return est, "sklearn"
    if model_type == "sklearn":
        raise UsageError(
            f"a {type(obj).__name__} is not a scikit-learn estimator (no predict)",
            argument="--model-type",
        )
    if callable(obj):
        return _callable(obj, *fn_args), "callable"
    raise UsageError(
        f"a {type(obj).__name__} is not a model: expected a fitted estimator, a callable, "
        f"an object with predict and capabilities, or a string; {_FORMS}",
        argument="MODEL",
    )


def _check_declared(caps: Capabilities, n_classes: int | None, outputs: OutputKind | None) -> None:
    """A ready Model keeps its own capabilities; declared ones must agree with them."""
    if outputs is not None and outputs != caps.outputs:
        raise UsageError(
            f"the model declares {caps.outputs} outputs, not {outputs}", argument="--outputs"
        )
    if n_classes is not None and n_classes != caps.n_classes:
        raise UsageError(
            f"the model declares {caps.n_classes} classes, not {n_classes}",
            argument="--n-classes",
        )


def _callable(
    fn: Any,
    modality: Modality,
    n_classes: int | None,
    outputs: OutputKind | None,
    probe: ModelInputs | None,
    call_timeout: float | None = DEFAULT_CALL_TIMEOUT,
    classes: tuple[str, ...] | None = None,
    columns: tuple[str, ...] | None = None,
    dtypes: Mapping[str, Any] | None = None,
) -> Any:
    return from_callable(
        fn,
        modality=modality,
        n_classes=n_classes,
        outputs=outputs,
        probe=probe,
        call_timeout=call_timeout,
        classes=classes,
        columns=columns,
        dtypes=dtypes,
    )


def load_model(
    spec: Any,
    *,
    model_type: str | None = None,
    allow_pickle: bool = False,
    trust: Iterable[str] = (),
    output: str | None = None,
    modality: str | None = None,
    n_classes: int | None = None,
    outputs: str | None = None,
    probe: ModelInputs | None = None,
    call_timeout: float | None = DEFAULT_CALL_TIMEOUT,
    serving: ServingOptions | None = None,
    classes: Sequence[str] | None = None,
    columns: Sequence[str] | None = None,
    dtypes: Mapping[str, Any] | None = None,
) -> CheckedModel:
    """Turn ``spec`` into a Model whose every answer is checked (see ``CheckedModel``).

    ``spec`` is an in-memory estimator, Pipeline, callable or Model, or a string: a
    ``.skops``, ``.onnx``, ``.joblib``/``.pkl``/``.pickle`` path, ``file.py:function``,
    ``package.module:function``, or an ``http(s)://`` URL.  ``model_type`` overrides the
    guess from the suffix.  ``probe`` (a small batch of real inputs) lets adapters infer what
    a callable, endpoint or ONNX graph answers when ``outputs``/``n_classes`` are not given.
    The result carries ``spec_info``, a JSON summary to store with a run.  A probe call has
    a deadline of ``call_timeout`` seconds.  ``serving`` says how to talk to a served model
    (protocol, batch size, concurrency, retries, ...).  ``classes``: the names of the
    model's classes in order (``--classes no,yes``): an endpoint or ONNX graph answering
    labels by name is read by them; a model naming its own classes must name the same.
    ``columns``: a table's column names in the probe rows' order (a function written for a
    DataFrame that fails on the rows as an array is given DataFrames of them, each column in
    its ``dtypes`` entry where it has one: the user's DataFrame's own dtypes).
    """
    if model_type is not None and model_type not in MODEL_TYPES:
        raise UsageError(
            f"unknown model type {model_type!r}; choose one of: {', '.join(MODEL_TYPES)}",
            argument="--model-type",
        )
    mod = _choice(modality or "tabular", ("tabular", "text", "image"), "--modality")
    kind_of_output = None if outputs is None else _choice(outputs, ("labels", "proba"), "--outputs")
    if n_classes is not None and n_classes < 1:
        raise UsageError(f"must be at least 1, not {n_classes}", argument="--n-classes")
    names = None if classes is None else class_names(classes)
    if names is not None and n_classes is not None and n_classes != len(names):
        raise UsageError(
            f"{n_classes} classes given, but {len(names)} names ({', '.join(names)})",
            argument="--classes",
        )
    if isinstance(spec, CheckedModel) and model_type is None:
        _check_declared(spec.capabilities, n_classes, kind_of_output)
        if names is not None:
            named_capabilities(spec.capabilities, names, what="the model")
        return spec
    if isinstance(spec, os.PathLike):
        spec = os.fspath(spec)
    given: dict[str, Any] = {
        "model_type": model_type,
        "allow_pickle": allow_pickle,
        "trust": trust,
        "output": output,
        "mod": mod,
        "n_classes": n_classes,
        "kind_of_output": kind_of_output,
        "probe": probe,
        "call_timeout": call_timeout,
        "serving": serving,
        "columns": columns,
        "dtypes": dtypes,
    }
    # (a model's import that sets Ctrl-C aside leaves the command's put back: core.kept_signals)
    limit = _local_limit(spec, model_type, serving)
    # (a Python object: its own credentials kept out of its errors, its probe's too)
    hidden = [] if isinstance(spec, str) else object_secrets(spec)
    with kept(), limited(limit), secrets_masked(hidden):
        try:
            inner, kind, info = _inner_model(spec, names, **given)
        except (UsageError, ModelError) as exc:
            # labels by name that are class numbers ('0'..'9') with a count declared
            # (--classes 10): read by the names '0'..'9', as --classes 0,1,...,9 reads them
            # (hostile30b)
            numbered = getattr(exc, "numbered_classes", None)
            if names is not None or numbered is None:
                raise
            names = numbered
            inner, kind, info = _inner_model(spec, names, **given)
    if names is not None:
        _name_classes(inner, names, kind)
    declared = inner.capabilities.class_names
    if declared:
        check_label_lengths(
            spec if isinstance(spec, str) else "the model",
            [str(c) for c in declared],
            argument="MODEL" if names is None else "--classes",
        )
    info["type"] = kind
    model = CheckedModel(inner, max_batch=limit)
    # (a ``file.py:fn`` named on the command line: its module's credentials, read once it is
    # imported, kept out of the run's errors; its loading probe's by ``_from_string``)
    fn = getattr(inner, "fn", None) if isinstance(spec, str) else None
    if isinstance(fn, FramedFunction):  # (a function of a DataFrame, held by its wrapper)
        fn = fn.fn
    model.hidden = hidden if fn is None else object_secrets(fn)
    model.spec_info = describe(model, extra=info)
    return model


def _local_limit(spec: Any, model_type: str | None, serving: ServingOptions | None) -> int | None:
    """``--batch-size`` (``serving=ServingOptions(batch_size=N)``) for a model that is not
    served: at most N inputs a call (``models.batch_limit``); a served one's requests are
    split by its transport."""
    if serving is None or serving.batch_size is None:
        return None
    served = isinstance(spec, str) and (model_type or _type_of(spec)) in _SERVED
    if served:
        return None
    serving.validate()
    return int(serving.batch_size)


def _inner_model(
    spec: Any,
    names: tuple[str, ...] | None,
    *,
    model_type: str | None,
    allow_pickle: bool,
    trust: Iterable[str],
    output: str | None,
    mod: Modality,
    n_classes: int | None,
    kind_of_output: OutputKind | None,
    probe: ModelInputs | None,
    call_timeout: float | None,
    serving: ServingOptions | None,
    columns: Sequence[str] | None,
    dtypes: Mapping[str, Any] | None,
) -> tuple[Any, str, dict[str, Any]]:
    """The adapter ``load_model`` wraps, its kind, and what to store of it."""
    info: dict[str, Any] = {}
    if isinstance(spec, str):
        kind = model_type or _type_of(spec)
        if kind == "sklearn" and Path(spec).suffix.lower() in _SUFFIXES:
            kind = _SUFFIXES[Path(spec).suffix.lower()]  # a saved estimator
        info["spec"] = redact(spec) if kind in _SERVED else spec
        if kind in ("skops", "onnx", "pickle", "joblib", "torch") and not Path(spec).is_file():
            raise UsageError(f"no such file: {spec}; {_FORMS}", argument="MODEL", path=spec)
        inner, kind = _from_string(
            spec,
            kind,
            allow_pickle=allow_pickle,
            trust=trust,
            output=output,
            modality=mod,
            n_classes=n_classes,
            outputs=kind_of_output,
            probe=probe,
            call_timeout=call_timeout,
            serving=serving,
            classes=names,
            columns=None if columns is None else tuple(columns),
            dtypes=dtypes,
        )
        if kind in ("skops", "onnx", "pickle", "joblib", "torch"):
            info["file"] = _file_info(spec, kind)
        elif kind.startswith("callable") and (where := import_entries(spec)):
            info["import_path"] = where  # (its rerun sets PYTHONPATH to them: models.import_path)
    else:
        if model_type not in (None, "sklearn", "callable"):
            raise UsageError(
                f"--model-type {model_type} needs a path or URL, not a {type(spec).__name__}",
                argument="--model-type",
            )
        inner, kind = _from_object(
            spec,
            model_type=model_type,
            modality=mod,
            n_classes=n_classes,
            outputs=kind_of_output,
            probe=probe,
            call_timeout=call_timeout,
            classes=names,
            columns=None if columns is None else tuple(columns),
            dtypes=dtypes,
        )
        info["spec"] = f"<{type(spec).__module__}.{type(spec).__qualname__}>"
    return inner, kind, info


def _name_classes(inner: Any, names: tuple[str, ...], kind: str) -> None:
    """The declared class names given to an adapter that answers indices or probabilities
    (a scikit-learn estimator, a torch module): checked against those it names itself."""
    caps = inner.capabilities
    if caps.class_names == names:
        return
    what = "the model" if kind == "model" else f"the {kind} model"
    if kind == "model":  # a ready Model keeps its own capabilities: they must agree
        named_capabilities(caps, names, what=what)
        raise UsageError(
            f"{what} declares no class names; declare them in its capabilities "
            "(class_names=...), not with --classes",
            argument="--classes",
        )
    inner.capabilities = named_capabilities(caps, names, what=what)


def _from_string(
    spec: str,
    kind: str,
    *,
    allow_pickle: bool,
    trust: Iterable[str],
    output: str | None,
    modality: Modality,
    n_classes: int | None,
    outputs: OutputKind | None,
    probe: ModelInputs | None,
    call_timeout: float | None = DEFAULT_CALL_TIMEOUT,
    serving: ServingOptions | None = None,
    classes: tuple[str, ...] | None = None,
    columns: tuple[str, ...] | None = None,
    dtypes: Mapping[str, Any] | None = None,
) -> tuple[Any, str]:
    common: dict[str, Any] = {
        "model_type": None,
        "modality": modality,
        "n_classes": n_classes,
        "outputs": outputs,
        "probe": probe,
        "call_timeout": call_timeout,
        "classes": classes,
        "columns": columns,
        "dtypes": dtypes,
    }
    if kind in _SERVED:
        opts = serving or ServingOptions()
        if kind != "http" or opts.protocol == "auto":
            opts = ServingOptions.from_json({**opts.to_json(), "protocol": _SERVED[kind]})
        if output is not None and opts.output is None:
            opts = ServingOptions.from_json({**opts.to_json(), "output": output})
        served = _http(spec, modality, n_classes, outputs, probe, call_timeout, opts, classes)
        return served, "http"
    if kind == "onnx":
        from assay.models.onnx import from_onnx

        model = from_onnx(
            spec,
            output=output,
            modality=modality,
            n_classes=n_classes,
            outputs=outputs,
            probe=probe,
            classes=classes,
        )
        return model, "onnx"
    if kind == "torch":
        from assay.models.torch import from_torch, load_torch_file

        module = load_torch_file(spec)
        return from_torch(module, modality=modality, n_classes=n_classes, probe=probe), "torch"
    if kind == "skops":
        inner, _ = _from_object(read_skops(spec, trust=trust), **common)
        return inner, "skops"
    if kind in ("pickle", "joblib"):
        inner, _ = _from_object(read_pickle(spec, allow_pickle=allow_pickle), **common)
        return inner, kind
    obj = _resolve_spec(spec)
    common["model_type"] = "sklearn" if kind == "sklearn" else None
    # (its module's credentials, known once it is imported, kept out of its probe's error:
    # a ``file.py:fn`` failing on loading's first call quoted its SERVICE_PASSWORD whole)
    with secrets_masked(object_secrets(obj)):
        inner, sub = _from_object(obj, **common)
    return inner, "callable" if sub == "callable" else f"callable:{sub}"


def _served(url: str, caps: Capabilities, opts: ServingOptions) -> HttpModel:
    from assay.models.http import header_values

    return HttpModel(
        url,
        capabilities=caps,
        protocol=opts.protocol,
        timeout=opts.timeout,
        headers=header_values(opts.header_env),
        max_batch=opts.batch_size or DEFAULT_REQUEST_BATCH,
        retries=opts.retries,
        backoff=opts.backoff,
        concurrency=opts.concurrency,
        rate_limit=opts.rate_limit,
        max_error_rate=opts.max_error_rate,
        error_window=opts.error_window,
        columns=opts.columns,
        output=opts.output,
        template=opts.template,
    )


def _http(
    url: str,
    modality: Modality,
    n_classes: int | None,
    outputs: OutputKind | None,
    probe: ModelInputs | None,
    call_timeout: float | None = DEFAULT_CALL_TIMEOUT,
    opts: ServingOptions | None = None,
    classes: tuple[str, ...] | None = None,
) -> Any:
    """The endpoint as a Model: an ``HttpModel``, or for a text classifier that answers its
    labels by name a ``NamedLabelsModel`` over it (its labels read off its answers, as a
    callable's); with declared ``classes``, a ``NamedLabelsModel`` reading them."""
    masked_url_refused(url)  # (a printed line's ``?api_key=***`` pasted: never sent)
    opts = (opts or ServingOptions()).validate()
    if classes is not None:
        return _http_declared(url, modality, probe, call_timeout, opts, classes)
    if outputs is None and probe is None:
        raise UsageError(
            f"cannot tell what the endpoint {redact(url)} answers: it must be asked once on "
            "example inputs (give --data, --dataset or --schema), or, from Python, "
            "load_model(url, ...) given probe= (a few real inputs) or outputs= ('labels' or "
            "'proba') and n_classes=",
            argument="MODEL",
        )
    # a provisional model checks readiness and asks the probe; the real one carries the
    # declared capabilities (and the same connection)
    provisional = _served(
        url, Capabilities(modality=modality, n_classes=None, outputs="proba"), opts
    )
    provisional.declared_count = n_classes
    provisional.connect()
    ask, seen = _recording(provisional.predict)
    try:  # (closed on a refusal too: labels '0'..'9' with --classes 10 are loaded again)
        caps, names = _endpoint_answers(
            ask, modality, n_classes, outputs, probe, call_timeout, redact(url)
        )
    finally:
        provisional.close()
    model = _served(url, caps, opts)
    model.stats = provisional.stats  # the probe was a request to the server too
    _keep_probe(model, seen)
    model.connect()
    return model if names is None else _read_by_name(model, names)


def _recording(
    predict: Callable[[ModelInputs], Any],
) -> tuple[Callable[[ModelInputs], Any], list[tuple[ModelInputs, Any]]]:
    """``predict`` recording what it was asked and answered (loading's probe, first)."""
    seen: list[tuple[ModelInputs, Any]] = []

    def ask(inputs: ModelInputs) -> Any:
        answer = predict(inputs)
        seen.append((inputs, answer))
        return answer

    return ask, seen


def _keep_probe(model: HttpModel, seen: list[tuple[ModelInputs, Any]]) -> None:
    """What the endpoint answered loading's probe, kept in its info: a resume asks it again
    (``core.served_answers``; ``probe_asked``: a first chunk of it, under a batch limit)."""
    if seen:
        model.probe_asked = seen[0][0]
        model.info[PROBE_ANSWER] = answer_print(seen[0][1])


def _http_declared(
    url: str,
    modality: Modality,
    probe: ModelInputs | None,
    call_timeout: float | None,
    opts: ServingOptions,
    classes: tuple[str, ...],
) -> NamedLabelsModel:
    """An endpoint whose classes are declared (``--classes no,yes``): its answers by name
    read as class indices; indices or probabilities (one column per class) as they are."""
    shown = f"the endpoint {redact(url)}"
    model = _served(url, Capabilities(modality=modality, n_classes=None, outputs="proba"), opts)
    model.labels_by_name = True  # "yes"/"no" returned as they are, for the names to read
    model.connect()
    ask, seen = _recording(model.predict)
    named = declared_model(
        ask,
        classes,
        modality=modality,
        probe=probe,
        call_timeout=call_timeout,
        declared_by=DECLARED_BY,
        who=shown,
    )
    caps = named.capabilities
    model.capabilities = Capabilities(
        modality=modality,
        n_classes=caps.n_classes,
        outputs=caps.outputs,
        max_batch=model.capabilities.max_batch,
        class_names=classes,
        remote=True,
    )
    named.capabilities = model.capabilities
    named.model = model  # the endpoint behind it (models.serving.served_model)
    _keep_probe(model, seen)
    named.info = {**model.info, "url": shown, "classes": list(classes)}
    return named


def _endpoint_answers(
    ask: Callable[[ModelInputs], Any],
    modality: Modality,
    n_classes: int | None,
    outputs: OutputKind | None,
    probe: ModelInputs | None,
    call_timeout: float | None,
    shown: str,
) -> tuple[Capabilities, tuple[str, ...] | None]:
    """What the endpoint answers (declared, or read off one probe call, ``ask``: the
    provisional model's, recording the answer), and a text classifier's labels when it
    answers them by name ("pos"/"neg")."""
    what = f"the endpoint {shown}"
    if modality != "text" or outputs is not None or probe is None:
        caps = declared_capabilities(
            modality=modality,
            n_classes=n_classes,
            outputs=outputs,
            probe=probe,
            ask=ask,
            what=what,
            timeout=call_timeout,
        )
        return caps, None
    answer = probe_call(ask, probe, what=what, timeout=call_timeout)
    names = labels_by_name(answer, len(probe))
    if names is None:
        return infer_capabilities(answer, modality=modality, n_classes=n_classes), None
    return Capabilities(modality=modality, n_classes=len(names), outputs="labels"), names


def _read_by_name(model: HttpModel, names: tuple[str, ...]) -> NamedLabelsModel:
    """A text endpoint answering labels by name, read as a function answering them is (its
    labels read off its answers; the text technique may widen them)."""
    caps = model.capabilities
    named = NamedLabelsModel(
        model.predict,
        Capabilities(
            modality=caps.modality,
            n_classes=len(names),
            outputs="labels",
            max_batch=caps.max_batch,
            class_names=names,
            remote=True,
        ),
        names,
        from_answers=True,
    )
    named.model = model  # the endpoint behind it (models.serving.served_model)
    named.info = {**model.info, "url": f"the endpoint {model.shown}"}
    return named


def describe(model: Any, *, extra: dict[str, Any] | None = None) -> dict[str, Any]:
    """A JSON summary of a loaded model: its type, spec, capabilities and adapter details."""
    if isinstance(model, CheckedModel) and model.spec_info and extra is None:
        return dict(model.spec_info)
    inner = model.inner if isinstance(model, CheckedModel) else model
    summary: dict[str, Any] = {
        "type": type(inner).__name__,
        "adapter": f"{type(inner).__module__}.{type(inner).__qualname__}",
    }
    summary.update(extra or {})
    summary["capabilities"] = model.capabilities.to_json()
    details = getattr(inner, "info", None)
    if isinstance(details, dict):
        summary["details"] = details
    return summary
