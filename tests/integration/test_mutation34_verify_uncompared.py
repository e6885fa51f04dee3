"""``assay verify`` of a run none of whose stored findings could be replayed says that, not
that the run has no stored finding (mutation34: mutant RP3 of ``core/replay.judged``, the
two reasons swapped, survived: the skip note said the why beside it); one that replayed
some says on its line that NOT EVERYTHING was tested (mutant VL1, "NOTHING", survived)."""

from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))
from test_hostile30t_verify_uncompared import (  # isort: skip
    AFTER,
    BEFORE,
    _made_then_verified,
)


def test_a_run_whose_every_stored_finding_was_skipped_says_so(tmp_path: Path) -> None:
    _, said, code = _made_then_verified(tmp_path, BEFORE, AFTER)
    assert code == 2, said
    run = said.split("none of run ", 1)[1].split("'s", 1)[0] if "none of run " in said else ""
    assert run.startswith("text-"), said
    assert "stored findings could be replayed (on 1 stored sentences" in " ".join(said.split())
    assert "has no stored finding" not in said, said


def test_a_run_partly_replayed_says_not_everything_on_its_line(tmp_path: Path) -> None:
    before = BEFORE.replace("'tennis' in s", "('tennis' in s or 'polo' in s)")
    after = before.replace(
        "['pos' if ('tennis' in s or 'polo' in s) else 'neutral' for s in batch]",
        "['neutral' if 'tennis' in s else 'neg' if 'polo' in s else 'pos' for s in batch]",
    )
    _, said, code = _made_then_verified(tmp_path, before, after)
    assert code == 2, said
    line = next(x for x in said.splitlines() if "no longer do" in x)
    assert line.endswith("no longer do; NOT EVERYTHING WAS TESTED: this is not a pass (exit 2)")
