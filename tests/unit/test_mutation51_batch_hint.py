"""mutation51: the hint a model's failure gets when it reads as a limit on the inputs a call
(``models.checked.batch_hint``, left50b) and the resume line's ``--batch-size`` read from it
(``cli.model_again.smaller_batches``): with ``--batch-size`` given, the calls' size is said
(the smaller of the batch and the size), a batch sent in one call is said as before, and
at one input a call that no smaller size helps, only when the failure reads as a limit."""

from __future__ import annotations

from assay.cli.model_again import smaller_batches
from assay.core.keywords import BATCH_HINT
from assay.models.checked import batch_hint


def _failed(exc: Exception, n: int, limit: int | None) -> str:
    """The failure's words, as ``CheckedModel.predict`` says them."""
    return (
        f"the model raised ValueError: {exc} on a batch of {n} inputs; first input: 'a'"
        f"{batch_hint(exc, n, limit)}"
    )


def test_the_calls_size_is_the_smaller_of_the_batch_and_the_size_given() -> None:
    hint = batch_hint(ValueError("got 16 inputs, more than allowed"), 94, 16)
    assert "(this run's calls were of 16 inputs at most already)" in hint, hint
    assert hint.endswith(BATCH_HINT)
    said = _failed(ValueError("got 16 inputs, more than allowed"), 94, 16)
    assert smaller_batches(said) == " --batch-size 8", said


def test_a_batch_sent_whole_in_one_call_is_said_as_before() -> None:
    # a batch no larger than --batch-size went in one call: its own size is said, within the
    # size given (left51's words; not the calls' size, which it was not cut to)
    for n in (16, 10):
        hint = batch_hint(ValueError(f"batch of {n} too large"), n, 16)
        assert hint == (
            f"; a model that takes at most so many inputs a call (this call, of {n} inputs, "
            f"was within this run's batch size of 16 already): {BATCH_HINT}"
        )
    assert smaller_batches(_failed(ValueError("batch of 10 too large"), 10, 16)) == (
        " --batch-size 5"
    )


def test_at_one_input_a_call_only_a_failure_reading_as_a_limit_is_told_so() -> None:
    told = batch_hint(ValueError("batch too large"), 40, 1)
    assert "no smaller batch size helps" in told, told
    assert smaller_batches(_failed(ValueError("batch too large"), 40, 1)) == ""
    assert batch_hint(KeyError("label"), 40, 1) == ""  # (no limit in its words)
    assert batch_hint(ValueError("batch too large"), 1, None) == ""  # (one input, no size)
