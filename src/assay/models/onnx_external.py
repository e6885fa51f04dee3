"""The external data files of an ONNX model: tensors kept beside the ``.onnx`` file
(``weights.bin``; a model past 2 GB must keep them so), which its fingerprint covers.

A run's model fingerprint (``core.integrity``) was the ``.onnx`` file's sha256 alone:
weights changed in the side file left it the same, and ``assay resume`` mixed the findings
of two models without a word.  The files are found in the graph (its initializers, the
tensors of its nodes' attributes and of their subgraphs, its functions' nodes), read with
``onnx`` (which comes with the ``[onnx]`` extra) without loading the data itself.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

__all__ = ["external_files"]


def external_files(path: str | os.PathLike[str]) -> list[str]:
    """The files the ONNX model at ``path`` keeps tensors in (absolute, in the model's
    folder as onnxruntime reads them, sorted); [] when it keeps none, or when ``onnx`` is
    not installed or cannot read it (onnxruntime loaded it: it is read as the model)."""
    if not _may_name_files(path):
        return []
    try:
        import onnx
    except ImportError:  # pragma: no cover - onnx comes with the [onnx] extra
        return []
    try:
        model = onnx.load(str(path), load_external_data=False)
    except Exception:
        return []
    folder = Path(path).resolve().parent  # (as the run's fingerprint names the model)
    found = set()
    for tensor in _tensors(model.graph, model):
        if tensor.data_location == onnx.TensorProto.EXTERNAL:
            for entry in tensor.external_data:
                if entry.key == "location" and entry.value:
                    found.add(os.path.normpath(folder / entry.value))
    return sorted(found)


# a tensor's external data entry ``location`` as protobuf writes it (field 1, 8 bytes): a
# file without it keeps no tensor elsewhere, and is not parsed a second time (a model of a
# gigabyte parsed again by ``onnx`` doubled its memory for nothing)
_LOCATION = b"\n\x08location"


def _may_name_files(path: str | os.PathLike[str]) -> bool:
    """Whether the file holds ``_LOCATION`` (read in 1 MiB chunks)."""
    tail = b""
    try:
        with open(path, "rb") as f:
            for chunk in iter(lambda: f.read(1 << 20), b""):
                if _LOCATION in tail + chunk:
                    return True
                tail = chunk[-len(_LOCATION) :]
    except OSError:
        return False
    return False


def _tensors(graph: Any, model: Any = None) -> Iterator[Any]:
    """Every tensor of ``graph`` (and of ``model``'s functions)."""
    yield from graph.initializer
    for sparse in graph.sparse_initializer:
        yield sparse.values
        yield sparse.indices
    nodes = list(graph.node)
    if model is not None:
        nodes += [node for function in model.functions for node in function.node]
    for node in nodes:
        for attr in node.attribute:
            if attr.HasField("t"):
                yield attr.t
            yield from attr.tensors
            if attr.HasField("g"):
                yield from _tensors(attr.g)
            for sub in attr.graphs:
                yield from _tensors(sub)
