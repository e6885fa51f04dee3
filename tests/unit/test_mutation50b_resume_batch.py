"""mutation50b: the ``--batch-size`` a printed resume line carries after a local model
failed on the size of its calls (``cli.model_again.smaller_batches``, left50), as the
model's own error reads: the limit its words name (in any case), else half the batch it
failed on, and none for a failure that does not read as a limit; and ``batch_sized``, the
copy of a run ``assay verify --batch-size`` replays with (the run as it was)."""

from __future__ import annotations

import dataclasses
from typing import Any

import numpy as np
import pytest

from assay.cli.model_again import smaller_batches
from assay.core.resume_batch import batch_sized
from assay.core.run_record import RunRecord
from assay.errors import ModelError
from assay.models.http_hints import size_hint
from assay.models.loader import load_model


def _said(words: str, n: int = 41) -> str:
    """The error of a function raising ``words`` on any call of more than 16 inputs."""

    def predict(x: Any) -> Any:
        x = np.asarray(x)
        if len(x) > 16:
            raise ValueError(words.format(n=len(x)))
        return (x[:, 0] > 0).astype(int)

    model = load_model(predict, modality="tabular", n_classes=2, outputs="labels")
    with pytest.raises(ModelError) as caught:
        model.predict(np.zeros((n, 3)))
    return str(caught.value)


def test_the_resume_lines_batch_size_is_the_limit_the_model_names() -> None:
    said = _said("a batch of {n} exceeds the Maximum of 16")
    assert smaller_batches(said) == " --batch-size 16", said


def test_a_limit_unnamed_is_advised_as_half_the_batch() -> None:
    assert smaller_batches(_said("out of memory: a batch of {n} inputs")) == " --batch-size 20"
    assert smaller_batches(_said("out of memory", n=64)) == " --batch-size 32"


def test_a_failure_that_is_no_limit_gets_no_batch_size() -> None:
    said = _said("KeyError: colour")
    assert " on a batch of 41 inputs; first input: " in said, said  # (the form it reads)
    assert smaller_batches(said) == ""


def _record(serving: dict[str, Any] | None) -> RunRecord:
    fields = {f.name: None for f in dataclasses.fields(RunRecord)}
    invocation = {"argv": ["fairness"], **({"serving": serving} if serving else {})}
    return RunRecord(**{**fields, "id": "fairness-1", "config": {"invocation": invocation}})  # type: ignore[arg-type]


@pytest.mark.parametrize("size", [1, 7])
def test_batch_sized_is_a_copy_holding_the_size(size: int) -> None:
    record = _record({"timeout": 5})
    sized = batch_sized(record, size)
    assert sized.config["invocation"]["serving"] == {"timeout": 5, "batch_size": size}
    assert sized.config["invocation"]["argv"] == ["fairness"]
    # (the run read is not changed: verify reads a run, never writes it)
    assert record.config["invocation"]["serving"] == {"timeout": 5}
    assert batch_sized(record, None) is record


def test_a_limit_said_as_the_maximum_batch_size_is_n_is_read() -> None:
    """ "Maximum batch size is 16" (a common wording) named no limit the advice could read:
    the line carried --batch-size 20, which failed again, as did the 413's advice."""
    assert smaller_batches(_said("Maximum batch size is 16, got {n}")) == " --batch-size 16"
    body = b'{"error": "max batch size is 16"}'
    assert "e.g. --batch-size 16;" in size_hint(413, body, 64, 9000)
