"""How a model takes images: shape, layout, value range, flattening.

The technique works on *canonical* images: float64 arrays of shape (n, H, W, C) with values in
[0, 1].  ``ImageSpec`` says how to turn canonical images into what the model takes (and back),
and ``ImageModel`` is the model seen through that conversion.
"""

from __future__ import annotations

import math
import numbers
from dataclasses import dataclass, replace
from typing import Any, Literal

import numpy as np

from assay.core.model import Capabilities, Model, ModelInputs
from assay.core.numerals import unwritten, written_float, written_int
from assay.errors import UsageError

__all__ = [
    "ImageModel",
    "ImageSpec",
    "parse_range",
    "parse_shape",
    "range_text",
    "shape_text",
    "spec_for",
]

Layout = Literal["nhwc", "nchw"]


def shape_text(value: Any) -> str | None:
    """``input_shape`` as the command line's text: the API takes a notebook's own forms too,
    a tuple or list of whole numbers (``(28, 28, 1)``, a ``torch.Size``) or one number (64,
    flattened); ``(8, 8)`` raised a bare ``AttributeError`` ('tuple' object has no attribute
    'strip').  Anything else but a string is refused naming the argument."""
    if value is None or isinstance(value, str):
        return value
    parts = list(value) if isinstance(value, tuple | list) else [value]
    if parts and all(isinstance(v, numbers.Integral) and not isinstance(v, bool) for v in parts):
        return ",".join(str(int(v)) for v in parts)
    raise UsageError(
        'expected N (flattened), H,W, C,H,W or H,W,C as text ("28,28,1") or a tuple of '
        f"whole numbers ((28, 28, 1)), not {value!r}",
        argument="--input-shape",
    )


def range_text(value: Any) -> str | None:
    """``value_range`` as the command line's text: a ``(lo, hi)`` tuple or list of numbers
    (``(0, 255)``) as ``"0,255"`` (every float's digits kept); anything else but a string is
    refused naming the argument."""
    if value is None or isinstance(value, str):
        return value
    pair = list(value) if isinstance(value, tuple | list) else []
    if len(pair) == 2 and all(
        isinstance(v, numbers.Real) and not isinstance(v, bool) for v in pair
    ):
        return ",".join(
            str(int(v)) if isinstance(v, numbers.Integral) else repr(float(v)) for v in pair
        )
    raise UsageError(
        f'expected LO,HI as text ("0,255") or a (lo, hi) tuple of numbers, not {value!r}',
        argument="--range",
    )


def parse_shape(text: str) -> tuple[int, ...]:
    """The model's per-image input shape: ``"64"`` (flattened), ``"8,8"``, ``"1,28,28"`` (NCHW)
    or ``"32,32,3"`` (NHWC)."""
    # every part a whole number: '8,x' is refused, never read as 8
    # ('28_28' was 2828 and '٨,8' was 8,8: Python's int reads them; digits 0-9 alone here)
    parts = text.strip().replace("x", ",").split(",")
    read = [written_int(p) for p in parts]
    dims = tuple(d for d in read if d is not None)
    odd = unwritten(text)
    if len(dims) != len(read) or len(dims) not in (1, 2, 3) or any(d < 1 for d in dims):
        raise UsageError(
            f"expected N (flattened), H,W, C,H,W or H,W,C (positive whole numbers), not {text!r}"
            + (f": it holds {odd}" if odd else ""),
            argument="--input-shape",
        )
    return dims


def spec_for(
    image_shape: tuple[int, int, int],
    model_shape: tuple[int, ...] | None,
    *,
    layout: str | None,
    range_text: str | None,
    dtype: str = "float64",
    where: str = "--images",
) -> ImageSpec:
    """How to feed images of ``image_shape`` (H, W, C) to a model whose per-image input shape
    is ``model_shape`` (None: not declared; then ``layout`` or NHWC)."""
    h, w, c = image_shape
    kind, values = parse_range(range_text) if range_text else ("linear", (0.0, 1.0))
    base = ImageSpec(h, w, c, range_kind=kind, range_values=values, dtype=dtype)
    if layout is not None and layout not in ("nhwc", "nchw", "flat"):
        raise UsageError(f"must be nhwc, nchw or flat, not {layout!r}", argument="--layout")
    seen = f"{h}x{w}x{c}"
    if model_shape is None:
        return replace(
            base, layout="nchw" if layout == "nchw" else "nhwc", flatten=layout == "flat"
        )
    if len(model_shape) == 1:
        if model_shape[0] != h * w * c:
            raise UsageError(
                f"images are {seen} ({h * w * c} values) but the model takes {model_shape[0]} "
                "values per input",
                argument=where,
            )
        return replace(base, layout="nchw" if layout == "nchw" else "nhwc", flatten=True)
    if len(model_shape) == 2:
        if model_shape != (h, w) or c != 1:
            raise UsageError(
                f"images are {seen} but the model takes {model_shape[0]}x{model_shape[1]}",
                argument=where,
            )
        return replace(base, squeeze_channel=True)
    a, b, d = model_shape
    # channels first when the last axis is no channel count, or when it and the middle one
    # make square planes behind one (1,4,4: a 4x4 grey image, not 1x4 of 4 channels)
    first = a in (1, 3, 4) and (d not in (1, 3, 4) or (b == d and a != b))
    lay = layout or ("nchw" if first else "nhwc")
    want = (b, d, a) if lay == "nchw" else (a, b, d)
    if want != (h, w, c):
        raise UsageError(
            f"images are {seen} but the model takes {want[0]}x{want[1]}x{want[2]} "
            f"(H x W x C; {lay.upper()})",
            argument=where,
        )
    return replace(base, layout="nchw" if lay == "nchw" else "nhwc")


def _finite(values: tuple[float, ...]) -> bool:
    return all(math.isfinite(v) for v in values)


def _inverse(stds: tuple[float, ...]) -> tuple[float, ...]:
    """What a pixel is divided by, as a factor (a std of 1e-320: infinite)."""
    return tuple(1 / v if v > 0 else math.inf for v in stds)


def _float(text: str) -> float:
    """A number of ``--range`` as written (digits 0-9: '٨' and '1_0' are no numbers)."""
    value = written_float(text)
    if value is None:
        raise ValueError(text)
    return value


def parse_range(text: str) -> tuple[str, tuple[float, ...]]:
    """``"0,1"`` / ``"0,255"`` / ``"0,16"`` (lo,hi) or ``"norm:m1/m2/m3:s1/s2/s3"``
    (mean/std per channel, applied to [0, 1] values)."""
    t = text.strip().lower()
    try:
        if t.startswith("norm:"):
            _, means, stds = t.split(":")
            m = tuple(_float(v) for v in means.split("/"))
            s = tuple(_float(v) for v in stds.split("/"))
            # (NaN, inf, 1e400 were taken: every pixel sent as NaN or inf, the run judged)
            if len(m) != len(s) or not all(v > 0 for v in s) or not _finite(m + s + _inverse(s)):
                raise ValueError
            return "norm", m + s
        lo, hi = (_float(v) for v in t.split(","))
        if not hi > lo or not _finite((lo, hi, hi - lo)):
            raise ValueError
        return "linear", (lo, hi)
    except ValueError:
        raise UsageError(
            f"expected LO,HI (e.g. 0,1 or 0,255) or norm:MEANS:STDS (e.g. "
            f"norm:0.485/0.456/0.406:0.229/0.224/0.225), finite numbers, not {text!r}",
            argument="--range",
        ) from None


@dataclass(frozen=True)
class ImageSpec:
    """What the model takes.  ``flatten``: rows of H*W*C values (in ``layout`` order)."""

    height: int
    width: int
    channels: int = 1
    layout: Layout = "nhwc"
    flatten: bool = False
    range_kind: str = "linear"
    range_values: tuple[float, ...] = (0.0, 1.0)
    dtype: str = "float64"
    squeeze_channel: bool = False  # (n, H, W) for one-channel models that take no channel axis

    @property
    def shape(self) -> tuple[int, int, int]:
        return (self.height, self.width, self.channels)

    def to_json(self) -> dict[str, Any]:
        return {
            "height": self.height,
            "width": self.width,
            "channels": self.channels,
            "layout": self.layout,
            "flatten": self.flatten,
            "range_kind": self.range_kind,
            "range_values": list(self.range_values),
            "dtype": self.dtype,
            "squeeze_channel": self.squeeze_channel,
        }

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> ImageSpec:
        return cls(
            height=int(data["height"]),
            width=int(data["width"]),
            channels=int(data.get("channels", 1)),
            layout=data.get("layout", "nhwc"),
            flatten=bool(data.get("flatten", False)),
            range_kind=str(data.get("range_kind", "linear")),
            range_values=tuple(float(v) for v in data.get("range_values", (0.0, 1.0))),
            dtype=str(data.get("dtype", "float64")),
            squeeze_channel=bool(data.get("squeeze_channel", False)),
        )

    # -- value range -------------------------------------------------------------------------
    def _scale(self, unit: np.ndarray) -> np.ndarray:
        if self.range_kind == "norm":
            k = len(self.range_values) // 2
            mean = np.asarray(self.range_values[:k])
            std = np.asarray(self.range_values[k:])
            out: np.ndarray = (unit - mean) / std
            return out
        lo, hi = self.range_values
        scaled: np.ndarray = lo + unit * (hi - lo)
        return scaled

    def _unscale(self, values: np.ndarray) -> np.ndarray:
        if self.range_kind == "norm":
            k = len(self.range_values) // 2
            out: np.ndarray = values * np.asarray(self.range_values[k:]) + np.asarray(
                self.range_values[:k]
            )
            return out
        lo, hi = self.range_values
        unit: np.ndarray = (values - lo) / (hi - lo)
        return unit

    # -- conversions -------------------------------------------------------------------------
    def to_model(self, images: np.ndarray) -> np.ndarray:
        """Canonical (n, H, W, C) in [0, 1] -> the model's inputs."""
        x = self._scale(np.asarray(images, dtype=np.float64))
        if self.layout == "nchw":
            x = np.transpose(x, (0, 3, 1, 2))
        if self.flatten:
            x = x.reshape(len(x), -1)
        elif self.squeeze_channel and self.channels == 1:
            x = x.reshape(x.shape[0], self.height, self.width)
        dtype = np.dtype(self.dtype)
        if dtype.kind in "iu":  # whole-number pixels (``pixel_type``): rounded, as saved
            info = np.iinfo(dtype)
            x = np.clip(np.rint(x), info.min, info.max)
        return np.ascontiguousarray(x, dtype=dtype)

    def to_canonical(self, inputs: np.ndarray) -> np.ndarray:
        """The model's inputs -> canonical (n, H, W, C) in [0, 1] (clipped)."""
        x = np.asarray(inputs, dtype=np.float64)
        n = len(x)
        if self.layout == "nchw":
            x = x.reshape(n, self.channels, self.height, self.width).transpose(0, 2, 3, 1)
        else:
            x = x.reshape(n, self.height, self.width, self.channels)
        out: np.ndarray = np.clip(self._unscale(x), 0.0, 1.0)
        return out


class ImageModel:
    """A model over canonical images: converts them with ``spec`` and asks ``inner``."""

    def __init__(self, inner: Model, spec: ImageSpec) -> None:
        self.inner = inner
        self.spec = spec
        caps = inner.capabilities
        self.capabilities = Capabilities(
            modality="image",
            n_classes=caps.n_classes,
            outputs=caps.outputs,
            max_batch=caps.max_batch,
            class_names=caps.class_names,
        )

    def predict(self, inputs: ModelInputs, /) -> np.ndarray:
        return np.asarray(self.inner.predict(self.spec.to_model(np.asarray(inputs))))
