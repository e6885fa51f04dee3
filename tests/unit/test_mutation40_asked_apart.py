"""mutation40: the determinism checks' rounds (``core.asked_apart``) pinned batch by batch.

The thirty-eighth session's own tests ran the rounds through whole runs (a model standardising
its batch warned of): a split drawn by position, halves not reversed, one item asked as two
batches, or the third round's call left uncounted passed them.  Here the batches each round
sends are read back exactly."""

from __future__ import annotations

from typing import Any

import numpy as np

from assay.core.asked_apart import apart, ask_rounds


def _recording(answer: Any = None) -> tuple[list[list[int]], Any]:
    """A model answering each row's first value (or ``answer(batch)``), the batches kept."""
    asked: list[list[int]] = []

    def predict(x: Any) -> np.ndarray:
        rows = np.asarray(x, dtype=float).reshape(len(x), -1)
        asked.append([int(v) for v in rows[:, 0]])
        return rows[:, 0].astype(np.int64) if answer is None else answer(rows)

    return asked, predict


def _changed(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    return np.asarray(np.asarray(a != b).reshape(len(a), -1).any(axis=1))


def test_one_item_is_asked_once_in_one_batch() -> None:
    asked, predict = _recording()
    out, calls = apart(predict, np.array([[7.0]]))
    assert calls == 1 and asked == [[7]] and out.tolist() == [7]


def test_the_halves_are_split_by_score_highest_first_each_from_its_highest_down() -> None:
    rows = np.arange(6, dtype=float).reshape(6, 1)  # row i holds i
    scores = np.array([5.0, 0.0, 4.0, 1.0, 3.0, 2.0])
    asked, predict = _recording()
    out, calls = apart(predict, rows, scores)
    # upper half by score: rows 0 (5), 2 (4), 4 (3); then 5 (2), 3 (1), 1 (0)
    assert asked == [[0, 2, 4], [5, 3, 1]] and calls == 2
    assert out.tolist() == [0, 1, 2, 3, 4, 5]  # (each answer back at its own row)


def test_without_scores_the_halves_are_by_position_reversed() -> None:
    asked, predict = _recording()
    out, _ = apart(predict, [[0.0], [1.0], [2.0], [3.0], [4.0]])
    assert asked == [[4, 3, 2], [1, 0]] and out.tolist() == [0, 1, 2, 3, 4]


def test_a_steady_model_costs_two_rounds_and_three_calls() -> None:
    asked, predict = _recording()
    rows = np.arange(8, dtype=float).reshape(8, 1)
    rounds = ask_rounds(predict, rows, _changed)
    assert len(asked) == 3 and rounds.calls == 3 and rounds.queries == 16
    assert rounds.again is None and rounds.deterministic and rounds.batch_bound == 0


def test_a_batch_bound_model_is_asked_its_first_batch_again_and_counted_so() -> None:
    def by_batch(rows: np.ndarray) -> np.ndarray:
        return np.asarray(rows[:, 0] > rows[:, 0].mean(), dtype=np.int64)

    asked, predict = _recording(by_batch)
    rows = np.arange(8, dtype=float).reshape(8, 1)
    rounds = ask_rounds(predict, rows, _changed, scores=rows[:, 0])
    assert len(asked) == 4 and asked[3] == asked[0]  # (the first batch again, as it was)
    assert rounds.calls == 4 and rounds.queries == 24
    assert rounds.again is not None and rounds.again.tolist() == rounds.first.tolist()
    assert rounds.deterministic and rounds.batch_bound == int(rounds.batch.sum()) > 0
    assert not rounds.random.any()


def test_a_random_model_is_counted_random_not_batch_bound() -> None:
    draws = iter([[0, 0, 0, 0], [1, 1], [1, 1], [0, 1, 0, 1]])

    def random(rows: np.ndarray) -> np.ndarray:
        return np.array(next(draws), dtype=np.int64)

    _, predict = _recording(random)
    rows = np.arange(4, dtype=float).reshape(4, 1)
    rounds = ask_rounds(predict, rows, _changed)
    # (rows 1 and 3 changed in their own batch: random; rows 0 and 2 only in the others)
    assert rounds.random.tolist() == [False, True, False, True]
    assert rounds.batch.tolist() == [True, False, True, False]
    assert not rounds.deterministic and rounds.batch_bound == 0  # (counted as random only)


def test_rows_put_down_to_the_batch_are_those_moved_beyond_its_tolerance() -> None:
    """``moved`` decides the batch's rows: answers a float's noise apart are not the batch."""
    noise = iter([np.array([0.5, 0.5]), np.array([0.5 + 1e-6]), np.array([0.9])])

    def answers(rows: np.ndarray) -> np.ndarray:
        return next(noise, np.array([0.5, 0.5]))

    _, predict = _recording(answers)
    rows = np.array([[0.0], [1.0]])

    def moved(a: np.ndarray, b: np.ndarray) -> np.ndarray:
        return np.asarray(np.abs(a - b) > 1e-3)

    rounds = ask_rounds(predict, rows, _changed, moved)
    assert rounds.batch.tolist() == [True, False]  # (row 1's 1e-6 is not the batch)
