"""Every printed command that imports a run's model again carries the ``PYTHONPATH`` the run
imported it through (cli36's Left 1): the refusals' ``assay verify ...`` (named code, a text
run's classifiers given in the wrong number) as the resume lines did; a Python caller is
shown the call, without the shell's setting."""

from __future__ import annotations

from pathlib import Path
from types import SimpleNamespace

import pytest

from assay.api import _verify_lines
from assay.core.keywords import calls_for_commands
from assay.core.named_code import check_run_named
from assay.core.redact import GivenAgain
from assay.errors import UsageError
from assay.text.prepare import setup_from_record

LIB = "/somewhere/lib"


def _record(technique: str, **invocation: object) -> SimpleNamespace:
    config = {"invocation": invocation, "environment": {"PYTHONPATH": "."}, "cwd": LIB}
    return SimpleNamespace(id="r1", technique=technique, config=config)


@pytest.mark.parametrize("verb", ["verify", "resume"])
def test_the_named_code_refusal_sets_the_runs_pythonpath(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, verb: str
) -> None:
    monkeypatch.setenv("XDG_STATE_HOME", str(tmp_path))  # (an account that named nothing)
    record = _record("fairness", model="mypkg_left36.models:unfair")
    with pytest.raises(UsageError) as caught:
        check_run_named(record, None, verb=verb)
    assert f"name it: PYTHONPATH={LIB} assay {verb} r1 --model mypkg_left36.models:unfair" in str(
        caught.value
    )
    # a store other than the default is named, as pasting the line elsewhere needs
    with pytest.raises(UsageError) as caught:
        check_run_named(record, None, verb=verb, store=tmp_path / "s.db")
    assert (
        f"name it: PYTHONPATH={LIB} assay {verb} r1 --store {tmp_path / 's.db'} "
        "--model mypkg_left36.models:unfair"
    ) in str(caught.value)


def test_a_text_runs_verify_lines_set_the_runs_pythonpath(tmp_path: Path) -> None:
    record = _record("text", models=["mypkg_left36.a:f", "mypkg_left36.b:f"])
    store = SimpleNamespace(path=tmp_path / "runs.db")
    plain, mapped = _verify_lines(record, store, None, "cli")  # type: ignore[arg-type]
    assert plain.startswith(f"PYTHONPATH={LIB} assay verify r1 --store ")
    assert mapped.startswith(f"PYTHONPATH={LIB} assay verify r1 --store ")
    call, _ = _verify_lines(record, store, None, "api")  # type: ignore[arg-type]
    assert "PYTHONPATH" not in call
    with pytest.raises(UsageError) as caught:  # (the default lines, no caller's)
        setup_from_record(record, model=GivenAgain(["x.py:f", "y.py:f", "z.py:f"]))
    assert f"(PYTHONPATH={LIB} assay verify r1 --model SPEC --model SPEC)" in str(caught.value)


def test_a_python_caller_is_shown_the_call_without_the_shells_setting() -> None:
    said = calls_for_commands(
        f"name it: PYTHONPATH={LIB} assay verify r1 --model mypkg.models:unfair; or not"
    )
    assert said == "name it: assay.verify_run('r1', model='mypkg.models:unfair'); or not"
    quoted = calls_for_commands("give it: PYTHONPATH='/a b/lib' assay resume r1 --force")
    assert quoted == "give it: assay.resume_run('r1', force=True)"
    kept = "PYTHONPATH=/x assay resume r1 --store s --junit f.xml"
    assert calls_for_commands(kept) == kept  # (a report option: left as the shell's)
