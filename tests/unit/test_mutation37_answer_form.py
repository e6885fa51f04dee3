"""mutation37: a classifier of named labels answering probabilities, then class indices, is
refused as one answering names then numbers is (mutant CF5 of bench/RESULTS.md's
mutation37: probabilities read as numbers, the change of form let through)."""

from __future__ import annotations

import numpy as np
import pytest

from assay.core.model import Capabilities
from assay.errors import ModelError
from assay.models.callable import NamedLabelsModel


def test_probabilities_then_class_indices_is_a_change_of_form() -> None:
    queue: list[object] = [np.array([[0.2, 0.8], [0.9, 0.1]]), np.array([1])]
    caps = Capabilities(modality="text", n_classes=2, outputs="proba")
    model = NamedLabelsModel(lambda texts: queue.pop(0), caps, ("neg", "pos"))
    first = np.asarray(model.predict(["a", "b"]))
    assert first.shape == (2, 2)
    with pytest.raises(ModelError, match="probabilities to its earlier calls and numbers"):
        model.predict(["c"])


def test_an_empty_answer_says_nothing_of_its_form() -> None:
    # (CF6) an empty batch's empty answer, between names, is no change of form
    queue: list[object] = [["pos", "neg"], [], ["neg"]]
    caps = Capabilities(modality="text", n_classes=2, outputs="labels")
    model = NamedLabelsModel(lambda texts: queue.pop(0), caps, ("neg", "pos"), from_answers=True)
    assert np.asarray(model.predict(["a", "b"])).tolist() == [1, 0]
    assert len(np.asarray(model.predict([]))) == 0
    assert np.asarray(model.predict(["c"])).tolist() == [0]
