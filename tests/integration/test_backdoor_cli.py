"""``assay backdoor`` end to end: ONNX and image files, bad inputs, kill -9 and resume."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import numpy as np
import pytest
from slowed_search import slowed, slowed_env

from assay.backdoor.demo import PlantedTrigger, checker, trojaned_digits
from assay.cli.app import main
from assay.core.store import RunStore

pytestmark = pytest.mark.slow

TRIGGER = PlantedTrigger(box=(0, 5, 3, 3), content=checker(3), target=1)


@pytest.fixture(scope="module")
def files(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """An ONNX trojaned digits model (64 inputs in 0..16), images as .npy and PNG folders."""
    from PIL import Image
    from skl2onnx import to_onnx

    d = trojaned_digits(seed=2, triggers=[TRIGGER])
    root = tmp_path_factory.mktemp("bd")
    onx = to_onnx(d.model, np.zeros((1, 64), dtype=np.float32), options={"zipmap": False})
    (root / "model.onnx").write_bytes(onx.SerializeToString())
    x, y = d.clean_images, d.clean_labels
    scan = x[200:230].copy()
    pois = (np.arange(30) % 2 == 0) & (y[200:230] != TRIGGER.target)
    scan[pois] = TRIGGER.apply(scan[pois])
    np.save(root / "clean.npy", x[:150, :, :, 0] * 16.0)
    np.savez(root / "scan.npz", images=scan * 16.0, labels=y[200:230])
    np.save(root / "poisoned_mask.npy", pois)
    for name, arr in (("pngs", scan), ("clean_pngs", x[:100])):
        (root / name).mkdir()
        for i, img in enumerate(arr):
            Image.fromarray((img[:, :, 0] * 255).round().astype(np.uint8)).save(
                root / name / f"{i:03d}.png"
            )
    (root / "empty").mkdir()
    (root / "bad").mkdir()
    (root / "bad" / "000.png").write_bytes(b"\x89PNG\r\n\x1a\nnot really a png")
    (root / "big").mkdir()
    for i in range(3):
        Image.fromarray(np.zeros((10, 10), dtype=np.uint8)).save(root / "big" / f"{i}.png")
    (root / "regress.py").write_text(
        "import numpy as np\n"
        "def score(x):\n"
        "    return np.asarray(x, dtype=float).reshape(len(x), -1).sum(axis=1)\n"
    )
    return root


def _cli(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str]:
    with pytest.raises(SystemExit) as exc:
        main(list(args))
    out = capsys.readouterr()
    return int(exc.value.code or 0), out.out + out.err


def test_onnx_model_with_npz_images(
    files: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    report = tmp_path / "r.json"
    code, out = _cli(
        capsys,
        "backdoor",
        str(files / "model.onnx"),
        "--images",
        str(files / "scan.npz"),
        "--clean",
        str(files / "clean.npy"),
        "--range",
        "0,16",
        "--seed",
        "0",
        "--store",
        str(tmp_path / "runs.db"),
        "--report",
        str(report),
        "--html",
        str(tmp_path / "r.html"),
        "--export-filter",
        str(tmp_path / "f.json"),
    )
    assert code == 1, out
    assert "-> class 1" in out and "extra queries per input" in out
    doc = json.loads(report.read_text())
    rows = doc["run"]["summary"]["rows"]
    pois = np.load(files / "poisoned_mask.npy")
    flagged = np.array([r["poisoned"] for r in rows])
    assert flagged[pois].mean() >= 0.9 and flagged[~pois].mean() <= 0.1
    assert "data:image/png;base64," in (tmp_path / "r.html").read_text()
    assert json.loads((tmp_path / "f.json").read_text())["format"] == "assay-backdoor-filter"


def test_png_folders(files: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, out = _cli(
        capsys,
        "backdoor",
        str(files / "model.onnx"),
        "--images",
        str(files / "pngs"),
        "--clean",
        str(files / "clean_pngs"),
        "--range",
        "0,16",
        "--seed",
        "0",
        "--store",
        str(tmp_path / "runs.db"),
    )
    assert code == 1, out
    assert "-> class 1" in out


@pytest.mark.parametrize(
    ("images", "clean", "expect"),
    [
        ("big", "big", "images are 10x10x1 (100 values) but the model takes 64"),
        ("empty", "clean_pngs", "empty: the folder holds no PNG or JPEG files"),
        ("bad", "clean_pngs", "000.png: not a readable image"),
        ("pngs", "big", "clean images are 10x10x1 but the model takes 8x8x1 images"),
    ],
)
def test_bad_images_exit_2_naming_the_problem(
    files: Path,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    images: str,
    clean: str,
    expect: str,
) -> None:
    code, out = _cli(
        capsys,
        "backdoor",
        str(files / "model.onnx"),
        "--images",
        str(files / images),
        "--clean",
        str(files / clean),
        "--store",
        str(tmp_path / "runs.db"),
    )
    assert code == 2, out
    assert expect in out.replace("\n", " ")


def test_model_without_class_scores_is_refused(
    files: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out = _cli(
        capsys,
        "backdoor",
        f"{files / 'regress.py'}:score",
        "--images",
        str(files / "pngs"),
        "--clean",
        str(files / "clean_pngs"),
        "--store",
        str(tmp_path / "runs.db"),
    )
    assert code in (2, 3), out
    assert "class scores" in out or "classes" in out


def _rows(store: Path, run_id: str) -> list[dict[str, object]]:
    s = RunStore(store)
    rows = s.get_run(run_id).summary["rows"]
    s.close()
    return [{k: v for k, v in r.items() if k != "seconds"} for r in rows]


def _findings(store: Path, run_id: str) -> list[tuple[int, ...]]:
    s = RunStore(store)
    out = [
        (int(b.columns["image"][i]), *map(int, b.columns["box"][i]), int(b.columns["target"][i]))
        for b in s.iter_batches(run_id)
        for i in range(len(b))
    ]
    s.close()
    return sorted(out)


def test_kill_then_resume_gives_the_same_findings(tmp_path: Path) -> None:
    args = ["backdoor", "builtin:trojan", "--strategy", "neo", "--seed", "4", "--quiet"]

    # checkpoints every 50 ms, so that the short search is killed half-way; the findings do
    # not depend on when checkpoints happen
    env = slowed_env({**os.environ, "ASSAY_CHECKPOINT_SECONDS": "0.05"})

    def run(store: Path, slow_ms: int = 0) -> subprocess.Popen[str]:
        argv = [*args, "--store", str(store)]
        return subprocess.Popen(
            slowed(argv, slow_ms) if slow_ms else [sys.executable, "-m", "assay", *argv],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
            text=True,
            env=env,
        )

    clean_store = tmp_path / "clean.db"
    p = run(clean_store)
    _, err = p.communicate(timeout=600)
    assert p.returncode in (0, 1), err
    # the scan to be killed waits 50 ms in each model call of its scan: the rest of the
    # images once took less than a look at the store (tried up to 5 times then); now about
    # 20 s, so it cannot end between the first unit seen done and the kill (flaky50)
    crash = tmp_path / "crash.db"
    p = run(crash, slow_ms=50)
    deadline, killed = time.monotonic() + 300, False
    while time.monotonic() < deadline and p.poll() is None:
        time.sleep(0.01)
        if not crash.exists():
            continue
        try:
            s = RunStore(crash)
            runs = s.list_runs()
            done = runs[0].progress.get("done_units", 0) if runs else 0
            s.close()
        except Exception:
            continue
        if isinstance(done, int) and done >= 1:
            os.kill(p.pid, signal.SIGKILL)
            killed = True
            break
    p.communicate(timeout=60)
    assert killed, "the scan ended before it could be killed"
    s = RunStore(crash)
    run_id = s.list_runs()[0].id
    assert s.get_run(run_id).status == "running"  # (killed mid-scan)
    s.close()
    resumed = subprocess.run(
        [sys.executable, "-m", "assay", "resume", run_id, "--store", str(crash), "--quiet"],
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert resumed.returncode in (0, 1), resumed.stderr
    s = RunStore(clean_store)
    clean_id = s.list_runs()[0].id
    s.close()
    assert _findings(crash, run_id) == _findings(clean_store, clean_id)
    assert len(_findings(crash, run_id)) > 0
    assert _rows(crash, run_id) == _rows(clean_store, clean_id)


def test_api_findings_frame_in_the_user_s_terms(files: Path, tmp_path: Path) -> None:
    """``result.findings()``: one row per flagged image, named by its file, with the model's
    class names; the same method as the other techniques' results."""
    import assay

    r = assay.check_backdoor(
        str(files / "model.onnx"),
        images=str(files / "pngs"),
        clean=str(files / "clean_pngs"),
        value_range="0,16",
        seed=0,
        store=tmp_path / "runs.db",
    )
    frame = r.findings()
    flagged = [row for row in r.summary["rows"] if row["poisoned"]]
    assert len(frame) == len(flagged) > 0
    pois = np.load(files / "poisoned_mask.npy")
    assert frame["name"].str.endswith(".png").all()
    assert pois[[int(n[:3]) for n in frame["name"]]].mean() >= 0.9  # the files poisoned
    assert (frame["target"].astype(str) == "1").all()
    assert {"box", "flip_rate", "corrected", "queries"} <= set(frame.columns)
    assert len(r.findings(limit=2)) == 2


def test_a_filter_can_be_written_without_the_clean_images(
    files: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """The filter file carries clean images by default; --no-filter-images writes none (images
    that must not leave their place): the filter still loads, blocks the trigger and says in
    the rerun line that it was asked so; alone, the option is refused (nothing to hold)."""
    from assay.backdoor.filter import load_filter
    from assay.models import load_model

    common = ["backdoor", str(files / "model.onnx"), "--images", str(files / "scan.npz")]
    common += ["--clean", str(files / "clean.npy"), "--range", "0,16", "--seed", "0"]
    common += ["--store", str(tmp_path / "runs.db")]
    code, out = _cli(capsys, *common, "--no-filter-images")
    assert code == 2 and "no filter file was asked for" in out and "--export-filter" in out, out
    assert not (tmp_path / "runs.db").exists()
    for name, extra in (("with.json", []), ("without.json", ["--no-filter-images"])):
        code, out = _cli(capsys, *common, "--export-filter", str(tmp_path / name), *extra)
        assert code == 1, out
    assert json.loads((tmp_path / "with.json").read_text())["references"] is not None
    doc = json.loads((tmp_path / "without.json").read_text())
    assert doc["references"] is None and doc["triggers"]
    filt = load_filter(tmp_path / "without.json", load_model(str(files / "model.onnx")))
    scan = np.load(files / "scan.npz")["images"]  # as the model takes them: 64 values, 0..16
    pois = np.load(files / "poisoned_mask.npy")
    _, flags = filt.predict_flagged(scan.reshape(len(scan), -1).astype(np.float32))
    assert flags[pois].mean() >= 0.9 and not flags[~pois].any()
    with RunStore(tmp_path / "runs.db", read_only=True) as store:
        last = store.list_runs()[0]
    assert "--no-filter-images" in last.command and last.config["filter_images"] is False
