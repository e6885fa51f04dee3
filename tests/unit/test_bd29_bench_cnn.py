"""bench/backdoor.py --arch cnn: the torch CNN handed to check_backdoor as a user hands it, its
answers read the same way by the bench and by assay, cached apart from the MLPs; without
torch the bench says so (branch bd29)."""

from __future__ import annotations

import importlib
import sys
from pathlib import Path
from types import ModuleType

import numpy as np
import pytest

BENCH = Path(__file__).resolve().parents[2] / "bench"


def _bench() -> ModuleType:
    """bench/backdoor.py as the module ``backdoor`` (its directory on the path, as when it runs,
    so that it finds bench/backdoor_cnn.py)."""
    if str(BENCH) not in sys.path:
        sys.path.insert(0, str(BENCH))
    return importlib.import_module("backdoor")


def test_without_torch_the_cnn_bench_says_what_to_install(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    b = _bench()
    import backdoor_cnn

    monkeypatch.setattr(backdoor_cnn, "available", lambda: False)
    monkeypatch.setattr(sys, "argv", ["backdoor.py", "--arch", "cnn"])
    with pytest.raises(SystemExit) as exc:
        b.main()
    assert exc.value.code == 2
    assert "--arch cnn needs torch" in capsys.readouterr().err


def test_the_cnn_takes_32x32_digits_only(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    pytest.importorskip("torch")
    b = _bench()
    monkeypatch.setattr(sys, "argv", ["backdoor.py", "--arch", "cnn", "--sides", "16"])
    with pytest.raises(SystemExit) as exc:
        b.main()
    assert exc.value.code == 2 and "32x32 only" in capsys.readouterr().err


def test_the_cnn_is_given_as_a_module_and_answers_through_assay_as_itself(tmp_path: Path) -> None:
    torch = pytest.importorskip("torch")
    b = _bench()
    import backdoor_cnn
    from assay.backdoor.demo import PlantedTrigger, checker

    trig = PlantedTrigger((29, 29, 3, 3), checker(3), 3)
    d = backdoor_cnn.trojaned_cnn(seed=0, triggers=[trig], epochs=1)
    model, scale, value_range = b.as_given(d)
    assert isinstance(model, torch.nn.Module) and (scale, value_range) == (1.0, "0,1")
    assert d.clean_images.shape[1:] == (32, 32, 1)
    # assay reads the module's input as NCHW in [0, 1]: its answers are the module's own
    assert b.check_input_form(d).startswith("200/200 answers as the model's own (nchw")
    # cached apart from the MLPs, and read back as the same model
    first = b.train(tmp_path, 32, 0, trig, "cnn")
    (path,) = tmp_path.glob("*.pkl")
    assert path.name.startswith("digits-cnn-32-0-")
    again = b.train(tmp_path, 32, 0, trig, "cnn")
    x = d.clean_images[:50]
    np.testing.assert_array_equal(b.labels_of(first, x), b.labels_of(again, x))
    assert b.is_cnn(first) and not hasattr(first.model, "predict")
