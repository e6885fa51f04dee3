"""The rerun command leaves ``--keep-findings`` out at its default, as every other option at
its default is (left37's Left 3: on main every fairness, text and backdoor rerun command
ended in ``--keep-findings 100000``, the default, ``assay backdoor --demo`` too); it names
the cap only where the run's differs from today's default without its command line naming
it, and a stored command's old pin is not printed.  A fairness run's command line:
``test_words37_answer_failed``."""

from __future__ import annotations

from assay.core.runinfo import pasteable


def test_the_printed_command_names_the_cap_only_where_it_differs() -> None:
    old = "assay backdoor --demo --seed 1 --keep-findings 100000"  # (a stored run's pin)
    assert pasteable(old, {"keep_findings": "100000"}) == "assay backdoor --demo --seed 1"
    # a run whose cap differs from today's default, its command not naming it
    bare = "assay text m.py:f --grammar g.txt --seed 2"
    assert pasteable(bare, {"keep_findings": "all"}) == f"{bare} --keep-findings all"
    assert pasteable(bare, {"keep_findings": "100000"}) == bare
    given = "assay fairness m.py:f --data d.csv --protected sex --keep-findings 10 --seed 1"
    assert pasteable(given, {"keep_findings": "10"}) == given
    assert pasteable("assay demo --seed 0", {"keep_findings": "all"}) == "assay demo --seed 0"
