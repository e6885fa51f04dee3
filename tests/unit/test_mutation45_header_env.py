"""A credential typed where ``--header-env`` takes a variable's name, and a URL holding
the mask assay prints (``core.redact``), at the edges mutation45 found unwatched: a
capitals name with digits (a name, kept), a key of letters and digits (masked), a spec of
no ``=`` (masked whole), an over-long name, and each part of a URL the mask may stand in."""

from __future__ import annotations

import pytest

from assay.core.redact import MASK, env_name_like, masked_url_refused, redact_text
from assay.errors import UsageError


def test_names_and_credentials() -> None:
    assert env_name_like("SCORING_TOKEN") and env_name_like("scoring_token")
    assert env_name_like("HF_TOKEN_2024_PROD") and env_name_like("MODEL_KEY_V2")
    assert env_name_like("AZUREML2024ENDPOINTKEY")  # (capitals: a name, though long)
    assert not env_name_like("sk_live_9aF3kQ2xLm7Pz8Rt")  # (a key: letters and digits)
    assert not env_name_like("Bearer abc")  # (a scheme and its value)
    assert not env_name_like("A" * 65)  # (no name is that long)


def test_a_credential_in_a_printed_command_is_masked_and_a_name_kept() -> None:
    kept = "assay text m.py --header-env Authorization=SCORING_TOKEN --seed 1"
    assert redact_text(kept) == kept
    typed = redact_text("assay text m.py --header-env 'X-Api-Key=sk_live_9aF3kQ2xLm7Pz8Rt'")
    assert "9aF3" not in typed and f"'X-Api-Key={MASK}'" in typed, typed
    whole = redact_text("assay text m.py --header-env 'Authorization: Bearer abcdef123456'")
    assert "abcdef" not in whole and f"--header-env '{MASK}'" in whole, whole
    lone = "assay text m.py --header-env Authorization"
    assert redact_text(lone) == lone


@pytest.mark.parametrize(
    ("url", "where"),
    [
        (f"https://user:{MASK}@models.example.com/score", "its password"),
        (f"https://models.example.com/score?{MASK}", "its query"),
        (f"https://models.example.com/score?api_key={MASK}", "its query"),
        (f"https://models.example.com/{MASK}/score", "its path"),
    ],
)
def test_a_url_holding_the_mask_is_refused_by_where(url: str, where: str) -> None:
    with pytest.raises(UsageError, match=f"holds \\*\\*\\* in {where}"):
        masked_url_refused(url)


def test_a_url_of_real_values_is_taken() -> None:
    masked_url_refused("https://user:pw@models.example.com/score?api_key=abc")
