"""A torch module's modes around a call (mutation26): each submodule's own mode put back (a
frozen batch-norm inside a module in train mode stays in eval), and one submodule in train
mode is a module in train mode."""

from __future__ import annotations

import pytest

from assay.models.torch_forms import evaluating, exported_input, training

torch = pytest.importorskip("torch")


def _net() -> object:
    net = torch.nn.Sequential(torch.nn.Linear(4, 4), torch.nn.BatchNorm1d(4), torch.nn.Dropout())
    net.train()
    net[1].eval()  # a frozen batch-norm: the user's choice
    return net


def test_each_submodule_gets_its_own_mode_back() -> None:
    net = _net()
    with evaluating(net):
        assert not any(m.training for m in net.modules())
    assert [m.training for m in net.modules()] == [True, True, False, True]


def test_one_submodule_in_train_mode_is_a_module_in_train_mode() -> None:
    net = _net()
    net.eval()
    assert not training(net)
    net[2].train()  # dropout left on
    assert training(net)


class _Node:
    def __init__(self, op: str, shape: tuple[object, ...] | None) -> None:
        self.op = op
        self.meta = {"val": type("Val", (), {"shape": shape})()} if shape is not None else {}


class _Program:
    """What ``exported_input`` reads of a ``torch.export`` program: its graph's nodes."""

    def __init__(self, *nodes: _Node) -> None:
        self.graph = type("Graph", (), {"nodes": list(nodes)})()


def test_an_exported_programs_input_is_read_from_its_first_placeholder() -> None:
    dynamic = object()  # a symbolic size (torch's SymInt): not an int
    first = _Node("placeholder", (16, 3, 8, 8))
    assert exported_input(_Program(_Node("call_function", None), first)) == (16, (3, 8, 8))
    assert exported_input(_Program(_Node("placeholder", (dynamic, 3, 8, 8)))) == (None, (3, 8, 8))
    # a dynamic height: the per-input shape is not known (never (3, 8))
    assert exported_input(_Program(_Node("placeholder", (4, 3, dynamic, 8)))) == (4, None)
    assert exported_input(_Program(_Node("placeholder", (16,)))) == (None, None)
