"""Every failure of a command ends in one message and its documented exit code, never a bare
traceback: a bug in assay is exit 5 with its traceback in a crash log (credentials masked
there too), the run store failing is exit 4 whatever raised it (assay's ``StoreError`` or
sqlite itself: a locked or corrupt database), a file the user named is exit 2 with its path.
"""

from __future__ import annotations

import re
import sqlite3
from pathlib import Path
from typing import Any

import pytest
import typer

from assay.cli.app import guarded

SECRET = "pw-S3CRET-41c9"
URL = f"https://alice:{SECRET}@models.example/predict"


def _run(exc: BaseException, capsys: pytest.CaptureFixture[str]) -> tuple[int, str]:
    def fairness(**_: Any) -> None:  # (named as a command that makes runs)
        raise exc

    with pytest.raises(typer.Exit) as stopped:
        guarded(fairness)(store=None, junit=None)
    captured = capsys.readouterr()
    return int(stopped.value.exit_code), captured.out + captured.err


def test_a_bug_is_exit_5_with_a_crash_log_without_credentials(
    capsys: pytest.CaptureFixture[str],
) -> None:
    code, said = _run(RuntimeError(f"could not reach {URL}"), capsys)
    assert code == 5
    assert "internal error (a bug in assay): RuntimeError" in said
    assert "Traceback" not in said and SECRET not in said
    where = re.search(r"the traceback is in (\S+?); please report it", said)
    assert where is not None, said
    log = Path(where.group(1)).read_text()
    try:
        assert "Traceback" in log and "RuntimeError" in log  # what a bug report needs
        assert SECRET not in log and "alice:***@models.example" in log
    finally:
        Path(where.group(1)).unlink()


def test_a_bug_of_any_kind_is_caught(capsys: pytest.CaptureFixture[str]) -> None:
    # (an OSError naming no file, a full disk: not the user's file)
    errors = (KeyError("x"), TypeError("y"), RecursionError("r"), OSError(28, "No space left"))
    for exc in errors:
        code, said = _run(exc, capsys)
        assert code == 5 and "Traceback" not in said, said
        log = re.search(r"the traceback is in (\S+?); please report it", said)
        assert log is not None
        Path(log.group(1)).unlink(missing_ok=True)


@pytest.mark.parametrize(
    "exc",
    [sqlite3.OperationalError("database is locked"), sqlite3.DatabaseError("malformed")],
    ids=["locked", "corrupt"],
)
def test_sqlite_failing_is_the_store_failing(
    exc: BaseException, capsys: pytest.CaptureFixture[str]
) -> None:
    code, said = _run(exc, capsys)
    assert code == 4, said
    assert "the run store failed" in said and "internal error" not in said


def test_a_file_the_user_named_is_exit_2_with_its_path(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    missing = tmp_path / "people.csv"
    code, said = _run(FileNotFoundError(2, "No such file or directory", str(missing)), capsys)
    assert code == 2
    assert f"{missing}: No such file or directory" in said
    assert "internal error" not in said


def test_a_bad_option_value_is_exit_2_naming_the_option(
    capsys: pytest.CaptureFixture[str],
) -> None:
    from assay.cli.app import main

    with pytest.raises(SystemExit) as stopped:
        main(["fairness", "model.pkl", "--max-queries", "many"])
    said = capsys.readouterr().err
    assert stopped.value.code == 2, said
    assert "--max-queries" in said and "Traceback" not in said


def test_a_usage_error_names_the_argument_and_the_place_in_the_file() -> None:
    from assay.errors import UsageError

    where = UsageError("not a number: 'x'", argument="--data", path="people.csv", line=3, column=7)
    assert str(where) == "argument --data; people.csv:3:7: not a number: 'x'"
    assert str(UsageError("bad", path="g.txt", line=2)) == "g.txt:2: bad"
    assert str(UsageError("bad")) == "bad"


def test_a_cluster_that_failed_the_units_is_exit_2_not_a_bug(
    capsys: pytest.CaptureFixture[str],
) -> None:
    from assay.errors import ClusterError

    code, said = _run(ClusterError("no worker joined tcp://h:8786 within 30 s"), capsys)
    assert code == 2, said
    assert "no worker joined" in said and "internal error" not in said
