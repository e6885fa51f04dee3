"""left43f: ``--json`` takes no value.  ``assay fairness --dataset german ... --json g.json``
read ``g.json`` as the MODEL ("no such file, and not a callable spec or URL: g.json"), and
``assay fairness m.skops ... --json g.json`` said "Got unexpected extra argument(s)
(g.json)": neither said that ``--json`` prints to stdout, nor where the report file goes."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from assay.cli.app import main


def _run(tmp_path: Path, *args: str) -> int:
    with pytest.raises(SystemExit) as ended:
        main(["fairness", *args, "--store", str(tmp_path / "runs.db")])
    return int(ended.value.code or 0)


def test_a_json_file_after_json_taken_as_the_model(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    code = _run(tmp_path, "--dataset", "german", "--protected", "sex", "--json", "g.json")
    said = capsys.readouterr()
    assert code == 2
    error = json.loads(said.out)["error"]
    # main: "argument MODEL: no such file, and not a callable spec or URL: g.json; ..."
    assert "--json" in error and "takes no value" in error and "--report g.json" in error
    assert "takes no value" in said.err


def test_a_json_file_after_json_beside_the_model(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    code = _run(tmp_path, "m.skops", "--dataset", "german", "--json", "g.json")
    said = capsys.readouterr()
    assert code == 2
    # main: "Got unexpected extra argument(s) (g.json)" alone
    assert "--json takes no value" in said.err and "--report g.json" in said.err
