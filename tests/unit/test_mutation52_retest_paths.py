"""The retrained model's "test it again with" line names its files beside the first run's
(``cli.retest_outputs``, hostile51c): a path given with a trailing ``/`` (``--report rep/``,
which the option reads as the file ``rep``) was named ``rrep.retrained`` (its name cut from
the path's end, the slash counted); now ``rep.retrained`` (mutation52)."""

from __future__ import annotations

import pytest

from assay.cli.reporting import retest_command
from assay.cli.retest_outputs import retrained_output


@pytest.mark.parametrize(
    ("given", "named"),
    [
        ("rep/", "rep.retrained"),
        ("out dir/rep//", "out dir/rep.retrained"),
        ("a.b/r.json/", "a.b/r.retrained.json"),
        ("/abs/idis.csv", "/abs/idis.retrained.csv"),
    ],
)
def test_a_trailing_slash_names_the_file_before_it(given: str, named: str) -> None:
    assert retrained_output(given) == named


def test_the_line_names_the_report_given_with_a_slash_beside_the_first() -> None:
    line = retest_command(
        "assay fairness m.skops --data d.csv --retrain --report rep/ --export=x/idis.csv/",
        "/x/r.skops",
        [],
    )
    assert line == (
        "assay fairness /x/r.skops --data d.csv --report rep.retrained "
        "--export=x/idis.retrained.csv"
    )
