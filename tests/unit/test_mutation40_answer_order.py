"""mutation40: ``models.answer_order.in_input_order`` reads only whole numbers as positions.

hostile39b's tests held whole floats (a ``concat`` with a missing value): an index of other
floats (a feature's values, 0.5 and 1.5) cast to integers and read as positions passed them."""

from __future__ import annotations

import pandas as pd

from assay.models.answer_order import in_input_order


def test_an_index_of_floats_that_are_not_whole_is_read_by_position() -> None:
    answer = pd.Series([1, 0, 1], index=[2.5, 0.5, 1.5])
    assert in_input_order(answer, 3).tolist() == [1, 0, 1]
    whole = pd.Series([1, 0, 1], index=[2.0, 0.0, 1.0])  # (whole: the rows in its order)
    assert in_input_order(whole, 3).tolist() == [0, 1, 1]


def test_an_index_whose_first_piece_does_not_count_from_zero_is_read_by_position() -> None:
    """Two zeros, counted on from, but a first row at 2: not pieces each counting from 0
    (``_restarted``), nor the batch's positions: nothing names the positions."""
    answer = pd.Series([1, 0, 1, 1, 0], index=[2, 0, 1, 0, 1])
    assert in_input_order(answer, 5).tolist() == [1, 0, 1, 1, 0]


class _Indexed:
    """An answer with an ``index`` and no ``sort_index`` (not pandas)."""

    def __init__(self) -> None:
        self.index = [1, 0]

    def __len__(self) -> int:
        return 2


def test_an_answer_that_cannot_be_sorted_by_its_index_is_left_as_it_is() -> None:
    answer = _Indexed()
    assert in_input_order(answer, 2) is answer
