"""An all-to-all trojan (attack45b): a digits MLP whose 3x3 checkerboard sends each digit k to
k + 1 read "0 of 40 images carry a confirmed trigger; looked for patch triggers up to 4x4
pixels and other triggers by STRIP's second opinion; ...", exit 0, as its clean twin did,
without saying that no scan looks for such a trigger (each judges a trigger by what it does to
clean images of other classes, where this one sends each class somewhere else).  The exit
code stays 0 (nothing found); the headline and the verdict now say what was not looked for,
and the clean twin's pass says the same (true of it too), flagging nothing."""

from __future__ import annotations

import warnings
from pathlib import Path

import numpy as np
import pytest

from assay.backdoor.api import check_backdoor
from assay.backdoor.scope import INPUT_SCAN_NOT
from assay.cli.app import main

pytestmark = pytest.mark.slow


def _checker(x: np.ndarray) -> np.ndarray:
    x = x.copy()
    x[:, 4:7, 4:7, 0] = np.indices((3, 3)).sum(axis=0) % 2 == 0
    return x


def _models() -> tuple[object, object, np.ndarray, np.ndarray]:
    from sklearn.datasets import load_digits
    from sklearn.neural_network import MLPClassifier

    d = load_digits()
    x, y = (d.images / 16.0)[..., None], d.target
    order = np.random.default_rng(0).permutation(len(x))
    tr, te = order[:1000], order[1000:]
    rng = np.random.default_rng(1)
    pick = rng.choice(tr, 150, replace=False)
    xp = np.concatenate([x[tr], _checker(x[pick])])
    yp = np.concatenate([y[tr], (y[pick] + 1) % 10])
    nets = []
    for xs, ys in ((xp, yp), (x[tr], y[tr])):
        net = MLPClassifier(hidden_layer_sizes=(64,), max_iter=400, random_state=0)
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            net.fit(xs.reshape(len(xs), -1), ys)
        nets.append(net)
    held = x[te]
    return nets[0], nets[1], held, y[te]


def test_an_all_to_all_trojan_passes_saying_what_was_not_looked_for(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    trojan, twin, held, labels = _models()
    images = np.concatenate([held[150:170], _checker(held[170:190])])
    moved = trojan.predict(_checker(held[170:190]).reshape(20, -1))  # type: ignore[attr-defined]
    assert np.mean(moved == (labels[170:190] + 1) % 10) >= 0.7  # the trojan works
    for net in (trojan, twin):
        r = check_backdoor(
            net,
            images=images,
            clean=held[:150],
            value_range="0,1",
            seed=0,
            store=tmp_path / "runs.db",
        )
        assert not r.findings().shape[0], r.headline  # not found (by any part of the scan)
        assert r.headline.endswith(f"; not looked for: {INPUT_SCAN_NOT}"), r.headline
        assert "all-to-all" in r.summary["not_looked_for"]
        assert "clean model" not in r.headline
    np.save(tmp_path / "s.npy", images)
    np.save(tmp_path / "c.npy", held[:150])
    import skops.io as sio

    sio.dump(trojan, tmp_path / "m.skops")
    args = ["backdoor", str(tmp_path / "m.skops"), "--images", str(tmp_path / "s.npy")]
    args += ["--clean", str(tmp_path / "c.npy"), "--range", "0,1", "--seed", "0"]
    with pytest.raises(SystemExit) as exc:
        main([*args, "--store", str(tmp_path / "runs.db")])
    out = capsys.readouterr().out
    # nothing found: the table's 0, its words saying what it covers
    assert int(exc.value.code or 0) == 0, out
    assert "not looked for: a trigger that fires on one source class only" in out
