"""A credential a model's error carries outside any URL is never stored, printed or reported.

A model wrapping a service fails with the service's message: "invalid key sk-live-...", a
client quoting the ``ACME_SERVICE_KEY`` it read from the environment.  Before, only URLs were
masked in the stored error: the key reached the store, stderr, the JUnit file and the JSON
report.  A model under a folder named like a token still reruns by its path.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from assay.core.message_secrets import redact_message
from assay.core.store import RunStore

ENV_SECRET = "plainLettersSecretValue"  # no digit: masked for the variable it came from
MASKED = {
    "named": "bad credentials for key sk-live-Q7wPz9Xr",
    "assigned": "request failed: api_key=abc12345",
    "bearer": "sent Authorization: Bearer abcDEF123456789",
    "json header": 'headers={"X-API-Key": "k3y-V4lue-99"}',
    "known shape": "denied for sk_live_51HqLmN8pQrStUvWx",
    "aws": "not allowed: AKIAIOSFODNN7EXAMPLE",
    "hugging face": "401 for hf_AbCdEfGhIjKlMnOpQrStUvWxYz",
    "long hex": "invalid key 5f4dcc3b5aa765d61d8327deb882cf99",
}
KEPT = [
    "the model raised KeyError: 'age'",
    "the answer has no key 'credit_amount2'",
    "assay fairness m.py:f --keep-findings 100000 --seed 1",
    "cannot import /data/ghp_AbCdEfGhIjKlMnOpQrStUvWxYz0123456789/m.py",
    "the model answered 'sk-learn'",
    "cannot load sk-learn-pipeline-v2.skops",
    "cannot load hf_sentimentclassifierlarge.onnx",
    "the variable API_TOKEN_2 of --header-env Authorization=API_TOKEN_2 is not set",
]


@pytest.mark.parametrize("text", list(MASKED.values()), ids=list(MASKED))
def test_a_credential_in_a_message_is_masked(text: str) -> None:
    shown = redact_message(text)
    assert "***" in shown
    secret = text.split()[-1].split("=")[-1].strip('"}')
    assert secret not in shown, shown


@pytest.mark.parametrize("text", KEPT)
def test_words_column_names_and_paths_in_a_message_stay(text: str) -> None:
    assert redact_message(text) == text


def test_a_credential_variables_value_is_masked_wherever_it_stands(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("ACME_SERVICE_KEY", ENV_SECRET)
    monkeypatch.setenv("PWD", "/work/project")  # the folder is no credential
    shown = redact_message(f"quota exceeded for {ENV_SECRET} in /work/project")
    assert ENV_SECRET not in shown and "/work/project" in shown


def _failed_run(path: Path, error: str) -> None:
    with RunStore(path) as store:
        store.create_run(
            run_id="r", technique="fairness", seed=1, command="assay fairness m.py:f",
            config={}, model={"spec": "m.py:f"}, versions={},
        )  # fmt: skip
        store.checkpoint("r", status="failed", error=error)


def test_a_models_error_is_stored_without_the_key_it_carries(tmp_path: Path) -> None:
    _failed_run(tmp_path / "runs.db", f"the model raised: {MASKED['named']}")
    stored = b"".join(p.read_bytes() for p in tmp_path.glob("runs.db*"))
    assert b"Q7wPz9Xr" not in stored


def test_a_cli_run_whose_model_echoes_an_environment_key_keeps_it_out_of_everything(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from typer.testing import CliRunner

    from assay.cli.app import app, register

    register()
    folder = tmp_path / "ghp_AbCdEfGhIjKlMnOpQrStUvWxYz0123456789"  # a folder named like a token
    folder.mkdir()
    (folder / "svc.py").write_text(
        "import os\n"
        "import numpy as np\n"
        "CALLS = [0]\n"
        "def predict(X):\n"
        "    CALLS[0] += 1\n"
        "    if CALLS[0] > 3:\n"
        "        raise PermissionError(f\"quota exceeded for {os.environ['ACME_SERVICE_KEY']}\")\n"
        "    X = np.asarray(X, dtype=float)\n"
        "    return ((X[:, 0] > 25) ^ (X[:, 1] > 0)).astype(int)\n"
    )
    rng = np.random.default_rng(0)
    x, sex = rng.integers(0, 50, 300), rng.integers(0, 2, 300)
    rows = "".join(f"{a},{s}\n" for a, s in zip(x, sex, strict=True))
    (tmp_path / "people.csv").write_text("x,sex\n" + rows)
    monkeypatch.setenv("ACME_SERVICE_KEY", ENV_SECRET)
    monkeypatch.chdir(tmp_path)
    out = [tmp_path / name for name in ("j.xml", "r.json")]
    args = [
        "fairness", f"{folder.name}/svc.py:predict", "--data", "people.csv", "--protected", "sex",
        "--max-queries", "3000", "--seed", "1", "--store", "runs.db",
        "--junit", str(out[0]), "--report", str(out[1]),
    ]  # fmt: skip
    result = CliRunner().invoke(app, args)
    assert result.exit_code == 3, result.output
    assert "quota exceeded for ***" in result.output
    assert folder.name in result.output  # the rerun line names the model's folder as it is
    written = b"".join(p.read_bytes() for p in [*tmp_path.glob("runs.db*"), *out])
    assert ENV_SECRET not in result.output and ENV_SECRET.encode() not in written


def test_the_api_caller_gets_the_models_error_with_its_key_masked_and_chained(
    tmp_path: Path,
) -> None:
    import pandas as pd

    import assay
    from assay.errors import ModelError

    class Remote:  # a client holding its key, echoing it when the service refuses it
        api_key = "sk-live-Q7wPz9Xr"

        def predict(self, rows: object) -> np.ndarray:
            raise RuntimeError(f"401: bad credentials for key {self.api_key}")

    rng = np.random.default_rng(0)
    frame = pd.DataFrame({"x": rng.integers(0, 50, 100), "sex": rng.integers(0, 2, 100)})
    with pytest.raises(ModelError) as err:
        assay.check_fairness(
            Remote(), data=frame, protected="sex", max_queries=200, store=tmp_path / "r.db"
        )
    assert "Q7wPz9Xr" not in str(err.value) and "bad credentials for key ***" in str(err.value)
    cause = err.value.__cause__
    while cause is not None and "Q7wPz9Xr" not in str(cause):  # the model's own, as raised
        cause = cause.__cause__
    assert cause is not None


def test_a_model_objects_own_credentials_are_kept_out_of_its_errors(tmp_path: Path) -> None:
    import pandas as pd

    import assay
    from assay.core.message_secrets import object_secrets
    from assay.errors import ModelError

    class Client:
        def __init__(self) -> None:
            self.api_key = "hunterpass"  # letters only, short: no pattern would see it
            self.pad_token = "[PAD]"  # a tokenizer's word, not a credential

    class Remote:
        def __init__(self) -> None:
            self.client = Client()

        def predict(self, rows: object) -> np.ndarray:
            raise RuntimeError(f"refused: {self.client.api_key} is not a valid key")

    assert object_secrets(Remote()) == ["hunterpass"]
    rng = np.random.default_rng(0)
    frame = pd.DataFrame({"x": rng.integers(0, 50, 100), "sex": rng.integers(0, 2, 100)})
    store = tmp_path / "r.db"
    with pytest.raises(ModelError) as err:
        assay.check_fairness(Remote(), data=frame, protected="sex", max_queries=200, store=store)
    assert "refused: *** is not a valid key" in str(err.value)
    stored = b"".join(p.read_bytes() for p in tmp_path.glob("r.db*"))
    assert b"hunterpass" not in stored


def test_an_error_stored_before_masking_is_read_back_masked(tmp_path: Path) -> None:
    import sqlite3

    _failed_run(tmp_path / "runs.db", "failed")
    with sqlite3.connect(tmp_path / "runs.db") as db:  # as an older assay wrote it
        db.execute("UPDATE runs SET error=? WHERE id='r'", (f"x: {MASKED['named']}",))
    with RunStore(tmp_path / "runs.db", read_only=True) as store:
        assert store.get_run("r").error == "x: bad credentials for key ***"


def test_a_cookies_session_value_echoed_alone_is_scrubbed() -> None:
    from assay.core.redact import header_secrets, scrub

    secrets = header_secrets("session=abcdefghij; theme=dark")  # --header-env Cookie=VAR
    assert scrub("cookie rejected: session=abcdefghij", secrets) == "cookie rejected: session=***"
    assert "dark" not in secrets  # a cookie that is no credential is not hunted in messages
