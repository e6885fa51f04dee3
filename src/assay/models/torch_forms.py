"""The forms a torch module takes and answers in, as ``models.torch`` reads them.

- ``class_scores``: the class scores in a module's answer: a tensor; the first of a tuple or
  list (``(logits,)``, ``(logits, features)``); a mapping's ``logits`` (a Hugging Face
  ``ModelOutput``) or its only tensor.  Any other answer is refused naming its parts.
- ``evaluating``: the module in eval mode for one call (dropout off, batch-norm on its running
  statistics), each submodule's own mode put back afterwards: a module given in the Python API
  in train mode is left as it was given.
- ``exported_input``: a ``torch.export`` program's declared batch size (when static) and
  per-input shape, read from its graph's first input.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator, Mapping
from typing import Any

from assay.errors import ModelError

__all__ = ["class_scores", "evaluating", "exported_input", "training"]


def _shape_of(part: Any) -> str:
    shape = getattr(part, "shape", None)
    return str(tuple(shape)) if shape is not None else type(part).__name__


def _is_tensor(part: Any) -> bool:
    return hasattr(part, "detach") and hasattr(part, "shape")


def class_scores(out: Any) -> Any:
    """The tensor of class scores in a module's answer."""
    if _is_tensor(out):
        return out
    if isinstance(out, tuple | list):
        parts = list(out)
        if parts and _is_tensor(parts[0]) and len(parts[0].shape) >= 2:
            return parts[0]
        shapes = ", ".join(_shape_of(p) for p in parts[:5])
        raise ModelError(
            f"the torch model returned a {type(out).__name__} of {len(parts)} ({shapes}); "
            "assay reads its first item as the class scores, one row per input, and the "
            "first is not: make forward return the scores (batch, n_classes) first"
        )
    if isinstance(out, Mapping) or hasattr(out, "keys"):
        keys = list(out.keys())
        if "logits" in keys and _is_tensor(out["logits"]):
            return out["logits"]
        tensors = [k for k in keys if _is_tensor(out[k])]
        if len(tensors) == 1:
            return out[tensors[0]]
        named = ", ".join(f"{k!r} {_shape_of(out[k])}" for k in keys[:6])
        raise ModelError(
            f"the torch model returned a {type(out).__name__} ({named}) without a 'logits' "
            "entry: which holds the class scores is unknown; wrap the model so that forward "
            "returns them (batch, n_classes)"
        )
    raise ModelError(f"the torch model returned a {type(out).__name__}, not a tensor")


def training(module: Any) -> bool:
    """Whether the module or any submodule is in train mode (exported programs: never said)."""
    modules = getattr(module, "modules", None)
    if not callable(modules):
        return False
    try:
        return any(bool(getattr(m, "training", False)) for m in modules())
    except Exception:
        return False


@contextlib.contextmanager
def evaluating(module: Any) -> Iterator[None]:
    """The module (and each submodule) in eval mode for the block, its modes put back after."""
    modules = getattr(module, "modules", None)
    if not callable(modules) or not callable(getattr(module, "train", None)):
        yield
        return
    try:
        modes = [(m, bool(m.training)) for m in modules()]
    except Exception:  # a module that lists no submodules: called as it is
        modes = []
    training = any(flag for _, flag in modes)
    if training:
        try:
            module.train(False)
        except (NotImplementedError, RuntimeError):  # an exported program: its mode is fixed
            training = False
    try:
        yield
    finally:
        if training:
            for sub, flag in modes:  # parents first: each child's own mode is set after
                sub.train(flag)


def exported_input(module: Any) -> tuple[int | None, tuple[int, ...] | None]:
    """(static batch size or None, per-input shape or None) of a torch.export program."""
    graph = getattr(module, "graph", None)
    nodes = getattr(graph, "nodes", None)
    if nodes is None or callable(nodes):  # TorchScript's graph lists nodes by a method
        return None, None
    for node in nodes:
        if getattr(node, "op", None) != "placeholder":
            continue
        value = getattr(node, "meta", {}).get("val")
        shape = getattr(value, "shape", None)
        if shape is None or len(shape) < 2:
            return None, None
        dims = [d if isinstance(d, int) else None for d in shape]
        batch = dims[0]
        rest = dims[1:]
        item = tuple(int(d) for d in rest if d is not None) if None not in rest else None
        return batch, item
    return None, None
