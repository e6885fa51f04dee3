"""The run-time filter: a Model that wraps a model and blocks known triggers.

For each batch: inputs that carry a known trigger's pixels (a pixel comparison, no query) are
asked twice, as they are and with the trigger blocked by their dominant colour; when the model
answers the trigger's target for the input and something else once blocked, the filter answers
the blocked prediction and flags the input.  Other inputs are asked once.  The overhead is the
share of inputs that carry a trigger's pixels: ``extra_queries / inputs`` per input.

Exported as a JSON data file (image spec and triggers), never as code.
"""

from __future__ import annotations

import json
import os
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np

from assay.backdoor.images import ImageSpec
from assay.backdoor.patches import Trigger, block, dominant_colour, trigger_present
from assay.core.model import Capabilities, Model, ModelInputs, labels_of
from assay.errors import UsageError

__all__ = ["FILTER_FORMAT", "TriggerFilter", "load_filter", "save_filter"]

FILTER_FORMAT = "assay-backdoor-filter"


class TriggerFilter:
    """A Model: answers like ``model``, except for inputs carrying a known trigger."""

    def __init__(
        self,
        model: Model,
        spec: ImageSpec,
        triggers: Sequence[Trigger],
        *,
        tolerance: float = 0.25,
        share: float = 0.85,
    ) -> None:
        self.model = model
        self.spec = spec
        self.triggers = list(triggers)
        self.tolerance = tolerance
        self.share = share
        self.capabilities: Capabilities = model.capabilities
        self.last_flags = np.zeros(0, dtype=bool)
        self.inputs = 0
        self.queries = 0

    @property
    def overhead(self) -> float:
        """Extra queries per input so far."""
        return (self.queries - self.inputs) / self.inputs if self.inputs else 0.0

    def predict(self, inputs: ModelInputs, /) -> np.ndarray:
        raw = np.asarray(inputs)
        canon = self.spec.to_canonical(raw)
        n = len(canon)
        fixed = canon.copy()
        which = np.full(n, -1, dtype=np.int64)
        for k, trig in enumerate(self.triggers):
            hit = trigger_present(canon, trig, self.tolerance, self.share) & (which < 0)
            for i in np.flatnonzero(hit):
                cover = trig.cover(canon.shape[1], canon.shape[2])
                fixed[i] = block(canon[i : i + 1], cover, dominant_colour(canon[i]))[0]
                which[i] = k
        suspects = np.flatnonzero(which >= 0)
        batch = (
            raw if not len(suspects) else np.concatenate([raw, self.spec.to_model(fixed[suspects])])
        )
        answers = np.asarray(self.model.predict(batch))
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
        self.last_flags = flags
        return out

    def to_json(self) -> dict[str, Any]:
        return {
            "format": FILTER_FORMAT,
            "version": 1,
            "spec": self.spec.to_json(),
            "tolerance": self.tolerance,
            "share": self.share,
            "triggers": [t.to_json() for t in self.triggers],
        }


def save_filter(
    path: str | os.PathLike[str],
    spec: ImageSpec,
    triggers: Sequence[Trigger],
) -> Path:
    p = Path(path)
    data = TriggerFilter.__new__(TriggerFilter)
    data.spec, data.triggers, data.tolerance, data.share = spec, list(triggers), 0.25, 0.85
    try:
        p.parent.mkdir(parents=True, exist_ok=True)  # as the reports' folders are made
        p.write_text(json.dumps(data.to_json(), indent=1) + "\n", encoding="utf-8")
    except OSError as exc:
        raise UsageError(
            f"cannot write the filter: {exc}", argument="--export-filter", path=str(p)
        ) from None
    return p


def load_filter(path: str | os.PathLike[str], model: Model) -> TriggerFilter:
    """A filter around ``model`` from an exported JSON file."""
    p = Path(path)
    try:
        data = json.loads(p.read_text(encoding="utf-8"))
        if data.get("format") != FILTER_FORMAT:
            raise ValueError(f"not an {FILTER_FORMAT} file")
        spec = ImageSpec.from_json(data["spec"])
        triggers = [Trigger.from_json(t) for t in data["triggers"]]
    except (OSError, ValueError, KeyError, TypeError) as exc:
        raise UsageError(f"cannot read the filter: {exc}", argument="FILTER", path=str(p)) from None
    return TriggerFilter(
        model, spec, triggers, tolerance=float(data["tolerance"]), share=float(data["share"])
    )
