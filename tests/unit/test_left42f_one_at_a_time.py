"""left42f (mutation42's note): a torch module answering one input at a time is read so when
loaded (``max_batch`` 1), and the runs' callers split by it; but the adapter's own ``predict``
sent the whole batch: ``assay.load_model(module).predict(rows)`` failed on 10 rows ("the model
raised RuntimeError: one input at a time on a batch of 10 inputs")."""

from __future__ import annotations

import numpy as np
import pytest

import assay
from assay.models.http import ServingOptions

torch = pytest.importorskip("torch")


class _OneAtATime(torch.nn.Module):  # type: ignore[misc]
    def __init__(self) -> None:
        super().__init__()
        self.lin = torch.nn.Linear(4, 3)
        self.calls: list[int] = []

    def forward(self, x: object) -> object:
        self.calls.append(len(x))  # type: ignore[arg-type]
        if len(x) > 1:  # type: ignore[arg-type]
            raise RuntimeError("one input at a time")
        return self.lin(x)


@pytest.mark.parametrize("batch_size", [None, 4])
def test_a_direct_predict_asks_a_one_at_a_time_module_one_input_a_call(
    batch_size: int | None,
) -> None:
    rows = np.random.default_rng(0).random((20, 4)).astype(np.float32)
    module = _OneAtATime()
    model = assay.load_model(module, probe=rows, serving=ServingOptions(batch_size=batch_size))
    assert model.capabilities.max_batch == 1
    module.calls.clear()
    out = model.predict(rows[:10])  # main: ModelError "... on a batch of 10 inputs"
    assert out.shape == (10, 3)
    assert module.calls == [1] * 10
    with torch.no_grad():
        alone = torch.softmax(module.lin(torch.from_numpy(rows[:10])), dim=1).numpy()
    assert np.allclose(out, alone, atol=1e-6)
