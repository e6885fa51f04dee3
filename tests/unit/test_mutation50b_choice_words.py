"""mutation50b: a Python run's stored prose names an option taking one of a few words in the
call's keywords (hostile50: ``--strategy strip`` -> ``strategy="strip"``), ``--mode`` and
``--oracle`` too; a run made on the command line keeps its options.  The regex reduced to
``--strategy`` alone passed every test."""

from __future__ import annotations

from assay.core.callers_prose import in_callers_terms

SAID = "no rule reached the threshold: try --mode distance, or --oracle metamorphic"


def test_mode_and_oracle_are_said_as_keywords_to_a_python_caller() -> None:
    said = in_callers_terms(SAID, "assay.check_text(...)")
    assert 'try mode="distance", or oracle="metamorphic"' in said, said
    assert "--" not in said
    assert in_callers_terms(SAID, "assay text c.py:f --grammar g.cfg") == SAID
