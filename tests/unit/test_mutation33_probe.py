"""Loading's probe checks of a model's first answer (``callable.probe_call``), piece by piece
(bench/RESULTS.md, mutation33's table: mutants PR3 (a longer answer taken), PR5 (infinity
taken), PR6 (input 0 named whatever failed) and PR7 (a dict held to a length) survived
``test_hostile32_nan_probe.py``)."""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest

from assay.errors import ModelError
from assay.models.callable import probe_call

PROBE = np.array([[1.0, 2.0], [3.0, 4.0], [5.0, 6.0]])


def _asked(answer: Any) -> Any:
    return probe_call(lambda x: answer, PROBE, what="the function f", timeout=None)


def test_one_answer_too_many_is_refused() -> None:
    with pytest.raises(ModelError, match="returned 4 answers for 3 inputs"):
        _asked([0, 1, 0, 1])


def test_infinity_is_refused_naming_the_input_that_got_it() -> None:
    answer = np.array([[0.5, 0.5], [0.2, 0.8], [np.inf, 0.0]])
    with pytest.raises(ModelError, match=r"non-finite value \(\[inf, 0\.0\]\) for input 2"):
        _asked(answer)
    with pytest.raises(ModelError, match=r"for input 1 "):
        _asked(np.array([0.5, -np.inf, 0.5]))


def test_one_value_or_a_mapping_is_left_to_the_checks_that_read_it() -> None:
    """A dict (an answer of named outputs) or one string is not counted as answers."""
    said = {"labels": ["a", "b", "c"], "scores": [1, 2]}
    assert _asked(said) is said
    assert _asked("yes") == "yes"
    assert np.array_equal(_asked(np.zeros((3, 2))), np.zeros((3, 2)))
