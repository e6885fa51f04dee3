"""The run-time filter: a Model that wraps a model and blocks known triggers.

For each batch: inputs that carry a known trigger's pixels (a pixel comparison, no query), or
its pattern at lower contrast (resized, blurred, dimmed: ``filter_pattern``), are asked
twice, as they are and with the trigger's region refilled from the nearest of the scan's
clean images (as the scan's corrected label is; files of format version 1 and 2, which hold
no clean images, block it with the image's dominant colour); when the model answers the
trigger's target for the input and something else once refilled, the filter answers the
refilled prediction and flags the input.  Other inputs are asked once.  The overhead is the
share of inputs that match a trigger: ``extra_queries / inputs`` per input.

Exported as a JSON data file (image spec, triggers, a sample of the clean images, the
scanned model's classes and answers to a few seeded probe images, and a digest of them),
never as code; read back by ``filter_file``, which checks every entry and the digest.
Loading it around a model asks that model the probes: a model that answers them otherwise
than the scanned one (another model, another class order) is refused, since the triggers'
targets and pixels are the scanned model's.  Inputs must come in the form the scan gave the
model (``filter_inputs``).
"""

from __future__ import annotations

import json
import os
import threading
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np

from assay.backdoor.filter_file import (
    FILTER_FORMAT,
    FILTER_VERSION,
    PROBES,
    SCALE,
    digest,
    encode_references,
    read_document,
    reference_sample,
)
from assay.backdoor.filter_inputs import InputForm
from assay.backdoor.filter_pattern import pattern_present
from assay.backdoor.images import ImageSpec
from assay.backdoor.patches import Trigger, block, dominant_colour, paste, trigger_present
from assay.backdoor.probe_unanswered import refused, unanswered
from assay.backdoor.repair import mean_fill
from assay.backdoor.strip import class_scores
from assay.core.model import Capabilities, Model, ModelInputs, labels_of
from assay.core.outfile import write_whole
from assay.errors import AssayError, UsageError

__all__ = ["FILTER_FORMAT", "TriggerFilter", "load_filter", "save_filter"]

PROBE_SEED = 20261203
MAX_LABELS_DIFFERENT = 1  # of the probes: a near tie may fall the other way in float32
MAX_SCORE_GAP = 0.05  # mean absolute difference of the probes' probabilities
FILLS = 5  # nearest reference contents averaged into a refill (the scan's ``fills``)


class TriggerFilter:
    """A Model: answers like ``model``, except for inputs carrying a known trigger.

    Safe to call from several threads at once: the counters are locked and ``last_flags``
    is the calling thread's own last call."""

    def __init__(
        self,
        model: Model,
        spec: ImageSpec,
        triggers: Sequence[Trigger],
        *,
        tolerance: float = 0.25,
        share: float = 0.85,
        source: str = "the filter",
        references: np.ndarray | None = None,
    ) -> None:
        self.model = model
        self.references = references
        self.spec = spec
        self.triggers = list(triggers)
        self.tolerance = tolerance
        self.share = share
        self.source = source
        self.form = InputForm(spec)
        # the shape it takes, declared as a model's is: a scan of the filter itself gives it
        # its batches in that form (it guessed (n, H, W, C) and the filter refused them)
        self.input_shape: tuple[int, ...] = tuple(self.form.shape)
        self.capabilities: Capabilities = model.capabilities
        self.inputs = 0
        self.queries = 0
        self._lock = threading.Lock()
        self._local = threading.local()

    @property
    def last_flags(self) -> np.ndarray:
        """Which inputs of this thread's last call carried a trigger that was blocked."""
        flags: np.ndarray = getattr(self._local, "flags", np.zeros(0, dtype=bool))
        return flags

    @property
    def overhead(self) -> float:
        """Extra queries per input so far."""
        with self._lock:
            return (self.queries - self.inputs) / self.inputs if self.inputs else 0.0

    def carriers(self, canon: np.ndarray) -> np.ndarray:
        """Per canonical image, the index of the first trigger whose pixels it carries, or -1
        (no query: the overhead on a set of inputs is the share of them with one): on their
        whole boxes first, then, for the images none matched, on their masks' pixels (a
        trigger that does not fill its box: ``masks.py``), as the scan matches them; then on
        its pattern at lower contrast (resized, blurred, dimmed: ``filter_pattern``)."""
        which = np.full(len(canon), -1, dtype=np.int64)
        for masked in (False, True):
            for k, trig in enumerate(self.triggers):
                if masked and trig.mask is None:
                    continue
                hit = trigger_present(canon, trig, self.tolerance, self.share, masked=masked)
                which[hit & (which < 0)] = k
        for k, trig in enumerate(self.triggers):
            which[pattern_present(canon, trig) & (which < 0)] = k
        return which

    def predict(self, inputs: ModelInputs, /) -> np.ndarray:
        answers, flags = self.predict_flagged(inputs)
        self._local.flags = flags
        return answers

    def predict_flagged(self, inputs: ModelInputs, /) -> tuple[np.ndarray, np.ndarray]:
        """The answers and which inputs carried a trigger that was blocked, together: for
        code that calls on one thread and reads on another (``run_in_executor``), where
        ``last_flags`` (the calling thread's) would be another call's."""
        raw = self.form.check(inputs, self.source)
        canon = self.spec.to_canonical(raw)
        n = len(canon)
        which = self.carriers(canon)
        suspects = np.flatnonzero(which >= 0)
        fixed = [self._hidden(canon[i], self.triggers[which[i]]) for i in suspects]
        batch = raw
        if len(suspects):
            blocked = self.spec.to_model(np.stack(fixed))
            if raw.dtype.kind == "f":
                blocked = blocked.astype(raw.dtype)
            batch = np.concatenate([raw, blocked])
        answers = np.asarray(self.model.predict(batch))
        with self._lock:
            self.inputs += n
            self.queries += len(batch)
        out = answers[:n].copy()
        flags = np.zeros(n, dtype=bool)
        if len(suspects):
            before = labels_of(answers[suspects], self.capabilities)
            after = labels_of(answers[n:], self.capabilities)
            targets = np.asarray([self.triggers[k].target for k in which[suspects]])
            swap = (before == targets) & (after != targets)
            out[suspects[swap]] = answers[n:][swap]
            flags[suspects[swap]] = True
        return out, flags

    def _hidden(self, image: np.ndarray, trigger: Trigger) -> np.ndarray:
        """``image`` with the trigger's region refilled from the nearest reference images,
        as the scan's corrected label is (``repair.mean_fill``), or, with no references (a
        file of format version 1 or 2), blocked with the image's dominant colour."""
        region = trigger.cover(*image.shape[:2])
        if self.references is not None and len(self.references):
            filled: np.ndarray = mean_fill(image, region, self.references, FILLS)[0]
            return filled
        blocked: np.ndarray = block(image[None], region, dominant_colour(image))[0]
        return blocked

    def to_json(self) -> dict[str, Any]:
        return _document(
            self.spec, self.triggers, self.tolerance, self.share, None, self.references
        )


# what the file blocks, in its own words (read by no code: the file's reader, and the docs)
COVERS = (
    "the patch triggers the scan confirmed (their boxes and pixel patterns) and the windows "
    "the source-class check located (the pixels its flagged images agree on there: a "
    "source-specific trigger); no check for a trigger blended over the whole image or a long "
    "line, nor for the pixels the class-map check found at a window (an all-to-all trigger) "
    "or a source-class group it did not locate: an image STRIP's second opinion or one of "
    "its checks flagged otherwise passes this filter unchanged"
)


def _document(
    spec: ImageSpec,
    triggers: Sequence[Trigger],
    tolerance: float,
    share: float,
    model: dict[str, Any] | None,
    references: np.ndarray | None = None,
) -> dict[str, Any]:
    return {
        "format": FILTER_FORMAT,
        "version": FILTER_VERSION,
        "spec": spec.to_json(),
        "tolerance": tolerance,
        "share": share,
        "triggers": [t.to_json() for t in triggers],
        "model": model,
        "references": encode_references(references),
        "covers": COVERS,
    }


def probe_images(
    spec: ImageSpec, triggers: Sequence[Trigger], references: np.ndarray | None = None
) -> np.ndarray:
    """Canonical images whose answers tell one model from another, the last third with a
    trigger pasted on: 12 of the file's clean ``references`` (evenly spaced) when it holds
    them, else seeded uniform noise (files of format 1 and 2).  Noise told little: a
    trojaned digits MLP answers every noise image 4 or 7, near certain, and the same network
    taking 0..1 pixels, given the scan's 0..16 ones, answered the 12 alike and was accepted."""
    if references is not None and len(references):
        pick = np.linspace(0, len(references) - 1, PROBES).round().astype(np.int64)
        images = np.asarray(references[pick], dtype=np.float64).copy()
    else:
        images = np.random.default_rng(PROBE_SEED).random((PROBES, *spec.shape))
    for i, k in enumerate(range(2 * PROBES // 3, PROBES)):
        if triggers:
            trig = triggers[i % len(triggers)]
            images[k : k + 1] = paste(images[k : k + 1], trig.content, trig.box)
    return images


def fingerprint(
    model: Model,
    spec: ImageSpec,
    triggers: Sequence[Trigger],
    references: np.ndarray | None = None,
) -> dict[str, Any]:
    """The model's classes and its answers to the probe images (``PROBES`` queries)."""
    caps = model.capabilities
    answers = np.asarray(model.predict(spec.to_model(probe_images(spec, triggers, references))))
    scores = None
    if caps.outputs == "proba" and answers.ndim == 2:
        scores = np.round(answers.astype(np.float64), 4).tolist()
    return {
        "n_classes": caps.n_classes,
        "class_names": None if caps.class_names is None else list(caps.class_names),
        "probe_labels": [str(v) for v in np.asarray(labels_of(answers, caps)).tolist()],
        "probe_scores": scores,
    }


def save_filter(
    path: str | os.PathLike[str],
    spec: ImageSpec,
    triggers: Sequence[Trigger],
    *,
    model: Model | None = None,
    references: np.ndarray | None = None,
) -> Path:
    """Write the filter file; with ``model`` (the scanned one), its classes and answers to the
    probe images, which ``load_filter`` checks the model it is given against; with
    ``references`` (the scan's clean canonical images), a sample of them from which a flagged
    input's trigger region is refilled (``filter_file.reference_sample``)."""
    p = Path(path)
    refs = reference_sample(references)
    if refs is not None:  # as the file will hold them: the probes must be the same on load
        refs = np.round(np.clip(refs, 0.0, 1.0) * SCALE) / SCALE
    known = None if model is None else fingerprint(model, spec, triggers, refs)
    try:
        p.parent.mkdir(parents=True, exist_ok=True)  # as the reports' folders are made
        doc = _document(spec, triggers, 0.25, 0.85, known, refs)
        doc["digest"] = digest(doc)  # (an entry edited by hand is refused on reading)
        text = json.dumps(doc, indent=1) + "\n"
        write_whole(p, text)  # (a link at the path replaced, never followed)
    except OSError as exc:
        raise UsageError(
            f"cannot write the filter: {exc}", argument="--export-filter", path=str(p)
        ) from None
    return p


def load_filter(
    path: str | os.PathLike[str], model: Model, *, check_model: bool = True
) -> TriggerFilter:
    """A filter around ``model`` from an exported JSON file (``filter_file.read_document``
    checks every entry).

    ``check_model``: ask ``model`` the file's probe images (12 queries) and refuse it when
    it answers them otherwise than the scanned model did (or has other classes).  A model
    with fewer classes than a trigger's target is refused either way (the filter could never
    fire)."""
    p = Path(path)
    doc = read_document(p)
    if not hasattr(model, "capabilities") or not callable(getattr(model, "predict", None)):
        n = (doc.model or {}).get("n_classes")
        raise UsageError(
            f"load_filter wraps an assay Model, not a {type(model).__name__}: "
            "assay.models.load_model(obj, modality='image'"
            + ("" if n is None else f", n_classes={n}")
            + ") makes one",
            argument="model",
            path=str(p),
        )
    if check_model and doc.model is not None:
        _check_model(model, doc.spec, doc.triggers, doc.references, doc.model, str(p))
    n = model.capabilities.n_classes
    beyond = [t.target for t in doc.triggers if n is not None and t.target >= n]
    if beyond:
        raise UsageError(
            f"{p} blocks triggers towards class {beyond[0]}, but the model has {n} classes: "
            "it was exported for another model",
            argument="model",
        )
    return TriggerFilter(
        model,
        doc.spec,
        doc.triggers,
        tolerance=doc.tolerance,
        share=doc.share,
        source=str(p),
        references=doc.references,
    )


def _ask_probes(
    model: Model,
    spec: ImageSpec,
    triggers: Sequence[Trigger],
    references: np.ndarray | None,
    where: str,
) -> Any:
    """The model's answers to the probe images, in the form the file says it takes; a model
    that cannot take them (another image size, channel count or layout) is a ``UsageError``
    naming the file."""
    try:
        return np.asarray(model.predict(spec.to_model(probe_images(spec, triggers, references))))
    except AssayError as exc:
        down = unanswered(exc, where) or refused(exc, where, InputForm(spec).describe())
        if down is not None:
            raise down from exc
        raise UsageError(
            f"the model failed on the filter's probe images, given as {InputForm(spec).describe()}"
            f" (as the scanned model took them): {exc}.  A model that takes other images than "
            f"these is not the one {where} was exported for",
            argument="model",
            path=where,
        ) from None


def _check_model(
    model: Model,
    spec: ImageSpec,
    triggers: Sequence[Trigger],
    references: np.ndarray | None,
    known: dict[str, Any],
    where: str,
) -> None:
    caps = model.capabilities
    refuse = (
        f"{where} was exported for another model (the triggers' classes and pixels are the "
        "scanned model's; scan this model and export its own filter; the filter gives the "
        f"model {InputForm(spec).describe()}, as the scan did, so a model taking another "
        "form is another model here; pass check_model=False only for the scanned model "
        "whose answers drift, such as one with dropout left on): "
    )
    n, names = known.get("n_classes"), known.get("class_names")
    if n is not None and caps.n_classes is not None and int(n) != caps.n_classes:
        raise UsageError(
            refuse + f"it has {caps.n_classes} classes, the scanned one {n}", argument="model"
        )
    if names is not None and caps.class_names is not None and list(names) != list(caps.class_names):
        raise UsageError(
            refuse + f"its classes are {', '.join(map(str, caps.class_names))}, the scanned "
            f"one's {', '.join(map(str, names))}",
            argument="model",
        )
    labels = known.get("probe_labels")
    if not labels:
        return
    answers = _ask_probes(model, spec, triggers, references, where)
    now = labels_of(answers, caps)
    # compared as text: class indices or, for a model answering its labels by name, names
    differ = int(np.sum(np.asarray(now).astype(str) != np.asarray(labels).astype(str)))
    if differ > MAX_LABELS_DIFFERENT:
        raise UsageError(
            refuse + f"it answers {differ} of the file's {len(labels)} probe images with "
            "another class",
            argument="model",
        )
    scores = known.get("probe_scores")
    if scores is not None and caps.outputs == "proba" and answers.shape == np.shape(scores):
        # both read as probabilities: the same model answering logits in one form (a torch
        # module) and probabilities in another (its ONNX export with a softmax) is the same
        then = class_scores(np.asarray(scores), caps)
        gap = float(np.mean(np.abs(class_scores(answers, caps) - then)))
        if gap > MAX_SCORE_GAP:
            raise UsageError(
                refuse + f"its probabilities on the probe images differ by {gap:.3f} on "
                f"average (at most {MAX_SCORE_GAP} for the same model)",
                argument="model",
            )
