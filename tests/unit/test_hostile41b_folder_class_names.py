"""hostile41b: an ImageFolder of CIFAR-style class names ('airplane/', 'automobile/', ...)
for a torch model that names no classes was refused with "subfolders are class indices 0 to
9" and nothing more; torchvision's ImageFolder numbers such classes in sorted order, which
the refusal now gives as a --classes that, pasted, reads them."""

from __future__ import annotations

import shlex

import numpy as np
import pytest

from assay.backdoor.image_files import ImageFiles, folder_labels
from assay.errors import UsageError

NAMES = ["truck", "airplane", "bird", "cat", "deer", "dog", "frog", "horse", "ship", "motor bike"]


def _files(subfolders: list[str]) -> ImageFiles:
    n = len(subfolders)
    return ImageFiles(
        np.zeros((n, 4, 4, 3), dtype=np.uint8),
        True,
        [f"{s}/{i}.png" for i, s in enumerate(subfolders)],
        None,
        "imgs",
        label_names=subfolders,
    )


def test_as_many_subfolders_as_classes_are_named_in_imagefolder_order() -> None:
    files = _files([*NAMES, "cat"])
    with pytest.raises(UsageError, match="ImageFolder") as caught:
        folder_labels(files, None, 10)
    advice = str(caught.value).split("--classes ", 1)[1].split(" (classes=")[0]
    names = shlex.split(advice)[0].split(",")
    assert names == sorted(NAMES)  # torchvision's order (sorted folder names); quoted: a space
    labels = folder_labels(files, tuple(names), 10)
    assert [names[i] for i in labels] == [*NAMES, "cat"]


def test_fewer_subfolders_than_classes_ask_for_the_names_in_the_models_order() -> None:
    with pytest.raises(UsageError, match=r"give the model's 10 class names in its order"):
        folder_labels(_files(["cat", "dog"]), None, 10)


def test_a_model_naming_its_classes_gets_no_such_advice() -> None:
    with pytest.raises(UsageError) as caught:
        folder_labels(_files(["cat"]), ("a", "b"), 2)
    assert "--classes" not in str(caught.value)
