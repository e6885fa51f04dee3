"""mutation49b: a torch module's numbers where a fairness run reads them (``models.torch``,
``models.class_scores``, left48f): its raw logits checked before their softmax on every
answer of the run, one number per input a score only of a tabular module declaring no
classes, a text module refused by what it lacks, and logits whose largest is always the same
column refused though every one is under 1."""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest

from assay.errors import ModelError, UsageError
from assay.models.class_scores import LOGIT_BOUND, not_logits, read_scores
from assay.models.loader import load_model
from assay.models.torch import from_torch

torch = pytest.importorskip("torch")

PROBE = np.array([[0.0, 1.0, 2.0], [1.0, -1.0, 0.5]])


class _Far(torch.nn.Module):  # type: ignore[misc]
    """A tabular classifier's two logits, within +-3, but 250 when the first input is over 5:
    loading's rows never reach it, a run's may."""

    def forward(self, x: Any) -> Any:
        z = torch.stack([x[:, 1], -x[:, 1]], dim=1)
        return torch.where(x[:, :1] > 5, torch.full_like(z, 250.0), z)


class _One(torch.nn.Module):  # type: ignore[misc]
    """One number per input: its first."""

    def forward(self, x: Any) -> Any:
        return x.reshape(len(x), -1)[:, :1]


def test_a_run_answer_beyond_any_logit_is_refused_before_its_softmax() -> None:
    # (CS7, TO3) softmaxed, [250, 250] is [0.5, 0.5]: a tie read as a class, nothing said
    model = load_model(_Far(), modality="tabular", probe=PROBE)
    said = read_scores(model, PROBE, [], declared=False, rows=lambda: PROBE)
    assert said is not None and "read as a classifier's logits" in said
    assert model.predict(np.array([[1.0, 2.0, 0.0]])).shape == (1, 2)  # (in bounds: answered)
    with pytest.raises(ModelError, match=f"beyond \\+-{LOGIT_BOUND:g}"):
        model.predict(np.array([[0.0, 1.0, 2.0], [9.0, 1.0, 2.0]]))


def test_declared_classes_leave_the_bound_unchecked() -> None:
    # (the same module with --classes 2: its numbers are the user's to vouch for)
    model = load_model(_Far(), modality="tabular", n_classes=2, probe=PROBE)
    assert read_scores(model, PROBE, [], declared=True, rows=lambda: PROBE) is None
    assert model.predict(np.array([[9.0, 1.0, 2.0]])).shape == (1, 2)


def test_one_number_of_an_image_module_is_refused() -> None:
    # (TO1) a score decided at --cutoff is a tabular module's; an image classifier of one
    # number is told how to answer a score per class
    with pytest.raises(UsageError, match="one number per input") as caught:
        from_torch(_One(), modality="image", probe=np.zeros((2, 4, 4, 1)))
    assert "torch.cat" in str(caught.value)
    score = from_torch(_One(), modality="tabular", probe=PROBE)
    assert score.predict(PROBE).shape == (2,)  # (a tabular module's: its score as it is)


def test_a_text_module_is_refused_for_what_it_lacks() -> None:
    # (TO4) not "cannot tell how many classes": the sentences it cannot take
    with pytest.raises(UsageError, match="does not tokenize"):
        from_torch(_One(), modality="text")


def test_logits_under_one_whose_largest_never_moves_are_refused() -> None:
    # (CS2) all under 1 but some negative: no probabilities; column 1 the largest for every
    # input, read as logits no input could change class
    rows = np.zeros((3, 2))
    table = [[0.9, -2.0], [0.5, -3.0], [-0.1, -0.4]]
    with pytest.raises(UsageError, match="column 1 is the largest for every one of the 3"):
        not_logits(np.asarray(table), rows)
    not_logits(np.asarray([[0.9, 0.1], [0.5, 0.5], [0.2, 0.8]]), rows)  # (probabilities)
    not_logits(np.asarray([[0.9, -2.0], [-0.5, 0.3], [-0.1, -0.4]]), rows)  # (its class moves)
