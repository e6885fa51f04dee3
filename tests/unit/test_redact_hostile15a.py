"""Secrets a served model's messages must not carry, and URLs masked once and for all."""

from __future__ import annotations

import base64

import pytest

from assay.cli.reporting import resume_command
from assay.core.redact import (
    MASK,
    header_secrets,
    hidden_values,
    is_redacted,
    redact_text,
    redact_url,
    scrub,
)

URLS = [
    "https://bob:hunter2@api.example.com:8443/v1/predict?api_key=K1&model=a&sig=S2",
    "http://127.0.0.1:8080/predict?k=abcd1234efgh5678XY&v=2",
    "https://hooks.example.com/services/T0ABC/B0DEF/q8Xz3kLm9Pw2Rt7Yv4Nb6Hc1",
    "http://tok3n@h/x#access_token=zzz",
    "http://h:1/v2/models/bert-base-uncased-2023/infer",
]


@pytest.mark.parametrize("url", URLS)
def test_redaction_is_idempotent(url: str) -> None:
    once = redact_url(url)
    assert redact_url(once) == once  # a mask is never re-encoded (%2A%2A%2A) and lost
    assert is_redacted(redact_text(f"assay fairness '{once}'")) == (once != url)


def test_a_token_in_a_query_value_is_masked_whatever_its_name() -> None:
    shown = redact_url("http://h/p?k=abcd1234efgh5678XY&n=3&name=credit-v3")
    # (every query value since hostile34b: a letters-only token under any name slipped)
    assert shown == f"http://h/p?k={MASK}&n={MASK}&name={MASK}"


def test_hidden_values_are_what_the_url_masks_as_given_and_encoded() -> None:
    url = "http://u:p%40ss-w0rd@h/hook/q8Xz3kLm9Pw2Rt7Yv4Nb6Hc1?api_key=a%2Fbcd&x=1"
    found = hidden_values(url)
    for value in ("p@ss-w0rd", "p%40ss-w0rd", "q8Xz3kLm9Pw2Rt7Yv4Nb6Hc1", "a/bcd", "a%2Fbcd"):
        assert value in found
    assert "1" not in found and "x" not in found  # a plain parameter is no secret


def test_header_secrets_reach_the_credential_inside_the_value() -> None:
    basic = "Basic " + base64.b64encode(b"alice:hunter22").decode()
    found = header_secrets(basic)
    assert basic in found and "alice:hunter22" in found and "hunter22" in found
    assert "t0ken-abc" in header_secrets("Bearer t0ken-abc")
    assert header_secrets("abc") == ["abc"]  # a short value is still scrubbed whole
    text = "401: invalid token t0ken-abc for user alice:hunter22"
    secrets = sorted({*header_secrets("Bearer t0ken-abc"), *found}, key=len, reverse=True)
    assert scrub(text, secrets) == f"401: invalid token {MASK} for user {MASK}"


def test_the_resume_line_asks_for_a_url_whose_query_token_was_masked() -> None:
    stored = redact_text("assay fairness 'http://h:1/predict?k=abcd1234efgh5678XY' --seed 1")
    line = resume_command("RUN", "/tmp/runs.db", stored, {})
    assert line.endswith("--model URL"), line
