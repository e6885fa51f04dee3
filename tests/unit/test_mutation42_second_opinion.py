"""STRIP's second opinion (bd41): its parts that the end-to-end tests left free (mutation42).

The bd41 tests run the opinion on one blended trojan and its clean twin; mutants that took
undecided or flagged images into it, misstated its cost (the budget it must leave), took
the calibration from one class, or judged images of a class one clean image is in, all
passed them."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest

import assay
from assay.backdoor.second import (
    BLENDS,
    CALIBRATION,
    LEAST,
    SAMPLE,
    by_class,
    cost,
    judged_classes,
    second_opinion,
    unconfirmed,
)
from assay.cli.app import main


def test_only_images_decided_and_not_flagged_are_unconfirmed() -> None:
    rows = [
        {"image": 0, "poisoned": False, "status": "done"},
        {"image": 1, "poisoned": False, "status": "budget"},  # undecided: not tested
        {"image": 2, "poisoned": True, "status": "done"},  # flagged by the scan already
        {"image": 3, "poisoned": False, "status": "unverified"},
        {"image": 4, "poisoned": False, "status": "done"},
    ]
    assert unconfirmed(rows) == [0, 4]


def test_the_cost_is_the_calibration_and_the_sample_blended() -> None:
    assert cost(100, 100) == (CALIBRATION + SAMPLE) * BLENDS  # 576: the option's help says so
    assert cost(5, 7) == (7 + 5) * BLENDS
    assert cost(SAMPLE + 1, CALIBRATION) == cost(SAMPLE, CALIBRATION)  # (the rest: if given)


def test_the_calibration_takes_each_class_in_turn() -> None:
    labels = np.asarray([0] * 90 + [1] * 10 + [2] * 3)
    chosen = by_class(np.arange(len(labels)), labels)
    assert len(chosen) == CALIBRATION
    assert len(set(chosen.tolist())) == CALIBRATION
    counts = np.bincount(labels[chosen], minlength=3).tolist()
    assert counts == [CALIBRATION - 13, 10, 3], counts  # every image of the small classes
    few = by_class(np.arange(5), np.asarray([0, 0, 1, 1, 1]))
    assert sorted(few.tolist()) == [0, 1, 2, 3, 4]  # fewer than CALIBRATION: all of them


def test_a_class_is_judged_when_enough_clean_images_are_in_it() -> None:
    classes = np.asarray([0] * (LEAST - 2) + [1] * (LEAST - 1) + [2] * LEAST)
    assert judged_classes(classes) == {1, 2}  # class 0: too few clean images to judge by


def _scores(x: np.ndarray) -> np.ndarray:
    """Random class probabilities, but class 0 for images whose top row is white (a blend
    adds and clips: a white row stays white): such images keep one answer under blending."""
    p: np.ndarray = np.random.default_rng(int(x.sum() * 1000) % 2**32).dirichlet(np.ones(4), len(x))
    p[np.all(x[:, 0, :, 0] >= 0.999, axis=1)] = [1.0, 0.0, 0.0, 0.0]
    return p


def _opinion(steady: int, labels: np.ndarray, n: int = 40) -> dict[str, object]:
    rng = np.random.default_rng(0)
    clean = rng.random((60, 4, 4, 1))
    images = rng.random((n, 4, 4, 1))
    images[:steady, 0] = 1.0
    pool, calib = np.arange(30), np.arange(30, 60)
    return second_opinion(
        images, labels, list(range(n)), clean, np.zeros(60, int), pool, calib, _scores, rng,
        lambda: 0,
    )  # fmt: skip


def test_images_of_a_class_no_clean_image_is_in_are_neither_counted_nor_flagged() -> None:
    """Steady images of class 3 (no clean image is): brighter than every clean one, read by
    a model of brightness, they keep their class under blending with no trojan."""
    labels = np.zeros(40, int)
    labels[:12] = 3
    alone = _opinion(12, labels)
    assert alone["low"] == 0 and not alone["given"] and alone["flagged"] == [], alone
    labels = np.zeros(40, int)
    labels[12:18] = 3  # 12 steady images of a judged class, 6 of one not judged
    mixed = _opinion(18, labels)
    assert mixed["given"] and mixed["flagged"] == list(range(12)), mixed


def test_as_few_low_images_as_clean_images_leave_are_no_opinion() -> None:
    """LEAST low images of 32 sampled, when 1 in 41 clean ones may be low: odds about 0.04,
    not under STRIP_ODDS: no opinion (with the odds ignored, or read as 0 from no clean image
    low, it was given)."""
    op = _opinion(LEAST, np.zeros(SAMPLE, int), n=SAMPLE)
    assert op["low"] == LEAST and op["clean_low"] == 0, op
    assert 0.01 < float(op["odds"]) < 0.2 and not op["given"], op
    more = _opinion(8, np.zeros(SAMPLE, int), n=SAMPLE)
    assert more["given"] and more["flagged"] == list(range(8)), more


def test_two_low_images_of_two_unconfirmed_are_no_opinion() -> None:
    """A scan that confirmed all but two images: both keep one answer; odds of 1 in 1,700
    for clean images, but an opinion wants LEAST low images (3)."""
    op = _opinion(2, np.zeros(2, int), n=2)
    assert op["low"] == 2 and float(op["odds"]) < 0.01 and not op["given"], op


def test_the_odds_are_of_the_images_judged_not_of_all_sampled() -> None:
    """4 low images of 12 judged (20 more sampled are of a class no clean image is in): odds
    about 2e-4 for clean images, an opinion; read against all 32 sampled, about 0.013: none."""
    labels = np.zeros(SAMPLE, int)
    labels[12:] = 3
    op = _opinion(4, labels, n=SAMPLE)
    assert op["sampled"] == 12 and op["low"] == 4, op
    assert op["given"] and op["flagged"] == [0, 1, 2, 3], op


def test_every_unconfirmed_image_is_blended_once_the_opinion_is_given() -> None:
    """40 unconfirmed images, all keeping one answer: the 32 sampled and the 8 left."""
    op = _opinion(40, np.zeros(40, int))
    assert op["given"] and op["flagged"] == list(range(40)), op


def test_strip_itself_asks_no_second_opinion(tmp_path: Path) -> None:
    """The opinion is of the default scan: a ``--strategy strip`` run blends every image
    already (asked again, its unflagged images cost up to 576 more queries, their flags
    said twice)."""
    w = np.random.default_rng(5).normal(size=(64, 4))

    def model(x: np.ndarray) -> np.ndarray:
        z = np.asarray(x, dtype=np.float64).reshape(len(x), -1) @ w
        p = np.exp(0.5 * (z - z.max(axis=1, keepdims=True)))
        out: np.ndarray = p / p.sum(axis=1, keepdims=True)
        return out

    rng = np.random.default_rng(1)
    r = assay.check_backdoor(
        model, images=rng.random((20, 8, 8)), clean=rng.random((100, 8, 8)), n_classes=4,
        strategy="strip", seed=0, store=tmp_path / "runs.db",
    )  # fmt: skip
    assert "second_opinion" not in r.summary and "second opinion" not in r.headline, r.headline


def test_a_run_whose_scan_confirmed_a_trigger_asks_the_opinion_after_its_recheck(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """The demo's trojan (a 3x3 patch): confirmed, the images are matched again
    (``recheck``) and then the opinion is asked on the rest (a blended second trigger would
    be found).  Skipped after a recheck, only runs that confirmed nothing asked it."""
    with pytest.raises(SystemExit):
        main(["backdoor", "--demo", "--store", str(tmp_path / "runs.db"), "--json"])
    doc = json.loads(capsys.readouterr().out)
    assert "1 distinct: trigger 0" in doc["headline"], doc["headline"]
    assert "STRIP's second opinion on 32 unconfirmed images" in doc["headline"], doc["headline"]


def test_the_opinion_comes_back_with_the_scans_state() -> None:
    """A run stopped after the opinion (in the ``again`` phase) and resumed: its opinion is
    in the state restored, and so in the resumed run's headline (it came back None: the
    strip-flag findings kept, the words saying why gone)."""
    import assay.backdoor.technique as technique
    from assay.backdoor.api import setup_backdoor
    from assay.backdoor.summary import summarise
    from assay.core.budget import BudgetedModel

    setup = setup_backdoor("builtin:trojan")
    search = technique.BackdoorSearch(
        setup.test, BudgetedModel(setup.model, cache_size=0), np.random.default_rng(0)
    )
    while search.phase != "second":
        search.step()
    ended = summarise(search)["headline"]  # (a run stopped before the opinion: said so)
    assert "STRIP's second opinion not asked (the run ended before it)" in ended, ended
    while search.phase != "again":
        search.step()
    assert isinstance(search.second, dict) and "given" in search.second, search.second
    again = technique.BackdoorSearch(
        setup.test, BudgetedModel(setup.model, cache_size=0), np.random.default_rng(0)
    )
    again.restore(search.snapshot())
    assert again.second == search.second
    assert "STRIP's second opinion on" in summarise(again)["headline"]


def test_an_image_flagged_by_the_opinion_is_as_severe_as_its_blends_are_steady(
    tmp_path: Path,
) -> None:
    """The ``strip-flag`` findings' severity: 1 at entropy 0, 0 at the line (``--fail-on``
    reads it; inverted, the steadiest images were the least severe)."""
    w = np.random.default_rng(5).normal(size=(64, 4))
    pattern = np.random.default_rng(7).random((8, 8)) < 0.5

    def model(x: np.ndarray) -> np.ndarray:
        v = np.asarray(x, dtype=np.float64).reshape(len(x), 8, 8)
        z = v.reshape(len(x), -1) @ w
        p = np.exp(0.5 * (z - z.max(axis=1, keepdims=True)))
        p = p / p.sum(axis=1, keepdims=True)
        p[v[:, pattern].mean(axis=1) - v[:, ~pattern].mean(axis=1) > 0.18] = [
            0.01,
            0.01,
            0.97,
            0.01,
        ]
        return p

    rng = np.random.default_rng(1)
    clean, images = rng.random((200, 8, 8)), rng.random((40, 8, 8))
    images[::2] = 0.5 * images[::2] + 0.5 * pattern
    r = assay.check_backdoor(
        model, images=images, clean=clean, n_classes=4, seed=0, store=tmp_path / "runs.db"
    )
    second = r.summary["second_opinion"]
    assert second["given"], second
    from assay.core.store import RunStore

    flags = [
        b for b in RunStore(tmp_path / "runs.db").iter_batches(r.run_id) if b.kind == "strip-flag"
    ]
    assert sum(len(b.severity) for b in flags) == len(second["flagged"]) > 0
    line = float(second["line"])
    for b in flags:
        for image, severity in zip(b.columns["image"], b.severity, strict=True):
            entropy = second["entropy"][str(int(image))]
            assert severity == pytest.approx(1.0 - entropy / line, abs=1e-4), (image, severity)


@pytest.mark.parametrize("short", [1, 0])
def test_the_opinion_is_asked_only_with_its_cost_and_the_last_asking_left(short: int) -> None:
    """Its fixed cost and the ``AGAIN`` images asked at the end: one query short, it is not
    asked (said why), so the end's asking again, which tells a model stuck midway from a
    steady one, keeps its queries; with both left, it is."""
    import assay.backdoor.technique as technique
    from assay.backdoor.again import AGAIN
    from assay.backdoor.api import setup_backdoor
    from assay.backdoor.common_pattern import most_queries
    from assay.core.budget import BudgetedModel

    setup = setup_backdoor("builtin:trojan")
    model = BudgetedModel(setup.model, cache_size=0)
    search = technique.BackdoorSearch(setup.test, model, np.random.default_rng(0))
    while search.phase != "second":
        search.step()
    _, calib = search._strip_split()
    left = unconfirmed(search.rows)
    # (and the common-pattern check's most, asked after a STRIP opinion not given: left44b;
    # the class-map and source-class checks' too: left48b)
    from assay.backdoor.class_map import most_map_queries
    from assay.backdoor.source_class import most_source_queries

    after = (
        most_queries(search.image_labels, left, search.clean_labels)
        + most_map_queries(left, search.windows, len(np.unique(search.clean_labels)))
        + most_source_queries(
            left,
            search.image_labels,
            search.windows,
            search.clean_labels,
            search.test.images.shape[1:],
        )
    )
    need = cost(len(left), len(calib)) + after + AGAIN
    model.max_queries = model.queries + need - short
    search.step()
    assert search.second is not None
    assert ("skipped" in search.second) == bool(short), search.second


def test_the_model_scan_refuses_the_second_opinions_flag(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """The model scan (no ``--images``) has no unconfirmed images: ``--no-second-opinion``
    typed for it is refused as the image scan's other options are (bd41 tested strip's)."""
    with pytest.raises(SystemExit) as ended:
        main(
            ["backdoor", "builtin:trojan", "--model-scan", "--no-second-opinion", "--store",
             str(tmp_path / "runs.db")]
        )  # fmt: skip
    err = capsys.readouterr().err
    assert ended.value.code == 2 and "--no-second-opinion is for scanning images" in err, err
