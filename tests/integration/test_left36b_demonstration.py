"""left36b (hostile36's Left 3): a run is a demonstration by a flag its configuration keeps,
not by its stored command's words.  A run stored before the flag whose option value was the
word ``--demo`` (``--store --demo``, kept so before hostile36) was judged a demonstration:
its findings passed it (exit 0, a green JUnit file) on the user's own model.  Such old runs
are read by their words only when their models are built in."""

from __future__ import annotations

from pathlib import Path

import pytest
from typer.testing import CliRunner

from assay.cli.app import app, register
from assay.core.demonstration import demonstration_flag, is_demonstration
from assay.core.store import RunStore

register()
runner = CliRunner()

THEIRS = {"invocation": {"models": ["/w/m.py:a", "/w/m.py:b"]}}
BUILT_IN = {"invocation": {"models": ["builtin:vader", "builtin:textblob"]}}


def test_an_old_run_is_judged_by_its_words_only_on_built_in_models() -> None:
    """(``assay report`` of such runs: ``unit/test_left26_verdicts.py``)"""
    old = "assay text m.py:a m.py:b --grammar g.cfg --store --demo --seed 1"  # main: True
    assert not is_demonstration(old, THEIRS)
    assert not is_demonstration("assay text m.py:a m.py:b --demo", THEIRS)
    assert not is_demonstration("assay text --demo", None)
    assert is_demonstration("assay text --demo --seed 1", BUILT_IN)
    # the flag decides, whatever the words
    assert not is_demonstration("assay text --demo", {**BUILT_IN, "demonstration": False})
    assert is_demonstration("assay text builtin:vader", {**BUILT_IN, "demonstration": True})


def test_the_flag_a_new_run_keeps() -> None:
    assert demonstration_flag(["text", "--demo", "--seed", "1"], BUILT_IN)
    assert demonstration_flag(["demo", "--seed", "0"], {"invocation": {"model": "builtin:tree"}})
    assert not demonstration_flag(["text", "--demo"], THEIRS)  # (refused before a run)
    assert not demonstration_flag(["text", "builtin:vader", "builtin:textblob"], BUILT_IN)
    assert not demonstration_flag(None, BUILT_IN)  # the API
    clean = {"invocation": {"model": "builtin:clean"}}  # the clean control: judged as a model
    assert not demonstration_flag(["backdoor", "builtin:clean", "--demo"], clean)


@pytest.mark.parametrize(
    ("args", "flag", "code"),
    [
        (["--demo"], True, 0),
        (["builtin:vader", "builtin:textblob", "--grammar", "builtin:reviews"], False, 1),
    ],
)
def test_a_text_run_stores_the_flag(tmp_path: Path, args: list[str], flag: bool, code: int) -> None:
    """The demonstration and the same two classifiers tested as models: the same findings,
    judged each its way."""
    pytest.importorskip("vaderSentiment")
    pytest.importorskip("textblob")
    store = tmp_path / "s.db"
    cmd = ["text", *args, "--max-queries", "60", "--seed", "1", "--store", str(store)]
    result = runner.invoke(app, cmd)
    assert result.exit_code == code, result.output
    with RunStore(store) as s:
        (run,) = s.list_runs()
        assert s.get_run(run.id).config["demonstration"] is flag
