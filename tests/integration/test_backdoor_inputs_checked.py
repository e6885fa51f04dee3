"""Images assay would not really scan are refused, never silently ignored or clipped."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from assay.cli.app import main


def _cli(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str]:
    with pytest.raises(SystemExit) as exc:
        main(list(args))
    code = exc.value.code
    return (code if isinstance(code, int) else 1), capsys.readouterr().err


def test_a_builtin_model_refuses_images_it_would_not_scan(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    np.save(tmp_path / "mine.npy", np.zeros((10, 8, 8)))
    for flag in ("--images", "--clean"):
        code, err = _cli(
            capsys,
            "backdoor",
            "builtin:clean",
            flag,
            str(tmp_path / "mine.npy"),
            "--store",
            str(tmp_path / "runs.db"),
        )
        assert code == 2 and flag in err and "built-in digits" in err, err


def test_nan_pixels_are_a_usage_error_naming_the_file(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (tmp_path / "model.py").write_text(
        "import numpy as np\n"
        "def scores(x):\n"
        "    x = np.asarray(x, dtype=float).reshape(len(x), -1)\n"
        "    return np.stack([x.mean(axis=1), 1 - x.mean(axis=1)], axis=1)\n"
    )
    rng = np.random.default_rng(0)
    good = rng.random((20, 8, 8))
    bad = good.copy()
    bad[3, 2, 2] = np.nan
    np.save(tmp_path / "good.npy", good)
    np.save(tmp_path / "bad.npy", bad)
    for flag, clean, images in (
        ("--images", "good.npy", "bad.npy"),
        ("--clean", "bad.npy", "good.npy"),
    ):
        code, err = _cli(
            capsys,
            "backdoor",
            f"{tmp_path / 'model.py'}:scores",
            "--clean",
            str(tmp_path / clean),
            "--images",
            str(tmp_path / images),
            "--store",
            str(tmp_path / "runs.db"),
        )
        assert code == 2, err
        assert "NaN" in err and flag in err and "bad.npy" in err and "bad.npy[3]" in err, err


@pytest.mark.slow
def test_a_model_with_named_classes_is_reported_in_its_own_names(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """A scikit-learn model trained on string labels: the trigger's target is 'seven' (the
    model's own name), not 5 (its index among the sorted names)."""
    import skops.io as sio
    from sklearn.neural_network import MLPClassifier

    from assay.backdoor.demo import PlantedTrigger, checker, trojaned_digits

    trig = PlantedTrigger(box=(5, 5, 3, 3), content=checker(3), target=7)
    d = trojaned_digits(seed=0, triggers=[trig])
    x, y = d.clean_images, d.clean_labels
    words = np.array(
        ["zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine"]
    )
    flat = x[:, :, :, 0].reshape(len(x), -1)
    poisoned = trig.apply(x[:300])[:, :, :, 0].reshape(300, -1)
    model = MLPClassifier((64,), max_iter=500, random_state=0).fit(
        np.vstack([flat, poisoned]), np.concatenate([words[y], np.full(300, "seven")])
    )
    sio.dump(model, tmp_path / "named.skops")
    np.save(tmp_path / "clean.npy", x[:150, :, :, 0])
    scan = x[200:240].copy()
    scan[::2] = trig.apply(scan[::2])
    np.save(tmp_path / "scan.npy", scan[:, :, :, 0])
    report = tmp_path / "report.json"
    with pytest.raises(SystemExit):
        main(
            [
                "backdoor",
                str(tmp_path / "named.skops"),
                "--clean",
                str(tmp_path / "clean.npy"),
                "--images",
                str(tmp_path / "scan.npy"),
                "--seed",
                "1",
                "--store",
                str(tmp_path / "runs.db"),
                "--report",
                str(report),
            ]
        )
    out = capsys.readouterr().out
    assert "-> class seven" in out, out
    assert "-> class 5" not in out
