"""Options a run does not use (small36's Left 1 and 4, left37).

Typed with another value than its default, such an option is refused before anything is
loaded (exit 2, naming it and what to do).  Typed with its default value (a CI script that
templates every option) the run is the one it would be without it: it goes on, with a note
saying the option is not used, and its rerun command leaves the option out.  Before left37
the default-valued ones were refused too, and ``--exact-time`` with ``--no-exact``, ``--floor``
with a differential run (until after loading) and ``--max-trigger`` with Neo or STRIP were
accepted and ignored."""

from __future__ import annotations

import os
import shlex
import subprocess
import sys
from pathlib import Path

import pytest

from assay.cli.app import main


def _command(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], command: str, extra: list[str]
) -> tuple[int, str]:
    """``assay COMMAND`` of a model that does not exist (two for text), with ``extra`` (``C``,
    ``I``, ``F``: clean images, images to scan, a filter file, none there): its exit code and
    stderr."""
    model = [f"{tmp_path}/none.py:f"] + ([f"{tmp_path}/none.py:g"] if command == "text" else [])
    given = {"C": str(tmp_path / "c.npy"), "I": str(tmp_path / "i.npy"), "F": str(tmp_path / "f")}
    needed = {
        "fairness": ["--protected", "sex", "--dataset", "german"],
        "text": ["--grammar", "builtin:reviews"],
        "backdoor": ["--input-shape", "8,8"],
    }[command]
    args = [command, *model, *needed, *[given.get(e, e) for e in extra]]
    with pytest.raises(SystemExit) as exc:
        main([*args, "--store", str(tmp_path / "runs.db")])
    code = exc.value.code
    return (code if isinstance(code, int) else 1), capsys.readouterr().err


@pytest.mark.parametrize(
    ("command", "extra", "flag"),
    [
        ("fairness", ["--precision", "0.005"], "--precision 0.005"),  # no --estimate
        ("fairness", ["--strategy", "random", "--optimize", "auto"], "--optimize auto"),
        ("text", ["--oracle", "invariance", "--mode", "top1"], "--mode top1"),
        ("text", ["--top-k", "2"], "--top-k 2"),  # the mode is top1
        ("text", ["--threshold", "0.5"], "--threshold 0.5"),
        ("backdoor", ["--clean", "C", "--strategy", "assay"], "--strategy assay"),
        ("backdoor", ["--clean", "C", "--fpr", "0.01"], "--fpr 0.01"),  # the model scan
        ("backdoor", ["--clean", "C", "--images", "I", "--blocker", "2"], "--blocker 2"),
        (
            "backdoor",
            ["--clean", "C", "--images", "I", "--strategy", "neo", "--blends", "20"],
            "--blends 20",
        ),
        ("backdoor", ["--clean", "C", "--images", "I", "--filter-images"], "--filter-images"),
    ],
)
def test_an_unused_option_at_its_default_is_a_note(
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    command: str,
    extra: list[str],
    flag: str,
) -> None:
    """Refused (exit 2 naming the option) before: the command goes on now, saying the
    option is not used; here it then fails loading what does not exist."""
    code, err = _command(tmp_path, capsys, command, extra)
    name = flag.split()[0]
    assert f"note: {flag} (its default) is not used by this run: {name} " in err, err
    assert code == 2 and f"argument {name}" not in err, err  # (failed on the model instead)
    assert f"assay {command}: loading" in err, err  # went on past the options


@pytest.mark.parametrize(
    ("command", "extra", "flag"),
    [
        ("fairness", ["--no-exact", "--exact-time", "5"], "--exact-time"),
        ("text", ["--floor", "3"], "--floor"),  # differential: no test declared
        (
            "backdoor",
            ["--clean", "C", "--images", "I", "--strategy", "strip", "--max-trigger", "3"],
            "--max-trigger",
        ),
        (
            "backdoor",
            ["--clean", "C", "--images", "I", "--strategy", "neo", "--max-trigger", "3"],
            "--max-trigger",
        ),
        # the model scan and STRIP confirm no trigger: the file held none, blocking nothing
        ("backdoor", ["--clean", "C", "--export-filter", "F"], "--export-filter"),
        (
            "backdoor",
            ["--clean", "C", "--images", "I", "--strategy", "strip", "--export-filter", "F"],
            "--export-filter",
        ),
    ],
)
def test_an_option_the_run_ignores_is_refused_before_loading(
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    command: str,
    extra: list[str],
    flag: str,
) -> None:
    """On main: ``--exact-time`` with ``--no-exact`` and ``--max-trigger`` with STRIP or Neo
    were ignored (the run went on to load the model), ``--floor`` with a differential run was
    refused only after the classifiers were loaded, and ``--export-filter`` with the model
    scan or STRIP wrote a filter holding no trigger ("none was confirmed") beside a model
    scan's headline naming a 3x3 patch that sends 100 % of clean images to class 7."""
    code, err = _command(tmp_path, capsys, command, extra)
    assert code == 2 and f"argument {flag}: {flag} " in err and f"drop {flag}" in err, err
    assert "none.py" not in err, err  # refused before the model was looked for
    assert not (tmp_path / "runs.db").exists()


def test_a_run_with_defaults_spelled_out_reruns_from_its_printed_command(
    tmp_path: Path,
) -> None:
    """A script spelling out ``--optimize auto --precision 0.005`` for a random search without
    an estimate: refused before (exit 2); now it runs, and the command it prints to reproduce
    it leaves both out, so that pasted it runs again (exit 0 or 1) to the same headline."""
    args = [
        "fairness", "--dataset", "german", "--strategy", "random", "--optimize", "auto",
        "--precision", "0.005", "--max-queries", "200", "--seed", "1", "--no-determinism-check",
        "--store", str(tmp_path / "runs.db"),
    ]  # fmt: skip
    import assay

    env = {**os.environ, "PYTHONPATH": str(Path(assay.__file__).parents[1])}  # (these sources)
    first = subprocess.run(
        [sys.executable, "-m", "assay", *args], capture_output=True, text=True, cwd=tmp_path,
        env=env,
    )  # fmt: skip
    assert first.returncode in (0, 1), first.stderr
    assert "note: --optimize auto (its default) is not used by this run" in first.stderr
    line = next(x for x in first.stdout.splitlines() if "; to reproduce: " in x)
    command = shlex.split(line.split("; to reproduce: ", 1)[1])
    assert "--optimize" not in command and "--precision" not in command, command
    again = subprocess.run(
        [sys.executable, *command[command.index("-m") :]] if "-m" in command else
        [sys.executable, "-m", "assay", *command[1:]],
        capture_output=True,
        text=True,
        cwd=tmp_path,
        env=env,
    )  # fmt: skip
    assert again.returncode in (0, 1), again.stderr
    said = [x for x in first.stdout.splitlines() if "discriminatory input" in x and " in 200 " in x]
    assert said and said[0].split(" in 200 ")[0] in again.stdout, (first.stdout, again.stdout)


def test_a_rerun_command_names_optimize_for_the_walk_only() -> None:
    """``--optimize`` with another strategy than the walk is refused (small36), so a rerun
    command must not pin the mode auto chose unless the run's strategy is the walk.  No run
    measured records a mode for another strategy (only the walk's summary has
    ``search.optimize``): this holds the guard for a summary that would (on main: the
    random search's command got ``--optimize queries`` appended)."""
    from assay.core.runinfo import pasteable

    summary = {"search": {"optimize": "queries"}}
    walk = pasteable(
        "assay fairness --dataset german", {"optimize": "auto", "strategy": "walk"}, summary=summary
    )
    assert walk.endswith(" --optimize queries"), walk
    command = "assay fairness --dataset german --strategy random"
    other = pasteable(command, {"optimize": "auto", "strategy": "random"}, summary=summary)
    assert other == command, other


def test_exact_time_with_a_model_the_analysis_cannot_read_is_said_unused(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """``--exact-time`` with a logistic regression: no exact analysis runs (automatic: tried
    only for a model it can read), and the option was ignored without a word (on main).  Not
    refused: a script may give it to every model; the run says it was not used."""
    args = ["fairness", "builtin:logistic", "--dataset", "german", "--exact-time", "5"]
    args += ["--max-queries", "200", "--seed", "1", "--no-determinism-check"]
    with pytest.raises(SystemExit) as exc:
        main([*args, "--store", str(tmp_path / "runs.db")])
    got = capsys.readouterr()
    assert exc.value.code in (0, 1), got.err
    assert "note: --exact-time 5 was not used: no exact analysis ran" in got.err, got.err


@pytest.mark.parametrize("strip", [False, True])
def test_the_api_refuses_a_filter_of_a_scan_that_confirms_no_trigger(
    tmp_path: Path, strip: bool
) -> None:
    """``check_backdoor(..., export_filter=F)`` with the model scan (no images) or STRIP wrote
    a filter holding no trigger (on main); refused before the run, naming export_filter."""
    import numpy as np

    import assay
    from assay.errors import UsageError

    x = np.random.default_rng(0).random((30, 8, 8)).astype(np.float32)
    w = np.random.default_rng(1).normal(size=(64, 10))
    scan = {"images": x[:5], "strategy": "strip"} if strip else {}
    with pytest.raises(UsageError, match="confirms none") as exc:
        assay.check_backdoor(
            lambda batch: (np.asarray(batch).reshape(len(batch), -1) @ w).argmax(1),
            clean=x,
            classes=10,
            export_filter=tmp_path / "f.json",
            store=tmp_path / "runs.db",
            max_queries=500,
            **scan,
        )
    assert exc.value.argument == "export_filter"
    assert not (tmp_path / "f.json").exists()
