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


def test_a_text_runs_depth_and_a_backdoor_runs_options_are_keywords() -> None:
    said = in_callers_terms("give --max-depth 12", "assay.check_text(...)")
    assert said == "give max_depth=12", said  # (left53: the number its keyword takes)
    said = in_callers_terms(
        "give --images, --max-trigger 6 and --fpr 0.01", "assay.check_backdoor("
    )
    assert said == "give images, max_trigger=6 and fpr=0.01", said  # (left53b: each advised)
