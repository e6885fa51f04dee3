"""``assay verify`` on backdoor runs, and image folders as users keep them (torchvision's
ImageFolder), end to end through the CLI (fourteenth session, hostile review)."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import numpy as np
import pytest

from assay.backdoor.demo import PlantedTrigger, checker, trojaned_digits
from assay.cli.app import main

pytestmark = pytest.mark.slow

TRIGGER = PlantedTrigger(box=(0, 5, 3, 3), content=checker(3), target=1)


@pytest.fixture(scope="module")
def files(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A trojaned and a clean ONNX digits model (64 inputs in 0..16); the images to scan in
    class subfolders named by their true digit, the clean images in a flat folder."""
    from PIL import Image
    from skl2onnx import to_onnx

    root = tmp_path_factory.mktemp("bdv")
    for name, clean in (("model.onnx", False), ("fixed.onnx", True)):
        d = trojaned_digits(seed=2, triggers=[TRIGGER], clean=clean)
        onx = to_onnx(d.model, np.zeros((1, 64), dtype=np.float32), options={"zipmap": False})
        (root / name).write_bytes(onx.SerializeToString())
    x, y = d.clean_images, d.clean_labels
    scan, sy = x[200:230].copy(), y[200:230]
    pois = (np.arange(30) % 2 == 0) & (sy != TRIGGER.target)
    scan[pois] = TRIGGER.apply(scan[pois])
    for i, img in enumerate(scan):
        folder = root / "suspects" / str(sy[i])
        folder.mkdir(parents=True, exist_ok=True)
        Image.fromarray((img[:, :, 0] * 255).round().astype(np.uint8)).save(folder / f"s{i}.png")
    (root / "clean").mkdir()
    for i, img in enumerate(x[:100]):
        pixels = (img[:, :, 0] * 255).round().astype(np.uint8)
        Image.fromarray(pixels).save(root / "clean" / f"c{i:03d}.png")
    np.save(root / "clean.npy", x[:100, :, :, 0] * 16.0)
    np.save(root / "scan.npy", scan[:, :, :, 0] * 16.0)
    return root


def _cli(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str]:
    with pytest.raises(SystemExit) as exc:
        main(list(args))
    out = capsys.readouterr()
    return int(exc.value.code or 0), out.out + out.err


def _backdoor(model: Path | str, tmp: Path) -> list[str]:
    """``assay backdoor MODEL`` with the digits' value range and the test's run store."""
    return ["backdoor", str(model), "--range", "0,16", "--store", str(tmp / "runs.db")]


def _scan(files: Path, tmp: Path, capsys: pytest.CaptureFixture[str], model: Path) -> str:
    code, out = _cli(
        capsys,
        *_backdoor(model, tmp),
        "--images",
        str(files / "suspects"),
        "--clean",
        str(files / "clean"),
        "--seed",
        "0",
        "--report",
        str(tmp / "r.json"),
    )
    assert code == 1, out
    return str(json.loads((tmp / "r.json").read_text())["run"]["id"])


def test_an_image_folder_is_scanned_with_its_subfolders_as_labels_and_verified(
    files: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    model = tmp_path / "model.onnx"
    shutil.copy(files / "model.onnx", model)
    run = _scan(files, tmp_path, capsys, model)
    rows = json.loads((tmp_path / "r.json").read_text())["run"]["summary"]["rows"]
    assert rows[0]["name"].startswith("0/s") and rows[0]["true_label"] == 0
    assert {r["true_label"] for r in rows} == {int(r["name"].split("/")[0]) for r in rows}
    flagged = [r for r in rows if r["poisoned"]]
    assert len(flagged) >= 8
    right = sum(r["corrected"] == r["true_label"] for r in flagged)
    summary = json.loads((tmp_path / "r.json").read_text())["run"]["summary"]
    assert (
        f"corrected label = true label for {right} of {len(flagged)} flagged"
        in (summary["headline"])
    )
    assert right >= len(flagged) - 2  # the subfolders are the digits: the labels line up
    store = str(tmp_path / "runs.db")
    code, out = _cli(capsys, "verify", run, "--store", store)
    assert code == 1, out
    assert f"{len(flagged)} of {len(flagged)} stored findings still hold" in out, out
    # the model retrained without the trigger: none holds, exit 0
    code, out = _cli(capsys, "verify", run, "--store", store, "--model", str(files / "fixed.onnx"))
    assert code == 0, out
    assert f"0 of {len(flagged)} stored findings still hold against " in out, out
    # the file at the run's path replaced by the retrained model: said, and replayed on it
    shutil.copy(files / "fixed.onnx", model)
    code, out = _cli(capsys, "verify", run, "--store", store)
    assert code == 0 and "which changed since the run started" in out, out


def test_a_run_of_arrays_in_memory_is_not_a_pass_from_the_cli(
    files: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from assay.backdoor.api import check_backdoor, replay_backdoor_run
    from assay.core.store import RunStore

    clean = np.load(files / "clean.npy")
    result = check_backdoor(
        str(files / "model.onnx"),
        images=np.load(files / "scan.npy"),
        clean=clean,
        value_range="0,16",
        seed=0,
        store=tmp_path / "runs.db",
    )
    assert result.n_findings >= 8
    code, out = _cli(capsys, "verify", result.run_id, "--store", str(tmp_path / "runs.db"))
    assert code == 2 and "given in memory" in out and "nothing was tested" in out, out
    with RunStore(tmp_path / "runs.db") as store:
        record = store.get_run(result.run_id)
        again = replay_backdoor_run(store, record, clean=clean)
    assert (again.total, again.still_failing, again.skipped) == (
        result.n_findings,
        result.n_findings,
        0,
    )


def test_a_subfolder_naming_no_class_is_refused_naming_it(
    files: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    suspects = tmp_path / "suspects"
    shutil.copytree(files / "suspects", suspects)
    next(d for d in sorted(suspects.iterdir()) if d.name != "0").rename(suspects / "cat")
    code, out = _cli(
        capsys,
        *_backdoor(files / "model.onnx", tmp_path),
        "--images",
        str(suspects),
        "--clean",
        str(files / "clean"),
    )
    assert code == 2, out
    assert "'cat' names no class of the model" in out and "0 to 9" in out, out


def test_a_transparent_png_is_refused_naming_it(
    files: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from PIL import Image

    clean = tmp_path / "clean"
    shutil.copytree(files / "clean", clean)
    im = Image.open(clean / "c007.png").convert("RGBA")
    im.putpixel((3, 3), (0, 0, 0, 0))
    im.save(clean / "c007.png")
    code, out = _cli(
        capsys,
        *_backdoor(files / "model.onnx", tmp_path),
        "--clean",
        str(clean),
    )
    assert code == 2 and "c007.png has transparent pixels (1 of 64" in out, out


def test_a_model_answering_labels_only_is_scanned_given_its_classes(
    files: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """A black box that answers its top class only (a served model, a wrapper): refused
    with what to give (it was refused as 'not class scores'), scanned with --classes, and
    its run verified (the number of classes kept with the run)."""
    (tmp_path / "answers.py").write_text(
        "import numpy as np\n"
        "import onnxruntime as ort\n"
        f"_s = ort.InferenceSession({str(files / 'model.onnx')!r})\n"
        "def top(x):\n"
        "    x = np.asarray(x, dtype=np.float32).reshape(len(x), 64)\n"
        "    return np.asarray(_s.run(None, {_s.get_inputs()[0].name: x})[1]).argmax(axis=1)\n"
    )
    args = [
        *_backdoor(f"{tmp_path / 'answers.py'}:top", tmp_path),
        "--images",
        str(files / "suspects"),
        "--clean",
        str(files / "clean"),
        "--input-shape",
        "64",
        "--seed",
        "0",
        "--report",
        str(tmp_path / "r.json"),
    ]
    code, out = _cli(capsys, *args)
    assert code == 2 and "argument --classes" in out and "labels only" in out, out
    code, out = _cli(capsys, *args, "--classes", "10")
    assert code == 1 and "-> class 1" in out, out
    run = json.loads((tmp_path / "r.json").read_text())["run"]["id"]
    code, out = _cli(capsys, "verify", run, "--store", str(tmp_path / "runs.db"))
    assert code == 1 and "still hold" in out, out


def test_grey_images_saved_as_rgb_beside_grey_clean_images_are_scanned(
    files: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Images saved as RGB (an export, a screenshot tool) beside grey clean images were
    refused as 'images are 8x8x3 but clean images are 8x8x1' unless --input-shape was given,
    though the model declares its input (64 values: grey)."""
    from PIL import Image

    rgb = tmp_path / "rgb"
    for f in sorted((files / "suspects").rglob("*.png")):
        target = rgb / f.relative_to(files / "suspects")
        target.parent.mkdir(parents=True, exist_ok=True)
        Image.open(f).convert("RGB").save(target)
    code, out = _cli(
        capsys,
        *_backdoor(files / "model.onnx", tmp_path),
        "--images",
        str(rgb),
        "--clean",
        str(files / "clean"),
        "--seed",
        "0",
    )
    assert code == 1 and "-> class 1" in out, out


def test_one_flagged_image_reads_no_mean_over_unflagged_images(
    files: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """One image, flagged: the headline read '0.0 queries per unflagged image' (a mean over
    no image, and a flattering one)."""
    one = next((files / "suspects").rglob("s0.png"))  # poisoned (even index, not class 1)
    code, out = _cli(
        capsys,
        *_backdoor(files / "model.onnx", tmp_path),
        "--images",
        str(one),
        "--clean",
        str(files / "clean"),
        "--report",
        str(tmp_path / "r.json"),
    )
    assert code == 1 and "1 of 1 images carry a confirmed trigger" in out, out
    assert "per unflagged image" not in out and " queries per image" in out, out
    metrics = json.loads((tmp_path / "r.json").read_text())["run"]["summary"]["metrics"]
    assert "queries per unflagged image of its own scan only (mean)" not in metrics


def test_a_verify_that_skipped_a_finding_and_found_none_holding_is_not_a_pass(
    files: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Findings replayed on the retrained model all gone, one more that could not be asked:
    exit 2 (a trigger never asked may still fire), never 0."""
    from assay.core.findings import FindingBatch
    from assay.core.store import RunStore

    run = _scan(files, tmp_path, capsys, files / "model.onnx")
    with RunStore(tmp_path / "runs.db") as store:
        record = store.get_run(run)
        first = next(iter(store.iter_batches(run)))
        store.checkpoint(
            record.id,
            findings=[
                FindingBatch(
                    kind="backdoor-trigger",
                    inputs=first.inputs[:1],
                    outputs=first.outputs[:1],
                    severity=first.severity[:1],
                    columns={"image": np.asarray([0])},  # no box: cannot be pasted
                )
            ],
        )
    args = ["verify", run, "--store", str(tmp_path / "runs.db"), "--model"]
    code, out = _cli(capsys, *args, str(files / "fixed.onnx"))
    assert code == 2, out
    assert "0 of " in out and "1 stored findings were not replayed" in out, out
    assert "not everything was tested" in out, out
    code, out = _cli(capsys, *args, str(files / "model.onnx"))
    assert code == 1, out  # the others still hold: a fail, whatever was skipped


def test_a_labels_file_gives_the_true_labels_and_its_bad_lines_are_named(
    files: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    names = sorted(
        f.relative_to(files / "suspects").as_posix() for f in (files / "suspects").rglob("*.png")
    )
    lines = [f"{n},{(int(n.split('/')[0]) + 1) % 10}" for n in names]  # not the subfolders'
    (tmp_path / "labels.csv").write_text("name,label\n" + "\n".join(lines) + "\n")
    (tmp_path / "bad.csv").write_text("\n".join([*lines[:-1], f"{names[-1]},cat"]) + "\n")
    args = [
        *_backdoor(files / "model.onnx", tmp_path),
        "--images",
        str(files / "suspects"),
        "--clean",
        str(files / "clean"),
        "--seed",
        "0",
        "--report",
        str(tmp_path / "r.json"),
        "--labels",
    ]
    code, out = _cli(capsys, *args, str(tmp_path / "bad.csv"))
    assert code == 2 and f"bad.csv:{len(names)}: the label 'cat' names no class" in out, out
    code, out = _cli(capsys, *args, str(tmp_path / "labels.csv"))
    assert code == 1, out
    rows = json.loads((tmp_path / "r.json").read_text())["run"]["summary"]["rows"]
    assert [r["true_label"] for r in rows] == [int(line.split(",")[1]) for line in lines]
    code, out = _cli(
        capsys,
        *_backdoor(files / "model.onnx", tmp_path),
        "--clean",
        str(files / "clean"),
        "--labels",
        str(tmp_path / "labels.csv"),
    )
    assert code == 2 and "a model scan (no images) takes none" in out, out


def test_a_run_whose_clean_images_are_gone_is_said_so(
    files: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    clean = tmp_path / "clean"
    shutil.copytree(files / "clean", clean)
    code, out = _cli(
        capsys,
        *_backdoor(files / "model.onnx", tmp_path),
        "--images",
        str(files / "suspects"),
        "--clean",
        str(clean),
        "--report",
        str(tmp_path / "r.json"),
    )
    assert code == 1, out
    shutil.rmtree(clean)
    run = json.loads((tmp_path / "r.json").read_text())["run"]["id"]
    code, out = _cli(capsys, "verify", run, "--store", str(tmp_path / "runs.db"))
    assert code == 2 and f"the run's clean images ({clean}) are gone" in out, out
    assert "nothing was tested" in out and "asked again" not in out, out


def test_a_list_of_image_paths_is_read_as_the_files(files: Path, tmp_path: Path) -> None:
    """``images=glob.glob(...)`` in the API: it was read as an array of strings ('array has
    shape (5,)')."""
    from assay.backdoor.api import setup_backdoor
    from assay.errors import UsageError

    paths = sorted(str(f) for f in (files / "suspects").rglob("*.png"))[:5]
    setup = setup_backdoor(
        str(files / "model.onnx"), images=paths, clean=str(files / "clean"), value_range="0,16"
    )
    assert setup.test.images is not None and setup.test.images.shape == (5, 8, 8, 1)
    assert list(setup.test.image_names or []) == paths
    (tmp_path / "notes.txt").write_text("not an image")
    with pytest.raises(UsageError, match="not an image file") as exc:
        setup_backdoor(
            str(files / "model.onnx"),
            images=[*paths, str(tmp_path / "notes.txt")],
            clean=str(files / "clean"),
            value_range="0,16",
        )
    assert exc.value.path == str(tmp_path / "notes.txt")


def test_an_npz_label_outside_the_models_classes_is_refused(files: Path, tmp_path: Path) -> None:
    """An .npz's labels were never checked against the model: a label 12 for a 10-class
    model scored the corrected labels wrong, silently."""
    from assay.backdoor.api import setup_backdoor
    from assay.errors import UsageError

    scan = np.load(files / "scan.npy")
    labels = np.zeros(len(scan), dtype=np.int64)
    labels[4] = 12
    np.savez(tmp_path / "scan.npz", images=scan, labels=labels)
    with pytest.raises(UsageError, match=r"true label 12 \(image 4\) is not a class") as exc:
        setup_backdoor(
            str(files / "model.onnx"),
            images=str(tmp_path / "scan.npz"),
            clean=str(files / "clean.npy"),
            value_range="0,16",
        )
    assert exc.value.argument == "--images"
