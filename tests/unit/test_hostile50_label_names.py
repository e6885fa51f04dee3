"""A ``--labels`` file of class names for a model that does not name its classes is told
how to name them (hostile50: "the label 'three' names no class of the model (it does not
name its classes: labels are class indices 0 to 9)", and no way forward; ``--classes``
names them, after which the same file is read)."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from assay.backdoor.label_files import read_label_file
from assay.errors import UsageError

NAMES = ("zero", "one", "two", "three")


def test_class_names_for_a_model_naming_none_are_told_classes(tmp_path: Path) -> None:
    path = tmp_path / "labels.txt"
    path.write_text("a.png,three\nb.png,one\n", encoding="utf-8")
    labels = read_label_file(path, ["a.png", "b.png"])
    with pytest.raises(UsageError) as caught:
        labels.indices(None, 4)
    said = str(caught.value)
    assert "labels.txt:1" in said and "'three'" in said, said
    assert "--classes NAME,NAME" in said, said
    assert labels.indices(NAMES, 4).tolist() == [3, 1]  # named so, the file is read


def test_an_index_beyond_the_classes_is_not_told_to_name_them(tmp_path: Path) -> None:
    path = tmp_path / "labels.txt"
    path.write_text("7\n1\n", encoding="utf-8")
    labels = read_label_file(path, ["a.png", "b.png"])
    with pytest.raises(UsageError) as caught:
        labels.indices(None, 4)
    assert "--classes" not in str(caught.value)
    assert np.array_equal(read_label_file(path, ["a", "b"]).indices(None, 8), [7, 1])
