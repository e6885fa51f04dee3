"""The rerun command names what the run chose from the model's measured speed (fairness
``--optimize auto``): the seed alone would not reproduce it on a machine under other load."""

from __future__ import annotations

from assay.core.runinfo import pasteable

CMD = "assay fairness m.skops --data d.csv --protected sex --max-queries 500000 --seed 3"


def test_the_mode_auto_chose_is_pinned_in_the_rerun_command() -> None:
    summary = {"search": {"optimize": "time", "optimize_note": "automatic: a fast model"}}
    got = pasteable(CMD, {"optimize": "auto"}, summary=summary)
    assert got == CMD + " --optimize time"
    assert pasteable(CMD, {"optimize": "auto"}) == CMD  # no summary yet: nothing to pin


def test_a_mode_the_user_gave_or_none_chosen_leaves_the_command_alone() -> None:
    summary = {"search": {"optimize": "queries"}}
    given = CMD + " --optimize=queries"
    assert pasteable(given, {"optimize": "queries"}, summary=summary) == given
    assert pasteable(CMD, {"optimize": "auto"}, summary={"search": {}}) == CMD
    text = "assay text a.py:f b.py:g --grammar g.cfg --seed 1"
    assert pasteable(text, {}, summary=summary) == text
    demo = "assay demo --seed 0 --seconds 10 --out assay-demo"  # no --optimize option there
    assert pasteable(demo, {"optimize": "auto"}, summary=summary) == demo


def test_a_longer_call_timeout_given_on_resume_is_in_the_rerun_command() -> None:
    """A run ended by ``--call-timeout 1`` and resumed with the suggested ``--call-timeout 4``
    printed ``--call-timeout 1.0`` in its rerun command: pasted, it failed the same way."""
    failed = "assay fairness slow.py:f --data d.csv --protected sex --call-timeout 1.0 --seed 3"
    resumed = {"budget": {"max_queries": 3000, "call_timeout": 4.0}}
    assert pasteable(failed, resumed) == failed.replace("1.0", "4")
    assert pasteable(failed.replace(" 1.0", "=1.0"), resumed) == failed.replace("1.0", "4")
    text = "assay text a.py:f --grammar g.cfg --seed 1"  # the default (60) was given again
    assert pasteable(text, {"budget": {"call_timeout": 240.0}}) == text + " --call-timeout 240"
    # the deadline it ran with: nothing to change (nor for `assay demo`, which has no option)
    assert pasteable(failed, {"budget": {"call_timeout": 1.0}}) == failed
    assert pasteable(text, {"budget": {"call_timeout": 60.0}}) == text
    demo = "assay demo --seed 0 --seconds 10 --out assay-demo"
    assert pasteable(demo, {"budget": {"call_timeout": 240.0}}) == demo
