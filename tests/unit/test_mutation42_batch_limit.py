"""``--batch-size N`` for a model that is not served (left41): the parts the end-to-end tests
left free (mutation42).  A function's probe is split by the limit read before its call
(``probe_call``); a torch module's, an ONNX graph's and a duck-typed estimator's are split by
the ``limited`` block loading opens: a mutant reading no block passed every test."""

from __future__ import annotations

import numpy as np
import pytest

import assay
from assay.models.http import ServingOptions

torch = pytest.importorskip("torch")


class _Sized(torch.nn.Module):  # type: ignore[misc]
    """A module recording the batch sizes it is given."""

    def __init__(self) -> None:
        super().__init__()
        self.lin = torch.nn.Linear(4, 3)
        with torch.no_grad():  # fixed weights: an unseeded init gave, now and then, rows all
            # in [0, 1] that the sigmoid rule refuses (logits here: some outside [0, 1])
            self.lin.weight.copy_(
                torch.tensor([[3.0, -2.0, 1.0, 0.5]] * 3) * torch.arange(1, 4)[:, None]
            )
            self.lin.bias.copy_(torch.tensor([-1.5, 0.0, 1.5]))
        self.sizes: list[int] = []

    def forward(self, x: object) -> object:
        self.sizes.append(len(x))  # type: ignore[arg-type]
        return self.lin(x)


def test_a_torch_modules_probe_is_split_by_the_limit_too() -> None:
    module = _Sized()
    rows = np.random.default_rng(0).random((50, 4)).astype(np.float32)
    model = assay.load_model(module, probe=rows, serving=ServingOptions(batch_size=8))
    assert module.sizes == [8, 8, 8, 8, 8, 8, 2], module.sizes  # loading's probe
    assert model.capabilities.max_batch == 8
    module.sizes.clear()
    model.predict(rows)
    assert module.sizes == [8, 8, 8, 8, 8, 8, 2], module.sizes


def _failing(message: str) -> object:
    def predict(x: object) -> object:
        raise ValueError(message)

    return predict


@pytest.mark.parametrize(
    ("n", "message", "limit", "hinted"),
    [
        (44, "batch of 44 > 40", None, True),
        (44, "cannot reshape array of 44 rows", None, True),  # (its count in the message)
        (1, "batch size too large", None, False),  # one input: no smaller call to make
        # --batch-size 44 given and 44 refused: a smaller one helps (left50b: a resume given
        # --batch-size N failing again at N was told nothing, its printed line failed alike)
        (44, "batch of 44 > 40", 44, True),
        (44, "colour not found", None, False),
    ],
)
def test_the_batch_size_hint_is_given_only_where_it_helps(
    n: int, message: str, limit: int | None, hinted: bool
) -> None:
    from assay.errors import ModelError
    from assay.models.checked import CheckedModel
    from assay.models.loader import load_model

    model = load_model(_failing(message), modality="tabular", n_classes=2, outputs="labels")
    assert isinstance(model, CheckedModel)
    model.limit = limit
    with pytest.raises(ModelError) as caught:
        model.predict(np.zeros((n, 3)))
    assert ("--batch-size N makes" in str(caught.value)) == hinted, caught.value


def test_an_answer_neither_list_nor_array_is_the_first_calls() -> None:
    from assay.models.batch_limit import in_chunks

    calls: list[int] = []

    def ask(x: np.ndarray) -> object:
        calls.append(len(x))
        return {"labels": len(x)}

    assert in_chunks(ask, np.zeros((10, 2)), 4) == {"labels": 4} and calls == [4, 4, 2]
    assert in_chunks(lambda x: [1] * len(x), np.zeros((10, 2)), 4) == [1] * 10


class _OneAtATime(torch.nn.Module):  # type: ignore[misc]
    def __init__(self) -> None:
        super().__init__()
        self.lin = torch.nn.Linear(4, 3)

    def forward(self, x: object) -> object:
        if len(x) > 1:  # type: ignore[arg-type]
            raise RuntimeError("one input at a time")
        return self.lin(x)


def test_a_larger_limit_leaves_a_module_answering_one_input_at_a_time_at_one() -> None:
    """The callers split by ``capabilities.max_batch``: raised to 8 by ``--batch-size 8``,
    they sent the module 8 inputs and the run failed."""
    rows = np.random.default_rng(0).random((20, 4)).astype(np.float32)
    model = assay.load_model(_OneAtATime(), probe=rows, serving=ServingOptions(batch_size=8))
    assert model.capabilities.max_batch == 1


def test_a_served_models_requests_are_split_by_its_transport_alone() -> None:
    """Split again in ``CheckedModel``, a served model's batch went out one request after
    another: ``--concurrency`` had nothing to send at once."""
    from assay.models.loader import _local_limit

    opts = ServingOptions(batch_size=10)
    assert _local_limit("http://127.0.0.1:1/predict", None, opts) is None
    assert _local_limit("HTTPS://example.invalid/v1", None, opts) is None
    assert _local_limit("m.onnx", None, opts) == 10
    assert _local_limit("m.onnx", None, ServingOptions()) is None


def test_a_batch_size_of_zero_for_a_local_model_is_refused_naming_the_option() -> None:
    from assay.errors import UsageError

    def fn(x: object) -> object:
        return [0] * len(x)  # type: ignore[arg-type]

    rows = np.zeros((20, 2))
    with pytest.raises(UsageError, match="--batch-size"):
        assay.load_model(fn, probe=rows, serving=ServingOptions(batch_size=0))


def test_a_served_models_requests_take_the_batch_size_given() -> None:
    from assay.core.model import Capabilities
    from assay.models.loader import _served

    caps = Capabilities("tabular", 2, "proba")
    url = "http://127.0.0.1:9/predict"  # (never asked here)
    assert _served(url, caps, ServingOptions(batch_size=10)).max_batch == 10
    assert _served(url, caps, ServingOptions()).max_batch == 1000
