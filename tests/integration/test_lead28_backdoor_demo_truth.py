"""The backdoor demonstration says what it planted beside what it found, and its clean
control is judged as a model is (nothing found in a clean model is its pass, not a failed
demonstration)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from assay.cli.app import main


def _run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str]:
    with pytest.raises(SystemExit) as exc:
        main(list(args))
    code = exc.value.code
    got = capsys.readouterr()
    return (code if isinstance(code, int) else 1), got.out + got.err


def _truth(text: str) -> tuple[int, int, int, int, int]:
    m = re.search(
        r"pasted its trigger .* on (\d+) of the (\d+) images scanned.*: (\d+) of them "
        r"flagged; (\d+) of the other (\d+) flagged",
        text,
    )
    assert m, text
    planted, scanned, hit, false, others = (int(g) for g in m.groups())
    return planted, scanned, hit, false, others


def test_the_demo_says_how_many_planted_images_it_flagged(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, text = _run(
        capsys, "backdoor", "--demo", "--seed", "1", "--store", str(tmp_path / "s.db"),
        "--html", str(tmp_path / "r.html"),
    )  # fmt: skip
    assert code == 0, text
    planted, scanned, hit, false, others = _truth(text)
    flagged = int(re.search(r"(\d+) of (\d+) images carry a confirmed trigger", text)[1])  # type: ignore[index]
    assert planted + others == scanned and 0 < planted < scanned
    assert hit + false == flagged  # the two counts split the headline's, image for image
    assert hit >= planted - 1 and false == 0


def test_the_clean_control_passes_when_nothing_is_found(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, text = _run(
        capsys, "backdoor", "builtin:clean", "--demo", "--seed", "1",
        "--store", str(tmp_path / "s.db"), "--html", str(tmp_path / "r.html"),
    )  # fmt: skip
    _, _, hit, false, _ = _truth(text)
    assert "trained clean" in text and hit == 0 and false == 0
    assert code == 0, text  # a clean model with nothing found: a pass, not exit 1
    assert "found none of the bugs" not in text
