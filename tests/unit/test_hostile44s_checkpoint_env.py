"""hostile44s: ``ASSAY_CHECKPOINT_SECONDS`` mistyped in a CI job's environment (``abc``) was a
``ValueError`` after the run was made: "internal error (a bug in assay)", exit 5.  It is a
usage error naming the variable (exit 2); a number of seconds is taken as before."""

from __future__ import annotations

import pytest

from assay.core.run import _checkpoint_seconds
from assay.errors import UsageError


@pytest.mark.parametrize("given", ["abc", "nan", "-1", "inf", "2s"])
def test_a_checkpoint_interval_that_is_no_number_of_seconds_is_named(
    given: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("ASSAY_CHECKPOINT_SECONDS", given)
    with pytest.raises(UsageError) as got:
        _checkpoint_seconds()
    assert "ASSAY_CHECKPOINT_SECONDS" in str(got.value) and repr(given) in str(got.value)


def test_a_number_of_seconds_is_taken(monkeypatch: pytest.MonkeyPatch) -> None:
    for given, seconds in (("0", 0.0), ("0.05", 0.05), ("1e9", 1e9)):
        monkeypatch.setenv("ASSAY_CHECKPOINT_SECONDS", given)
        assert _checkpoint_seconds() == seconds
    monkeypatch.delenv("ASSAY_CHECKPOINT_SECONDS")
    assert _checkpoint_seconds() == 2.0
