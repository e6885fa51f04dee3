"""Every key of a backdoor run's per-image rows (``summary.rows``) is documented in
docs/report-format.md, and every key documented there is one a row can hold.

``natural`` (the box the natural-feature check rejected, hostile30b) was added to the rows
with no word in the report format: ``test_docs_consistency`` checks only that documented
keys exist, not that the keys a run writes are documented.
"""

from __future__ import annotations

import re
from pathlib import Path

from assay.backdoor.second_view import mark_rows
from assay.backdoor.technique import _verdict_from_json
from assay.backdoor.verdicts import ImageVerdict

DOC = Path(__file__).resolve().parents[2] / "docs" / "report-format.md"
# every key a row may carry beside the fixed ones: ``_verdict_from_json`` keeps them on resume
EXTRA = {"entropy": 0.5, "true_label": 3, "natural": [5, 5, 3, 3], "rechecked": True}


def _documented() -> set[str]:
    text = DOC.read_text(encoding="utf-8")
    part = text.split("### A backdoor run's per-image rows (`summary.rows`)", 1)[1]
    part = part.split("\n## ", 1)[0]
    return set(re.findall(r"^\| `([a-z_]+)`", part, flags=re.MULTILINE))


def test_every_row_key_is_documented_and_no_other() -> None:
    row = ImageVerdict(index=0, label=1, extra=dict(EXTRA)).row()
    assert set(_verdict_from_json(row).row()) == set(row)  # the extras survive a resume
    # (and the keys the summary's second opinion marks rows with: docs46 documented them)
    opinion = {"entropy": {"0": 0.1}, "flagged": [0], "pattern": {"flagged": [0]}}
    row = mark_rows([row], opinion)[0]
    documented = _documented()
    assert set(row) - documented == set(), "undocumented row keys"
    assert documented - set(row) == set(), "documented keys no row holds"
