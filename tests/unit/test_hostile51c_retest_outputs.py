"""The "test it again with" line after ``--retrain`` repeated the run's ``--export``,
``--html``, ``--junit`` and ``--report`` files: pasted, the retrained model's findings and
reports were written over the first run's (hostile51c).  They are now written beside them."""

from __future__ import annotations

from assay.cli.reporting import retest_command
from assay.cli.retest_outputs import retrained_output


def test_the_first_runs_files_are_not_named_again() -> None:
    line = retest_command(
        "assay fairness m.skops --data d.csv --retrain --export idis.csv "
        "--html 'out dir/r.html' --junit=j.xml --report rep --seed 1",
        "/x/r.skops",
        [],
    )
    assert line == (
        "assay fairness /x/r.skops --data d.csv --export idis.retrained.csv "
        "--html 'out dir/r.retrained.html' --junit=j.retrained.xml --report rep.retrained "
        "--seed 1"
    )


def test_a_folders_dots_are_left_alone() -> None:
    assert retrained_output("a.b/idis") == "a.b/idis.retrained"
    assert retrained_output("a.b/.hidden") == "a.b/.hidden.retrained"
    assert retrained_output("x.tar.json") == "x.tar.retrained.json"
