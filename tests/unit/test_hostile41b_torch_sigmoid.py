"""hostile41b: a torch module answering a sigmoid per class (scores in [0, 1], rows not summing
to one) was put through a softmax into near-uniform rows: STRIP on a trojaned CNN answering
sigmoids "flagged 0 of 40 images (entropy below 3.157 bits)", exit 0, where the same network
answering its softmax flagged 18 of 40.  Every other adapter refuses such rows (exit 3)."""

from __future__ import annotations

import numpy as np
import pytest

torch = pytest.importorskip("torch")

from assay.errors import ModelError  # noqa: E402
from assay.models.loader import load_model  # noqa: E402


class Head(torch.nn.Module):  # type: ignore[misc]
    def __init__(self, how: str) -> None:
        super().__init__()
        torch.manual_seed(0)
        self.lin = torch.nn.Linear(3 * 4 * 4, 5)
        self.how = how

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        z = self.lin(x.flatten(1)) * 4.0
        if self.how == "sigmoid":
            return torch.sigmoid(z)
        if self.how == "log_softmax":
            return torch.log_softmax(z, 1)
        return z


def _model(how: str) -> object:
    return load_model(Head(how).eval(), modality="image", n_classes=5)


def _batch() -> np.ndarray:
    return np.random.default_rng(0).random((8, 3, 4, 4)).astype(np.float32)


def test_a_sigmoid_per_class_is_refused_not_softmaxed() -> None:
    with pytest.raises(ModelError, match=r"sum to .*not 1"):
        _model("sigmoid").predict(_batch())  # type: ignore[attr-defined]


@pytest.mark.parametrize("how", ["logits", "log_softmax"])
def test_logits_and_log_probabilities_still_read_through_a_softmax(how: str) -> None:
    out = np.asarray(_model(how).predict(_batch()))  # type: ignore[attr-defined]
    assert out.shape == (8, 5) and np.allclose(out.sum(axis=1), 1.0)
    z = Head("logits").eval()(torch.from_numpy(_batch())).detach().numpy()
    assert (out.argmax(1) == z.argmax(1)).all()


class Small(torch.nn.Module):  # type: ignore[misc]
    """Logits that lie in [0, 1] for some inputs (a module answering one input a time:
    its first row [0.0, 0.7] was refused as a sigmoid, the run failed; CI run 140)."""

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        s = x.flatten(1).sum(1, keepdim=True)
        return torch.cat([torch.zeros_like(s), s], 1)


def test_a_few_rows_of_logits_in_0_1_are_not_taken_for_a_sigmoid() -> None:
    model = load_model(Small().eval(), modality="tabular", n_classes=2)
    for value in (0.7, 0.2, 0.9):  # one row a call, each within [0, 1]
        out = np.asarray(model.predict(np.array([[value]], dtype=np.float32)))  # type: ignore[attr-defined]
        assert np.allclose(out, [[1 / (1 + np.exp(value)), 1 / (1 + np.exp(-value))]])
