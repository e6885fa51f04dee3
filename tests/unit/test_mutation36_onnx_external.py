"""An ONNX model's external data files in its fingerprint (left35: ``core.integrity``,
``models.onnx_external``) at the edges mutation36 found untested."""

from __future__ import annotations

from pathlib import Path

from assay.core.integrity import file_fingerprint, model_changed
from assay.models.onnx_external import _LOCATION, _may_name_files


def test_a_file_outside_the_models_folder_is_never_read(tmp_path: Path) -> None:
    """A store crafted with the fingerprint of a file outside the model's folder (a secret
    it wants to test guesses against) gets "changed" whatever the file holds: it is not
    read, it counts as gone."""
    model = tmp_path / "m" / "model.onnx"
    model.parent.mkdir()
    model.write_bytes(b"onnx")
    secret = tmp_path / "secret"
    secret.write_text("x")
    prints = {"model": file_fingerprint(model, external=[str(secret)])}
    assert model_changed(prints) == "changed"
    inside = model.parent / "w.bin"
    inside.write_text("x")
    assert model_changed({"model": file_fingerprint(model, external=[str(inside)])}) is None


def test_the_side_files_names_are_in_the_fingerprint(tmp_path: Path) -> None:
    """Two side files of the same bytes under other names are another model's data."""
    model = tmp_path / "model.onnx"
    model.write_bytes(b"onnx")
    for name in ("a.bin", "b.bin"):
        (tmp_path / name).write_bytes(b"weights")
    a = file_fingerprint(model, external=[str(tmp_path / "a.bin")])
    b = file_fingerprint(model, external=[str(tmp_path / "b.bin")])
    assert a["sha256"] != b["sha256"]


def test_a_location_across_two_chunks_is_seen(tmp_path: Path) -> None:
    path = tmp_path / "model.onnx"
    path.write_bytes(b"\0" * ((1 << 20) - 4) + _LOCATION + b"\0" * 8)
    assert _may_name_files(path)
    path.write_bytes(b"\0" * ((1 << 20) + 64))
    assert not _may_name_files(path)


def test_side_files_of_subgraphs_and_functions_are_found(tmp_path: Path) -> None:
    """Tensors kept elsewhere by an ``If`` node's branch and by a model function's node
    (the graph itself keeps none): both files are the model's."""
    import numpy as np
    import pytest

    pytest.importorskip("onnx")
    import onnx
    from onnx import TensorProto, helper, numpy_helper

    from assay.models.onnx_external import external_files

    def kept_in(name: str, tensor_name: str) -> onnx.TensorProto:
        t = numpy_helper.from_array(np.ones(2, dtype=np.float32), tensor_name)
        t.ClearField("raw_data")
        t.data_location = TensorProto.EXTERNAL
        t.external_data.add(key="location", value=name)
        return t

    def branch(name: str) -> onnx.GraphProto:
        node = helper.make_node("Constant", [], [f"{name}_y"], value=kept_in("sub.bin", name))
        out = helper.make_tensor_value_info(f"{name}_y", TensorProto.FLOAT, [2])
        return helper.make_graph([node], name, [], [out])

    if_node = helper.make_node("If", ["c"], ["y"], then_branch=branch("a"), else_branch=branch("b"))
    call = helper.make_node("F", [], ["z"], domain="local")
    function = helper.make_function(
        "local",
        "F",
        [],
        ["z"],
        [helper.make_node("Constant", [], ["z"], value=kept_in("fun.bin", "f"))],
        [helper.make_opsetid("", 17)],
    )
    graph = helper.make_graph(
        [if_node, call],
        "g",
        [helper.make_tensor_value_info("c", TensorProto.BOOL, [])],
        [
            helper.make_tensor_value_info("y", TensorProto.FLOAT, [2]),
            helper.make_tensor_value_info("z", TensorProto.FLOAT, [2]),
        ],
    )
    model = helper.make_model(
        graph,
        functions=[function],
        opset_imports=[helper.make_opsetid("", 17), helper.make_opsetid("local", 1)],
    )
    path = tmp_path / "model.onnx"
    path.write_bytes(model.SerializeToString())
    assert external_files(path) == [str(tmp_path / "fun.bin"), str(tmp_path / "sub.bin")]
