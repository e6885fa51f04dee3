"""store52: a message of 50 MB is cut before it is masked, never masked or written whole.

A model raising an exception whose message is 50 MB (a service's dump, a repr of its whole
input) cost 7-27 s of CPU per ``redact_message`` of it (load 1-16), once per run for
fairness and backdoor and twice for text (38-74 s where the run took 5), to show 300
characters; a ``file.py`` model raising one on import took 145 s and wrote the 50 MB into
the JUnit file.  Now only the message's start is masked, its last word (a key the cut fell
in) left out, and every ``AssayError`` is at most 20,000 characters.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pytest

import assay.core.message_secrets as message_secrets
import assay.models.checked as checked
from assay.core.message_secrets import MESSAGE_MOST, redact_cut, text_start
from assay.errors import ModelError, UsageError
from assay.models.checked import _short

BIG = 5_000_000


@pytest.fixture
def masked_lengths(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """The length of every text ``redact_message`` masks."""
    seen: list[int] = []
    real = message_secrets.redact_message

    def recorded(text: str) -> str:
        seen.append(len(text))
        return real(text)

    monkeypatch.setattr(message_secrets, "redact_message", recorded)
    # (wherever a module took it by name: the model's own error was masked whole there)
    monkeypatch.setattr(checked, "redact_message", recorded, raising=False)
    return seen


def test_an_error_of_millions_of_characters_is_cut_before_it_is_masked(
    masked_lengths: list[int],
) -> None:
    text = "service dump: " + "x" * BIG + " api_key=abcd1234efgh"
    err = ModelError(text)
    assert max(masked_lengths) <= MESSAGE_MOST + 4096
    assert len(str(err)) < MESSAGE_MOST + 100
    assert str(err).startswith("service dump: xxx")
    assert str(err).endswith(f"... ({len(text):,} characters in all)")
    usage = UsageError("importing it raised RuntimeError: " + "w " * BIG, argument="MODEL")
    assert len(str(usage)) < MESSAGE_MOST + 100 and len(usage.bare_message) < MESSAGE_MOST + 100
    assert max(masked_lengths) <= MESSAGE_MOST + 4096


def test_a_models_long_error_is_masked_on_its_start_alone(
    tmp_path: Path, masked_lengths: list[int]
) -> None:
    import assay

    calls: list[int] = []

    def predict(rows: Any) -> np.ndarray:
        calls.append(1)
        if len(calls) > 3:
            raise RuntimeError("upstream said: " + "q" * BIG + " token=abcd1234efgh")
        return np.tile([0.3, 0.7], (len(rows), 1))

    rng = np.random.default_rng(0)
    frame = pd.DataFrame({"x": rng.integers(0, 50, 100), "sex": rng.integers(0, 2, 100)})
    with pytest.raises(ModelError) as err:
        assay.check_fairness(
            predict, data=frame, protected="sex", max_queries=400, store=tmp_path / "r.db"
        )
    assert "the model raised RuntimeError: upstream said: qqq" in str(err.value)
    assert len(str(err.value)) < 2000
    assert max(masked_lengths) < 64 * 300 + 4096


def test_a_key_the_cut_falls_in_is_left_out() -> None:
    assert text_start("refused: sk_live_abcdefgh12345678", 20) == "refused: "
    assert text_start("short", 20) == "short"
    # the model's message collapsed to one line after its cut: ``api_key=Q7`` was the start
    # of ``api_key=Q7wPz9Xr`` (too short for the named pattern's 8 characters)
    spaced = " " * (64 * 300 - 10) + "api_key=Q7wPz9Xr and more"
    shown = _short(spaced, [])
    assert "Q7" not in shown and shown.endswith("...")
    assert redact_cut("a" * 10 + " api_key=abcd1234efgh", 20) == "aaaaaaaaaa api_ke..."
    assert redact_cut("fine: api_key=abcd1234efgh", 100) == "fine: api_key=***"
