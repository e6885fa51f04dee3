"""The README and docs followed as typed after left48f, left48b, ops48, audit48r and perf48
(bench/RESULTS.md, docs48): what a page said that the code did not, kept fixed."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pytest

from assay.cli.answer_lines import _where
from assay.report.verdict_text import favoured_text

ROOT = Path(__file__).resolve().parents[2]
# (these sources, wherever a command runs: a relative PYTHONPATH=src would not follow it)
ENV = {**os.environ, "PYTHONPATH": str(ROOT / "src")}
README = (ROOT / "README.md").read_text(encoding="utf-8")
FAIRNESS = (ROOT / "docs" / "fairness.md").read_text(encoding="utf-8")


def _flat(text: str) -> str:
    return re.sub(r"\s+", " ", text)


def _row(code: str) -> str:
    """The README exit-code table's row of ``code``."""
    found = re.search(rf"^\| `{code}` \|(.*)$", README, re.M)
    assert found is not None, code
    return found.group(1)


def test_exit_two_row_names_the_backdoor_checks_skipped_or_undecided() -> None:
    # left48b made a scan that found nothing exit 2 when a check of its second opinion was
    # skipped by the budget, or its source-class check undecided; the row named neither
    row = _row("2")
    assert "source-class check could not decide" in row
    assert "the query budget left no room for it" in row
    assert "(STRIP's, the common-pattern, class-map or source-class check" in row
    # the words quoted are the check's own
    from assay.backdoor import source_class

    said = Path(source_class.__file__).read_text(encoding="utf-8")
    assert "to judge (not a pass)" in said and "UNDECIDED: " in said
    assert "too few clean images of 3 to judge (not a pass)" in row


def _rule(direction: list[dict[str, Any]]) -> dict[str, Any]:
    return {
        "attribute": "sex",
        "confirmed": True,
        "rule": "a 1-5",
        "figures": "sampled",
        "sample": "data",
        "share_inside": 0.4,
        "share_inside_low": 0.4,
        "share_inside_high": 0.4,
        "weight_space": 0.01,
        "rows_counted": 5,
        "held_out_rows_inside": 0,
        "drawn_inside": 0,
        "recall": 0.5,
        "held_out_idis_inside": 1,
        "held_out_idis": 2,
        "direction": direction,
    }


# 2 of 2 checked IDIs beside 0 of 2: the two 95 % intervals overlap
_OVERLAP = [
    {"value": "M", "favoured_in": 1.0, "favoured_count": 2, "idis": 2},
    {"value": "F", "favoured_in": 0.0, "favoured_count": 0, "idis": 2},
]
_OVERLAP[0].update(favoured_low=0.1581, favoured_high=1.0)
_OVERLAP[1].update(favoured_low=0.0, favoured_high=0.8419)


def test_a_rule_not_told_apart_says_so_of_the_rule_not_overall() -> None:
    # a rule's "inside it, ... overlap): the sample shows no value favoured overall" followed
    # the attribute's own line, which had named the value favoured overall (23 of 23 IDIs):
    # the line contradicted itself (rt.py:score --cutoff 600, docs48)
    said = _where(
        {"regions": [_rule(_OVERLAP)], "favourable": {"class": "approve"}}, {"attribute": "sex"}
    )
    assert "inside it, the M variant gets 'approve' in 100.00 % of its 2 checked IDIs" in said
    assert said.endswith("the sample shows no value favoured there"), said
    assert "overall" not in said
    # the attribute's own line keeps docs/fairness.md's words
    line = favoured_text(_OVERLAP, "approve", "2 sampled IDIs")
    assert line.endswith("the sample shows no value favoured overall")
    assert "the sample shows no value favoured overall" in _flat(FAIRNESS)


def test_a_rule_of_counted_rows_is_quoted_as_the_line_says_it() -> None:
    # docs/fairness.md quoted "of its 5 data rows (every one counted)"; the line says
    # "(every one of its 5 data rows counted)"
    said = _where(
        {"regions": [_rule(_OVERLAP)], "favourable": {"class": "approve"}}, {"attribute": "sex"}
    )
    quoted = "discriminatory inside (every one of its 5 data rows counted)"
    assert quoted in said
    assert quoted in _flat(FAIRNESS)
    assert '(every one counted)"), the share' not in _flat(FAIRNESS)


_YES_NO = "frame['decided'] = frame.pop('repaid').map({'no': '<=600', 'yes': '>600'})"
# a 0/1 column was shown keys '0' and '1', which map none of its values: every row's label
# NaN (docs48)
_ZERO_ONE = "frame['decided'] = frame.pop('repaid').map({0: '<=600', 1: '>600'})"


@pytest.mark.parametrize(("outcomes", "shown_as"), [(("no", "yes"), _YES_NO), ((0, 1), _ZERO_ONE)])
def test_the_label_refusal_beside_cutoff_is_followed_as_printed(
    tmp_path: Path, outcomes: tuple[Any, Any], shown_as: str
) -> None:
    # docs/fairness.md: the refusal shows the column to give; typed as it prints it, the
    # run then measures the group metrics (before: the refusal was quoted, never followed)
    rng = np.random.default_rng(0)
    n = 400
    frame = pd.DataFrame(
        {
            "sex": rng.integers(0, 2, n),
            "age": rng.integers(18, 80, n),
            "income": rng.integers(1000, 9000, n),
            "debt": rng.integers(0, 5000, n),
            "repaid": np.where(rng.random(n) < 0.7, outcomes[1], outcomes[0]),
        }
    )
    (tmp_path / "people.csv").write_text(frame.to_csv(index=False), encoding="utf-8")
    (tmp_path / "fm.py").write_text(
        "import numpy as np\n\n\ndef score(X):\n    X = np.asarray(X, dtype=float)\n"
        "    return 300 + X[:, 2] / 20 - X[:, 3] / 20 + 30 * (X[:, 0] == 1)\n",
        encoding="utf-8",
    )
    base = [sys.executable, "-m", "assay", "fairness", "fm.py:score", "--protected", "sex"]
    budget = ["--cutoff", "600", "--max-queries", "3000", "--seed", "1", "--store", "s.db"]
    refused = subprocess.run(
        [*base, "--data", "people.csv", "--label", "repaid", *budget],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=300,
        env=ENV,
    )
    assert refused.returncode == 2, refused.stderr
    shown = re.search(r"in pandas (frame\[.*?\)) then --label (\w+)", refused.stderr)
    assert shown is not None, refused.stderr
    assert _YES_NO in _flat(FAIRNESS)
    assert shown.group(1) == shown_as
    frame = pd.read_csv(tmp_path / "people.csv")
    exec(shown.group(1), {"frame": frame})  # as the user types it
    assert frame["decided"].notna().all()
    frame.to_csv(tmp_path / "decided.csv", index=False)
    done = subprocess.run(
        [*base, "--data", "decided.csv", "--label", shown.group(2), *budget, "--report", "r.json"],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=300,
        env=ENV,
    )
    assert done.returncode == 1, done.stdout + done.stderr  # the planted +30 for sex 1
    group = json.loads((tmp_path / "r.json").read_text())["run"]["summary"]["group"]
    assert group is not None and group["favourable"] == ">600"
    assert group["demographic_parity_chance"] is not None


def test_the_compiled_build_s_words_name_what_exists() -> None:
    # README: `make compiled`, `make clean-compiled`, ASSAY_COMPILED=0 and
    # `python -m assay.text.build status`
    text = _flat(README)
    make = (ROOT / "Makefile").read_text(encoding="utf-8")
    for target in ("compiled", "clean-compiled"):
        assert f"`make {target}`" in text
        assert re.search(rf"^{target}:", make, re.M), target
    assert "ASSAY_COMPILED=0" in text
    compiled = (ROOT / "src" / "assay" / "text" / "compiled.py").read_text(encoding="utf-8")
    assert "ASSAY_COMPILED" in compiled
    said = subprocess.run(
        [sys.executable, "-m", "assay.text.build", "status"],
        capture_output=True,
        text=True,
        timeout=120,
        env=ENV,
    )
    assert said.returncode == 0 and said.stdout.strip(), said.stderr


def test_a_run_whose_store_was_deleted_names_the_reports_not_written(
    tmp_path: Path, capsys: Any
) -> None:
    # README's exit-4 row: "the command's own reports say so"; a store deleted at a run's
    # start (ops48, exit 4) took the run with it: only the --junit file was written, and
    # nothing said that --report and --html were not (docs48, slow.py:predict, rm d.db)
    from assay.cli import app, leftover

    gone = tmp_path / "d.db"  # (never made: a store deleted)
    leftover.started("fairness-20261207-000000-abcd", gone)
    try:
        options = {
            "junit": str(tmp_path / "d.xml"),
            "report": str(tmp_path / "d.json"),
            "html": str(tmp_path / "d.html"),
        }
        message = f"{gone}: the run store file was deleted or replaced while the run went on"
        code = app._left_behind("fairness", options, 4, "store_error", message)
    finally:
        leftover.forget()
    assert code == 4
    said = capsys.readouterr().out
    assert "its store could not be read, so no report of it was written" in said, said
    assert "once the store can be read again" not in said  # (deleted: nothing to write)
    assert f"--html {tmp_path / 'd.html'}, --report {tmp_path / 'd.json'}" in said
    assert f"wrote {tmp_path / 'd.xml'} (one error naming why)" in said
    assert (tmp_path / "d.xml").exists() and not (tmp_path / "d.json").exists()
    assert "only the `--junit` file is written then" in _flat(README)


def test_a_run_whose_store_cannot_be_read_says_how_to_write_its_reports(
    tmp_path: Path, capsys: Any
) -> None:
    # its -shm made immutable (ops48, exit 4): the store is there, the run in it, but reading
    # it would die; the line names the command that writes the reports once it can be read
    from assay.cli import app, leftover

    there = tmp_path / "i.db"
    there.write_bytes(b"not a store this process may read")
    leftover.started("fairness-20261207-000000-abcd", there)
    try:
        options = {"report": str(tmp_path / "i.json")}
        code = app._left_behind("fairness", options, 4, "store_error", f"{there}: -shm")
    finally:
        leftover.forget()
    assert code == 4
    said = capsys.readouterr().out
    assert "(not written: --report " in said, said
    assert "once the store can be read again, write them: assay report " in said
    assert f"--store {there} --report {tmp_path / 'i.json'}" in said


def test_the_group_object_is_documented_with_its_chance_keys() -> None:
    # docs/fairness.md named `demographic_parity_chance` and `equalized_odds_chance` "in the
    # JSON"; docs/report-format.md's summary table had no `group` row at all, nor the schema
    text = _flat((ROOT / "docs" / "report-format.md").read_text(encoding="utf-8"))
    row = text[text.index("| `group` |") :].split(" | ", 2)[1]
    for key in ("demographic_parity_chance", "equalized_odds_chance", "selection_rate"):
        assert f"`{key}`" in row, key
    from assay.fairness.group import GroupReport

    fields = set(GroupReport.__dataclass_fields__)
    assert {"demographic_parity_chance", "equalized_odds_chance"} <= fields
    schema = json.loads((ROOT / "src/assay/report/schema.json").read_text(encoding="utf-8"))
    found = json.dumps(schema)
    assert '"group": {"type": ["object", "null"]' in found
