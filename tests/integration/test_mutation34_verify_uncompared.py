"""``assay verify`` of a run none of whose stored findings could be replayed says that, not
that the run has no stored finding (mutation34: mutant RP3 of ``core/replay.judged``, the
two reasons swapped, survived: the skip note said the why beside it)."""

from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))
from test_hostile30t_verify_uncompared import AFTER, BEFORE, _made_then_verified  # isort: skip


def test_a_run_whose_every_stored_finding_was_skipped_says_so(tmp_path: Path) -> None:
    _, said, code = _made_then_verified(tmp_path, BEFORE, AFTER)
    assert code == 2, said
    run = said.split("none of run ", 1)[1].split("'s", 1)[0] if "none of run " in said else ""
    assert run.startswith("text-"), said
    assert "stored findings could be replayed (on 1 stored sentences" in " ".join(said.split())
    assert "has no stored finding" not in said, said
