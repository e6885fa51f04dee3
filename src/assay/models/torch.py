"""PyTorch models (the ``[torch]`` extra; torch is imported only when a torch model is used).

- ``torch.nn.Module`` objects (in the Python API),
- TorchScript files (``.pt``, ``.pth``, ``.torchscript``: ``torch.jit.load``, which reads
  TorchScript code and tensors, not arbitrary pickles),
- ``torch.export`` programs (``.pt2``: ``torch.export.load``).

Answers: the module's outputs as class scores.  Rows that are not probabilities (logits) are
turned into probabilities with a softmax; ``n_classes`` is the width of the output.
"""

from __future__ import annotations

import contextlib
import warnings
from pathlib import Path
from typing import Any

import numpy as np

from assay.core.model import Capabilities, Modality, ModelInputs
from assay.errors import ModelError, UsageError

__all__ = ["TorchModel", "from_torch", "is_torch_module", "load_torch_file"]

TORCH_SUFFIXES = (".pt", ".pth", ".torchscript", ".pt2")


def _torch() -> Any:
    try:
        import torch
    except ImportError:
        raise UsageError(
            "PyTorch models need torch: pip install 'assay[torch]'", argument="MODEL"
        ) from None
    return torch


def is_torch_module(obj: Any) -> bool:
    mod = type(obj).__module__
    if not mod.startswith("torch"):
        mro = [c.__module__ for c in type(obj).__mro__]
        if not any(m.startswith("torch.nn") or m.startswith("torch.jit") for m in mro):
            return False
    return callable(obj)


class TorchModel:
    """A torch module (or exported program) as a batched classifier."""

    def __init__(
        self,
        module: Any,
        *,
        modality: Modality = "image",
        n_classes: int | None = None,
        probe: ModelInputs | None = None,
        info: dict[str, Any] | None = None,
    ) -> None:
        self.module = module
        self.info = dict(info or {})
        self._torch = _torch()
        eval_fn = getattr(module, "eval", None)
        if callable(eval_fn):
            with contextlib.suppress(NotImplementedError, RuntimeError):  # exported programs
                eval_fn()
        if n_classes is None:
            if probe is None:
                raise UsageError(
                    "cannot tell how many classes the torch model has: give n_classes or a probe",
                    argument="MODEL",
                )
            out = self._forward(np.asarray(probe))
            if out.ndim != 2 or out.shape[1] < 2:
                raise UsageError(
                    f"the torch model's outputs have shape {tuple(out.shape)} for a batch of "
                    f"{len(probe)}: not class scores (expected (batch, n_classes))",
                    argument="MODEL",
                )
            n_classes = int(out.shape[1])
        self.capabilities = Capabilities(modality=modality, n_classes=n_classes, outputs="proba")

    def _forward(self, inputs: np.ndarray) -> np.ndarray:
        torch = self._torch
        x = torch.from_numpy(np.ascontiguousarray(inputs, dtype=np.float32))
        with torch.no_grad():
            out = self.module(x)
        if isinstance(out, tuple | list):
            out = out[0]
        if not hasattr(out, "detach"):
            raise ModelError(f"the torch model returned a {type(out).__name__}, not a tensor")
        arr: np.ndarray = out.detach().cpu().numpy().astype(np.float64)
        return arr

    def predict(self, inputs: ModelInputs, /) -> np.ndarray:
        out = self._forward(np.asarray(inputs))
        if out.ndim != 2:
            return out
        rows_ok = np.all(out >= 0) and np.allclose(out.sum(axis=1), 1.0, atol=1e-4)
        if rows_ok:
            return out
        z = out - out.max(axis=1, keepdims=True)
        e = np.exp(z)
        probs: np.ndarray = e / e.sum(axis=1, keepdims=True)
        return probs


def load_torch_file(path: str) -> Any:
    """A TorchScript module or a torch.export program's module from a file (no pickle)."""
    torch = _torch()
    p = Path(path)
    if not p.is_file():
        raise UsageError("no such file", argument="MODEL", path=path)
    try:
        if p.suffix.lower() == ".pt2":
            return torch.export.load(str(p)).module()
        with warnings.catch_warnings():  # TorchScript is deprecated in torch 2.13, still read
            warnings.simplefilter("ignore", DeprecationWarning)
            return torch.jit.load(str(p), map_location="cpu")
    except Exception as exc:
        raise UsageError(
            f"not a TorchScript or torch.export file ({type(exc).__name__}: "
            f"{str(exc).splitlines()[0] if str(exc) else ''}); save the model with "
            "torch.jit.script(model).save(...) or torch.export.save(...)",
            argument="MODEL",
            path=path,
        ) from None


def from_torch(
    obj: Any,
    *,
    modality: Modality = "image",
    n_classes: int | None = None,
    probe: ModelInputs | None = None,
) -> TorchModel:
    return TorchModel(obj, modality=modality, n_classes=n_classes, probe=probe)
