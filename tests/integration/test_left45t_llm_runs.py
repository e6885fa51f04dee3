"""An LLM behind HTTP as a zero-shot classifier (``fixtures/llm_service``; no real sleeps):
what the left list of llm45t left.

- A quota ending in the middle of a round's shrinking lost the round's earlier minimal
  errors from the store while the summary counted them: "0 findings stored" beside "16
  distinct minimal failing sentences" (``assay show``: "findings 0").
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

import pytest

import assay
from assay.cli.app import main
from assay.core.store import RunStore
from assay.errors import ModelError

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "fixtures"))
sys.path.insert(0, str(Path(__file__).resolve().parent))
from llm_service import LlmService
from test_llm45t_llm_service import MAP

pytestmark = pytest.mark.filterwarnings("ignore::assay.AssayWarning")


def _cli(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str]:
    with pytest.raises(SystemExit) as exit_:
        main(list(args))
    out = capsys.readouterr()
    return int(exit_.value.code or 0), out.out + out.err


def test_a_quota_ending_mid_round_keeps_the_minimal_errors_it_counted(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Before: the run stopped by the quota stored 0 findings, its summary and every report
    said 16 distinct minimal; after: the 16 are stored, every output says 16."""
    store = tmp_path / "q.db"
    with LlmService(quota=40, max_batch=4) as llm:
        with pytest.raises(ModelError):
            assay.check_text(
                [llm.url, "builtin:tfidf"], grammar="builtin:reviews", label_map={0: MAP},
                max_queries=400, seed=1, store=store, serving={"batch_size": 4},
            )  # fmt: skip
        runs = RunStore(store, read_only=True)
        run = runs.list_runs()[0]
        record = runs.get_run(run.id)
        distinct = record.summary["text"]["distinct_minimal"]
        assert distinct > 0
        assert runs.count_findings(run.id) == distinct, record.summary["headline"]
        _, out = _cli(capsys, "show", run.id, "--store", str(store), "--json")
        shown = json.loads(out)
        assert shown["n_findings"] == distinct, out[:400]
        _, out = _cli(capsys, "show", run.id, "--store", str(store))
        assert f"findings  {distinct} " in out, out
        llm.quota = 0  # the next day: the resumed run finds them again, none twice
        resumed = assay.resume_run(run.id, store=store)
        whole = assay.check_text(
            [llm.url, "builtin:tfidf"], grammar="builtin:reviews", label_map={0: MAP},
            max_queries=400, seed=1, store=tmp_path / "w.db", serving={"batch_size": 4},
        )  # fmt: skip
    assert resumed.n_findings == whole.n_findings > distinct
