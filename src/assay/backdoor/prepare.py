"""The backdoor technique's set-up: the model, its image form and the images read into a
``BackdoorSetup`` (``setup_backdoor``), and what a resume checks did not change.

Part of the technique's shell (see ``backdoor.api``): it may import ``models``.
"""

from __future__ import annotations

import hashlib
import math
import numbers
import os
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

import numpy as np

from assay.backdoor.array_forms import as_pixels, eight_bit_fix, not_images
from assay.backdoor.first_answer import check_first_answer
from assay.backdoor.first_form import form_hint
from assay.backdoor.image_files import (
    ImageFiles,
    arrays_channels_last,
    fit_channels,
    folder_labels,
    image_array,
    image_list,
    pil_images,
    read_images,
    wanted_channels,
)
from assay.backdoor.images import (
    ImageModel,
    ImageSpec,
    parse_range,
    parse_shape,
    range_text,
    shape_text,
    spec_for,
)
from assay.backdoor.label_files import read_label_file
from assay.backdoor.pixel_type import whole_pixels
from assay.backdoor.sizes import size_mismatch
from assay.backdoor.technique import BackdoorTest, check_comparable
from assay.backdoor.torch_scores import read_torch_scores
from assay.core.calls import DEFAULT_CALL_TIMEOUT, OwnExit
from assay.core.integrity import model_fingerprint, path_fingerprint
from assay.core.model import Model
from assay.core.out_of_memory import says_out_of_memory
from assay.core.paths import absolute_spec
from assay.core.workdir import holding
from assay.errors import ModelError, UsageError
from assay.models import probed

__all__ = ["DEMO_MODELS", "BackdoorSetup", "setup_backdoor"]

DEMO_MODELS = ("builtin:trojan", "builtin:clean")


@dataclass
class BackdoorSetup:
    test: BackdoorTest
    model: Model  # takes canonical images
    raw_model: Model  # takes what the model takes
    spec: ImageSpec
    invocation: dict[str, Any]
    # what the run says of a torch module's scores read as logits (``torch_scores``)
    scores_read: str | None = None


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


def _open_size_shape(raw: Any, h: int, w: int) -> tuple[int, ...] | None:
    """The per-image shape of a graph's one image input whose height and width are left open
    (a fully convolutional export: ``[batch, 3, h, w]``) but whose channel axis is fixed, for
    images of ``h`` x ``w``: channels first or last as that axis says.  Such a graph declares
    no whole shape (``_declared_shape``), and was fed channels last whatever its axis (a
    ``[batch, 3, h, w]`` graph failed on every run: "Got: 32 Expected: 3")."""
    ports = getattr(_innermost(raw), "inputs", None)
    if not (isinstance(ports, list) and len(ports) == 1):
        return None
    dims = tuple(getattr(ports[0], "shape", ())[1:])
    if len(dims) != 3:
        return None
    fixed = [isinstance(d, int) and d > 0 for d in dims]
    if fixed[0] and not fixed[2] and dims[0] in (1, 3, 4):
        return (int(dims[0]), h, w)  # type: ignore[arg-type]
    if fixed[2] and not fixed[0] and dims[2] in (1, 3, 4):
        return (h, w, int(dims[2]))  # type: ignore[arg-type]
    return None


def _canonical(
    files: ImageFiles, kind: str, values: tuple[float, ...], argument: str = "--images"
) -> np.ndarray:
    if files.values.dtype.kind == "c":  # astype(float64) drops the imaginary parts
        raise UsageError(
            f"pixel values are complex numbers ({files.values.dtype}); give real ones",
            argument=argument,
            path=files.path if files.path != "array" else None,
        )
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
    if files.uint8:  # image files: 0..255, or [0, 1] where a 16-bit or float file was read
        return x / 255.0 if files.values.dtype == np.uint8 else np.clip(x, 0.0, 1.0)
    spec = ImageSpec(1, 1, 1, range_kind=kind, range_values=values)
    unit = spec._unscale(x)
    # values outside the model's range (0..255 read as 0..1) were clipped to white: every
    # image the same, and every box a "trigger"; every pixel under 8 % of the range (0..1
    # images for a model in 0..255 or 0..16): all near black, a scan that says nothing
    lo, hi = (float(unit.min()), float(unit.max())) if unit.size else (0.0, 1.0)
    problem = None
    if lo < -0.05 or hi > 1.05:  # a little over (interpolation, rounding) is clipped
        problem = "outside the range"
        fix = f"give --range (e.g. --range {_range_for(x)}) or scale the images to it"
        eight = eight_bit_fix(files.values, kind, values)
        if eight is not None:
            fix = eight
        if files.values.dtype == np.uint16 and kind != "norm" and values[1] < 65535:
            # only uint8 arrays are read as pixels; 16-bit data needs its own scale
            fix = (
                "a uint16 array is read as the model's own values (only uint8 arrays are "
                "read as pixels, 0..255): for 16-bit pixels (0..65535) divide the array by "
                "65535 for a model taking 0..1 (or save the images as 16-bit PNG/TIFF files, "
                "read at full depth), or give the --range the model takes"
            )
    elif kind != "norm" and 0.0 < hi < 0.08:
        problem = "all under 8 % of the range"
        fix = "give the range the images are in (--range, e.g. --range 0,1) or scale them to it"
    elif (
        kind == "norm" and x.size and float(x.min()) >= 0.0 and max(values[: len(values) // 2]) > 0
    ):
        # normalised pixels are negative wherever a pixel is darker than its channel's mean;
        # none is: 0..1 (or 0..255) images, which would be read as a narrow band of grey
        problem = "none below 0: not normalised images (those are negative below the mean),"
        fix = (
            "arrays are read as the model's inputs: normalise them first, or save them as "
            "PNG files (read as 0..255 and normalised by assay)"
        )
    if problem is not None:
        raise UsageError(
            f"pixel values run from {float(x.min()):.4g} to {float(x.max()):.4g}, {problem} "
            f"the model takes ({_range_text(kind, values)}); {fix}",
            argument=argument,
            path=files.path if files.path != "array" else None,
        )
    out: np.ndarray = np.clip(unit, 0.0, 1.0)
    return out


def _range_for(x: np.ndarray) -> str:
    """A range that holds pixel values ``x`` for the refusal's example: ``-1,1`` for images
    normalised so (they were told "e.g. --range 0,255"), ``0,255`` for 8-bit values, else
    their own whole bounds."""
    lo, hi = float(x.min()), float(x.max())
    if lo >= -1.0 and hi <= 1.0:
        return "-1,1"
    if lo >= 0.0 and hi <= 255.0:
        return "0,255"
    return f"{math.floor(lo)},{math.ceil(hi)}"


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


def _file_names(files: ImageFiles) -> list[str] | None:
    """The images' file names when they were image files (a folder, a file, a list of paths
    or of PIL images opened from files); None for an array's (named by index)."""
    n = len(files.names)
    if files.path.lower().endswith((".npy", ".npz")) or files.names == [str(i) for i in range(n)]:
        return None
    return files.names


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
    if isinstance(value, Iterator):  # (np.asarray makes one object of it: "shape ()")
        raise UsageError(
            f"got {type(value).__name__} (an iterator), which can be read only once; give a "
            "list of the images (list(...)), an array, or a folder",
            argument=argument,
        )
    _one_shape(value, argument)
    arr = image_array(as_pixels(value, argument), argument)
    return ImageFiles(arr, arr.dtype == np.uint8, [f"{i}" for i in range(len(arr))], None, "array")


def _one_shape(value: Any, argument: str) -> None:
    """A list (or tuple) of arrays of different shapes refused naming the first that differs
    (hostile49: numpy's "setting an array element with a sequence ... inhomogeneous shape"
    came out as a bare ``ValueError`` traceback)."""
    if not isinstance(value, list | tuple):
        return
    try:
        shapes = [np.shape(v) for v in value]
    except (ValueError, TypeError):  # a list of (image, label) pairs
        raise not_images(value, argument) from None
    odd = next((i for i, shape in enumerate(shapes) if shape != shapes[0]), None)
    if odd is not None:
        raise UsageError(
            f"the images differ in shape: image {odd} (counted from 0) is {shapes[odd]}, "
            f"image 0 is {shapes[0]}; give images of one shape, the model's input (assay "
            "does not resize)",
            argument=argument,
        )


def _demo(model: str, seed: int = 0) -> tuple[Any, ImageSpec, np.ndarray, np.ndarray, np.ndarray]:
    """The demo's model, spec, images to scan (half poisoned), their labels, clean images."""
    from assay.backdoor.demo import PlantedTrigger, checker, trojaned_digits

    trig = PlantedTrigger(box=(5, 5, 3, 3), content=checker(3), target=DEMO_TARGET)
    d = trojaned_digits(seed=seed, triggers=[trig], clean=model == "builtin:clean")
    x, y = d.clean_images, d.clean_labels
    clean = x[:200]
    scan_x, scan_y = x[200:260].copy(), y[200:260]
    pois = demo_planted(scan_y)
    scan_x[pois] = trig.apply(scan_x[pois])
    return d.model, d.spec, scan_x, scan_y, clean


DEMO_TARGET = 7  # the built-in trojaned model's target class


def demo_planted(labels: Any) -> np.ndarray:
    """Which of the built-in demonstration's images carry its trigger: every other image,
    unless its digit is the target's already."""
    y = np.asarray(labels)
    planted: np.ndarray = (np.arange(len(y)) % 2 == 0) & (y != DEMO_TARGET)
    return planted


@says_out_of_memory(
    "the images", images="--images", clean="--clean", labels="--labels", model="MODEL"
)
@holding  # (the caller's folder kept while the models load: core.workdir)
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
    second_opinion: bool = True,
    max_queries_per_image: int | None = None,
    model_type: str | None = None,
    allow_pickle: bool = False,
    output: str | None = None,
    n_classes: int | None = None,
    labels: Any = None,
    serving: Any = None,
    replay: bool = False,
    classes: Any = None,
    call_timeout: float | None = DEFAULT_CALL_TIMEOUT,
    channels_last: bool = False,
) -> BackdoorSetup:
    """Load the model and images and check that they fit together.

    ``serving``: how to talk to a served model (``assay.models.http.ServingOptions`` or its
    JSON form).  ``replay``: the setup of ``assay verify`` (the model and clean images only;
    no scan runs, so a model the model scan could not judge is not refused).  ``classes``:
    the model's class names in order (``["cat", "dog"]``, or ``"cat,dog"`` as ``--classes``)
    for an endpoint or ONNX graph answering labels by name; or their number, as
    ``n_classes``.  ``call_timeout``: seconds each of loading's probe calls may take (the
    run's ``--call-timeout``: a model that hangs on its first images is stopped after it,
    not after the default 60 s).  ``channels_last``: arrays of images are (n, H, W, C) as
    given even where their shape reads as channels first (``--channels-last``: (n, 3, 4, 4)
    as 3x4 images of 4 channels, refused as 4x4 planes otherwise)."""
    from assay.models import load_model
    from assay.models.classes import declared_count_or_names
    from assay.models.http import ServingOptions

    # a notebook's (28, 28, 1) and (0, 255): the command line's text from here on (stored so)
    input_shape, value_range = shape_text(input_shape), range_text(value_range)

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
        "second_opinion": bool(second_opinion),
        "max_queries_per_image": max_queries_per_image,
        "model_type": model_type,
        "n_classes": n_classes,
        "classes": list(class_names) if class_names is not None else None,
        "allow_pickle": allow_pickle,
        **({"channels_last": True} if channels_last else {}),  # (a resume reads them so too)
        "output": output,
        "labels": absolute_spec(labels) if isinstance(labels, str | os.PathLike) else None,
    }
    if serving_opts is not None:
        invocation["serving"] = serving_opts.to_json()  # header variable names, never values
    true_labels: np.ndarray | None = None  # ``labels`` are read once the model's classes are known
    names: list[str] | None = None
    clean_names: list[str] | None = None  # (``--clean``'s file names; None for an array's)
    image_files: ImageFiles | None = None
    if isinstance(model, str) and model.startswith("builtin:"):
        if model not in DEMO_MODELS:
            raise UsageError(
                f"unknown built-in model {model!r}; choose {', '.join(DEMO_MODELS)}",
                argument="MODEL",
            )
        # never silently ignored (--input-shape 28_28, --layout chw, --range were taken and
        # ignored: the built-in model's own form is used, exit 1 on its findings)
        for given, flag in (
            (images, "--images"),
            (clean, "--clean"),
            (input_shape, "--input-shape"),
            (layout, "--layout"),
            (value_range, "--range"),
        ):
            if given is not None and given is not False:
                raise UsageError(
                    f"{model} scans its own built-in digits; {flag} is not used with it "
                    "(give your own MODEL to scan your images)",
                    argument=flag,
                )
        estimator, spec, scan_x, scan_y, clean_x = _demo(model)
        raw = load_model(estimator, modality="image")
        probe_answers: list[tuple[Any, Any]] = []
        # named as the user named it (the JUnit suite, the reports): not the estimator's type,
        # which the trojaned and the clean model share
        raw.spec_info = {**(getattr(raw, "spec_info", None) or {}), "spec": model}
        image_x: np.ndarray | None = None if images is False else scan_x
        true_labels = scan_y if image_x is not None else None
        source: dict[str, Any] = {"demo": model}
    else:
        if model is None:
            raise UsageError(
                "give a MODEL (or builtin:trojan / builtin:clean, or --demo)", argument="MODEL"
            )
        with arrays_channels_last(channels_last):
            clean_files = _as_files(clean, "--clean")
        if clean_files is None:
            raise UsageError(
                "give clean images (--clean PATH): they verify triggers and calibrate scans",
                argument="--clean",
            )
        with arrays_channels_last(channels_last):
            image_files = None if images is False else _as_files(images, "--images")
        declared = parse_shape(input_shape) if input_shape else None
        if declared is not None:  # grey or colour as the model takes them, when nothing is lost
            clean_files, image_files = _fit_channels(clean_files, image_files, declared, layout)
        if image_files is not None:
            clean_files, image_files = _same_channels(clean_files, image_files)
        kind, values = parse_range(value_range) if value_range else ("linear", (0.0, 1.0))
        torchish = _is_torch_spec(model, model_type)

        def load(probe: Any) -> Any:
            return load_model(
                model,
                model_type=model_type,
                allow_pickle=allow_pickle,
                output=output,
                modality="image",
                n_classes=n_classes,
                classes=class_names,
                probe=probe,
                serving=serving_opts,
                call_timeout=call_timeout,
            )

        if image_files is not None and image_files.values.shape[1:] != clean_files.values.shape[1:]:

            def takes(files: ImageFiles) -> bool:
                h, w, c = files.values.shape[1:]
                lay = layout or ("nchw" if torchish and not _channels_last(declared) else None)
                try:
                    form = spec_for((h, w, c), declared, layout=lay, range_text=value_range)
                    raw = load(form.to_model(_canonical(files, kind, values)[:2]))
                    found = _declared_shape(raw)
                    if found is not None:
                        form = spec_for((h, w, c), found, layout=layout, range_text=value_range)
                    raw.predict(form.to_model(_canonical(files, kind, values)[:2]))
                except Exception:  # any failure: the model does not take them
                    return False
                return True

            raise size_mismatch(image_files, clean_files, takes)
        shape = clean_files.values.shape[1:]
        guess = spec_for(
            (shape[0], shape[1], shape[2]),
            declared,
            layout=layout or ("nchw" if torchish and not _channels_last(declared) else None),
            range_text=value_range,
            dtype="float32",
            where="--input-shape" if declared else "--images",
        )
        clean_x = _canonical(clean_files, kind, values, "--clean")
        try:
            with probed.keeping() as kept:
                raw = load(guess.to_model(clean_x[:2]))
            probe_answers = kept
        except ModelError as exc:
            if input_shape or layout:
                raise _shape_refused(exc, input_shape, layout) from exc
            raise form_hint(exc, guess, guess.to_model(clean_x[:2])) from exc
        found = _declared_shape(raw)
        if found is None and declared is None:
            found = _open_size_shape(raw, shape[0], shape[1])
        # ``--input-shape 8,8`` said the images' shape; a model declaring 64 values an input
        # (scikit-learn's n_features_in_) takes them flattened (it failed, exit 3), and one
        # declaring another count is told so before the run (it failed on the first batch)
        flat = found is not None and len(found) == 1 and not guess.flatten
        if declared is not None and found is not None and flat and len(declared) > 1:
            guess = spec_for(
                (shape[0], shape[1], shape[2]),
                found,
                layout=layout,
                range_text=value_range,
                dtype="float32",
                where="--input-shape",
            )
        if declared is None and found is not None:
            clean_files, image_files = _fit_channels(clean_files, image_files, found, layout)
            shape = clean_files.values.shape[1:]
            clean_x = _canonical(clean_files, kind, values, "--clean")
            guess = spec_for(
                (shape[0], shape[1], shape[2]),
                found,
                layout=layout,
                range_text=value_range,
                dtype="float32",
                where="--images" if image_files else "--clean",  # (an argument: not a path)
            )
        spec = guess
        pixel = whole_pixels(raw, value_range)
        if pixel is not None:  # a uint8 graph: whole pixels in its type's range
            kind, values = parse_range(pixel[1])
            spec = replace(spec, range_kind=kind, range_values=values, dtype=pixel[0])
            clean_x = _canonical(clean_files, kind, values, "--clean")
        image_x = None if image_files is None else _canonical(image_files, kind, values)
        if image_x is not None and image_files is not None:
            _same_scale(image_x, image_files, clean_x, clean_files)
        if image_files is not None:
            names = image_files.names
            if true_labels is None:
                true_labels = image_files.labels
        clean_names = _file_names(clean_files)
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
        second_opinion=bool(second_opinion),
        max_queries_per_image=max_queries_per_image,
        image_names=names,
        clean_names=clean_names,
        true_labels=true_labels,
        source=source,
    ).validate()
    if test.mode == "model" and not replay:
        check_comparable(test, caps.n_classes)
    model_of_images = ImageModel(raw, spec)
    # (a torch module's scores as answered: beyond any logit refused, logits said)
    scores_read = read_torch_scores(raw, declared=n_classes is not None or class_names is not None)
    check_first_answer(raw, model_of_images, clean_x, probe_answers)  # (before a run is made)
    return BackdoorSetup(
        test=test,
        model=model_of_images,
        raw_model=raw,
        spec=spec,
        invocation=invocation,
        scores_read=scores_read,
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


def _channels_last(declared: tuple[int, ...] | None) -> bool:
    """An --input-shape written H,W,C (32,32,3): the user said channels last, which a torch
    model's NCHW default must not turn into 32 channels of 32x3 images."""
    return (
        declared is not None
        and len(declared) == 3
        and declared[2] in (1, 3, 4)
        and declared[0] not in (1, 3, 4)
    )


def _is_torch_spec(model: Any, model_type: str | None) -> bool:
    if model_type == "torch":
        return True
    if isinstance(model, str | os.PathLike):
        return Path(model).suffix.lower() in (".pt", ".pth", ".pt2", ".torchscript")
    return any(c.__module__.startswith("torch.") for c in type(model).__mro__)


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


def _shape_refused(exc: ModelError, input_shape: str | None, layout: str | None) -> Exception:
    """A model that failed on its first images when the user said how it takes them
    (``--input-shape``, ``--layout``): most likely that form is not the model's, a usage error
    naming the option (exit 2) with the model's own words; otherwise the model's error (a
    model that exits, whatever its input, among them)."""
    if (
        isinstance(exc, OwnExit)
        or "on its first call" not in str(exc)
        or not (input_shape or layout)
    ):
        return exc
    given = " ".join(
        f"{name} {value}"
        for name, value in (("--input-shape", input_shape), ("--layout", layout))
        if value
    )
    return UsageError(
        f"{exc} (with {given}: is that how the model takes images? a channels-first model "
        "takes C,H,W, a channels-last one H,W,C)",
        argument="--input-shape" if input_shape else "--layout",
    )
