"""mutation37: ``run_verdict`` judges a demonstration by its configuration's flag, not by
its command's words (mutant VD2 of bench/RESULTS.md's mutation37: the flag dropped)."""

from __future__ import annotations

from pathlib import Path

from assay.cli.verdict import run_verdict
from assay.core.store import RunStore


def _verdict(tmp: Path, command: str, flag: bool) -> tuple[int, bool]:
    store = RunStore(str(tmp / "s.db"))
    try:
        config = {"demonstration": flag, "invocation": {"model": "builtin:biased"}}
        store.create_run(
            run_id="r",
            technique="fairness",
            seed=0,
            command=command,
            config=config,
            model={},
            versions={},
        )
        store.checkpoint("r", status="completed", summary={"tested": 100})
        v = run_verdict(store, "r")
        return v.code, v.demo
    finally:
        store.close()


def test_a_demonstration_is_judged_by_its_flag(tmp_path: Path) -> None:
    # nothing found: a model passes (0); a demonstration failed to show its bug (1)
    assert _verdict(tmp_path / "a", "assay fairness builtin:biased --seed 1", True) == (1, True)
    # the command's words say "demo", the flag says no: judged as a model
    assert _verdict(tmp_path / "b", "assay demo fairness", False) == (0, False)


def test_a_repeated_options_value_starting_with_a_dash_is_joined_to_it() -> None:
    # (AR4) ``--trust=--demo`` (an option given several times): the stored command keeps
    # the value joined, so that no reader takes it for the ``--demo`` flag
    import typer

    from assay.cli import app as cli_app
    from assay.cli.argv import command_argv

    cli_app.register()
    fairness = typer.main.get_command(cli_app.app).commands["fairness"]  # type: ignore[attr-defined]
    words = ["m.py:f", "--data", "d.csv", "--protected", "sex", "--trust=--demo", "--trust", "x"]
    ctx = fairness.make_context("fairness", words, resilient_parsing=True)
    argv = command_argv(ctx)
    assert "--trust=--demo" in argv and "--demo" not in argv
    assert argv[argv.index("x") - 1] == "--trust"
