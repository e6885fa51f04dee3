"""mutation49: commands printed with a placeholder for the run, filled as they paste
(``core.run_commands.filled_for``, ``cli.run_placeholders``, left48b2/left48r)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from assay.cli import leftover
from assay.cli.run_placeholders import filled, filling
from assay.core.run_commands import filled_for, filled_in


@pytest.fixture(autouse=True)
def _fresh() -> Iterator[None]:
    leftover.forget()
    yield
    leftover.forget()


def test_each_placeholder_names_the_run_and_its_store(tmp_path: Path) -> None:
    # (RC1) "assay report RUN" as "assay resume RUN_ID": the run's id and store
    store = (tmp_path / "runs.db").as_posix()
    said = filled_for("write it: assay report RUN --report r.json", "r-1", tmp_path / "runs.db")
    assert said == f"write it: assay report r-1 --store {store} --report r.json"
    said = filled_for("see assay verify RUN_ID; then", "r-1", tmp_path / "runs.db")
    assert said == f"see assay verify r-1 --store {store}; then"
    # (RC3) a resume: the run's own resume line where it gives one
    said = filled_for("go on: assay resume RUN_ID", "r-1", store, lambda: "THE LINE")
    assert said == "go on: THE LINE"
    said = filled_for("go on: assay resume RUN_ID", "r-1", store, lambda: None)
    assert said == f"go on: assay resume r-1 --store {store}"


def test_a_run_named_with_its_store_is_left_as_it_is(tmp_path: Path) -> None:
    # (RC4) the run's id with its --store: nothing added
    line = "assay report r-1 --store /x/runs.db --html r.html"
    assert filled_for(line, "r-1", tmp_path / "runs.db") == line
    said = filled_for("assay report r-1 --html r.html", "r-1", tmp_path / "runs.db")
    assert said == f"assay report r-1 --store {(tmp_path / 'runs.db').as_posix()} --html r.html"


def test_the_users_own_words_are_kept() -> None:
    doc = {"command": "assay resume RUN_ID", "notes": ["assay show RUN"], "n": 3}
    got = filled_in(doc, lambda s: s.upper(), frozenset({("command",)}))
    assert got == {"command": "assay resume RUN_ID", "notes": ["ASSAY SHOW RUN"], "n": 3}


def test_placeholders_are_filled_only_within_a_command(tmp_path: Path) -> None:
    # (PL1) a run left behind by an earlier in-process command is no later caller's
    leftover.started("r-1", tmp_path / "runs.db")
    message = "a stopped run: assay resume RUN_ID --batch-size 32"
    assert filled(message) == message
    with filling():
        assert "assay resume r-1 --store" in filled(message)


def test_with_no_run_the_offer_to_resume_one_is_dropped() -> None:
    # (PL2) loading failed before a run was made: there is no run to resume
    with filling():
        said = filled("the model refused (a stopped run: assay resume RUN_ID --batch-size 32)")
        assert said == "the model refused"
        said = filled("it refused (batch 64; a stopped run: assay resume RUN_ID --batch-size 8)")
        assert said == "it refused (batch 64)"


def test_a_resume_placeholder_is_the_runs_own_resume_line(tmp_path: Path) -> None:
    # (PL3) the run keeps the reports it was asked to write: its resume line writes them too
    from assay.core.store import RunStore

    with RunStore(tmp_path / "runs.db") as store:
        store.create_run(
            run_id="r-1",
            technique="fairness",
            seed=0,
            command="assay fairness m.py --data d.csv --protected sex",
            config={"reports": {"--junit": (tmp_path / "r.xml").as_posix()}},
            model={},
            versions={},
        )
    leftover.started("r-1", tmp_path / "runs.db")
    with filling():
        said = filled("stopped (a stopped run: assay resume RUN_ID --batch-size 8)")
    assert f"--junit {(tmp_path / 'r.xml').as_posix()}" in said, said
    assert said.endswith(" --batch-size 8)")


def test_a_reports_examples_are_the_users_own_words() -> None:
    # (DOC1) a finding's example (a sentence the model was given) is never rewritten
    from assay.report.document import _KEPT

    doc = {"findings": {"examples": ["see assay show RUN"]}, "note": "assay show RUN"}
    got = filled_in(doc, lambda s: s.replace("RUN", "r-1"), _KEPT)
    assert got == {"findings": {"examples": ["see assay show RUN"]}, "note": "assay show r-1"}


def test_show_prints_a_stored_reasons_resume_as_the_run_s(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    # (APP1, LV5) a command's printed lines are filled within it: ``assay show`` of a run
    # whose stored error offers "assay resume RUN_ID" prints that run's line
    from assay.cli.app import main
    from assay.core.store import RunStore

    with RunStore(tmp_path / "runs.db") as store:
        store.create_run(
            run_id="r-1",
            technique="fairness",
            seed=0,
            command="assay fairness m.py --data d.csv --protected sex",
            config={},
            model={},
            versions={},
        )
        store.checkpoint(
            "r-1",
            status="failed",
            error="stopped (a stopped run: assay resume RUN_ID --batch-size 8)",
        )
    with pytest.raises(SystemExit) as ended:
        main(["show", "r-1", "--store", str(tmp_path / "runs.db")])
    assert ended.value.code in (0, None)
    out = capsys.readouterr().out
    assert f"resume r-1 --store {(tmp_path / 'runs.db').as_posix()} --batch-size 8)" in out, out
    assert "RUN_ID" not in out
