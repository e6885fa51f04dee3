"""mutation44: what ``message_secrets`` masks and keeps, on messages store43's tests did not
hold.

store43's credentials were each caught twice over (``key sk-live-...`` by its name and by its
shape; ``Authorization: Bearer`` by the scheme and by the name ``bearer``), so dropping one
rule passed them: with the scheme dropped, or ``auth`` not a credential's name, a Basic
credential after ``Authorization:`` was printed and stored; with ``:`` not read as an
assignment, ``token: abc12345``; without the mixed-case rule, ``invalid key Q7wPz9XrLm``;
without the ``sk-`` shape, an OpenAI key standing alone; without reading a model's class, a
key kept as a class attribute.  In the other direction, paths and words were masked: a
folder named like a token, a path valued credential variable, ``password: required``."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

import assay
from assay.core.message_secrets import redact_message
from assay.errors import ModelError

LEAKED = {
    "basic scheme": "401 with Authorization: Basic dXNlcjpwYXNzd29yZA==",
    "token scheme": "sent auth: Token 9f8e7d6c5b4a",
    "colon": "refused token: abc12345",
    "mixed case after a space": "invalid key Q7wPz9XrLm",
    "openai key alone": "quota for sk-AbCdEf123456XyZ exceeded",
}
KEPT = [
    "cannot load ghp_AbCdEfGhIjKlMnOpQrStUvWxYz0123456789/m.py",  # a relative folder
    "cannot load /models/ghp_AbCdEfGhIjKlMnOpQrStUvWxYz0123456789",  # a path's last part
    "cannot read key: /etc/keys/model2.pem",  # a path, not a key
    "password: required",  # a word, no digit
    "session: 20261206",  # a number, no letter
    "monkey=abc12345 was refused",  # "key" inside a word: no credential's name
    "cannot load sk-LearnModelFinal.skops",  # mixed cases, no digit: a file's name
    "cannot load hf_SENTIMENTCLASSIFIERLARGE.onnx",  # one case: a file's name
]


@pytest.mark.parametrize("text", list(LEAKED.values()), ids=list(LEAKED))
def test_a_credential_caught_by_one_rule_alone_is_masked(text: str) -> None:
    secret = text.split()[-1] if "exceeded" not in text else text.split()[2]
    shown = redact_message(text)
    assert secret not in shown and "***" in shown, shown


@pytest.mark.parametrize("text", KEPT)
def test_paths_words_and_numbers_beside_credential_names_stay(text: str) -> None:
    assert redact_message(text) == text


def test_variables_that_hold_no_credential_stay(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SESSION_MANAGER", "local/box:@/tmp/.ICE-unix/77")  # the desktop's
    monkeypatch.setenv("HF_TOKEN_PATH", "/home/u/.cache/hf/token2")  # a path to one
    text = "cannot read /home/u/.cache/hf/token2 (local/box:@/tmp/.ICE-unix/77)"
    assert redact_message(text) == text


class _Remote:
    """A client keeping its key as a class attribute (letters only: no pattern sees it)."""

    api_key = "hunterpassword"

    def predict(self, rows: object) -> np.ndarray:
        raise RuntimeError(f"refused: {self.api_key} is not valid")


class _Called:
    """The same, called as a function: its first call is loading's probe."""

    api_key = "hunterpassword"

    def __call__(self, rows: object) -> np.ndarray:
        raise RuntimeError(f"refused: {self.api_key} is not valid")


@pytest.mark.parametrize("model", [_Remote(), _Called()], ids=["predict", "probe"])
def test_a_key_kept_as_the_model_classs_attribute_is_kept_out_of_its_errors(
    tmp_path: Path, model: object
) -> None:
    rng = np.random.default_rng(0)
    frame = pd.DataFrame({"x": rng.integers(0, 50, 100), "sex": rng.integers(0, 2, 100)})
    with pytest.raises(ModelError) as err:
        assay.check_fairness(
            model, data=frame, protected="sex", max_queries=200, store=tmp_path / "r.db"
        )
    assert "hunterpassword" not in str(err.value) and "refused: ***" in str(err.value)


def test_a_key_held_two_objects_down_is_found() -> None:
    """The model, the client it holds, the session the client holds (``_DEPTH`` 2)."""
    from assay.core.message_secrets import object_secrets

    class Session:
        def __init__(self) -> None:
            self.token = "hunterpassword"

    class Client:
        def __init__(self) -> None:
            self.session = Session()

    class Model:
        def __init__(self) -> None:
            self.client = Client()

    assert object_secrets(Model()) == ["hunterpassword"]
