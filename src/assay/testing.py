"""assay inside a test suite: ``assert_passed(result)`` fails a test (pytest, unittest) with
what the run found, as the command line says it, unless the run passed as exit code 0 would
say.  ``assert r.passed`` fails with ``assert False``; this says the verdict, the bug itself
(a fairness run's answer per attribute and a witness, a text run's first minimal failing
sentences, a backdoor scan's triggers), the seed and the call that reproduces it, and the
command that shows the stored run::

    def test_the_credit_model_is_fair():
        r = assay.check_fairness(model, data=df, protected="sex", max_queries=20_000, seed=0)
        assay.assert_passed(r)
"""

from __future__ import annotations

from typing import Any

from assay.cli.answer_lines import say_answer
from assay.cli.console import Output
from assay.cli.text_hints import say_where
from assay.cli.text_lines import say_failing
from assay.core.run_commands import anywhere
from assay.errors import UsageError

__all__ = ["assert_passed"]


class _Lines(Output):
    """The command line's lines, collected instead of printed."""

    def __init__(self) -> None:
        super().__init__(quiet=True)
        self.lines: list[str] = []

    def say(self, message: str) -> None:
        self.lines.append(message)


def assert_passed(result: Any) -> None:
    """Return when ``result`` (what ``assay.check_fairness``, ``check_text``,
    ``check_backdoor`` or ``resume_run`` returned) passed: its run ended, tested all it was
    given and found nothing at or above its ``fail_on``.  Otherwise raise ``AssertionError``
    saying why, with the run's findings as the command line prints them."""
    __tracebackhide__ = True  # pytest shows the test's line, not this function's
    for needed in ("passed", "run_id", "summary", "status"):
        if not hasattr(result, needed):
            raise UsageError(
                f"assert_passed takes the result of assay.check_fairness, check_text, "
                f"check_backdoor or resume_run, not {type(result).__name__} (it has no "
                f"{needed!r})",
                argument="result",
            )
    if result.passed:
        return
    raise AssertionError(failure_message(result))


def failure_message(result: Any) -> str:
    """Why ``result``'s run did not pass, in the command line's words."""
    summary = result.summary or {}
    lines = _Lines()
    technique = str(result.run_id).split("-", 1)[0]
    if technique == "fairness":
        say_answer(lines, summary)
    elif technique == "text":
        say_failing(lines, summary)
        say_where(lines, summary)
    said = [f"assay run {result.run_id} ({result.status}) did not pass: {result.headline}"]
    said += lines.lines
    command = getattr(result, "command", None)
    seed = getattr(result, "seed", None)
    if command:
        said.append(f"seed {seed}; to reproduce: {command}")
    note = getattr(result, "rerun_note", None)
    if note:
        said.append(f"note: {note}")
    store = getattr(result, "store", None)
    if store:
        said.append(f"the stored run: assay show {result.run_id} --store {anywhere(store)}")
    return "\n".join(said)
