"""A filter's probe images unanswered or refused (hostile51, hostile51b), at the functions:
the model's error said again keeps its class, status and run attributes
(``core.error_prefix.prefixed``); which failures say nothing of the images
(``probe_unanswered.unanswered``) and the refusal's words name the endpoint's own status
(``refused``) (mutation52)."""

from __future__ import annotations

import pytest

from assay.backdoor.probe_unanswered import refused, unanswered
from assay.core.calls import CallTimeout
from assay.core.error_prefix import prefixed
from assay.errors import AssayError, ModelError, ModelUnavailable


def _status(status: int | None) -> ModelError:
    exc = ModelError(f"the endpoint answered status {status}")
    exc.status = status
    return exc


def test_the_error_said_again_keeps_its_class_and_attributes() -> None:
    exc = ModelUnavailable("stopped answering")
    exc.status = 503
    exc.run_id = "backdoor-1"
    said = prefixed(exc, "loading f.json: ")
    assert type(said) is ModelUnavailable
    assert str(said) == "loading f.json: stopped answering"
    assert said.status == 503 and said.run_id == "backdoor-1"
    assert str(exc) == "stopped answering"  # (the original untouched)


@pytest.mark.parametrize(
    "exc",
    [
        ModelUnavailable("down"),
        CallTimeout("no answer in 5 s"),
        *map(_status, [401, 403, 404, 407]),
    ],
    ids=["unavailable", "timeout", "401", "403", "404", "407"],
)
def test_a_model_not_answering_is_its_own_error_naming_the_file(exc: ModelError) -> None:
    got = unanswered(exc, "f.json")
    assert got is not None and type(got) is type(exc)
    assert str(got).startswith("loading the filter f.json, the model did not answer its probe")
    assert refused(_status(422), "f.json", "x") is not None  # (another status: refused's)
    assert unanswered(_status(422), "f.json") is None


def test_a_refusal_names_its_own_status_and_a_failure_without_one_is_none() -> None:
    got = refused(_status(413), "f.json", "uint8 (N, 32, 32, 3)")
    assert got is not None and got.status == 413
    assert "(status 413), given as uint8 (N, 32, 32, 3)" in str(got)
    assert refused(ModelError("the model raised ValueError"), "f.json", "x") is None
    assert refused(AssayError("x"), "f.json", "x") is None
    assert unanswered(ModelError("the model raised ValueError"), "f.json") is None
