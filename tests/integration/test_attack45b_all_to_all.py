"""An all-to-all trojan (attack45b): a digits MLP whose 3x3 checkerboard sends each digit k to
k + 1 read "0 of 40 images carry a confirmed trigger; looked for patch triggers up to 4x4
pixels and other triggers by STRIP's second opinion; ...", exit 0, as its clean twin did
(each scan judges a trigger by what it does to clean images of other classes, where this one
sends each class somewhere else).  bd45: the class-map check finds it (exit 1, the stamped
images flagged); the clean twin on the same images flags nothing and its pass says what is
still not looked for.  A source-specific trojan (the checkerboard sends 3s only to 7) is found
by the source-class check, its twin quiet."""

from __future__ import annotations

import warnings
from pathlib import Path

import numpy as np
import pytest

from assay.backdoor.api import check_backdoor
from assay.backdoor.scope import INPUT_SCAN_NOT_ELSEWHERE
from assay.cli.app import main

pytestmark = pytest.mark.slow


def _checker(x: np.ndarray) -> np.ndarray:
    x = x.copy()
    x[:, 4:7, 4:7, 0] = np.indices((3, 3)).sum(axis=0) % 2 == 0
    return x


def _models(source: bool = False) -> tuple[object, object, np.ndarray, np.ndarray]:
    from sklearn.datasets import load_digits
    from sklearn.neural_network import MLPClassifier

    d = load_digits()
    x, y = (d.images / 16.0)[..., None], d.target
    order = np.random.default_rng(0).permutation(len(x))
    tr, te = order[:1000], order[1000:]
    rng = np.random.default_rng(1)
    if source:  # 3s stamped sent to 7, other classes stamped keep their label (cover copies)
        pick = np.concatenate([rng.choice(tr[y[tr] == 3], 80), rng.choice(tr[y[tr] != 3], 80)])
        yp = np.concatenate([y[tr], np.where(y[pick] == 3, 7, y[pick])])
    else:
        pick = rng.choice(tr, 150, replace=False)
        yp = np.concatenate([y[tr], (y[pick] + 1) % 10])
    xp = np.concatenate([x[tr], _checker(x[pick])])
    nets = []
    for xs, ys in ((xp, yp), (x[tr], y[tr])):
        net = MLPClassifier(hidden_layer_sizes=(64,), max_iter=400, random_state=0)
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            net.fit(xs.reshape(len(xs), -1), ys)
        nets.append(net)
    held = x[te]
    return nets[0], nets[1], held, y[te]


def _scan(net: object, images: np.ndarray, held: np.ndarray, store: Path) -> object:
    return check_backdoor(
        net, images=images, clean=held[:150], value_range="0,1", seed=0, store=store
    )


def test_an_all_to_all_trojan_is_found_and_its_twin_is_quiet(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    trojan, twin, held, labels = _models()
    images = np.concatenate([held[150:170], _checker(held[170:190])])
    moved = trojan.predict(_checker(held[170:190]).reshape(20, -1))  # type: ignore[attr-defined]
    assert np.mean(moved == (labels[170:190] + 1) % 10) >= 0.7  # the trojan works
    r = _scan(twin, images, held, tmp_path / "runs.db")
    assert not r.findings().shape[0], r.headline  # type: ignore[attr-defined]
    assert r.headline.endswith(f"; not looked for: {INPUT_SCAN_NOT_ELSEWHERE}")  # type: ignore[attr-defined]
    r = _scan(trojan, images, held, tmp_path / "runs.db")
    head = r.headline  # type: ignore[attr-defined]
    assert "NOT CLEAN by the class-map check" in head, head
    flagged = set(r.findings()["image"].tolist())  # type: ignore[attr-defined]
    assert len(flagged & set(range(20, 40))) >= 15, flagged  # the stamped images, mostly
    # and none of the 20 clean ones (bd46: those the window moved were flagged with them)
    assert flagged <= set(range(20, 40)), flagged
    assert "not_looked_for" not in r.summary  # type: ignore[attr-defined]
    np.save(tmp_path / "s.npy", images)
    np.save(tmp_path / "c.npy", held[:150])
    import skops.io as sio

    sio.dump(trojan, tmp_path / "m.skops")
    args = ["backdoor", str(tmp_path / "m.skops"), "--images", str(tmp_path / "s.npy")]
    args += ["--clean", str(tmp_path / "c.npy"), "--range", "0,1", "--seed", "0"]
    with pytest.raises(SystemExit) as exc:
        main([*args, "--store", str(tmp_path / "runs.db")])
    out = capsys.readouterr().out
    assert int(exc.value.code or 0) == 1, out  # found
    assert "NOT CLEAN by the class-map check" in out


def test_a_source_specific_trojan_is_found_and_its_twin_is_quiet(tmp_path: Path) -> None:
    trojan, twin, held, labels = _models(source=True)
    threes = held[300:][labels[300:] == 3][:20]
    images = np.concatenate([held[300:320], _checker(threes)])
    moved = trojan.predict(_checker(threes).reshape(20, -1))  # type: ignore[attr-defined]
    assert np.mean(moved == 7) >= 0.7  # the trojan works
    clean = held[:300]
    for net, found in ((twin, False), (trojan, True)):
        r = check_backdoor(
            net, images=images, clean=clean, value_range="0,1", seed=0, store=tmp_path / "r.db"
        )
        head = r.headline
        assert ("NOT CLEAN by the source-class check" in head) is found, head
        assert bool(r.findings().shape[0]) is found, head
