"""``make demo``'s lines as printed (docs46): its "test it again with:" line a command to
paste, its retraining's shares over every row said as counts.

The lead made a retrained model's line the run's own rerun command with the retrained file in
the model's place, for ``assay fairness`` runs; the demonstration README's ``make demo`` runs
(``assay demo``) still printed ``assay fairness .../retrained.skops --trust
sklearn.tree._tree.Tree and the run's other options``: pasted, "no data" (its command names no
model, dataset or attribute to keep)."""

from __future__ import annotations

import shlex
from typing import Any

from test_docs_consistency import check_command, cli_group  # isort: skip

from assay.cli.reporting import retest_command

TRUST = ["--trust", "sklearn.tree._tree.Tree"]


def test_the_demo_s_retrained_tree_is_tested_as_the_demo_tested_the_built_in_one() -> None:
    line = retest_command(
        "assay demo --seed 0 --seconds 20 --out assay-demo", "/x/m/retrained.skops", TRUST
    )
    assert line == (
        "assay fairness /x/m/retrained.skops --trust sklearn.tree._tree.Tree --dataset adult "
        "--protected sex --estimate --max-time 20 --seed 0"
    )
    assert check_command(cli_group(), line) == []


def test_the_demo_s_own_store_is_kept() -> None:
    line = retest_command(
        "assay demo --seed 4 --seconds 30 --out 'my out' --store '/a b/runs.db'", "/r.skops", []
    )
    assert line is not None
    words = shlex.split(line)
    assert words[words.index("--store") + 1] == "/a b/runs.db"
    assert words[words.index("--seed") + 1] == "4"
    assert check_command(cli_group(), line) == []


def test_a_demo_command_not_read_gives_no_line() -> None:
    assert retest_command("assay demo text --seed 0", "/r.skops", []) is None
    assert retest_command("assay demo --seed 0 --quiet", "/r.skops", []) is None


def test_a_retraining_s_share_over_every_row_is_said_as_a_count_not_an_interval() -> None:
    """``make demo``'s retraining text read "fell from 6.19 % (6.19–6.19 %) to 5.21 %
    (5.21–5.21 %)": shares over every data row (left45f/left45r count them), printed as
    intervals of no width; a sample keeps its interval."""
    from assay.fairness.estimate import Estimate

    counted = Estimate.of("data", 194, 3000, counted=True)
    assert counted.interval_text() == "6.47 % (194 of 3,000: every row counted)"
    sampled = Estimate.of("data", 194, 3000)
    assert sampled.interval_text().startswith("6.47 % (5.")
    assert "–" in sampled.interval_text() and "counted" not in sampled.interval_text()


def test_a_retraining_measured_on_every_row_says_so_not_one_new_sample() -> None:
    from assay.fairness.estimate import Estimate
    from assay.fairness.mitigate import Measurement, MitigationReport

    def report(counted: bool) -> Any:
        def m(k: int) -> Measurement:
            return Measurement(Estimate.of("data", k, 45_222, counted=counted), 0.80)

        kept = {"round": 1, "why": "kept", "kept": True, "added_rows": 2}
        return MitigationReport(
            before=m(2800), after=m(2355), control=m(2592), rounds=(kept,),
            policy="majority", estimator=None,
        ).to_json()["text"]  # fmt: skip

    every = report(True)
    assert "every data row asked of before, after and control" in every
    assert "one new sample" not in every
    assert "6.19 % (2,800 of 45,222: every row counted) to 5.21 % (2,355 of 45,222" in every
    assert "one new sample for before, after and control" in report(False)
