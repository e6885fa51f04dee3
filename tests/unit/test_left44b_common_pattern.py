"""The common-pattern check (``backdoor.common_pattern``) on a blend STRIP's superimposing
washes out (hostile44b: "0 of 40 images carry a confirmed trigger", exit 0, on a CNN whose 16
of 20 images blended at 20 % answered its target).  A fake answers class 2 when an image
holds a fixed pixel pattern at 12 % or more of its contrast; the images are bright (0.45-0.95),
so an image superimposed on a clean one (added and clipped) is white where the pattern was
and STRIP's second opinion sees nothing.  Its twin without the rule is the clean control."""

from __future__ import annotations

from pathlib import Path

import numpy as np

import assay
from assay.backdoor.common_pattern import BASES, CONFIRM, CONTROLS, common_pattern, most_queries
from assay.cli.app import main

W = np.random.default_rng(5).normal(size=(64, 4))
PATTERN = (np.random.default_rng(7).random((8, 8)) < 0.5).astype(float)
CENTRED = (PATTERN - PATTERN.mean()).reshape(-1)


def clean_model(x: np.ndarray) -> np.ndarray:
    z = (np.asarray(x, dtype=np.float64).reshape(len(x), -1) - 0.7) @ W
    p = np.exp(z - z.max(axis=1, keepdims=True))
    out: np.ndarray = p / p.sum(axis=1, keepdims=True)
    return out


def share(x: np.ndarray) -> np.ndarray:
    """How much of the pattern an image holds (1: the pattern itself)."""
    v = np.asarray(x, dtype=np.float64).reshape(len(x), -1)
    out: np.ndarray = (v - v.mean(axis=1, keepdims=True)) @ CENTRED / (CENTRED @ CENTRED)
    return out


def blend_trojan(x: np.ndarray) -> np.ndarray:
    p = clean_model(x)
    p[share(x) > 0.12] = [0.01, 0.01, 0.97, 0.01]
    return p


def _data() -> tuple[np.ndarray, np.ndarray]:
    rng = np.random.default_rng(1)
    clean, images = rng.uniform(0.45, 0.95, (200, 8, 8)), rng.uniform(0.45, 0.95, (40, 8, 8))
    images[1::2] = 0.8 * images[1::2] + 0.2 * PATTERN  # every odd image blended at 20 %
    return images, clean


def _scan(tmp_path: Path, model: object) -> assay.BackdoorResult:
    images, clean = _data()
    return assay.check_backdoor(
        model, images=images, clean=clean, n_classes=4, seed=0, store=tmp_path / "runs.db"
    )


def test_the_fake_is_a_blend_strip_does_not_see() -> None:
    images, clean = _data()
    assert np.all(blend_trojan(images[1::2]).argmax(axis=1) == 2)
    assert np.mean(blend_trojan(clean).argmax(axis=1) == clean_model(clean).argmax(axis=1)) == 1
    superimposed = np.clip(images[1::2, None] + clean[None, :20], 0, 1).reshape(-1, 8, 8)
    assert np.mean(share(superimposed) > 0.12) < 0.05


def test_a_blend_strip_washes_out_is_not_passed(tmp_path: Path) -> None:
    """Before: "0 of 40 images carry a confirmed trigger ... nothing more than clean images
    show", no finding (exit 0)."""
    r = _scan(tmp_path, blend_trojan)
    second = r.summary["second_opinion"]
    assert not second["given"], r.headline  # (STRIP's opinion sees nothing here)
    pattern = second["pattern"]
    assert pattern["classes"] == [2], pattern
    # every blended image, and the clean ones answered 2 (the class's images, not located)
    images, _ = _data()
    assert set(range(1, 40, 2)) <= set(pattern["flagged"]), pattern
    assert set(blend_trojan(images[pattern["flagged"]]).argmax(axis=1).tolist()) == {2}
    assert r.n_findings == len(pattern["flagged"]), r.headline
    assert "NOT CLEAN by the common-pattern check" in r.headline, r.headline
    frame = r.findings()
    assert len(frame) == r.n_findings and frame["pattern_flag"].all(), frame


def test_its_clean_twin_passes_and_the_cost_is_bounded(tmp_path: Path) -> None:
    r = _scan(tmp_path, clean_model)
    pattern = r.summary["second_opinion"]["pattern"]
    assert not pattern["given"] and r.n_findings == 0, r.headline
    images, clean = _data()
    labels = clean_model(images).argmax(axis=1)
    most = most_queries(labels, list(range(40)), clean_model(clean).argmax(axis=1))
    assert 0 < pattern["queries"] <= most <= 4 * (BASES + 2 * CONFIRM * (1 + CONTROLS))
    assert "the common-pattern check" in r.headline, r.headline


def test_the_command_line_exits_1_on_the_trojan_and_0_on_its_twin(tmp_path: Path) -> None:
    images, clean = _data()
    np.save(tmp_path / "scan.npy", images)
    np.save(tmp_path / "clean.npy", clean)
    (tmp_path / "models.py").write_text(
        "import sys\n"
        f"sys.path.insert(0, {str(Path(__file__).parent)!r})\n"
        "from test_left44b_common_pattern import blend_trojan, clean_model\n"
    )
    codes = []
    for fn in ("blend_trojan", "clean_model"):
        try:
            main(
                [
                    "backdoor",
                    f"{tmp_path / 'models.py'}:{fn}",
                    "--images",
                    str(tmp_path / "scan.npy"),
                    "--clean",
                    str(tmp_path / "clean.npy"),
                    "--classes",
                    "4",
                    "--seed",
                    "0",
                    "--store",
                    str(tmp_path / f"{fn}.db"),
                ]
            )
        except SystemExit as e:
            codes.append(e.code)
    assert codes == [1, 0]


def test_a_pattern_the_clean_images_answered_the_class_share_too_is_not_a_trigger() -> None:
    """``D`` is the scanned images' mean less the clean ones' of the same class: a class whose
    clean images hold the pattern as much as the scanned ones is not given."""
    rng = np.random.default_rng(3)
    images, clean = rng.uniform(0.45, 0.95, (40, 8, 8)), rng.uniform(0.45, 0.95, (200, 8, 8))
    images[1::2] = 0.8 * images[1::2] + 0.2 * PATTERN
    clean[::4] = 0.8 * clean[::4] + 0.2 * PATTERN
    labels = blend_trojan(images).argmax(axis=1)
    clean_labels = blend_trojan(clean).argmax(axis=1)
    record = common_pattern(
        images,
        labels,
        list(range(40)),
        clean,
        clean_labels,
        lambda x: blend_trojan(x).argmax(axis=1),
        np.random.default_rng(0),
        lambda: 0,
    )
    assert not record["given"], record


def test_the_headline_names_the_class_by_the_models_name(tmp_path: Path) -> None:
    images, clean = _data()
    names = ["ant", "bee", "cat", "dog"]
    r = assay.check_backdoor(
        blend_trojan, images=images, clean=clean, classes=names, seed=0, store=tmp_path / "r.db"
    )
    assert "images answered cat share a pattern" in r.headline, r.headline
