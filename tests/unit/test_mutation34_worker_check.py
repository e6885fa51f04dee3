"""``execution.worker_check.check_workers`` without a cluster (mutation34: mutant WC1, the
source digest not compared, survived scale33's test, whose workers differed by version):
a worker of the same version running other code is refused; one that cannot import assay
is named as such, never as "another assay"; workers like this process pass."""

from __future__ import annotations

from typing import Any

import pytest

from assay.errors import UsageError
from assay.execution.worker_check import check_workers, this_assay


class _Client:
    """A Dask client whose ``run`` answers as given."""

    def __init__(self, answers: dict[str, Any]) -> None:
        self.answers = answers

    def run(
        self, fn: Any, *args: Any, on_error: str, workers: list[str] | None = None
    ) -> dict[str, Any]:
        assert on_error == "return" and callable(fn)
        return {a: v for a, v in self.answers.items() if workers is None or a in workers}


def test_a_worker_of_the_same_version_and_other_code_is_refused() -> None:
    version, digest, _ = this_assay()
    other = "0" * len(digest) if digest != "0" * len(digest) else "1" * len(digest)
    with pytest.raises(UsageError, match=r"run another assay than this one") as err:
        check_workers(_Client({"tcp://w:1": (version, other, "")}), "tcp://s:8786")
    assert f"tcp://w:1 (assay {version}, source {other})" in str(err.value)


def test_a_worker_that_cannot_import_assay_is_named_so() -> None:
    answers = {"tcp://w:1": ("", "", "ModuleNotFoundError: No module named 'assay'")}
    with pytest.raises(UsageError, match=r"cannot import assay: tcp://w:1 \(ModuleNotFound"):
        check_workers(_Client(answers), "tcp://s:8786")


def test_workers_running_this_assay_pass() -> None:
    check_workers(_Client({"tcp://w:1": this_assay(), "tcp://w:2": this_assay()}), "tcp://s")
