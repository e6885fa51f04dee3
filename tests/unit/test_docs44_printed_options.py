"""What a run prints for its user to do names options the command has (docs44).

`builtin:tree --dataset adult --protected sex --retrain --max-queries 20000 --seed 3` (the
run docs/fairness.md quotes: 6.59 % before, 6.64 % after, 5.98 % the control) ended its
NOTE "do not ship it as a fix (more rounds, a larger --max-queries or another --policy may
do better)": `assay fairness` has no `--policy` (nor a number of rounds), so the advice
could not be followed.
"""

from __future__ import annotations

import re
from typing import Any

from assay.fairness.estimate import Estimate
from assay.fairness.mitigate import Measurement, MitigationReport


def _fairness_options() -> set[str]:
    from test_docs_consistency import cli_group  # isort: skip

    command = cli_group().commands["fairness"]
    return {o for p in command.params for o in (*p.opts, *getattr(p, "secondary_opts", ()))}


def _report(after: int, control: int, accuracy: float = 0.8010) -> MitigationReport:
    kept = {"round": 1, "why": "kept", "kept": True, "added_rows": 2}
    return MitigationReport(
        before=Measurement(Estimate.of("data", 659, 10_000), 0.8016),
        after=Measurement(Estimate.of("data", after, 10_000), accuracy),
        control=Measurement(Estimate.of("data", control, 10_000), 0.8008),
        rounds=(kept,),
        policy="majority",
        estimator=None,
    )


def _options_named(text: str) -> set[str]:
    return set(re.findall(r"(?<![\w-])--[a-z][\w-]*", text))


def test_the_retraining_notes_name_only_options_of_assay_fairness() -> None:
    options = _fairness_options()
    assert "--max-queries" in options and "--policy" not in options
    texts: list[Any] = [
        _report(664, 598).to_json()["text"],  # kept, not shown fairer afresh, control lower
        _report(664, 700).to_json()["text"],  # kept, not shown fairer, control not lower
        _report(400, 300).to_json()["text"],  # fairer, the control lower still
    ]
    assert "do not ship it as a fix" in texts[0] and "do not ship it as a fix" in texts[1]
    named = set().union(*(_options_named(t) for t in texts))
    assert "--max-queries" in named, texts[0]
    assert named <= options, sorted(named - options)


def test_the_check_sees_an_option_the_command_lacks() -> None:
    """The check can fail: the old advice's `--policy` is caught."""
    old = "do not ship it as a fix (more rounds, a larger --max-queries or another --policy)"
    assert _options_named(old) - _fairness_options() == {"--policy"}
