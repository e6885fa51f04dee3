"""Every path by which a model's error text leaves assay masks the credentials it carries.

store43 masked the stored error, what the CLI prints and ``CheckedModel``'s ``ModelError``;
the probes' own messages (torch, a function), the note a torch module
failing on batches leaves in the run's model info, an import's error, a served model's
failures kept in its counts and a text re-check's skip reason still carried the key to the
API caller, the store and the report.  Now ``AssayError`` masks its message as it is made,
and the notes kept outside any exception are masked where they are written.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

import numpy as np
import pytest

from assay.errors import AssayError, ModelError, UsageError
from assay.models.loader import load_model

KEY = "sk-live-Q7wPz9Xr"
SAID = f"401 from upstream: bad credentials for key {KEY}"


def test_an_assay_error_of_any_kind_is_masked_as_it_is_made() -> None:
    for kind in (AssayError, ModelError, UsageError):
        err = kind(SAID)
        assert KEY not in str(err) and "bad credentials for key ***" in str(err)
    usage = UsageError(SAID, argument="MODEL")
    assert KEY not in usage.bare_message and KEY not in str(usage)


def test_the_torch_probes_error_reaches_the_api_caller_masked() -> None:
    torch = pytest.importorskip("torch")

    class Refusing(torch.nn.Module):  # type: ignore[misc]
        def __init__(self) -> None:
            super().__init__()
            self.layer = torch.nn.Linear(3, 2)

        def forward(self, x: Any) -> Any:
            raise RuntimeError(SAID)

    with pytest.raises(ModelError) as err:
        load_model(Refusing(), modality="tabular", probe=np.zeros((4, 3), dtype=np.float32))
    assert "the torch model raised" in str(err.value) and KEY not in str(err.value)


def test_a_torch_module_failing_on_batches_leaves_its_note_masked_in_the_model_info() -> None:
    torch = pytest.importorskip("torch")

    class OneAtATime(torch.nn.Module):  # type: ignore[misc]
        def __init__(self) -> None:
            super().__init__()
            self.layer = torch.nn.Linear(3, 2)

        def forward(self, x: Any) -> Any:
            if x.shape[0] > 1:
                raise RuntimeError(SAID)
            return self.layer(x)

    model = load_model(OneAtATime(), modality="tabular", probe=np.zeros((4, 3), dtype=np.float32))
    said = json.dumps(model.spec_info)  # (stored with the run, shown by its report)
    assert "failed on a batch of 4" in said and KEY not in said


def test_a_functions_probe_error_reaches_the_api_caller_masked() -> None:
    def predict(rows: np.ndarray) -> np.ndarray:
        raise RuntimeError(SAID)

    with pytest.raises(ModelError) as err:
        load_model(predict, modality="tabular", probe=np.zeros((4, 3)))
    assert KEY not in str(err.value) and "***" in str(err.value)


def test_a_model_files_import_error_reaches_the_api_caller_masked(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (tmp_path / "left43s_remote.py").write_text(f"raise RuntimeError({SAID!r})\n")
    monkeypatch.chdir(tmp_path)
    monkeypatch.syspath_prepend(str(tmp_path))
    try:
        with pytest.raises(UsageError) as err:
            load_model("left43s_remote.py:predict", modality="tabular")
    finally:
        sys.modules.pop("left43s_remote", None)
    assert "importing" in str(err.value) and KEY not in str(err.value)


def test_a_served_models_failed_attempts_are_kept_masked() -> None:
    from assay.models.http import _Retry

    # (the text ``ServingStats.errors`` keeps, stored in the run's serving counts)
    failed = _Retry(f"status 500; body starts: {SAID}")
    assert KEY not in str(failed) and "status 500" in str(failed)


def test_a_text_rechecks_skip_reason_is_masked() -> None:
    from assay.text.recheck import _why

    assert KEY not in _why(RuntimeError(SAID)) and "***" in _why(RuntimeError(SAID))


def test_a_cookie_header_is_withheld_from_a_served_models_pickle() -> None:
    import pickle

    from assay.core.model import Capabilities
    from assay.execution.dask import Sealed
    from assay.models.http import HttpModel

    caps = Capabilities(modality="tabular", n_classes=2, outputs="proba")
    served = HttpModel(
        "http://127.0.0.1:9/predict",
        capabilities=caps,
        protocol="json",
        headers={"Cookie": "session=sessVALUEabc123; theme=dark"},
    )
    assert b"sessVALUEabc123" not in pickle.dumps(served)
    # (the worker needs it to call the endpoint: it travels in each unit's task, never shown)
    sealed = Sealed(served)
    assert "sessVALUEabc123" in str(sealed.values) and "sessVALUEabc123" not in repr(sealed)


def test_a_model_objects_credential_is_kept_out_of_its_probes_error() -> None:
    """A letters-only key (no pattern sees it) held by the object: store43 scrubbed it from
    the errors of a run, not from the loading probe's, raised before the run."""

    class Client:
        api_key = "hunterpass"

    class Remote:
        def __init__(self) -> None:
            self.client = Client()

        def predict_proba(self, rows: object) -> np.ndarray:
            raise RuntimeError(f"refused: {self.client.api_key} is not a valid key")

    with pytest.raises(ModelError) as err:
        load_model(Remote(), modality="tabular", probe=np.zeros((4, 3)))
    assert "hunterpass" not in str(err.value) and "refused: ***" in str(err.value)
