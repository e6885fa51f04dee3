"""A notebook user's images and labels through ``assay.check_backdoor``: true labels given by
the model's own class names (as its predictions are), not only as class indices."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np
import pytest

import assay
from assay.backdoor.demo import PlantedTrigger, checker, trojaned_digits

pytestmark = pytest.mark.slow

WORDS = np.array(["zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine"])


@pytest.fixture(scope="module")
def named() -> tuple[Any, np.ndarray, np.ndarray, np.ndarray]:
    """A trojaned digits model answering names, 20 poisoned images, their true labels by
    name, and clean images (all 0..16, the model's range)."""
    trig = PlantedTrigger(box=(5, 5, 3, 3), content=checker(3), target=7)
    d = trojaned_digits(seed=0, triggers=[trig])

    def predict(batch: Any) -> np.ndarray:
        rows = np.asarray(batch, dtype=np.float64).reshape(len(batch), -1)
        out: np.ndarray = WORDS[d.model.predict_proba(rows).argmax(axis=1)]
        return out

    predict.classes_ = list(WORDS)  # type: ignore[attr-defined]
    x, y = d.clean_images, d.clean_labels
    keep = np.flatnonzero(y[200:] != 7)[:20] + 200
    return predict, trig.apply(x[keep]) * 16, WORDS[y[keep]], x[:60] * 16


def _scan(model: Any, images: np.ndarray, labels: Any, clean: np.ndarray, tmp: Path) -> Any:
    return assay.check_backdoor(
        model,
        images=images,
        clean=clean,
        labels=labels,
        input_shape="64",
        value_range="0,16",
        seed=1,
        store=tmp / "s.db",
    )


def test_true_labels_by_the_models_class_names(
    named: tuple[Any, np.ndarray, np.ndarray, np.ndarray], tmp_path: Path
) -> None:
    model, images, labels, clean = named
    result = _scan(model, images, labels, clean, tmp_path)
    frame = result.findings()
    assert len(frame) >= 18  # the planted trigger is found on (nearly) every image
    assert set(frame["target"]) == {"seven"}
    assert list(frame["true_label"]) == list(labels[frame["image"].to_numpy()])


def test_a_true_label_that_is_no_class_is_a_usage_error(
    named: tuple[Any, np.ndarray, np.ndarray, np.ndarray], tmp_path: Path
) -> None:
    model, images, labels, clean = named
    wrong = labels.copy()
    wrong[3] = "sevn"
    with pytest.raises(assay.UsageError, match="'sevn'"):
        _scan(model, images, wrong, clean, tmp_path)


def test_pil_images_are_read_as_image_files_are(
    named: tuple[Any, np.ndarray, np.ndarray, np.ndarray], tmp_path: Path
) -> None:
    """A list of PIL images in palette mode ('P', as many PNGs are) is read by its colours,
    not its palette indices; a single PIL image is one image."""
    from PIL import Image

    model, images, _, clean = named
    grey = [Image.fromarray(np.round(a[..., 0] * 255 / 16).astype(np.uint8)) for a in images]
    palette = [im.convert("RGB").convert("P", palette=Image.Palette.ADAPTIVE) for im in grey]
    kw: dict[str, Any] = {"input_shape": "64", "value_range": "0,16", "seed": 1}
    by_grey = assay.check_backdoor(model, images=grey, clean=clean, store=tmp_path / "a.db", **kw)
    by_palette = assay.check_backdoor(
        model, images=palette, clean=clean, store=tmp_path / "b.db", **kw
    )
    a, b = by_grey.findings(), by_palette.findings()
    assert len(a) >= 18
    assert list(a["prediction"]) == list(b["prediction"])
    one = assay.check_backdoor(model, images=grey[0], clean=clean, store=tmp_path / "c.db", **kw)
    assert one.summary["metrics"]["images scanned"] == 1


MODEL_FILE = """
import os
import numpy as np
from assay.backdoor.demo import PlantedTrigger, checker, trojaned_digits

_T = PlantedTrigger(box=(5, 5, 3, 3), content=checker(3), target=7)
_D = trojaned_digits(seed=0, triggers=[_T])
_CALLS = [0]

def predict(x):
    _CALLS[0] += 1
    if _CALLS[0] == 30 and os.path.exists(os.environ["FAIL_FLAG"]):
        raise RuntimeError("the GPU went away")
    return _D.model.predict_proba(np.asarray(x, dtype=float).reshape(len(x), -1))
"""


def test_a_backdoor_run_is_not_resumed_on_other_images(
    named: tuple[Any, np.ndarray, np.ndarray, np.ndarray],
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """The images file replaced between a stop and the resume: the findings of two image
    sets would be mixed in one run (it resumed silently); refused like a changed data file."""
    _, images, _, clean = named
    (tmp_path / "tro.py").write_text(MODEL_FILE, encoding="utf-8")
    flag = tmp_path / "fail"
    flag.touch()
    monkeypatch.setenv("FAIL_FLAG", str(flag))
    np.save(tmp_path / "imgs.npy", images[..., 0])
    np.save(tmp_path / "clean.npy", clean[..., 0])
    store = tmp_path / "s.db"
    with pytest.raises(assay.ModelError):
        assay.check_backdoor(
            f"{tmp_path / 'tro.py'}:predict",
            images=tmp_path / "imgs.npy",
            clean=tmp_path / "clean.npy",
            input_shape="64",
            value_range="0,16",
            seed=1,
            store=store,
        )
    (run,) = assay.RunStore(store).list_runs()
    flag.unlink()
    np.save(tmp_path / "imgs.npy", clean[:20, ..., 0])  # other images, same shape
    with pytest.raises(assay.UsageError, match="images"):
        assay.resume_run(run.id, store=store)
    np.save(tmp_path / "imgs.npy", images[..., 0])  # put back: the run resumes
    assert assay.resume_run(run.id, store=store).n_findings >= 18


def test_images_far_below_the_models_range_are_refused(
    named: tuple[Any, np.ndarray, np.ndarray, np.ndarray], tmp_path: Path
) -> None:
    """Floats in 0..1 for a model that takes 0..16: every image near black (a scale mistake
    no answer reveals); refused like values above the range."""
    model, images, _, clean = named
    with pytest.raises(assay.UsageError, match="range"):
        assay.check_backdoor(
            model,
            images=images / 16,
            clean=clean / 16,
            input_shape="64",
            value_range="0,16",
            seed=1,
            store=tmp_path / "s.db",
        )


def test_a_run_on_images_in_memory_resumes_with_them_given_again(
    named: tuple[Any, np.ndarray, np.ndarray, np.ndarray], tmp_path: Path
) -> None:
    """A run on arrays (not files) said 'resume it from the API', but ``resume_run`` took no
    images: it could not be resumed at all.  Now they are given again, and must be the
    same (a digest is kept, never the images)."""
    predict, images, _, clean = named
    failing, calls = [True], [0]

    def flaky(batch: Any) -> np.ndarray:
        calls[0] += 1
        if failing[0] and calls[0] == 30:
            raise RuntimeError("the endpoint went away")
        out: np.ndarray = predict(batch)
        return out

    flaky.classes_ = list(WORDS)  # type: ignore[attr-defined]
    store = tmp_path / "s.db"
    with pytest.raises(assay.ModelError):
        assay.check_backdoor(
            flaky, images=images, clean=clean, input_shape="64", value_range="0,16", seed=1,
            store=store,
        )  # fmt: skip
    (run,) = assay.RunStore(store).list_runs()
    assert "sha256" in run.config["arrays"]["images"]  # a digest, not the images
    failing[0] = False
    with pytest.raises(assay.UsageError, match=r"resume_run\(.*images=\.\.\., clean=\.\.\."):
        assay.resume_run(run.id, store=store, model=flaky)
    with pytest.raises(assay.UsageError, match="not those run"):
        assay.resume_run(run.id, store=store, model=flaky, images=images[::-1], clean=clean)
    result = assay.resume_run(run.id, store=store, model=flaky, images=images, clean=clean)
    assert result.status == "completed" and result.n_findings >= 18
