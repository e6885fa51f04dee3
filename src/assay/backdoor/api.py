"""The backdoor technique's shell: load the model and images, run a scan, export a filter.

```python
import assay
result = assay.check_backdoor("model.onnx", images="suspect/", clean="clean/", seed=0)
print(result.headline)
```
Like every technique's ``api.py``, this module may import ``models`` and ``execution``; the
rest of the package imports ``core`` only.
"""

from __future__ import annotations

import hashlib
import numbers
import os
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from assay.backdoor.filter import TriggerFilter, save_filter
from assay.backdoor.image_files import (
    ImageFiles,
    fit_channels,
    folder_labels,
    image_array,
    image_list,
    pil_images,
    read_images,
    wanted_channels,
)
from assay.backdoor.images import ImageModel, ImageSpec, parse_range, parse_shape, spec_for
from assay.backdoor.label_files import read_label_file
from assay.backdoor.patches import Trigger
from assay.backdoor.technique import HELD_OUT_RATE, BackdoorTest, check_comparable
from assay.core.budget import BudgetedModel, check_budget, time_after_loading
from assay.core.calls import DEFAULT_CALL_TIMEOUT, InlineCaller
from assay.core.integrity import model_fingerprint, path_fingerprint
from assay.core.keywords import check_keywords, in_callers_terms
from assay.core.model import Model
from assay.core.outcome import EndedRunMixin, check_fail_on
from assay.core.paths import absolute_spec
from assay.core.redact import specs_given_again
from assay.core.replay import ReplayResult
from assay.core.rng import fresh_seed
from assay.core.run import RunOutcome, execute
from assay.core.runinfo import launch_dir, record_wall_clock, rerun_command, versions
from assay.core.store import DEFAULT_STORE, RunRecord, RunStore, new_run_id
from assay.core.units import check_units_budget
from assay.core.witnesses import DEFAULT_KEEP, keep_option, parse_keep, pinned_keep
from assay.errors import UsageError

__all__ = [
    "BackdoorResult",
    "BackdoorSetup",
    "check_backdoor",
    "export_filter",
    "replay_backdoor_run",
    "resume_backdoor",
    "setup_backdoor",
]

DEMO_MODELS = ("builtin:trojan", "builtin:clean")


@dataclass
class BackdoorSetup:
    test: BackdoorTest
    model: Model  # takes canonical images
    raw_model: Model  # takes what the model takes
    spec: ImageSpec
    invocation: dict[str, Any]


@dataclass(repr=False)  # EndedRunMixin's: one line
class BackdoorResult(EndedRunMixin):
    run_id: str
    seed: int
    status: str
    n_findings: int
    max_severity: float
    summary: dict[str, Any]
    progress: dict[str, Any]
    store: Path
    command: str
    filter_path: Path | None = None
    filter_overhead: float | None = None  # extra queries per input, on the scanned images
    filter_overhead_clean: float | None = None  # the same on the clean images
    extra: dict[str, Any] = field(default_factory=dict)

    @property
    def triggers(self) -> list[Trigger]:
        return [Trigger.from_json(t) for t in self.summary.get("triggers", [])]

    def findings(self, limit: int | None = None) -> Any:
        """What the run found, as a pandas DataFrame: an input scan's flagged images (index,
        file name, prediction, target, trigger, flip rate, corrected label, queries), or a
        model scan's classes with whether each is a suspected target; class names where the
        model names its classes."""
        from assay.backdoor.frames import findings_frame

        with self._stored() as store:
            caps = (store.get_run(self.run_id).model or {}).get("capabilities") or {}
        return findings_frame(self.summary, caps.get("class_names"), limit)


def _innermost(model: Any) -> Any:
    while hasattr(model, "inner"):
        model = model.inner
    return model


def _declared_shape(raw: Any) -> tuple[int, ...] | None:
    inner = _innermost(raw)
    ports = getattr(inner, "inputs", None)
    if isinstance(ports, list) and len(ports) == 1:
        shape = getattr(ports[0], "item_shape", None)
        if shape:
            return tuple(int(v) for v in shape)
    shape = getattr(inner, "input_shape", None)
    if isinstance(shape, tuple) and shape:
        return tuple(int(v) for v in shape)
    width = getattr(inner, "n_features", None)
    if isinstance(width, int):
        return (width,)
    return None


def _canonical(
    files: ImageFiles, kind: str, values: tuple[float, ...], argument: str = "--images"
) -> np.ndarray:
    x = files.values.astype(np.float64)
    bad = ~np.isfinite(x).reshape(len(x), -1).all(axis=1)
    if bad.any():  # NaN or infinite pixels: clipping would hide them, the model would not
        first = int(np.flatnonzero(bad)[0])
        raise UsageError(
            f"{int(bad.sum())} image(s) hold NaN or infinite pixel values, the first is "
            f"{files.names[first]!r}",
            argument=argument,
            path=files.path if files.path != "array" else None,
        )
    if files.uint8:
        return x / 255.0
    spec = ImageSpec(1, 1, 1, range_kind=kind, range_values=values)
    unit = spec._unscale(x)
    # values outside the model's range (0..255 read as 0..1) were clipped to white: every
    # image the same, and every box a "trigger"; every pixel under 8 % of the range (0..1
    # images for a model in 0..255 or 0..16): all near black, a scan that says nothing
    lo, hi = (float(unit.min()), float(unit.max())) if unit.size else (0.0, 1.0)
    problem = None
    if lo < -0.05 or hi > 1.05:  # a little over (interpolation, rounding) is clipped
        problem = "outside the range"
        fix = "give --range (e.g. --range 0,255) or scale the images to it"
    elif kind != "norm" and 0.0 < hi < 0.08:
        problem = "all under 8 % of the range"
        fix = "give the range the images are in (--range, e.g. --range 0,1) or scale them to it"
    if problem is not None:
        raise UsageError(
            f"pixel values run from {float(x.min()):.4g} to {float(x.max()):.4g}, {problem} "
            f"the model takes ({_range_text(kind, values)}); {fix}",
            argument=argument,
            path=files.path if files.path != "array" else None,
        )
    out: np.ndarray = np.clip(unit, 0.0, 1.0)
    return out


def _same_scale(
    images: np.ndarray, image_files: ImageFiles, clean: np.ndarray, clean_files: ImageFiles
) -> None:
    """Images to scan and clean images on different scales (one set 0..1, the other 0..255
    under --range 0,255) are a mistake no model answer would reveal: the darker set's
    images are near black, and any box pasted from the other is a "trigger"."""
    a, b = float(images.max(initial=0.0)), float(clean.max(initial=0.0))
    if min(a, b) * 20 >= max(a, b):
        return
    raise UsageError(
        f"the images to scan ({image_files.path}) reach {a:.3g} of the model's range and the "
        f"clean images ({clean_files.path}) {b:.3g}: they are not on the same scale; give both "
        "in the same value range (--range applies to both)",
        argument="--images" if a < b else "--clean",
    )


def _range_text(kind: str, values: tuple[float, ...]) -> str:
    if kind == "norm":
        return "normalised with means/stds " + ", ".join(f"{v:g}" for v in values)
    return f"{values[0]:g} to {values[1]:g}"


def _as_files(value: Any, argument: str) -> ImageFiles | None:
    if value is None:
        return None
    if isinstance(value, str | os.PathLike):
        return read_images(value, argument=argument)
    listed = image_list(value, argument)
    if listed is not None:
        return listed
    pil = pil_images(value, argument)
    if pil is not None:
        return pil
    arr = image_array(np.asarray(value), argument)
    return ImageFiles(arr, arr.dtype == np.uint8, [f"{i}" for i in range(len(arr))], None, "array")


def _demo(model: str, seed: int = 0) -> tuple[Any, ImageSpec, np.ndarray, np.ndarray, np.ndarray]:
    """The demo's model, spec, images to scan (half poisoned), their labels, clean images."""
    from assay.backdoor.demo import PlantedTrigger, checker, trojaned_digits

    trig = PlantedTrigger(box=(5, 5, 3, 3), content=checker(3), target=7)
    d = trojaned_digits(seed=seed, triggers=[trig], clean=model == "builtin:clean")
    x, y = d.clean_images, d.clean_labels
    clean = x[:200]
    scan_x, scan_y = x[200:260].copy(), y[200:260]
    pois = (np.arange(len(scan_x)) % 2 == 0) & (scan_y != trig.target)
    scan_x[pois] = trig.apply(scan_x[pois])
    return d.model, d.spec, scan_x, scan_y, clean


def setup_backdoor(
    model: Any = None,
    *,
    images: Any = None,
    clean: Any = None,
    strategy: str = "assay",
    input_shape: str | None = None,
    layout: str | None = None,
    value_range: str | None = None,
    max_trigger: int | None = None,
    blocker: int = 2,
    n_verify: int = 20,
    threshold: float | None = None,
    fpr: float = 0.01,
    blends: int = 20,
    max_queries_per_image: int | None = None,
    model_type: str | None = None,
    allow_pickle: bool = False,
    output: str | None = None,
    n_classes: int | None = None,
    labels: Any = None,
    serving: Any = None,
    replay: bool = False,
    classes: Any = None,
) -> BackdoorSetup:
    """Load the model and images and check that they fit together.

    ``serving``: how to talk to a served model (``assay.models.http.ServingOptions`` or its
    JSON form).  ``replay``: the setup of ``assay verify`` (the model and clean images only;
    no scan runs, so a model the model scan could not judge is not refused).  ``classes``:
    the model's class names in order (``["cat", "dog"]``, or ``"cat,dog"`` as ``--classes``)
    for an endpoint or ONNX graph answering labels by name; or their number, as
    ``n_classes``."""
    from assay.models import load_model
    from assay.models.classes import declared_count_or_names
    from assay.models.http import ServingOptions

    serving_opts = (
        serving
        if isinstance(serving, ServingOptions) or serving is None
        else ServingOptions.from_json(serving)
    )

    if n_classes is not None:
        if isinstance(n_classes, bool) or not isinstance(n_classes, numbers.Integral):
            raise UsageError(f"must be a whole number, not {n_classes!r}", argument="--classes")
        if n_classes < 2:
            raise UsageError(f"must be at least 2, not {n_classes}", argument="--classes")
        n_classes = int(n_classes)
    count, class_names = declared_count_or_names(classes)
    if count is not None and n_classes is not None and count != n_classes:
        raise UsageError(
            f"n_classes={n_classes} but classes= declares {count}", argument="--classes"
        )
    n_classes = count if count is not None else n_classes
    invocation: dict[str, Any] = {
        # paths as absolute: a resume may run in another directory
        "model": absolute_spec(model) if isinstance(model, str) or model is None else None,
        "images": absolute_spec(images) if isinstance(images, str | os.PathLike) else None,
        "model_scan": images is False,
        "clean": absolute_spec(clean) if isinstance(clean, str | os.PathLike) else None,
        "strategy": strategy,
        "input_shape": input_shape,
        "layout": layout,
        "value_range": value_range,
        "max_trigger": max_trigger,
        "blocker": blocker,
        "n_verify": n_verify,
        "threshold": threshold,
        "fpr": fpr,
        "blends": blends,
        "max_queries_per_image": max_queries_per_image,
        "model_type": model_type,
        "n_classes": n_classes,
        "classes": list(class_names) if class_names is not None else None,
        "allow_pickle": allow_pickle,
        "output": output,
        "labels": absolute_spec(labels) if isinstance(labels, str | os.PathLike) else None,
    }
    if serving_opts is not None:
        invocation["serving"] = serving_opts.to_json()  # header variable names, never values
    true_labels: np.ndarray | None = None  # ``labels`` are read once the model's classes are known
    names: list[str] | None = None
    image_files: ImageFiles | None = None
    if isinstance(model, str) and model.startswith("builtin:"):
        if model not in DEMO_MODELS:
            raise UsageError(
                f"unknown built-in model {model!r}; choose {', '.join(DEMO_MODELS)}",
                argument="MODEL",
            )
        for given, flag in ((images, "--images"), (clean, "--clean")):
            if given is not None and given is not False:  # never silently ignored
                raise UsageError(
                    f"{model} scans its own built-in digits; {flag} is not used with it "
                    "(give your own MODEL to scan your images)",
                    argument=flag,
                )
        estimator, spec, scan_x, scan_y, clean_x = _demo(model)
        raw = load_model(estimator, modality="image")
        image_x: np.ndarray | None = None if images is False else scan_x
        true_labels = scan_y if image_x is not None else None
        source: dict[str, Any] = {"demo": model}
    else:
        if model is None:
            raise UsageError(
                "give a MODEL (or builtin:trojan / builtin:clean, or --demo)", argument="MODEL"
            )
        clean_files = _as_files(clean, "--clean")
        if clean_files is None:
            raise UsageError(
                "give clean images (--clean PATH): they verify triggers and calibrate scans",
                argument="--clean",
            )
        image_files = None if images is False else _as_files(images, "--images")
        declared = parse_shape(input_shape) if input_shape else None
        if declared is not None:  # grey or colour as the model takes them, when nothing is lost
            clean_files, image_files = _fit_channels(clean_files, image_files, declared, layout)
        if image_files is not None:
            clean_files, image_files = _same_channels(clean_files, image_files)
        if image_files is not None and image_files.values.shape[1:] != clean_files.values.shape[1:]:
            raise UsageError(
                f"images are {'x'.join(map(str, image_files.values.shape[1:]))} but clean images "
                f"are {'x'.join(map(str, clean_files.values.shape[1:]))}",
                argument="--images",
                path=image_files.path,
            )
        shape = clean_files.values.shape[1:]
        kind, values = parse_range(value_range) if value_range else ("linear", (0.0, 1.0))
        torchish = _is_torch_spec(model, model_type)
        guess = spec_for(
            (shape[0], shape[1], shape[2]),
            declared,
            layout=layout or ("nchw" if torchish else None),
            range_text=value_range,
            dtype="float32",
            where="--input-shape" if declared else "--images",
        )
        clean_x = _canonical(clean_files, kind, values, "--clean")
        raw = load_model(
            model,
            model_type=model_type,
            allow_pickle=allow_pickle,
            output=output,
            modality="image",
            n_classes=n_classes,
            classes=class_names,
            probe=guess.to_model(clean_x[:2]),
            serving=serving_opts,
        )
        if declared is None:
            found = _declared_shape(raw)
            if found is not None:
                clean_files, image_files = _fit_channels(clean_files, image_files, found, layout)
                shape = clean_files.values.shape[1:]
                clean_x = _canonical(clean_files, kind, values, "--clean")
                guess = spec_for(
                    (shape[0], shape[1], shape[2]),
                    found,
                    layout=layout,
                    range_text=value_range,
                    dtype="float32",
                    where=image_files.path if image_files else clean_files.path,
                )
        spec = guess
        image_x = None if image_files is None else _canonical(image_files, kind, values)
        if image_x is not None and image_files is not None:
            _same_scale(image_x, image_files, clean_x, clean_files)
        if image_files is not None:
            names = image_files.names
            if true_labels is None:
                true_labels = image_files.labels
        source = {"images": invocation["images"], "clean": invocation["clean"]}
    caps = raw.capabilities
    if caps.n_classes is None and caps.outputs == "labels":
        raise UsageError(
            "the model answers class labels only and does not say how many classes it has; "
            "give their number or names (--classes N or --classes cat,dog,...; classes=): a "
            "trigger's class and the clean "
            "images of other classes are read from it",
            argument="--classes",
        )
    if caps.n_classes is None or caps.n_classes < 2:
        raise UsageError(
            "the model's outputs are not class scores: it declares "
            f"{caps.n_classes} classes ({caps.outputs}); a backdoor scan needs a classifier",
            argument="MODEL",
        )
    label_from = "labels"
    if isinstance(labels, str | os.PathLike):  # a labels file (--labels FILE)
        if image_files is None:
            raise UsageError(
                "true labels are for the images scanned (--images): "
                + (
                    "the built-in model scans its own digits"
                    if image_x is not None
                    else "a model scan (no images) takes none"
                ),
                argument="--labels",
            )
        true_labels = read_label_file(labels, image_files.names).indices(
            caps.class_names, caps.n_classes
        )
        label_from = "--labels"
    elif labels is not None and not (isinstance(model, str) and model.startswith("builtin:")):
        true_labels = _label_indices(labels, caps.class_names)
    elif image_files is not None and true_labels is not None:
        label_from = "--images"  # an .npz file's labels
    elif image_files is not None and image_files.label_names is not None:
        true_labels = folder_labels(image_files, caps.class_names, caps.n_classes)
        label_from = "--images"
    if true_labels is not None and not (isinstance(model, str) and model.startswith("builtin:")):
        _check_labels(true_labels, image_x, caps.n_classes, label_from)
    test = BackdoorTest(
        clean=clean_x,
        images=image_x,
        spec=spec,
        strategy=strategy,
        max_trigger=max_trigger,
        blocker=blocker,
        n_verify=n_verify,
        threshold=threshold,
        strip_fpr=fpr,
        strip_blends=blends,
        max_queries_per_image=max_queries_per_image,
        image_names=names,
        true_labels=true_labels,
        source=source,
    ).validate()
    if test.mode == "model" and not replay:
        check_comparable(test, caps.n_classes)
    return BackdoorSetup(
        test=test, model=ImageModel(raw, spec), raw_model=raw, spec=spec, invocation=invocation
    )


def _check_labels(
    labels: np.ndarray, images: np.ndarray | None, n_classes: int, argument: str = "labels"
) -> None:
    """The true labels given must be one per image scanned, each a class of the model (they
    score the corrected label: a label out of range, or one image off, would score it wrong).
    ``argument``: where they came from (``labels=``, or an .npz file's ``--images``)."""
    if images is None:
        raise UsageError(
            "true labels score the input scan's corrected labels; a model scan (no images) "
            "takes none",
            argument=argument,
        )
    if len(labels) != len(images):
        raise UsageError(
            f"{len(labels)} true labels for {len(images)} images: give one per image",
            argument=argument,
        )
    bad = np.flatnonzero((labels < 0) | (labels >= n_classes))
    if len(bad):
        raise UsageError(
            f"true label {int(labels[bad[0]])} (image {int(bad[0])}) is not a class of the "
            f"model (0 to {n_classes - 1})",
            argument=argument,
        )


def _fit_channels(
    clean: ImageFiles, images: ImageFiles | None, shape: tuple[int, ...], layout: str | None
) -> tuple[ImageFiles, ImageFiles | None]:
    """Both image sets with the channels the model's input shape asks (``fit_channels``)."""
    h, w = clean.values.shape[1:3]
    want = wanted_channels(shape, h, w, layout)
    fitted = None if images is None else fit_channels(images, want, "--images")
    return fit_channels(clean, want, "--clean"), fitted


def _same_channels(clean: ImageFiles, images: ImageFiles) -> tuple[ImageFiles, ImageFiles]:
    """Grey images beside colour ones (grey saved as RGB on one side only): both grey when
    the colour ones hold only greys, else both colour (nothing lost either way; the model's
    own input shape decides later, ``_fit_channels``).  They were refused as of two shapes
    unless --input-shape was given."""
    a, b = clean.values.shape[-1], images.values.shape[-1]
    if {a, b} != {1, 3} or clean.values.shape[1:3] != images.values.shape[1:3]:
        return clean, images
    try:
        grey = fit_channels(clean, 1, "--clean"), fit_channels(images, 1, "--images")
    except UsageError:  # a real colour on one side: both in colour
        return fit_channels(clean, 3, "--clean"), fit_channels(images, 3, "--images")
    return grey


def _label_indices(labels: Any, class_names: Sequence[str] | None) -> np.ndarray:
    """The true labels given (``labels=``) as class indices: indices already, or the model's
    own class names (as it answers them)."""
    values = np.asarray(labels).reshape(-1)
    if values.dtype.kind in "iub":
        return values.astype(np.int64)
    if values.dtype.kind == "f" and np.all(np.isfinite(values) & (values == np.round(values))):
        return values.astype(np.int64)
    lookup = {str(c): i for i, c in enumerate(class_names or ())}
    out = [lookup.get(str(v)) for v in values.tolist()]
    unknown = next((v for v, i in zip(values.tolist(), out, strict=True) if i is None), None)
    if unknown is None:
        return np.array(out, dtype=np.int64)
    known = (
        f"the model's classes are {', '.join(map(str, class_names))}"
        if class_names
        else "the model does not name its classes"
    )
    raise UsageError(
        f"true label {unknown!r} is neither a class index (0, 1, ...) nor one of the model's "
        f"class names ({known})",
        argument="labels",
    )


def _is_torch_spec(model: Any, model_type: str | None) -> bool:
    if model_type == "torch":
        return True
    if isinstance(model, str | os.PathLike):
        return Path(model).suffix.lower() in (".pt", ".pth", ".pt2", ".torchscript")
    return any(c.__module__.startswith("torch.") for c in type(model).__mro__)


@in_callers_terms(setup_backdoor)
def check_backdoor(
    model: Any = None,
    *,
    max_queries: int | None = None,
    max_time: float | None = None,
    call_timeout: float | None = DEFAULT_CALL_TIMEOUT,
    seed: int | None = None,
    store: RunStore | str | os.PathLike[str] = DEFAULT_STORE,
    export_filter: str | os.PathLike[str] | None = None,
    on_progress: Callable[[dict[str, Any]], None] | None = None,
    argv: Sequence[str] | None = None,
    setup: BackdoorSetup | None = None,
    on_start: Callable[[str, int, str], None] | None = None,
    executor: str = "inprocess",
    workers: int | None = None,
    scheduler: str | None = None,
    units: int | None = None,
    started: float | None = None,
    fail_on: float = 0.0,
    keep_findings: int | str | None = DEFAULT_KEEP,
    **options: Any,
) -> BackdoorResult:
    """Scan ``model`` for backdoors; store and return what was found.

    With ``images``: an input scan (which images carry a trigger); without: a model scan from
    ``clean`` images only.  ``options`` are those of ``setup_backdoor``.

    ``units`` splits an input scan into that many chunks of the images, each scanned by an
    independent unit (``backdoor.units``); ``executor="dask"`` runs them on a Dask cluster
    (``scheduler="tcp://host:8786"``) or a local one of ``workers`` processes (8 units
    unless told).  A seeded run gives the same findings for the same ``units`` whatever the
    executor and the number of workers.  Without ``units`` and with the in-process executor,
    the scan is one search (the default).

    ``started``: the ``time.monotonic()`` at which the caller began loading ``setup``: loading
    is part of the run (``max_time`` bounds it).  ``call_timeout``: seconds
    one model call may take (then the model is taken to be hung: ``ModelError``, exit 3).

    ``fail_on``: the severity from which a finding fails the run (the CLI's ``--fail-on``),
    kept with the run so that ``assay resume`` and ``assay report`` judge it the same way.
    ``keep_findings``: the witnesses kept in the store, ``"all"`` or a number (default
    100,000, as ``check_fairness``'s); every finding is counted.
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
        check_keywords("check_backdoor", options, (check_backdoor, setup_backdoor))
    the_setup = setup or setup_backdoor(model, **options)
    if execution.get("units"):
        the_setup.test.check_units(int(execution["units"]))
    engine_time = time_after_loading(max_time, started)  # before the run exists
    seed = fresh_seed() if seed is None else int(seed)
    the_store = store if isinstance(store, RunStore) else RunStore(store)
    run_id = new_run_id("backdoor")
    shown = {
        "max_queries": max_queries,
        "max_time": max_time,
        **options,
        "fail_on": fail_on or None,
        "export_filter": export_filter,
        "units": units,
        "keep_findings": None if keep == DEFAULT_KEEP else keep_option(keep),
        "store": store,
    }
    command = pinned_keep(rerun_command(argv, seed, ("check_backdoor", model, shown)), argv, keep)
    config = the_setup.test.config()
    config["invocation"] = the_setup.invocation
    config["cwd"] = launch_dir(argv)  # the rerun command's relative paths are its
    config["budget"] = {
        "max_queries": max_queries,
        "max_time": max_time,
        "call_timeout": call_timeout,
    }
    config["export_filter"] = None if export_filter is None else str(export_filter)
    config["execution"] = execution
    config["fail_on"] = fail_on
    config["fingerprints"] = _fingerprints(the_setup)
    config["arrays"] = _array_digests(the_setup)
    config["keep_findings"] = keep_option(keep)
    the_store.create_run(
        run_id=run_id,
        technique="backdoor",
        seed=seed,
        command=command,
        config=config,
        model=getattr(the_setup.raw_model, "spec_info", {}) or {"type": type(model).__name__},
        versions=versions(),
        keep_findings=keep,
    )
    if on_start is not None:
        on_start(run_id, seed, command)
    outcome = _execute(
        the_setup,
        execution,
        store=the_store,
        run_id=run_id,
        seed=seed,
        max_queries=max_queries,
        max_time=engine_time,
        call_timeout=call_timeout,
        on_progress=on_progress,
    )
    # images per wall-clock second of the whole run (loading included), beside the mean
    # seconds each image's own scan took
    record_wall_clock(
        the_store,
        outcome.run_id,
        time.monotonic() - started,
        counted="images scanned",
        rate="images per second (wall clock)",
    )
    return _result(the_store, outcome, seed, command, the_setup, export_filter)


def _array_digests(setup: BackdoorSetup) -> dict[str, Any]:
    """``{key: {"shape", "sha256"}}`` of the images and clean images given in memory (not
    stored: a resume is given them again and they must be the same)."""
    inv = setup.invocation
    digests: dict[str, Any] = {}
    for key in ("images", "clean"):
        array = getattr(setup.test, key, None)
        if inv.get(key) is None and isinstance(array, np.ndarray):
            data = np.ascontiguousarray(array)
            digests[key] = {
                "shape": list(data.shape),
                "sha256": hashlib.sha256(data.tobytes()).hexdigest(),
            }
    return digests


def _fingerprints(setup: BackdoorSetup) -> dict[str, Any]:
    """What a resume checks did not change (``core.integrity``): the model file and the
    images' and clean images' files or folders (a resume on other images would mix the
    findings of two image sets in one run)."""
    inv = setup.invocation
    prints: dict[str, Any] = {}
    model = model_fingerprint(getattr(setup.raw_model, "spec_info", {}) or {}, inv.get("model"))
    if model is not None:
        prints["model"] = model
    for key in ("images", "clean", "labels"):
        path = inv.get(key)
        if isinstance(path, str) and (Path(path).is_file() or Path(path).is_dir()):
            prints[key] = path_fingerprint(path)
    return prints


def _execute(setup: BackdoorSetup, execution: dict[str, Any] | None, **kwargs: Any) -> RunOutcome:
    from assay.models.serving import check_served, close_served, record_served

    try:
        if (execution or {}).get("units"):
            from assay.execution.campaign import execute_campaign

            assert execution is not None
            outcome = execute_campaign(
                setup.test, setup.model, execution, merge=setup.test.merge_summaries, **kwargs
            )
        else:  # each image's work depends on the answers just read, so calls stay inline
            outcome = execute(setup.test, setup.model, caller=InlineCaller(), **kwargs)
    finally:  # a served model's request counters go with the run, however it ended
        record_served(kwargs["store"], kwargs["run_id"], [setup.raw_model])
        close_served([setup.raw_model])
    # a served model that stopped answering ended the run: exit 3, never a pass
    check_served(kwargs["store"], kwargs["run_id"], [setup.raw_model])
    return outcome


def export_filter(
    path: str | os.PathLike[str], setup: BackdoorSetup, triggers: Sequence[Trigger]
) -> tuple[Path, float | None, float | None]:
    """Write the filter file (with the model's answers to its probe images); its overhead
    (extra queries per input) on the scanned images and on the clean ones, counted without a
    query: an input costs one more exactly when it carries a trigger's pixels."""
    p = save_filter(path, setup.spec, triggers, model=setup.raw_model)
    filt = TriggerFilter(setup.raw_model, setup.spec, triggers)

    def overhead(images: np.ndarray | None) -> float | None:
        if images is None or not len(images):
            return None
        return float(np.mean(filt.carriers(np.asarray(images)) >= 0))

    return p, overhead(setup.test.images), overhead(setup.test.clean)


def _result(
    store: RunStore,
    outcome: RunOutcome,
    seed: int,
    command: str,
    setup: BackdoorSetup,
    filter_file: str | os.PathLike[str] | None,
) -> BackdoorResult:
    record = store.get_run(outcome.run_id)
    result = BackdoorResult(
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
    if filter_file is not None:
        result.filter_path, result.filter_overhead, result.filter_overhead_clean = export_filter(
            filter_file, setup, result.triggers
        )
    return result


def setup_from_record(
    record: RunRecord,
    *,
    model: Any = None,
    allow_pickle: bool = False,
    images: Any = None,
    clean: Any = None,
    replay: bool = False,
    model_type: str | None = None,
) -> BackdoorSetup:
    """A stored backdoor run's setup; a pickle model only with ``allow_pickle`` (the stored
    run's consent is never reused).  ``images``, ``clean``: those of a run made with them in
    memory (never stored), given again; they must be the same.  ``replay``: the model and
    clean images only (``assay verify``: the images are not read again, their findings are
    stored); ``model_type``: the loader of a ``model`` given in the run's model's place."""
    if record.technique != "backdoor":
        raise UsageError(f"run {record.id} is a {record.technique} run", argument="RUN_ID")
    inv = dict(record.config.get("invocation", {}))
    inv["allow_pickle"] = allow_pickle
    if model_type is not None:
        inv["model_type"] = model_type
    stored = inv.pop("model", None)
    # a URL's credentials were never stored: given again (--model URL) in its place
    spec = model if stored is None else specs_given_again([stored], model, run_id=record.id)[0]
    if spec is None:
        raise UsageError(
            f"run {record.id} was made with an in-memory model; pass it again (model=...)",
            argument="RUN_ID",
        )
    builtin = isinstance(spec, str) and spec.startswith("builtin:")
    mode = record.config.get("mode")
    given = {"images": images, "clean": clean}
    for key, value in given.items():
        if value is None:
            continue
        if inv.get(key) is not None or builtin or (key == "images" and mode != "inputs"):
            raise UsageError(
                f"run {record.id} read its {key} from {inv.get(key) or 'its own data'}: "
                f"give {key}= only for a run made with them in memory",
                argument=key,
            )
        inv[key] = value
    for key in ("images", "clean"):
        needed = key == "clean" or (mode == "inputs" and not replay)
        if inv.get(key) is None and not builtin and needed:
            raise UsageError(
                f"run {record.id} was made with {key} in memory, which assay does not store; "
                f"pass them again: assay.resume_run({record.id!r}, model=..., images=..., "
                "clean=...) (the command line cannot resume this run)",
                argument=key,
            )
    if inv.pop("model_scan", False) or (builtin and mode == "model") or replay:
        inv["images"] = False
        inv.pop("labels", None)  # the true labels of images not read again
    setup = setup_backdoor(spec, replay=replay, **inv)
    stored = record.config.get("arrays") or {}
    now = _array_digests(setup)
    for key in given:
        if key in stored and now.get(key) != stored[key] and not (replay and key == "images"):
            raise UsageError(
                f"the {key} given are not those run {record.id} scanned (shape "
                f"{tuple(stored[key].get('shape', ()))}, sha256 "
                f"{str(stored[key].get('sha256'))[:12]}...); its stored state no longer fits "
                "them: start a new run",
                argument=key,
            )
    return setup


def resume_backdoor(
    run_id: str,
    *,
    store: RunStore | str | os.PathLike[str] = DEFAULT_STORE,
    on_progress: Callable[[dict[str, Any]], None] | None = None,
    model: Any = None,
    overlap: bool = True,
    setup: BackdoorSetup | None = None,
    allow_pickle: bool = False,
    images: Any = None,
    clean: Any = None,
) -> BackdoorResult:
    """Continue a stopped or killed backdoor run from its last checkpoint (a pickle model
    only with ``allow_pickle``).  ``images``, ``clean``: a run made with them in memory
    takes them again (assay does not store them; they must be the same)."""
    del overlap  # calls are inline (each round depends on the previous answers)
    the_store = store if isinstance(store, RunStore) else RunStore(store)
    record = the_store.get_run(run_id)
    if record.status in ("completed", "budget_exhausted"):
        raise UsageError(
            f"run {record.id} already ended ({record.status}); nothing to resume",
            argument="RUN_ID",
        )
    the_setup = setup or setup_from_record(
        record, model=model, allow_pickle=allow_pickle, images=images, clean=clean
    )
    budget = record.config.get("budget", {})
    the_store.checkpoint(record.id, status="running")
    outcome = _execute(
        the_setup,
        record.config.get("execution"),
        store=the_store,
        run_id=record.id,
        seed=record.seed,
        max_queries=budget.get("max_queries"),
        max_time=budget.get("max_time"),
        call_timeout=budget.get("call_timeout", DEFAULT_CALL_TIMEOUT),
        resume=True,
        on_progress=on_progress,
    )
    # the engine's time of every session (this session's loading is not counted)
    record_wall_clock(
        the_store,
        outcome.run_id,
        float(outcome.progress.get("elapsed") or 0),
        counted="images scanned",
        rate="images per second (wall clock)",
    )
    return _result(
        the_store,
        outcome,
        record.seed,
        record.command,
        the_setup,
        record.config.get("export_filter"),
    )


def replay_backdoor_run(
    store: RunStore,
    record: RunRecord,
    *,
    model: Any = None,
    model_type: str | None = None,
    allow_pickle: bool = False,
    clean: Any = None,
) -> ReplayResult:
    """``assay verify`` of a backdoor run: its stored triggers (and STRIP flags) asked of the
    model as it is now (or of ``model``), pasted on the run's clean images (``clean``: those of
    a run made with them in memory, given again).  A run whose clean images cannot be had
    replays nothing: every finding skipped, with why (never counted as fixed)."""
    from assay.backdoor.replay import replay_backdoor

    inv = record.config.get("invocation", {})
    stored = inv.get("model")
    demo = isinstance(stored, str) and stored.startswith("builtin:")
    asked = stored if model is None else model
    the_setup: BackdoorSetup | None = None
    no_clean = ""
    if demo and not (isinstance(asked, str) and asked.startswith("builtin:")):
        no_clean = (
            f"the run scanned {stored}'s own digits, whose clean images go with the built-in "
            "models only: scan your model with your clean images (--clean)"
        )
    elif clean is None and isinstance(inv.get("clean"), str) and not Path(inv["clean"]).exists():
        no_clean = f"the run's clean images ({inv['clean']}) are gone"
    elif inv.get("clean") is None and clean is None and not demo:
        no_clean = (
            "the run's clean images were given in memory and assay keeps only their digest; "
            "replay it from Python with them: "
            "assay.backdoor.api.replay_backdoor_run(store, record, clean=...)"
        )
    else:
        the_setup = setup_from_record(
            record,
            model=model,
            allow_pickle=allow_pickle,
            clean=clean,
            replay=True,
            model_type=model_type,
        )
    config = record.config
    strategy = str(config.get("strategy", "assay"))
    threshold = config.get("threshold")
    budget = config.get("budget") or {}
    wrapped = None
    if the_setup is not None:
        wrapped = BudgetedModel(
            the_setup.model, call_timeout=budget.get("call_timeout", DEFAULT_CALL_TIMEOUT)
        )
    try:
        return replay_backdoor(
            store.iter_batches(record.id),
            wrapped,
            None if the_setup is None else the_setup.test.clean,
            seed=record.seed,
            threshold=float(threshold) if threshold else (0.5 if strategy == "neo" else 0.9),
            scan_threshold=HELD_OUT_RATE,
            strip_fpr=float(config.get("strip_fpr", 0.01)),
            strip_blends=int(config.get("strip_blends", 20)),
            no_clean=no_clean,
            classes_then=_classes_then(record),
        )
    finally:
        if the_setup is not None:
            from assay.models.serving import close_served

            close_served([the_setup.raw_model])


def _classes_then(record: RunRecord) -> tuple[int | None, tuple[str, ...] | None]:
    """The number and names of the classes of the run's model, as stored with the run."""
    caps = (record.model or {}).get("capabilities") or {}
    n = caps.get("n_classes")
    names = caps.get("class_names")
    return (
        int(n) if isinstance(n, int) else None,
        tuple(str(c) for c in names) if isinstance(names, list) else None,
    )
