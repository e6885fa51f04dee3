"""Bounds of what the model loaders take (bench/RESULTS.md, mutation33's table: mutants TB1,
a model of two columns taken as a text classifier; TB2, one of one column refused; OW2, a
multi-output classifier of outputs with different class counts taken; UN3 and UN4, requests
no answer came to lost between a unit's process and the run's counts)."""

from __future__ import annotations

from types import SimpleNamespace

import numpy as np
import pytest

from assay.errors import UsageError
from assay.models.http import ServingStats
from assay.models.sklearn import _classes_of, _takes_one_sentence


def test_a_model_of_two_columns_is_no_text_classifier_and_one_of_one_may_be() -> None:
    with pytest.raises(UsageError, match="takes 2 columns per input"):
        _takes_one_sentence(SimpleNamespace(n_features_in_=2))
    _takes_one_sentence(SimpleNamespace(n_features_in_=1))  # (one column: the sentence)
    _takes_one_sentence(SimpleNamespace())


def test_outputs_of_different_class_counts_are_several_outputs() -> None:
    ragged = SimpleNamespace(classes_=[np.array([0, 1]), np.array([0, 1, 2])])
    with pytest.raises(UsageError, match="several outputs"):
        _classes_of(ragged)
    assert list(_classes_of(SimpleNamespace(classes_=["no", "yes"]))) == ["no", "yes"]


def test_a_units_unanswered_requests_reach_the_runs_counts() -> None:
    unit = ServingStats()
    mark = unit.mark()
    unit.requests, unit.unanswered, unit.retried = 5, 2, 2
    measured = unit.since(mark)
    assert measured["unanswered"] == 2
    run = ServingStats()
    run.add(measured)
    run.add(measured)
    assert run.unanswered == 4 and run.to_json()["unanswered"] == 4
