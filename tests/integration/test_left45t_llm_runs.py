"""An LLM behind HTTP as a zero-shot classifier (``fixtures/llm_service``; no real sleeps):
what the left list of llm45t left.

- A quota ending in the middle of a round's shrinking lost the round's earlier minimal
  errors from the store while the summary counted them: "0 findings stored" beside "16
  distinct minimal failing sentences" (``assay show``: "findings 0").
- A run none of whose findings was confirmed (a sampling LLM) exits 2, but JUnit failed each
  finding and the HTML's verdict read "fails": each now says it is unconfirmed, and why.
- A noisy LLM's search spent the whole budget, so none of its findings (a planted bias's
  among them) could be asked again: a share is held back for that when the start's check
  saw answers change.
- A wording neither loading nor the map saw stops the run (exit 3); ``assay resume`` took no
  label map, so it was started over: ``resume --label-map`` adds lines (never changes one).
"""

from __future__ import annotations

import json
import sys
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

import assay
from assay.cli.app import main
from assay.core.store import RunStore
from assay.errors import ModelError

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "fixtures"))
sys.path.insert(0, str(Path(__file__).resolve().parent))
from llm_service import LlmService
from test_llm45t_llm_service import MAP, WORDS, _verdict, blind, lexicon

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


def _noisy_run(store: Path, max_queries: int) -> assay.TextResult:
    """The LLM judging as ``lexicon`` does, flipping 30 % of its answers: all noise."""
    with LlmService(wording="plain", flip=0.3, max_batch=8, seed=3) as llm:
        return assay.check_text(
            [llm.url, lexicon], grammar="builtin:reviews", max_queries=max_queries, seed=1,
            store=store, serving={"batch_size": 8},
        )  # fmt: skip


def test_reports_say_why_unconfirmed_findings_fail_nothing(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Before: JUnit failed each unconfirmed finding ("severity 1: ...") beside its "not
    everything tested" error, and the HTML's verdict read "fails: 44 findings" on a run that
    exits 2; after: each says it is unconfirmed, why, that it is kept and how to confirm."""
    store = tmp_path / "n.db"
    result = _noisy_run(store, 300)
    assert result.summary.get("findings_unconfirmed"), result.headline
    junit, page = tmp_path / "j.xml", tmp_path / "r.html"
    code, out = _cli(
        capsys, "report", result.run_id, "--store", str(store), "--junit", str(junit),
        "--html", str(page),
    )  # fmt: skip
    assert code == 2, out
    xml = ET.parse(junit).getroot()
    cases = xml.findall(".//testcase")
    assert not xml.findall(".//failure"), "unconfirmed findings fail nothing (as the exit code)"
    found = [c for c in cases if c.get("name", "").startswith("text-differential")]
    assert len(found) == result.n_findings > 0
    for case in found:
        said = case.findtext("system-out") or ""
        assert "unconfirmed: classify answered the same sentence otherwise" in said, said
    (error,) = xml.findall(".//error")
    message = error.get("message") or ""
    assert "not everything was tested" in message
    assert "kept in the run store" in message and "max_queries" in message, message
    html = page.read_text()
    assert "not a pass: not everything was tested; its" in html
    assert f"fails: {result.n_findings} findings" not in html


def test_a_noisy_llm_s_real_findings_are_confirmed_within_the_budget(tmp_path: Path) -> None:
    """The LLM flipping 5 % of its answers beside ``blind`` (a planted bias: blind to
    negation).  Before: the search spent the whole budget, no finding could be asked again,
    none confirmed (exit 2); after: the start's check saw answers change, so a share of the
    budget was held back, the findings asked again within --max-queries, the planted ones
    confirmed (exit 1)."""
    store = tmp_path / "b.db"
    with LlmService(wording="plain", flip=0.05, max_batch=8, seed=3) as llm:
        result = assay.check_text(
            [llm.url, blind], grammar="builtin:reviews", max_queries=600, seed=1, store=store,
            serving={"batch_size": 8},
        )  # fmt: skip
    determinism = result.summary["determinism"]
    assert determinism["probe"]["held_for_replay"] > 0
    assert determinism["replayed"]["held"] > 0, result.headline
    asked = result.summary["model_queries"]
    assert asked["total"] <= 600, asked
    # what held is the planted bias, but for a noise finding replaying by chance (one ask
    # in two fails again with about a tenth of them at 5 % flips: ``replay_hold.RULE``)
    held = list(result.findings()["sentence"])
    assert len(held) == determinism["replayed"]["held"]
    noise = [s for s in held if blind([s]) == lexicon([s])]
    assert len(noise) <= len(held) // 10, noise
    assert _verdict(result, store) == 1


def test_a_deterministic_llm_holds_nothing_back(tmp_path: Path) -> None:
    """The same pair, the LLM at temperature 0: no answer changed, nothing held back, the
    search given the whole budget as before."""
    with LlmService(wording="plain", max_batch=8) as llm:
        result = assay.check_text(
            [llm.url, blind], grammar="builtin:reviews", max_queries=600, seed=1,
            store=tmp_path / "d.db", serving={"batch_size": 8},
        )  # fmt: skip
    assert "held_for_replay" not in result.summary["determinism"]["probe"]
    assert "replayed" not in result.summary["determinism"]
    asked = result.summary["model_queries"]
    assert asked["total"] > 590, asked  # (the search spent its whole share)


def test_resume_adds_a_wording_to_the_run_s_label_map(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """A map without "The sentiment is positive": the run stops on that wording (exit 3).
    Before: `assay resume` took no --label-map ("No such option"), the run had to be started
    over; after: the line is added, the run goes on and compares through it, the merged map
    kept with the run; a line changing a stored mapping is refused by name."""
    store = tmp_path / "m.db"
    lines = [
        f"1 {w!r} -> {'negative' if 'egative' in w else 'positive'}".replace("'", '"')
        for w in MAP
        if w in WORDS and w != "The sentiment is positive"
    ]
    first, added, changed = tmp_path / "map.txt", tmp_path / "more.txt", tmp_path / "bad.txt"
    first.write_text("\n".join(lines) + "\n")
    added.write_text('1 "The sentiment is positive" -> positive\n')
    changed.write_text('1 "The sentiment is positive" -> positive\n1 POSITIVE -> negative\n')
    with LlmService(max_batch=4) as llm:
        args = ["--store", str(store)]
        code, out = _cli(
            capsys, "text", llm.url, "builtin:tfidf", "--grammar", "builtin:reviews",
            "--max-queries", "400", "--label-map", str(first), "--batch-size", "4",
            "--seed", "1", *args,
        )  # fmt: skip
        assert code == 3 and "'The sentiment is positive'" in out, out
        run = RunStore(store, read_only=True).list_runs()[0].id
        code, out = _cli(capsys, "resume", run, "--label-map", str(changed), *args)
        assert code == 2, out
        assert "'POSITIVE'" in out and "maps it to 'positive'" in out and "bad.txt" in out, out
        code, out = _cli(capsys, "resume", run, "--label-map", str(added), *args)
    assert code == 1, out
    record = RunStore(store, read_only=True).get_run(run)
    kept = record.config["invocation"]["label_map"]
    assert kept["0"]["The sentiment is positive"] == "positive"
    assert kept["0"]["POSITIVE"] == "positive"  # (the refused change left no trace)
    assert record.status in ("budget_exhausted", "completed")
