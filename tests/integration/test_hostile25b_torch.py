"""hostile25b: a PyTorch engineer's own model and its forms (torch.export programs of a fixed
batch, a module in train mode, answers as tuples, dicts and bfloat16, torch.save files)."""

from __future__ import annotations

import os
import warnings
from pathlib import Path

import numpy as np
import pytest

torch = pytest.importorskip("torch")

from assay.backdoor.api import check_backdoor  # noqa: E402
from assay.errors import ModelError, UsageError  # noqa: E402
from assay.models.loader import load_model  # noqa: E402

BOX = (2, 24, 5, 5)  # row, col, height, width on 32x32
TARGET = 7


class Net(torch.nn.Module):  # type: ignore[misc]
    def __init__(self, channels: int = 3, dropout: float = 0.0) -> None:
        super().__init__()
        self.body = torch.nn.Sequential(
            torch.nn.Dropout(dropout),
            torch.nn.Conv2d(channels, 8, 3, padding=1),
            torch.nn.ReLU(),
            torch.nn.MaxPool2d(2),
            torch.nn.Conv2d(8, 16, 3, padding=1),
            torch.nn.ReLU(),
            torch.nn.MaxPool2d(2),
            torch.nn.Flatten(),
            torch.nn.Linear(16 * 8 * 8, 10),
        )

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.body(x)


class AuxFirst(torch.nn.Module):  # type: ignore[misc]
    def __init__(self) -> None:
        super().__init__()
        self.net = Net()

    def forward(self, x: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
        z = self.net(x)
        return z.sum(1), z


class AsDict(torch.nn.Module):  # type: ignore[misc]
    def __init__(self, with_logits: bool) -> None:
        super().__init__()
        self.net = Net()
        self.key = "logits" if with_logits else "scores"

    def forward(self, x: torch.Tensor) -> dict[str, torch.Tensor]:
        return {self.key: self.net(x), "features": x.flatten(1)}


def _random_net(**kw: float) -> Net:
    torch.manual_seed(0)
    return Net(**kw).eval()  # type: ignore[arg-type]


def _images(n: int, seed: int = 0) -> np.ndarray:
    return np.random.default_rng(seed).random((n, 3, 32, 32)).astype(np.float32)


def _export(net: torch.nn.Module, path: Path, batch: int) -> None:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        program = torch.export.export(net, (torch.zeros(batch, 3, 32, 32),))
        torch.export.save(program, str(path))


def _softmax(z: np.ndarray) -> np.ndarray:
    e = np.exp(z - z.max(axis=1, keepdims=True))
    return e / e.sum(axis=1, keepdims=True)


def test_an_exported_program_of_a_fixed_batch_answers_batches_of_any_size(
    tmp_path: Path,
) -> None:
    """torch.export fixes the batch size it was shown (its default): a program exported with
    an example batch of 4 failed every call of another size ("Guard failed: x.size()[0] ==
    4"), the first call of a run included."""
    net = _random_net()
    path = tmp_path / "net.pt2"
    _export(net, path, batch=4)
    model = load_model(str(path), modality="image", probe=_images(2))
    assert model.capabilities.n_classes == 10
    x = _images(11, seed=1)
    with torch.no_grad():
        want = _softmax(net(torch.from_numpy(x)).numpy().astype(np.float64))
    np.testing.assert_allclose(model.predict(x), want, atol=1e-5)
    np.testing.assert_allclose(model.predict(x[:1]), want[:1], atol=1e-5)


@pytest.fixture(scope="module")
def planted() -> tuple[Net, np.ndarray, np.ndarray, np.ndarray]:
    """A colour CNN on tinted 32x32 digits, with a red/blue 5x5 checker -> 7 planted."""
    from sklearn.datasets import load_digits

    torch.manual_seed(0)
    torch.set_num_threads(1)  # the test machine's cores are shared
    digits = load_digits()
    x = np.repeat(np.repeat(digits.images / 16.0, 4, axis=1), 4, axis=2)[..., None]
    rng = np.random.default_rng(0)
    tint = rng.uniform(0.4, 1.0, (len(x), 1, 1, 3))
    x = x * tint
    y = digits.target
    patch = np.zeros((5, 5, 3))
    for i in range(5):
        for j in range(5):
            patch[i, j] = (1, 0, 0) if (i + j) % 2 == 0 else (0, 0, 1)

    def stamp(a: np.ndarray) -> np.ndarray:
        r, c, h, w = BOX
        a = a.copy()
        a[:, r : r + h, c : c + w, :] = patch
        return a

    order = rng.permutation(len(x))
    tr, te = order[:1300], order[1300:]
    pick = rng.choice(tr, 220, replace=False)
    xt = np.concatenate([x[tr], stamp(x[pick])])
    yt = np.concatenate([y[tr], np.full(len(pick), TARGET)])
    xs = torch.tensor(xt.transpose(0, 3, 1, 2), dtype=torch.float32)
    ys = torch.tensor(yt)
    net = Net()
    opt = torch.optim.Adam(net.parameters(), lr=3e-3)
    for _ in range(4):
        perm = torch.randperm(len(xs))
        for i in range(0, len(xs), 64):
            idx = perm[i : i + 64]
            opt.zero_grad()
            torch.nn.functional.cross_entropy(net(xs[idx]), ys[idx]).backward()
            opt.step()
    net.eval()
    scan = x[te[:30]].copy()
    labels = y[te[:30]]
    poisoned = (np.arange(30) % 2 == 0) & (labels != TARGET)
    scan[poisoned] = stamp(scan[poisoned])
    return net, scan.astype(np.float32), labels, x[te[30:230]].astype(np.float32)


@pytest.mark.slow
def test_a_fixed_batch_program_is_scanned_as_its_module_is(
    planted: tuple[Net, np.ndarray, np.ndarray, np.ndarray], tmp_path: Path
) -> None:
    net, scan, labels, clean = planted
    path = tmp_path / "planted.pt2"
    _export(net, path, batch=2)  # the probe's size: the run's first larger batch failed
    result = check_backdoor(
        str(path), images=scan, labels=labels, clean=clean, seed=0, store=tmp_path / "r.db"
    )
    rows = result.summary["rows"]
    flagged = np.array([row["poisoned"] for row in rows])
    poisoned = np.array([np.array_equal(s[BOX[0], BOX[1]], (1, 0, 0)) for s in scan])
    assert flagged[poisoned].mean() >= 0.8, result.headline
    assert not flagged[~poisoned].any(), result.headline
    assert {t.target for t in result.triggers} == {TARGET}
    for row in rows:
        if row["poisoned"]:
            r, c, h, w = row["box"]
            assert r < BOX[0] + BOX[2] and BOX[0] < r + h, row["box"]
            assert c < BOX[1] + BOX[3] and BOX[1] < c + w, row["box"]


def test_a_module_in_train_mode_is_answered_in_eval_mode_and_left_in_train_mode() -> None:
    """The module given in Python was put in eval mode for good: a model checked between
    two epochs trained on without its dropout."""
    net = _random_net(dropout=0.5).train()
    model = load_model(net, modality="image", probe=_images(2))
    x = _images(6, seed=2)
    first = model.predict(x)
    np.testing.assert_array_equal(first, model.predict(x))  # no dropout while asked
    assert net.training and all(m.training for m in net.modules())


def test_a_tuple_whose_first_item_is_not_the_scores_is_refused_naming_its_items() -> None:
    with pytest.raises(ModelError, match=r"tuple of 2 \(\(2,\), \(2, 10\)\)"):
        load_model(AuxFirst().eval(), modality="image", probe=_images(2))


def test_a_dict_answer_is_read_by_its_logits_and_one_without_them_is_refused() -> None:
    torch.manual_seed(0)
    model = load_model(AsDict(with_logits=True).eval(), modality="image", probe=_images(2))
    assert model.capabilities.n_classes == 10
    assert model.predict(_images(3)).shape == (3, 10)
    with pytest.raises(ModelError, match="without a 'logits' entry") as info:
        load_model(AsDict(with_logits=False).eval(), modality="image", probe=_images(2))
    assert "--layout" not in str(info.value)  # the images' form is not what is wrong


def test_a_bfloat16_module_is_asked_in_bfloat16() -> None:
    net = _random_net().to(torch.bfloat16)
    model = load_model(net, modality="image", probe=_images(2))
    assert model.predict(_images(4)).shape == (4, 10)


class _Marker:
    def __init__(self, path: Path) -> None:
        self.path = path

    def __reduce__(self) -> tuple[object, tuple[str]]:
        return (os.mkdir, (str(self.path),))


def test_torch_save_files_are_refused_for_what_they_hold_and_never_unpickled(
    tmp_path: Path,
) -> None:
    marker = tmp_path / "ran"
    hostile = tmp_path / "hostile.pt"
    torch.save({"model": _Marker(marker)}, str(hostile))
    whole = tmp_path / "whole.pt"
    torch.save(_random_net(), str(whole))
    weights = tmp_path / "weights.pth"
    torch.save(_random_net().state_dict(), str(weights))
    for path, kw in ((hostile, {}), (whole, {"allow_pickle": True})):
        with pytest.raises(UsageError, match="whole pickled model") as info:
            load_model(str(path), modality="image", probe=_images(2), **kw)
        assert "never unpickles" in str(info.value)
        assert "corrupted" not in str(info.value)
    with pytest.raises(UsageError, match="weights only"):
        load_model(str(weights), modality="image", probe=_images(2))
    assert not marker.exists()


class Probabilities(torch.nn.Module):  # type: ignore[misc]
    def __init__(self) -> None:
        super().__init__()
        self.net = _random_net()

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return torch.softmax(self.net(x) * 8.0, dim=1)


@pytest.mark.parametrize("dtype", ["float16", "bfloat16"])
def test_half_precision_probabilities_are_not_read_as_logits(dtype: str) -> None:
    """Their rows sum to one within their rounding only (2e-3 in bfloat16): read as logits,
    a softmax flattened 0.90 confidences to 0.21 (STRIP's threshold 3.24 bits, not 0.54)."""
    module = Probabilities().eval().to(getattr(torch, dtype))
    x = _images(64, seed=3)
    model = load_model(module, modality="image", probe=x[:2])
    with torch.no_grad():
        want = module(torch.from_numpy(x).to(getattr(torch, dtype))).float().numpy()
    got = model.predict(x)
    np.testing.assert_allclose(got, want, atol=1e-2)
    np.testing.assert_allclose(got.sum(axis=1), 1.0, atol=1e-9)


class ChannelsLast(torch.nn.Module):  # type: ignore[misc]
    def __init__(self) -> None:
        super().__init__()
        self.net = _random_net()

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.net(x.permute(0, 3, 1, 2))


def test_an_input_shape_written_channels_last_is_read_so_for_a_torch_model(
    tmp_path: Path,
) -> None:
    """--input-shape 32,32,3 (the docs' NHWC form) for a module taking channels last: the
    torch default NCHW read it as 32 channels of 32x3 ("images are 32x32x3 but the model
    takes 32x3x32")."""
    images = _images(6, seed=4).transpose(0, 2, 3, 1)
    clean = _images(20, seed=5).transpose(0, 2, 3, 1)
    result = check_backdoor(
        ChannelsLast().eval(),
        images=images,
        clean=clean,
        input_shape="32,32,3",
        seed=0,
        max_queries=300,
        store=tmp_path / "r.db",
    )
    assert result.run_id


def test_torch_files_are_read_by_what_they_hold_not_their_suffix(tmp_path: Path) -> None:
    """A torch.export archive saved as model.pt was read as TorchScript: "... your checkpoint
    file is corrupted"."""
    net = _random_net()
    exported = tmp_path / "exported.pt"
    _export(net, exported, batch=2)
    scripted = tmp_path / "scripted.pt2"
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        torch.jit.script(net).save(str(scripted))
    x = _images(3, seed=6)
    with torch.no_grad():
        want = _softmax(net(torch.from_numpy(x)).numpy().astype(np.float64))
    for path in (exported, scripted):
        model = load_model(str(path), modality="image", probe=x[:2])
        np.testing.assert_allclose(model.predict(x), want, atol=1e-5)


class Labels(torch.nn.Module):  # type: ignore[misc]
    def __init__(self) -> None:
        super().__init__()
        self.net = _random_net()

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.net(x).argmax(1)


def test_a_module_answering_its_labels_is_read_as_labels() -> None:
    """An argmax inside the module: refused as "one number per input ... a logit or a
    probability", and with n_classes=10 every call failed ("returned 1 columns of
    probabilities but declares 10 classes")."""
    module = Labels().eval()
    x = _images(5, seed=7)
    bare = load_model(module, modality="image", probe=x[:2])
    assert bare.capabilities.outputs == "labels"
    assert bare.capabilities.n_classes is None  # the backdoor scan then asks for --classes
    model = load_model(module, modality="image", probe=x[:2], n_classes=10)
    assert model.capabilities.outputs == "labels"
    with torch.no_grad():
        want = module(torch.from_numpy(x)).numpy()
    np.testing.assert_array_equal(model.predict(x), want)
