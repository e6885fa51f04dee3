"""A command-line user's two small gaps: the parser's message for a bad option value now
repeats the value as given (a CI variable expanded to something unexpected is seen at once),
and a Dask cluster failing the units is told to a JSON or JUnit reader as what it is
(``cluster_error``), not as a mistake in the command line."""

from __future__ import annotations

import json
import xml.etree.ElementTree as ET
from pathlib import Path
from typing import Any

import pytest
import typer

from assay.cli.app import guarded, main
from assay.errors import ClusterError


def _main(args: list[str], capsys: pytest.CaptureFixture[str]) -> tuple[int, str, str]:
    with pytest.raises(SystemExit) as ended:
        main(args)
    captured = capsys.readouterr()
    return int(ended.value.code or 0), captured.out, captured.err


@pytest.mark.parametrize("form", ["split", "joined"])
def test_a_bad_option_value_is_repeated_in_its_message(
    form: str, capsys: pytest.CaptureFixture[str]
) -> None:
    given = ["--max-queries", "many"] if form == "split" else ["--max-queries=many"]
    code, _, err = _main(["fairness", "builtin:adult-tree", *given], capsys)
    assert code == 2
    assert "Invalid value for '--max-queries': 'many': " in err, err
    assert "(see: assay fairness --help)" in err


def test_the_value_repeated_is_masked_and_cut(capsys: pytest.CaptureFixture[str]) -> None:
    long = "https://bob:pw-S3CRET-77@x.example/" + "a" * 200
    code, _, err = _main(["fairness", "builtin:adult-tree", "--max-queries", long], capsys)
    assert code == 2
    assert "pw-S3CRET-77" not in err and "..." in err
    assert len(err) < 400, err


def test_a_value_after_the_double_dash_is_not_taken_for_the_options(
    capsys: pytest.CaptureFixture[str],
) -> None:
    from assay.cli.app import _with_value

    class Param:
        opts = ("--seed",)

    class BadParameter(Exception):
        param = Param()

    message = "Invalid value for '--seed': not an integer"
    assert _with_value(BadParameter(), ["--", "--seed", "x"], message) == message
    said = _with_value(BadParameter(), ["--seed", "x"], message)
    assert said == "Invalid value for '--seed': 'x': not an integer"


def _cluster_failed(**options: Any) -> int:
    def fairness(**_: Any) -> None:  # (named as a command that makes runs)
        raise ClusterError("the Dask cluster has had no worker for 30 s with units 2 still to run")

    with pytest.raises(typer.Exit) as stopped:
        guarded(fairness)(store=None, **options)
    return int(stopped.value.exit_code)


def test_a_cluster_failure_is_a_cluster_error_to_json_and_junit_readers(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    junit = tmp_path / "j.xml"
    code = _cluster_failed(as_json=True, junit=str(junit))
    out = capsys.readouterr().out
    assert code == 2  # as documented (docs/architecture.md)
    document = json.loads(out)
    assert document["kind"] == "cluster_error" and document["exit_code"] == 2
    assert "no worker for 30 s" in document["error"]
    error = ET.parse(junit).getroot().find(".//error")
    assert error is not None and error.get("type") == "cluster_error"
