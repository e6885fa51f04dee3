"""``--batch-size 32`` given for a classifier that fails on batches over 32 (a GPU's
memory) was taken and ignored: it is for served models only, so the function still got a
probe of 60 sentences and the run failed (exit 3) as if the option had not been typed.  The
served-model options typed for a run with no served model are refused (another value than
the default) or said in a note (the default), in each command (hostile41t)."""

from __future__ import annotations

from pathlib import Path

import pytest

from assay.cli.app import main

CLASSIFIER = (
    "def limit32(batch):\n"
    "    if len(batch) > 32:\n"
    "        raise ValueError(f'batch of {len(batch)} exceeds max batch size 32')\n"
    "    return ['neg' if 'bad' in s else 'pos' for s in batch]\n"
)


def _run(args: list[str], capsys: pytest.CaptureFixture[str]) -> tuple[int, str, str]:
    with pytest.raises(SystemExit) as exc:
        main(args)
    out = capsys.readouterr()
    return int(exc.value.code or 0), out.out, out.err


@pytest.mark.parametrize(
    ("option", "said"),
    [
        (["--batch-size", "32"], "at most N inputs a call"),
        (["--timeout", "3"], "--call-timeout bounds"),
        (["--concurrency", "4"], "--concurrency is for served models"),
    ],
)
def test_a_served_model_option_for_a_function_is_refused(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], option: list[str], said: str
) -> None:
    (tmp_path / "clf.py").write_text(CLASSIFIER)
    args = ["text", f"{tmp_path / 'clf.py'}:limit32", "--grammar", "builtin:reviews",
            "--oracle", "invariance", "--max-queries", "300", "--seed", "1",
            "--store", str(tmp_path / "s.db"), *option]  # fmt: skip
    code, out, err = _run(args, capsys)
    assert code == 2, (out, err)
    assert f"argument {option[0]}" in err and said in err, err
    assert "loading the classifiers" not in err  # refused before anything is loaded


def test_a_fairness_run_of_a_built_in_dataset_refuses_it_too(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    args = ["fairness", "--dataset", "german", "--protected", "sex", "--max-queries", "300",
            "--seed", "1", "--store", str(tmp_path / "s.db"), "--retries", "5"]  # fmt: skip
    code, out, err = _run(args, capsys)
    assert code == 2 and "argument --retries" in err, (out, err)


def test_at_its_default_or_empty_it_is_a_note_and_the_run_goes_on(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    args = ["fairness", "--dataset", "german", "--protected", "sex", "--max-queries", "300",
            "--seed", "1", "--no-determinism-check", "--store", str(tmp_path / "s.db"),
            "--batch-size", "1000", "--template", ""]  # fmt: skip
    code, out, err = _run(args, capsys)
    assert code in (0, 1), (out, err)
    assert "--batch-size 1000 (its default) is not used by this run" in out + err
    assert "--template" not in out + err
