"""mutation38: ``argv.unused`` judges only what was typed (AV1 in bench/RESULTS.md,
mutation38's table): a run that typed none of the options it does not use gets no note
about them (under the mutant every untyped one, at its default, was said "not used")."""

from __future__ import annotations

from pathlib import Path

import pytest

from test_left37_unused_options import _command  # isort: skip


@pytest.mark.parametrize(
    ("command", "extra"),
    [
        ("fairness", []),
        ("text", []),
        ("backdoor", ["--clean", "C"]),  # the model scan
        ("backdoor", ["--clean", "C", "--images", "I", "--strategy", "neo"]),
    ],
)
def test_options_not_typed_are_not_said_unused(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], command: str, extra: list[str]
) -> None:
    code, err = _command(tmp_path, capsys, command, extra)
    assert code == 2 and f"assay {command}: loading" in err, err  # (failed on the model)
    assert "is not used by this run" not in err, err


def test_the_model_scan_refuses_a_budget_per_image(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """BC2: ``--max-queries-per-image`` with the model scan (no images to spend it on) is
    refused before loading, as the other input-scan options are."""
    code, err = _command(
        tmp_path, capsys, "backdoor", ["--clean", "C", "--max-queries-per-image", "50"]
    )
    flag = "--max-queries-per-image"
    assert code == 2 and f"argument {flag}: {flag} is for scanning images" in err, err
    assert "none.py" not in err, err


def test_no_filter_images_without_a_filter_file_is_refused(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """BC9: ``--no-filter-images`` (another value than its default) says what a filter file
    holds, and none was asked for: refused before loading, not ignored."""
    extra = ["--clean", "C", "--images", "I", "--no-filter-images"]
    code, err = _command(tmp_path, capsys, "backdoor", extra)
    assert code == 2 and "argument --no-filter-images" in err, err
    assert "none.py" not in err, err


def test_the_model_scan_with_images_to_scan_is_refused(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """BC10: ``--model-scan`` scans clean images only; given ``--images`` too, refused before
    loading (one of the two was not what the user meant)."""
    extra = ["--clean", "C", "--images", "I", "--model-scan"]
    code, err = _command(tmp_path, capsys, "backdoor", extra)
    assert code == 2 and "argument --images" in err, err
    assert "none.py" not in err, err


def test_the_model_scan_says_an_unused_option_once(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """BC11: the model scan's unused options are judged as the model scan's, once (under the
    mutant ``--fpr 0.01`` was said twice: unused by the model scan, and by --strategy assay)."""
    code, err = _command(tmp_path, capsys, "backdoor", ["--clean", "C", "--fpr", "0.01"])
    assert code == 2 and err.count("note: --fpr 0.01 (its default)") == 1, err


def test_optimize_with_the_default_strategy_is_used(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """FC3: the fairness strategy's default is empty text, the walk: ``--optimize queries``
    without ``--strategy`` is for this run (under the mutant refused, "this run's strategy
    is ")."""
    code, err = _command(tmp_path, capsys, "fairness", ["--optimize", "queries"])
    assert code == 2 and "argument --optimize" not in err and "assay fairness: loading" in err


def test_a_run_without_exact_time_says_nothing_of_it(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """FC7: the note on an unused ``--exact-time`` only when it was given (under the mutant
    a run of a model no exact analysis reads, without the option, failed formatting None:
    exit 5)."""
    from assay.cli.app import main

    args = ["fairness", "builtin:logistic", "--dataset", "german", "--max-queries", "200"]
    args += ["--seed", "1", "--no-determinism-check", "--store", str(tmp_path / "s.db")]
    with pytest.raises(SystemExit) as exc:
        main(args)
    err = capsys.readouterr().err
    assert exc.value.code in (0, 1), err
    assert "--exact-time" not in err, err


def test_floor_zero_with_a_differential_run_is_no_floor(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """TC5: ``--floor 0`` says "no floor", which a differential run has: not refused."""
    code, err = _command(tmp_path, capsys, "text", ["--floor", "0"])
    assert code == 2 and "argument --floor" not in err and "assay text: loading" in err, err
