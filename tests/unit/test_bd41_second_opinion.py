"""STRIP's second opinion on the images the default scan did not confirm (bd41).

A trigger mixed into the whole image (a blend) has no patch for the default scan to find:
hostile41b's blended CNN got "0 of 40 images carry a confirmed trigger", exit 0, while STRIP
flagged 15 of its 20 blended images.  Here a fake model answers class 2 whenever an image
holds enough of a fixed pixel pattern (a blend of it at 50 %), and softly by a random
projection otherwise; its twin without the rule is the clean control."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

import assay
from assay.backdoor.second import LEAST, describe, second_opinion
from assay.cli.app import main

W = np.random.default_rng(5).normal(size=(64, 4))
PATTERN = np.random.default_rng(7).random((8, 8)) < 0.5


def clean_model(x: np.ndarray) -> np.ndarray:
    z = np.asarray(x, dtype=np.float64).reshape(len(x), -1) @ W
    p = np.exp(0.5 * (z - z.max(axis=1, keepdims=True)))
    out: np.ndarray = p / p.sum(axis=1, keepdims=True)
    return out


def blend_trojan(x: np.ndarray) -> np.ndarray:
    """Class 2 (a class of many clean images) when the pattern's pixels are brighter than
    the others by 0.18 (clean random images reach 0.17 at most here; blended ones 0.41 or
    more, and 0.17-0.25 still once superimposed on another clean image)."""
    v = np.asarray(x, dtype=np.float64).reshape(len(x), 8, 8)
    p = clean_model(x)
    p[v[:, PATTERN].mean(axis=1) - v[:, ~PATTERN].mean(axis=1) > 0.18] = [0.01, 0.01, 0.97, 0.01]
    return p


def _data() -> tuple[np.ndarray, np.ndarray]:
    rng = np.random.default_rng(1)
    clean, images = rng.random((200, 8, 8)), rng.random((40, 8, 8))
    images[::2] = 0.5 * images[::2] + 0.5 * PATTERN  # every even image blended
    return images, clean


def _scan(tmp_path: Path, model: object) -> assay.BackdoorResult:
    images, clean = _data()
    return assay.check_backdoor(
        model, images=images, clean=clean, n_classes=4, seed=0, store=tmp_path / "runs.db"
    )


def test_a_blended_trojan_the_patch_scan_misses_is_not_passed(tmp_path: Path) -> None:
    """Before: "0 of 40 images carry a confirmed trigger", no finding (exit 0)."""
    r = _scan(tmp_path, blend_trojan)
    assert r.headline.startswith("0 of 40 images carry a confirmed trigger"), r.headline
    assert "NOT CLEAN by STRIP's second opinion" in r.headline, r.headline
    second = r.summary["second_opinion"]
    assert second["given"] and second["flagged"], second
    assert all(i % 2 == 0 for i in second["flagged"])  # only blended images
    # (8 of the 20 at seed 0 since left47b drew the opinion's blends without replacement, 12
    # before: over seeds 0-11 a mean of 9.3 flagged both ways, every run given, 6-15 before
    # and 7-12 after, the clean twin flagging none)
    assert len(second["flagged"]) >= 8
    assert r.n_findings == len(second["flagged"])  # findings: the run is not a pass


def test_the_clean_twin_is_quiet_and_its_cost_is_fixed(tmp_path: Path) -> None:
    r = _scan(tmp_path, clean_model)
    second = r.summary["second_opinion"]
    assert not second["given"] and second["flagged"] == [], second
    assert "nothing more than clean images show" in r.headline, r.headline
    assert r.n_findings == 0
    # 40 clean images and 32 of the 40 unconfirmed images, 8 blends each; the rest not blended
    assert second["sampled"] == 32 and second["queries"] <= (40 + 32) * 8


def test_the_command_exits_1_on_the_blended_trojan_and_0_on_its_twin(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    codes = {}
    for name in ("blend_trojan", "clean_model"):
        codes[name] = _command(tmp_path, name)
        out = capsys.readouterr().out
        assert ("NOT CLEAN by STRIP's second opinion" in out) == (name == "blend_trojan"), out
    assert codes == {"blend_trojan": 1, "clean_model": 0}


def _scores(x: np.ndarray) -> np.ndarray:
    """Random class probabilities, but one answer for images whose top row is white (a
    blend adds and clips: a white row stays white)."""
    p: np.ndarray = np.random.default_rng(int(x.sum() * 1000) % 2**32).dirichlet(np.ones(4), len(x))
    p[np.all(x[:, 0, :, 0] >= 0.999, axis=1)] = [1.0, 0.0, 0.0, 0.0]
    return p


def test_the_opinion_wants_more_low_images_than_clean_ones_leave() -> None:
    rng = np.random.default_rng(0)
    clean = rng.random((60, 4, 4, 1))
    images = rng.random((40, 4, 4, 1))
    images[: LEAST - 1, 0] = 1.0  # too few steady images: no opinion
    pool, calib = np.arange(30), np.arange(30, 60)
    left, labels, clean_labels = list(range(40)), np.zeros(40, int), np.zeros(60, int)

    def opinion() -> dict[str, object]:
        return second_opinion(
            images, labels, left, clean, clean_labels, pool, calib, _scores, rng, lambda: 0
        )

    few = opinion()
    assert not few["given"] and few["flagged"] == [], few
    images[:12, 0] = 1.0
    many = opinion()
    assert many["given"] and many["flagged"] == list(range(12)), many
    assert "NOT CLEAN" in describe(many) and "NOT CLEAN" not in describe(few)
    assert describe(None) == "" and "not asked" in describe({"skipped": "the budget"})


def _command(tmp_path: Path, name: str, *extra: str) -> int:
    """``assay backdoor models.py:NAME`` on the images, its exit code."""
    images, clean = _data()
    np.save(tmp_path / "images.npy", images)
    np.save(tmp_path / "clean.npy", clean)
    (tmp_path / "models.py").write_text(
        Path(__file__).read_text(encoding="utf-8").split("def _data")[0], encoding="utf-8"
    )
    with pytest.raises(SystemExit) as ended:
        main(
            [
                "backdoor",
                f"{tmp_path / 'models.py'}:{name}",
                "--images",
                str(tmp_path / "images.npy"),
                "--clean",
                str(tmp_path / "clean.npy"),
                "--classes",
                "4",
                "--seed",
                "0",
                "--store",
                str(tmp_path / "runs.db"),
                *extra,
            ]
        )
    return int(ended.value.code or 0)


def test_no_second_opinion_turns_it_off_and_is_refused_with_strip(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code = _command(tmp_path, "blend_trojan", "--no-second-opinion")
    out = capsys.readouterr().out
    assert code == 0 and "second opinion" not in out, out  # as before bd41
    code = _command(tmp_path, "blend_trojan", "--no-second-opinion", "--strategy", "strip")
    err = capsys.readouterr().err
    assert code == 2 and "--no-second-opinion is for the default scan" in err, err
