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
