"""An input scan that found nothing while some images it scanned were not tested is no pass.

Images left undecided by their own ``--max-queries-per-image`` and images whose class leaves
too few clean images in other classes to confirm a trigger ("not verified") were counted in
the headline but the run exited 0: "0 of 60 images carry a confirmed trigger; ...; 48
undecided (per-image budget)", every poisoned image among the 48 (hostile30b).
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from assay.backdoor.api import BackdoorResult, check_backdoor
from assay.backdoor.demo import PlantedTrigger, TrojanedDigits, checker, trojaned_digits
from assay.cli.app import main
from assay.models import load_model

pytestmark = pytest.mark.slow

TRIGGER = PlantedTrigger(box=(5, 5, 3, 3), content=checker(3), target=7)


@pytest.fixture(scope="module")
def trojan() -> TrojanedDigits:
    return trojaned_digits(seed=1, triggers=[TRIGGER])


def _answers(d: TrojanedDigits, images: np.ndarray) -> np.ndarray:
    out: np.ndarray = d.model.predict(d.spec.to_model(images))
    return out


def _scan_set(d: TrojanedDigits) -> np.ndarray:
    """30 poisoned digits (not 7s) and 30 clean ones the model does not call 7."""
    x, y = d.clean_images, d.clean_labels
    poisoned = TRIGGER.apply(x[y != TRIGGER.target][:30])
    assert (_answers(d, poisoned) == TRIGGER.target).all()
    clean = x[(_answers(d, x) != TRIGGER.target)][-30:]
    return np.concatenate([poisoned, clean])


def _run(d: TrojanedDigits, tmp: Path, **kw: object) -> BackdoorResult:
    model = load_model(d.model, modality="image")
    for key in ("images", "clean"):
        kw[key] = np.asarray(kw[key]) * 16.0
    return check_backdoor(model, store=tmp / "runs.db", seed=0, value_range="0,16", **kw)  # type: ignore[arg-type]


def test_images_left_undecided_by_their_own_budget_are_not_a_pass(
    trojan: TrojanedDigits, tmp_path: Path
) -> None:
    x = trojan.clean_images
    r = _run(trojan, tmp_path, images=_scan_set(trojan), clean=x[-200:], max_queries_per_image=10)
    statuses = [row["status"] for row in r.summary["rows"]]
    assert "budget" in statuses and "done" in statuses, statuses  # the case: some of each
    assert r.n_findings == 0, r.headline
    assert r.not_a_pass is not None, r.headline
    what, why = r.not_a_pass
    assert what == "not everything was tested"
    # (said in the API's keyword to this Python caller, as its report says it: hostile49)
    assert "undecided" in why and "max_queries_per_image 10" in why and "--" not in why
    assert r.headline.startswith("NOT EVERYTHING WAS TESTED")


def test_images_not_verified_are_not_a_pass(trojan: TrojanedDigits, tmp_path: Path) -> None:
    """Clean images the model puts in the trigger's target class, but for 5: the poisoned
    images (answered 7) cannot be confirmed; the others are tested."""
    x = trojan.clean_images
    answers = _answers(trojan, x)
    clean = np.concatenate([x[answers == TRIGGER.target][:40], x[answers != TRIGGER.target][:5]])
    r = _run(trojan, tmp_path, images=_scan_set(trojan), clean=clean)
    statuses = [row["status"] for row in r.summary["rows"]]
    assert statuses.count("unverified") >= 30 and "done" in statuses, statuses
    assert r.n_findings == 0, r.headline
    assert r.not_a_pass is not None, r.headline
    what, why = r.not_a_pass
    assert what == "not everything was tested"
    assert "not verified" in why and "7: 40" in why


def test_the_command_line_exits_2_and_its_junit_file_holds_an_error(
    trojan: TrojanedDigits, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    np.save(tmp_path / "scan.npy", _scan_set(trojan)[..., 0] * 16.0)
    np.save(tmp_path / "clean.npy", trojan.clean_images[-200:, :, :, 0] * 16.0)
    from skops.io import dump

    dump(trojan.model, tmp_path / "model.skops")
    junit = tmp_path / "j.xml"
    with pytest.raises(SystemExit) as exc:
        main(
            [
                "backdoor",
                str(tmp_path / "model.skops"),
                "--images",
                str(tmp_path / "scan.npy"),
                "--clean",
                str(tmp_path / "clean.npy"),
                "--range",
                "0,16",
                "--max-queries-per-image",
                "10",
                "--seed",
                "0",
                "--store",
                str(tmp_path / "runs.db"),
                "--junit",
                str(junit),
            ]
        )
    out = capsys.readouterr()
    assert exc.value.code == 2, out.out + out.err
    assert "not everything was tested" in out.err
    assert 'errors="1"' in junit.read_text()


def test_a_run_whose_every_image_was_tested_still_passes_or_finds(
    trojan: TrojanedDigits, tmp_path: Path
) -> None:
    x = trojan.clean_images
    r = _run(trojan, tmp_path, images=_scan_set(trojan), clean=x[-200:])
    assert r.n_findings >= 28, r.headline
    clean_only = _scan_set(trojan)[30:]
    r = _run(trojan, tmp_path, images=clean_only, clean=x[200:500])
    assert r.n_findings == 0 and r.not_a_pass is None, r.headline


def test_a_bound_on_the_trigger_size_is_said_in_the_headline(
    trojan: TrojanedDigits, tmp_path: Path
) -> None:
    """`--max-trigger 1` on a 3x3 trigger: "0 of 60 images carry a confirmed trigger", the
    bound the user put on what was looked for not said."""
    x = trojan.clean_images
    r = _run(trojan, tmp_path, images=_scan_set(trojan), clean=x[200:500], max_trigger=1)
    assert "looked for patch triggers up to 1x1 pixels" in r.headline, r.headline
    # (STRIP's opinion asked; in check_backdoor's keyword, as the call was made: left50)
    assert "(patches: max_trigger 1)" in r.headline, r.headline
    r = _run(trojan, tmp_path, images=_scan_set(trojan)[:4], clean=x[200:500])
    assert "max_trigger" not in r.headline and "--max-trigger" not in r.headline
