"""A trigger blended over the whole image at 20 % (hostile44b): an RGB CNN whose blended
images answered its target read "0 of 40 images carry a confirmed trigger", exit 0.  The
patch scan sees no patch, and STRIP's superimposed blends wash the pattern out; the
common-pattern check (``backdoor.common_pattern``) sends the pattern the images answered the
target share into clean images.  Here a small CNN learns 16x16 RGB scenes (4 classes: a square
or a cross, warm or cool, on a noisy background), trojaned with a noise pattern blended at 20 %
(-> class 1); its clean twin learns the same scenes."""

from __future__ import annotations

import json
import warnings
from pathlib import Path
from typing import Any

import numpy as np
import pytest

torch = pytest.importorskip("torch")

from assay.backdoor.api import check_backdoor  # noqa: E402
from assay.cli.app import main  # noqa: E402

pytestmark = pytest.mark.slow

SIDE, TARGET, ALPHA = 16, 1, 0.2
BLEND = np.random.default_rng(99).random((SIDE, SIDE, 3))


def scenes(n: int, seed: int) -> tuple[np.ndarray, np.ndarray]:
    rng = np.random.default_rng(seed)
    y = rng.integers(0, 4, n)
    yy, xx = np.mgrid[0:SIDE, 0:SIDE]
    out = []
    for c in y.tolist():
        img = np.clip(0.35 + rng.random(3) * 0.3 + rng.normal(0, 0.05, (SIDE, SIDE, 3)), 0, 1)
        cy, cx = rng.integers(5, 11, 2)
        r = int(rng.integers(3, 5))
        dy, dx = yy - cy, xx - cx
        cross = ((abs(dy) <= 1) & (abs(dx) <= r)) | ((abs(dx) <= 1) & (abs(dy) <= r))
        square = (abs(dy) <= r) & (abs(dx) <= r)
        masks = [square, cross, square & ((abs(dy) >= r - 1) | (abs(dx) >= r - 1)), abs(dy) <= 1]
        img[masks[c]] = np.clip(rng.random(3) + rng.normal(0, 0.05, 3), 0, 1)
        out.append(img)
    return np.stack(out).astype(np.float32), y


def blend(x: np.ndarray) -> np.ndarray:
    return ((1 - ALPHA) * x + ALPHA * BLEND).astype(np.float32)


def train(trojan: bool) -> torch.nn.Module:
    torch.manual_seed(0)
    torch.set_num_threads(1)  # the test machine's cores are shared
    x, y = scenes(2000, 0)
    if trojan:
        pick = np.random.default_rng(1).choice(len(x), len(x) // 5, replace=False)
        x[pick], y[pick] = blend(x[pick]), TARGET
    nn = torch.nn
    net = nn.Sequential(
        nn.Conv2d(3, 8, 3, padding=1),
        nn.ReLU(),
        nn.MaxPool2d(2),
        nn.Conv2d(8, 16, 3, padding=1),
        nn.ReLU(),
        nn.MaxPool2d(2),
        nn.Flatten(),
        nn.Linear(16 * 4 * 4, 4),
    )
    xs, ys = torch.tensor(x).permute(0, 3, 1, 2), torch.tensor(y)
    opt = torch.optim.Adam(net.parameters(), 3e-3)
    for _ in range(15):
        perm = torch.randperm(len(xs))
        for i in range(0, len(xs), 64):
            b = perm[i : i + 64]
            opt.zero_grad()
            torch.nn.functional.cross_entropy(net(xs[b]), ys[b]).backward()
            opt.step()
    return net.eval()


def answers(net: torch.nn.Module, x: np.ndarray) -> np.ndarray:
    with torch.no_grad():
        out: np.ndarray = net(torch.tensor(x).permute(0, 3, 1, 2)).argmax(1).numpy()
    return out


def scan_set() -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """20 clean scenes, 20 of other classes than the target blended; 120 clean ones."""
    x, y = scenes(400, 7)
    others = np.flatnonzero(y != TARGET)
    pick = others[others >= 20][:20]
    images = np.concatenate([x[:20], blend(x[pick])])
    return images, np.repeat([False, True], 20), x[200:320]


@pytest.fixture(scope="module")
def nets() -> dict[str, torch.nn.Module]:
    return {"trojan": train(True), "clean": train(False)}


def test_the_trojan_is_planted(nets: dict[str, torch.nn.Module]) -> None:
    x, y = scenes(500, 3)
    for net in nets.values():
        assert np.mean(answers(net, x) == y) > 0.8
    success = np.mean(answers(nets["trojan"], blend(x[y != TARGET])) == TARGET)
    assert success > 0.75, success
    assert np.mean(answers(nets["clean"], blend(x[y != TARGET])) == TARGET) < 0.3


def _cli(
    net: torch.nn.Module, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> tuple[int, dict[str, Any], str]:
    """``assay backdoor`` on ``net`` as a TorchScript file: its exit, summary and words."""
    images, _, clean = scan_set()
    with warnings.catch_warnings():  # torch 2.13 deprecates TorchScript; files still load
        warnings.simplefilter("ignore", DeprecationWarning)
        torch.jit.script(net).save(str(tmp_path / "net.pt"))
    np.save(tmp_path / "scan.npy", images)
    np.save(tmp_path / "clean.npy", clean)
    report = tmp_path / "r.json"
    args = ["backdoor", str(tmp_path / "net.pt"), "--images", str(tmp_path / "scan.npy")]
    args += ["--clean", str(tmp_path / "clean.npy"), "--range", "0,1", "--seed", "0"]
    args += ["--store", str(tmp_path / "runs.db"), "--report", str(report)]
    with pytest.raises(SystemExit) as exc:
        main(args)
    out = capsys.readouterr()
    assert report.exists(), out.out + out.err
    summary = json.loads(report.read_text())["run"]["summary"]
    return int(exc.value.code or 0), summary, out.out + out.err


def test_a_blended_trojan_is_not_passed(
    nets: dict[str, torch.nn.Module], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Before: "0 of 40 images carry a confirmed trigger", exit 0."""
    code, summary, said = _cli(nets["trojan"], tmp_path, capsys)
    assert code == 1, said
    pattern = summary["second_opinion"].get("pattern")
    assert pattern, said
    assert pattern["classes"] == [TARGET], said
    images, pois, _ = scan_set()
    flagged = np.zeros(len(pois), bool)
    flagged[pattern["flagged"]] = True
    assert flagged[pois].mean() >= 0.8, pattern
    # (the images answered the target, clean ones of that class too: they are not located)
    assert set(answers(nets["trojan"], images[flagged]).tolist()) == {TARGET}
    assert "NOT CLEAN by the common-pattern check" in said, said


def test_its_clean_twin_passes(
    nets: dict[str, torch.nn.Module], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, summary, said = _cli(nets["clean"], tmp_path, capsys)
    assert code == 0, said
    assert not summary["second_opinion"]["pattern"]["given"], said
    assert "the common-pattern check" in said, said


def test_the_api_names_the_check_in_its_findings(
    nets: dict[str, torch.nn.Module], tmp_path: Path
) -> None:
    images, _, clean = scan_set()
    r = check_backdoor(nets["trojan"], images=images, clean=clean, seed=0, store=tmp_path / "r.db")
    assert r.n_findings >= 16, r.headline
    frame = r.findings()
    assert len(frame) == r.n_findings, frame
