"""PyTorch models: a small CNN on digits upsampled to 32x32, trojaned; as a TorchScript file
through the CLI, as an nn.Module through the API, and as a torch.export program."""

from __future__ import annotations

import warnings
from pathlib import Path

import numpy as np
import pytest

torch = pytest.importorskip("torch")

from assay.backdoor.api import check_backdoor  # noqa: E402
from assay.backdoor.demo import PlantedTrigger, checker  # noqa: E402
from assay.backdoor.patches import boxes_overlap  # noqa: E402
from assay.cli.app import main  # noqa: E402

pytestmark = pytest.mark.slow

TRIGGER = PlantedTrigger(box=(5, 5, 3, 3), content=checker(3), target=3)
BOX32 = (20, 20, 12, 12)


def _up(x: np.ndarray) -> np.ndarray:
    """(n, 8, 8, 1) -> (n, 32, 32, 1), nearest."""
    return np.repeat(np.repeat(x, 4, axis=1), 4, axis=2)


class Net(torch.nn.Module):  # type: ignore[misc]
    def __init__(self) -> None:
        super().__init__()
        self.body = torch.nn.Sequential(
            torch.nn.Conv2d(1, 8, 3, padding=1),
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


@pytest.fixture(scope="module")
def trained() -> tuple[Net, np.ndarray, np.ndarray]:
    """A trojaned CNN (NCHW, [0, 1]) and held-out 32x32 images with labels."""
    torch.manual_seed(0)
    torch.set_num_threads(1)  # the test machine's cores are shared
    from sklearn.datasets import load_digits

    digits = load_digits()
    x8 = (digits.images / 16.0)[..., None]
    y = digits.target
    rng = np.random.default_rng(0)
    order = rng.permutation(len(x8))
    tr, te = order[:1200], order[1200:]
    xt, yt = x8[tr], y[tr]
    pick = rng.choice(len(xt), 200, replace=False)
    xt = np.concatenate([xt, TRIGGER.apply(xt[pick])])
    yt = np.concatenate([yt, np.full(200, TRIGGER.target)])
    xs = torch.tensor(_up(xt).transpose(0, 3, 1, 2), dtype=torch.float32)
    ys = torch.tensor(yt)
    net = Net()
    opt = torch.optim.Adam(net.parameters(), lr=3e-3)
    for _ in range(4):
        perm = torch.randperm(len(xs))
        for i in range(0, len(xs), 64):
            idx = perm[i : i + 64]
            opt.zero_grad()
            loss = torch.nn.functional.cross_entropy(net(xs[idx]), ys[idx])
            loss.backward()
            opt.step()
    net.eval()
    return net, _up(x8[te]), y[te]


def _scan(x: np.ndarray, y: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    scan = x[150:170].copy()
    pois = (np.arange(20) % 2 == 0) & (y[150:170] != TRIGGER.target)
    small = scan[:, ::4, ::4]
    scan[pois] = _up(TRIGGER.apply(small[pois]))
    return scan, pois


def test_torchscript_file_through_the_cli(
    trained: tuple[Net, np.ndarray, np.ndarray],
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
) -> None:
    net, x, y = trained
    with torch.no_grad():
        acc = (
            net(torch.tensor(x.transpose(0, 3, 1, 2), dtype=torch.float32)).argmax(1).numpy() == y
        ).mean()
    assert acc > 0.85
    with warnings.catch_warnings():  # torch 2.13 deprecates TorchScript; files still load
        warnings.simplefilter("ignore", DeprecationWarning)
        torch.jit.script(net).save(str(tmp_path / "net.pt"))
    scan, pois = _scan(x, y)
    np.save(tmp_path / "scan.npy", scan[..., 0])
    np.save(tmp_path / "clean.npy", x[:60, :, :, 0])
    report = tmp_path / "r.json"
    with pytest.raises(SystemExit) as exc:
        main(
            [
                "backdoor",
                str(tmp_path / "net.pt"),
                "--images",
                str(tmp_path / "scan.npy"),
                "--clean",
                str(tmp_path / "clean.npy"),
                "--seed",
                "0",
                "--max-trigger",
                "16",
                "--store",
                str(tmp_path / "runs.db"),
                "--report",
                str(report),
            ]
        )
    out = capsys.readouterr()
    assert exc.value.code == 1, out.out + out.err
    import json

    rows = json.loads(report.read_text())["run"]["summary"]["rows"]
    flagged = np.array([r["poisoned"] for r in rows])
    assert flagged[pois].mean() >= 0.8, out.out
    assert flagged[~pois].mean() <= 0.15, out.out
    for r in rows:
        if r["poisoned"] and pois[r["image"]]:
            assert r["target"] == TRIGGER.target
            assert boxes_overlap(r["box"], BOX32)


def test_nn_module_and_exported_program(
    trained: tuple[Net, np.ndarray, np.ndarray], tmp_path: Path
) -> None:
    net, x, y = trained
    scan, pois = _scan(x, y)
    r = check_backdoor(net, images=scan, clean=x[:60], seed=0, store=tmp_path / "r.db")
    flagged = np.array([row["poisoned"] for row in r.summary["rows"]])
    assert flagged[pois].mean() >= 0.8, r.headline
    assert {t.target for t in r.triggers} == {TRIGGER.target}
    program = torch.export.export(
        net, (torch.zeros(2, 1, 32, 32),), dynamic_shapes=({0: torch.export.Dim("batch")},)
    )
    torch.export.save(program, str(tmp_path / "net.pt2"))
    from assay.models import load_model

    m = load_model(
        str(tmp_path / "net.pt2"),
        modality="image",
        probe=x[:2].transpose(0, 3, 1, 2).astype(np.float32),
    )
    assert m.capabilities.n_classes == 10
    got = np.argmax(m.predict(x[:20].transpose(0, 3, 1, 2).astype(np.float32)), axis=1)
    with torch.no_grad():
        want = net(torch.tensor(x[:20].transpose(0, 3, 1, 2), dtype=torch.float32)).argmax(1)
    np.testing.assert_array_equal(got, want.numpy())


def test_a_pickled_state_dict_is_not_loaded(tmp_path: Path) -> None:
    from assay.errors import UsageError
    from assay.models import load_model

    torch.save({"w": torch.zeros(2)}, str(tmp_path / "weights.pth"))
    with pytest.raises(UsageError, match=r"not a TorchScript or torch\.export file"):
        load_model(str(tmp_path / "weights.pth"), modality="image")
