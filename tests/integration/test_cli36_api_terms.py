"""The API's refusals in the API's terms, the command line's in its own (cli36: left35's
Left 4).

``assay.resume_run(RUN)`` of a run whose model URL held credentials said "give the URL
again: assay resume RUN --model URL", and ``assay.verify_run(RUN)`` of a foreign store's
module spec "name it: assay verify RUN --model evilmodel:predict": a command and an option
to a Python caller, who passes ``model=``.  They now name the call
(``assay.resume_run('RUN', model=URL)``) and the keyword; ``assay resume`` and ``assay
verify`` keep the command.
"""

from __future__ import annotations

from pathlib import Path

import pytest

import assay

import test_hostile34b_named_code as h34b  # isort: skip
import test_left35_named_code as l35  # isort: skip
from assay.core.keywords import calls_for_commands
from assay.errors import UsageError


def test_a_printed_resume_or_verify_command_becomes_the_call() -> None:
    said = calls_for_commands(
        "run r's model URL held credentials; give the URL again: assay resume r-1 --model URL"
    )
    assert said.endswith("give the URL again: assay.resume_run('r-1', model=URL)")
    said = calls_for_commands("name it: assay verify r-2 --model m:f (--force lets ...)")
    assert "assay.verify_run('r-2', model='m:f') (--force" in said
    assert calls_for_commands("(assay resume r --model URL --model URL)") == (
        "(assay.resume_run('r', model=[URL, URL]))"
    )
    # an option the function has no keyword for (the API writes no report): left alone
    kept = "continue with: assay resume r --store /s.db --junit j.xml"
    assert calls_for_commands(kept) == kept


@pytest.mark.parametrize("verb", ["verify", "resume"])
def test_a_refused_stored_module_spec_names_the_call_to_python_and_the_command_to_the_shell(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, verb: str
) -> None:
    run_id = l35._made(tmp_path, "evilmodel:predict", "evilmodel.py")
    monkeypatch.setenv("XDG_STATE_HOME", str(tmp_path / "mine"))
    monkeypatch.chdir(tmp_path)
    done = h34b._assay(tmp_path, tmp_path / "mine", verb, run_id)  # the command line
    assert done.returncode == 2, done.stdout + done.stderr
    store = tmp_path / "runs.db"  # (named: the line pasted elsewhere reads this store, left36)
    assert f"assay {verb} {run_id} --store {store} --model evilmodel:predict" in done.stderr
    assert f"{verb}_run(" not in done.stderr
    function = assay.verify_run if verb == "verify" else assay.resume_run
    with pytest.raises(UsageError) as exc:
        function(run_id, store=tmp_path / "runs.db")
    said = str(exc.value)
    assert exc.value.argument == "model", said
    assert f"assay.{verb}_run({run_id!r}, store={str(store)!r}, model='evilmodel:predict')" in (
        said
    ), said
    assert "assay verify" not in said and "assay resume" not in said and "--model" not in said
    assert not (tmp_path / "IMPORTED").exists()


def test_a_resume_refused_from_python_lets_go_of_the_run(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """``resume_run`` claimed the run, then refused it (here: code never named) and kept
    the claim while the caller held the exception (a notebook's last error keeps it): the
    command it printed, run beside, said "run ... is being run by process N" (this one)."""
    run_id = l35._made(tmp_path, "evilmodel:predict", "evilmodel.py")
    monkeypatch.setenv("XDG_STATE_HOME", str(tmp_path / "mine"))
    monkeypatch.chdir(tmp_path)
    with pytest.raises(UsageError) as exc:
        assay.resume_run(run_id, store=tmp_path / "runs.db")
    assert "evilmodel:predict" in str(exc.value)  # (held here, as a notebook holds it)
    done = h34b._assay(tmp_path, tmp_path / "mine", "resume", run_id)
    assert "is being run by" not in done.stderr, done.stderr
    store = tmp_path / "runs.db"
    assert f"assay resume {run_id} --store {store} --model evilmodel:predict" in done.stderr
