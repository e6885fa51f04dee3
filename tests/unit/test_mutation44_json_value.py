"""mutation44: ``--json`` taking a value is said only where that is what happened (left43f).

left43f's two tests passed with each of ``json_taken``'s conditions dropped: the hint that
``--json`` takes no value would then replace the error of a run given no ``--json`` at all,
of a missing data file, of a MODEL file that is there but is no model, of a missing model
not named ``.json``, and would name ``--report --seed`` for a stray word elsewhere."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from assay.cli.app import main


def _error(tmp_path: Path, capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str]:
    with pytest.raises(SystemExit) as ended:
        main(["fairness", *args, "--store", str(tmp_path / "runs.db")])
    said = capsys.readouterr()
    return int(ended.value.code or 0), said.err


@pytest.fixture(autouse=True)
def _here(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    (tmp_path / "g.json").write_text("{}")  # a JSON file that is there, and no model


def test_a_missing_json_model_without_json_is_a_missing_model(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, err = _error(tmp_path, capsys, "--dataset", "german", "--protected", "sex", "n.json")
    assert code == 2
    assert "no such file" in err and "--json" not in err and "--report" not in err


def test_a_json_model_file_that_is_there_keeps_its_own_error(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, err = _error(
        tmp_path, capsys, "--dataset", "german", "--protected", "sex", "--json", "g.json"
    )
    assert code == 2
    assert "cannot tell what kind of model g.json is" in err
    assert "takes no value" not in err and "no such file" not in err


def test_a_missing_model_not_named_json_after_json_is_a_missing_model(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, err = _error(
        tmp_path, capsys, "--dataset", "german", "--protected", "sex", "--json", "m.skops"
    )
    assert code == 2
    assert "no such file: m.skops" in err and "takes no value" not in err


def test_a_json_name_in_capitals_after_json_is_said_so(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, err = _error(
        tmp_path, capsys, "--dataset", "german", "--protected", "sex", "--json", "G.JSON"
    )
    assert code == 2
    assert "takes no value" in err and "--report G.JSON" in err


def test_a_missing_data_file_is_not_blamed_on_json(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    with pytest.raises(SystemExit) as ended:
        main(
            [
                "fairness", "n.json", "--json", "--data", "people.csv", "--protected", "sex",
                "--store", str(tmp_path / "runs.db"),
            ]
        )  # fmt: skip
    said = capsys.readouterr()
    assert ended.value.code == 2
    error = json.loads(said.out)["error"]
    assert "people.csv" in error and "takes no value" not in error


def test_a_stray_word_elsewhere_is_no_value_of_json(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, err = _error(
        tmp_path, capsys, "m.skops", "--dataset", "german", "--json", "--seed", "1", "x"
    )
    assert code == 2
    assert "unexpected extra argument" in err and "(x)" in err
    assert "takes no value" not in err and "--report --seed" not in err
