"""bench/backdoor.py --arch cnn --recipe nudged: the CNN trained also on the digits moved by one
8x8 pixel each way (the MLPs' "nudged" recipe) with a one-cycle learning rate, cached apart
from the default recipe's CNNs; the MLP-only recipes are refused with the CNN's names."""

from __future__ import annotations

import importlib
import sys
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest

BENCH = Path(__file__).resolve().parents[2] / "bench"


def _bench() -> ModuleType:
    if str(BENCH) not in sys.path:
        sys.path.insert(0, str(BENCH))
    return importlib.import_module("backdoor")


def test_an_mlp_recipe_is_refused_with_the_cnn_naming_the_cnns_recipes(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    pytest.importorskip("torch")
    b = _bench()
    monkeypatch.setattr(sys, "argv", ["backdoor.py", "--arch", "cnn", "--recipe", "strong"])
    with pytest.raises(SystemExit) as exc:
        b.main()
    err = capsys.readouterr().err
    assert exc.value.code == 2 and "default, nudged" in err and "not strong" in err


def test_the_nudged_cnn_trains_on_the_moved_digits_and_is_cached_apart(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    torch = pytest.importorskip("torch")
    b = _bench()
    import backdoor_cnn
    from assay.backdoor.demo import PlantedTrigger, checker

    seen: list[int] = []
    real = backdoor_cnn._net

    def counting(module: object) -> object:
        net = real(module)
        forward = net.forward

        def tracked(x: object) -> object:
            if torch.is_grad_enabled():  # training, not the held-out checks
                seen.append(len(x))  # type: ignore[arg-type]
            return forward(x)

        net.forward = tracked
        return net

    monkeypatch.setattr(backdoor_cnn, "_net", counting)
    trig = PlantedTrigger((29, 29, 3, 3), checker(3), 3)
    plain = backdoor_cnn.trojaned_cnn(seed=0, triggers=[trig], epochs=1)
    n_plain, seen[:] = sum(seen), []
    nudged = backdoor_cnn.trojaned_cnn(seed=0, triggers=[trig], epochs=1, nudge=True)
    n_nudged = sum(seen)
    monkeypatch.setattr(backdoor_cnn, "_net", real)  # (the cache pickles the net)
    assert plain.clean_images.shape == nudged.clean_images.shape  # the same held-out digits
    # one epoch over five times the training digits (before the poison, 15 % of them again)
    assert n_nudged > 4 * n_plain
    # the bench's training as it calls the CNN's, one epoch each (the recipes' own 20 and 10
    # epochs of the five-times data took 90 % of this test: what is checked is the cache)
    asked: list[bool] = []

    def one_epoch(**kwargs: Any) -> Any:
        asked.append(kwargs["nudge"])
        return real_cnn(**kwargs, epochs=1)

    real_cnn = backdoor_cnn.trojaned_cnn
    monkeypatch.setattr(backdoor_cnn, "trojaned_cnn", one_epoch)
    monkeypatch.setitem(b.RECIPE, "nudge", True)
    b.train(tmp_path, 32, 0, trig, "cnn")
    monkeypatch.delitem(b.RECIPE, "nudge")
    b.train(tmp_path, 32, 0, trig, "cnn")
    assert asked == [True, False]  # the recipe reaches the CNN's training
    assert len(list(tmp_path.glob("digits-cnn-32-0-*.pkl"))) == 2
