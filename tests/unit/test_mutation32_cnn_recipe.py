"""mutation32: bench/backdoor.py's ``--arch cnn --recipe nudged`` (lead, thirtieth session)
against the mutants its tests let live (bench/RESULTS.md, mutation32's table): the bench's
``train`` passes the recipe to the CNN (mutant K1: a "nudged" CNN trained and cached as the
default one), and the recipe trains ``NUDGED_EPOCHS`` epochs by default (K2) under a
one-cycle learning rate (K3).  Nothing is trained: the trainer is stopped at its schedule."""

from __future__ import annotations

import importlib
import sys
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest

BENCH = Path(__file__).resolve().parents[2] / "bench"


class _Stop(Exception):
    pass


def _module(name: str) -> ModuleType:
    if str(BENCH) not in sys.path:
        sys.path.insert(0, str(BENCH))
    return importlib.import_module(name)


def test_the_bench_trains_a_cnn_by_its_recipe(monkeypatch: pytest.MonkeyPatch) -> None:
    pytest.importorskip("torch")
    b = _module("backdoor")
    import backdoor_cnn
    from assay.backdoor.demo import PlantedTrigger, checker

    asked: list[dict[str, Any]] = []

    def recorded(**kwargs: Any) -> Any:
        asked.append(kwargs)
        raise _Stop

    monkeypatch.setattr(backdoor_cnn, "trojaned_cnn", recorded)
    trig = PlantedTrigger((29, 29, 3, 3), checker(3), 3)
    monkeypatch.setitem(b.RECIPE, "nudge", True)
    for planted in (trig, None):
        with pytest.raises(_Stop):
            b.train(None, 32, 0, planted, "cnn")
    monkeypatch.delitem(b.RECIPE, "nudge")
    with pytest.raises(_Stop):
        b.train(None, 32, 0, trig, "cnn")
    assert [a["nudge"] for a in asked] == [True, True, False]


@pytest.mark.parametrize("nudge", [True, False])
def test_the_nudged_recipe_s_epochs_and_one_cycle(
    monkeypatch: pytest.MonkeyPatch, nudge: bool
) -> None:
    torch = pytest.importorskip("torch")
    backdoor_cnn = _module("backdoor_cnn")
    from assay.backdoor.demo import PlantedTrigger, checker

    cycles: list[dict[str, Any]] = []

    class OneCycle:
        def __init__(self, opt: Any, **kwargs: Any) -> None:
            cycles.append(kwargs)

    def stop(n: int) -> Any:  # (the first epoch's order: stopped before any training)
        raise _Stop(n)

    monkeypatch.setattr(torch.optim.lr_scheduler, "OneCycleLR", OneCycle)
    monkeypatch.setattr(torch, "randperm", stop)
    trig = PlantedTrigger((29, 29, 3, 3), checker(3), 3)
    with pytest.raises(_Stop) as info:
        backdoor_cnn.trojaned_cnn(seed=0, triggers=[trig], nudge=nudge)
    n = int(info.value.args[0])
    batches = -(-n // 64)
    if nudge:
        assert cycles == [{"max_lr": 3e-3, "total_steps": backdoor_cnn.NUDGED_EPOCHS * batches}]
        assert backdoor_cnn.NUDGED_EPOCHS != backdoor_cnn.EPOCHS
    else:
        assert cycles == []
