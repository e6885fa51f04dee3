"""A ``--labels`` file of class names for a model that does not name its classes is told
how to name them (hostile50: "the label 'three' names no class of the model (it does not
name its classes: labels are class indices 0 to 9)", and no way forward; ``--classes``
names them, after which the same file is read)."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from assay.backdoor.label_files import LabelFile, read_label_file
from assay.errors import UsageError

NAMES = ("zero", "one", "two", "three")


def _refused(tmp_path: Path, text: str) -> tuple[Path, LabelFile, str]:
    """A labels file of ``text`` for a.png and b.png, read for a model of 4 classes naming
    none: the file, what was read, and the refusal's words."""
    path = tmp_path / "labels.txt"
    path.write_text(text, encoding="utf-8")
    labels = read_label_file(path, ["a.png", "b.png"])
    with pytest.raises(UsageError) as caught:
        labels.indices(None, 4)
    return path, labels, str(caught.value)


def test_class_names_for_a_model_naming_none_are_told_classes(tmp_path: Path) -> None:
    _, labels, said = _refused(tmp_path, "a.png,three\nb.png,one\n")
    assert "labels.txt:1" in said and "'three'" in said, said
    assert "--classes NAME,NAME" in said, said
    assert labels.indices(NAMES, 4).tolist() == [3, 1]  # named so, the file is read


def test_an_index_beyond_the_classes_is_not_told_to_name_them(tmp_path: Path) -> None:
    path, _, said = _refused(tmp_path, "7\n1\n")
    assert "--classes" not in said
    assert np.array_equal(read_label_file(path, ["a", "b"]).indices(None, 8), [7, 1])
