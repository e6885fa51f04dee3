"""Clean images of another size than the model takes, beside images to scan of its size (or
the other way round): the refusal names the set that is wrong, its argument and its file.

Before, it always named ``--images`` ("argument --images; susdir: images are 8x8x1 but clean
images are 16x16x1"), though the images to scan were the ones the model takes (hostile30b).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np
import pytest

from assay.backdoor.api import check_backdoor
from assay.backdoor.demo import TrojanedDigits, trojaned_digits
from assay.errors import UsageError


@pytest.fixture(scope="module")
def digits() -> TrojanedDigits:
    return trojaned_digits(seed=1, clean=True)


def _files(d: TrojanedDigits, tmp: Path) -> tuple[str, str, str, str]:
    x = d.clean_images * 16.0
    big = np.repeat(np.repeat(x, 2, axis=1), 2, axis=2)  # 16x16: no model here takes them
    paths = []
    for name, arr in (("scan8", x[:20]), ("clean8", x[100:160]), ("scan16", big[:20])):
        paths.append(str(tmp / f"{name}.npy"))
        np.save(paths[-1], arr)
    paths.append(str(tmp / "clean16.npy"))
    np.save(paths[-1], big[100:160])
    return paths[0], paths[1], paths[2], paths[3]


def _refusal(model: Any, images: str, clean: str, tmp: Path) -> UsageError:
    with pytest.raises(UsageError) as info:
        check_backdoor(model, images=images, clean=clean, value_range="0,16", store=tmp / "r.db")
    return info.value


def _proba(model: Any) -> Any:
    def answer(rows: np.ndarray) -> np.ndarray:  # declares no input shape: only calls tell
        return np.asarray(model.predict_proba(np.asarray(rows).reshape(len(rows), 64)))

    return answer


@pytest.mark.parametrize("kind", ["estimator", "function"])
def test_the_wrong_set_is_named(digits: TrojanedDigits, tmp_path: Path, kind: str) -> None:
    model = digits.model if kind == "estimator" else _proba(digits.model)
    scan8, clean8, scan16, clean16 = _files(digits, tmp_path)
    wrong_clean = _refusal(model, scan8, clean16, tmp_path)
    assert (wrong_clean.argument or "").lstrip("-") == "clean", str(wrong_clean)
    assert wrong_clean.path == clean16
    assert "16x16x1" in str(wrong_clean) and "takes 8x8x1" in str(wrong_clean)
    wrong_scan = _refusal(model, scan16, clean8, tmp_path)
    assert (wrong_scan.argument or "").lstrip("-") == "images", str(wrong_scan)
    assert wrong_scan.path == scan16
    assert "takes 8x8x1" in str(wrong_scan)


def test_both_named_when_the_model_takes_neither(digits: TrojanedDigits, tmp_path: Path) -> None:
    _, _, scan16, _ = _files(digits, tmp_path)
    x = digits.clean_images[:60, :4, :4] * 16.0  # 4x4: neither 8x8 nor 16x16 is wrong alone
    np.save(tmp_path / "clean4.npy", x)
    err = _refusal(digits.model, scan16, str(tmp_path / "clean4.npy"), tmp_path)
    assert scan16 in str(err) and "clean4.npy" in str(err), str(err)
    assert "the size the model takes" in str(err)
