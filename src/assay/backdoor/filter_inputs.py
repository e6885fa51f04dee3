"""What a run-time filter accepts: batches in the form, and the value range, the scan gave the
model.  A server's inputs in another form (0..255 pixels for a model scanned in 0..1, channels
last for a channels-first model, one image without its batch axis) would otherwise be read
as other images: the trigger's pixels missed, or blocked images of another scale mixed into
the model's batch.  Refused, naming what was expected and what came, never guessed."""

from __future__ import annotations

import numpy as np

from assay.backdoor.images import ImageSpec
from assay.core.display import count, number
from assay.errors import UsageError

__all__ = ["InputForm"]

SLACK = 0.02  # of the value range: rounding, a float32 model's inputs


class InputForm:
    """The shape (after the batch axis) and per-value bounds of the model's inputs."""

    def __init__(self, spec: ImageSpec) -> None:
        lows = spec.to_model(np.zeros((1, *spec.shape))).astype(np.float64)[0]
        highs = spec.to_model(np.ones((1, *spec.shape))).astype(np.float64)[0]
        self.spec = spec
        self.shape: tuple[int, ...] = tuple(lows.shape)
        span = np.abs(highs - lows)
        self.bounds = (
            float(np.min(np.minimum(lows, highs))),
            float(np.max(np.maximum(lows, highs))),
        )
        self.low = np.minimum(lows, highs) - SLACK * span - 1e-9
        self.high = np.maximum(lows, highs) + SLACK * span + 1e-9

    def describe(self) -> str:
        lo, hi = self.bounds
        layout = "flattened rows" if self.spec.flatten else f"layout {self.spec.layout}"
        return (
            f"batches of shape (n, {', '.join(map(str, self.shape))}) ({layout}), values from "
            f"{lo:.3g} to {hi:.3g}"
        )

    def check(self, inputs: object, where: str) -> np.ndarray:
        """``inputs`` as an array when they are a batch of the scanned form, else a
        ``UsageError`` saying what the filter (``where``: its file) takes."""
        try:
            raw = np.asarray(inputs)
        except (ValueError, TypeError) as exc:
            raise self._refuse(where, f"cannot be read as an array ({exc})") from None
        if raw.dtype.kind not in "biuf":
            raise self._refuse(where, f"are of type {raw.dtype}, not numbers")
        if tuple(raw.shape) == self.shape:
            raise self._refuse(where, "are one image without its batch axis: give x[None]")
        if tuple(raw.shape[1:]) != self.shape:
            raise self._refuse(where, f"have shape {tuple(raw.shape)}{self._hint(raw.shape)}")
        if raw.size:
            values = raw.astype(np.float64, copy=False)
            bad = ~((values >= self.low) & (values <= self.high))
            if bad.any():
                worst = values[bad]
                shown = worst[~np.isnan(worst)]
                seen = (
                    f"from {number(float(shown.min()))} to {number(float(shown.max()))}"
                    if len(shown)
                    else "NaN"
                )
                n_bad = int(bad.sum())
                first = int(np.flatnonzero(bad.reshape(len(raw), -1).any(axis=1))[0])
                raise self._refuse(
                    where,
                    f"hold {count(n_bad)} value{'' if n_bad == 1 else 's'} outside the range "
                    f"the scanned model was given ({seen}, dtype {raw.dtype}; the first in "
                    f"input {first})" + self._range_hint(shown),
                )
            lo, hi = self.bounds
            top = float(np.max(values))
            # fractions of one above the floor: 0..1 pixels (an all-black frame, or whole
            # numbers such as 0 and 1 of a 0..255 image, are left alone)
            if hi - lo >= 10 and lo < top <= lo + 1.0 and np.any(values != np.round(values)):
                raise self._refuse(
                    where,
                    f"all lie within 1 of {number(lo)} (at most {number(float(values.max()))}): "
                    f"0..1 pixels for a model scanned in {number(lo)}..{number(hi)}? scale "
                    "them as the scan's images were",
                )
        return raw

    def _hint(self, shape: tuple[int, ...]) -> str:
        tail = tuple(shape[1:])
        if len(tail) > 1 and sorted(tail) == sorted(self.shape):
            return ": the same values in another axis order (channels first or last?)"
        if int(np.prod(tail, dtype=np.int64)) == int(np.prod(self.shape, dtype=np.int64)):
            return ": the same number of values per image in another shape"
        return ""

    def _range_hint(self, values: np.ndarray) -> str:
        top = float(values.max()) if len(values) else 0.0
        if top > 255.5 and float(np.max(self.high)) <= 1.5:  # 16-bit: /255 stays out of range
            return "; 16-bit pixels (0..65535)? divide by 65535 as the scan's images were"
        if top > 1.5 and float(np.max(self.high)) <= 1.5:
            return "; 0..255 pixels? divide by 255 as the scan's images were"
        return ""

    def _refuse(self, where: str, what: str) -> UsageError:
        return UsageError(
            f"the inputs {what}; this filter takes {self.describe()}, as the scan gave the "
            "model: a filter applied to inputs of another form would miss the triggers",
            argument="inputs",
            path=where,
        )
