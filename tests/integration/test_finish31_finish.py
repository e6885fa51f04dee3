"""Finishing a run killed after its search (``assay resume``), the cases resume30's tests
left (finish31):

- an unsteady model (answers differ between calls for one input) killed in its answer: the
  finished answer keeps the run's determinism caveat (its flip check, made before the
  search and kept with the run), so its small domain is sampled, never enumerated as exact
  figures (one answer per input taken as the model's), as the run not killed does;
- a backdoor scan with ``--export-filter FILE --no-filter-images`` killed before its
  determinism section: the finish writes the filter file the run not killed writes, byte
  for byte (without clean images);
- a scan killed while writing its ``--export-filter`` file: it once read as a finished run
  (no file, ``assay resume`` refused it: "nothing to resume"); the file is now a part still
  to come (``core.unfinished``), and its resume writes it;
- a fairness run killed after its determinism section, before its closing records (the
  queries by phase, the judgement of a model that gave one answer to all, the notes on how
  its data was read, its wall clock): it once read as finished, and a constant model's run
  as "tested, nothing found" (exit 0, where the run not killed says NOTHING WAS TESTED,
  exit 2: a false pass); those records are now a part still to come, and its resume adds
  them as the run not killed has them;
- a text run killed after its re-check, before its queries by phase were recorded: it read
  as finished without ``model_queries``; they are now a part still to come (``records``),
  and its resume records them, asking nothing again;
- ``seconds_by_phase`` says the retraining's seconds, and ``sessions`` how many sessions the
  run took (a session killed while finishing counted too).
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from test_resume30_finish import (
    CONSTANT,
    FAIRNESS,
    RETRAIN,
    STEADY,
    _figures,
    exit_of,
    files,
    killed_at,
    the_run,
)

from assay.core.finishing import finishable, missing_parts

pytestmark = pytest.mark.slow

__all__ = ["files"]  # (the fixture, shared)

UNSTEADY = '''
import numpy as np

_rng = np.random.default_rng(3)  # seeded: another answer each call, the same each run


def unsteady(x):
    """Favours sex == 1 for x in 3-5; one answer in ten flipped at random."""
    x = np.asarray(x, dtype=float)
    y = (x[:, 0] + 3 * x[:, 1] > 5).astype(int)
    return np.where(_rng.random(len(x)) < 0.1, 1 - y, y)
'''


def _small(folder: Path) -> None:
    """``folder/small.csv``: x in 0-9 and sex: a domain of 20 inputs, small enough that the
    answer of a model that answers alike would ask every one of them."""
    rng = np.random.default_rng(0)
    rows = np.column_stack([rng.integers(0, 10, 200), rng.integers(0, 2, 200)])
    rows[:2, 0] = [0, 9]
    lines = "\n".join(",".join(map(str, r)) for r in rows)
    (folder / "small.csv").write_text(f"x,sex\n{lines}\n")


def test_an_unsteady_model_killed_in_its_answer_is_finished_sampled(files: Path) -> None:
    (files / "u.py").write_text(UNSTEADY)
    _small(files)
    args = ["fairness", "u.py:unsteady", "--data", "small.csv", "--protected", "sex"]
    args += ["--max-queries", "3000", "--seed", "1"]
    killed, clean = files / "killed.db", files / "clean.db"
    done = killed_at("assay.fairness.answer:compute_answer", args, killed)
    assert done.returncode == -9, done.stderr
    record, _ = the_run(killed)
    assert missing_parts(record) == ["answer", "determinism", "records"]
    assert record.config["budget"]["determinism_flip"]["deterministic"] is False
    code = exit_of(["resume", record.id, "--store", str(killed), "--quiet"])
    assert code == exit_of([*args, "--quiet", "--store", str(clean)]) == 1
    finished, _ = the_run(killed)
    expected, _ = the_run(clean)
    # sampled as the run not killed is: no exact figures from answers asked once each
    assert expected.summary["exact"] == [] == finished.summary["exact"]
    bases = [v["basis"] for v in finished.summary["verdict"]]
    assert bases == [v["basis"] for v in expected.summary["verdict"]] == ["sampled"]
    asked = finished.summary["model_queries"]["answer"]
    assert asked == expected.summary["model_queries"]["answer"]
    # the caveat carried: the flip check's, as the run made it before its search
    flip = record.config["budget"]["determinism_flip"]
    assert finished.summary["determinism"]["changed"] == flip["changed"] > 0
    assert "not deterministic" in finished.summary["headline"]
    said = [w for w in finished.summary["warnings"] if "not deterministic" in w]
    assert said == [w for w in expected.summary["warnings"] if "not deterministic" in w]
    assert len(said) == 1


def _scan(files: Path) -> list[str]:
    """A scan of 4 images by a model that a bright square turns (it finds a trigger)."""
    (files / "steady.py").write_text(STEADY)
    rng = np.random.default_rng(0)
    np.save(files / "images.npy", rng.random((4, 8, 8)))
    np.save(files / "clean.npy", rng.random((40, 8, 8)))
    args = ["backdoor", "steady.py:steady", "--images", "images.npy", "--clean", "clean.npy"]
    return [*args, "--input-shape", "8,8", "--classes", "2", "--seed", "1"]


@pytest.mark.parametrize(
    "where",
    [
        "assay.backdoor.api:record_steadiness",  # before its determinism section
        "assay.backdoor.phases:export_filter",  # while writing the filter file
    ],
)
def test_a_scan_killed_before_its_filter_is_finished_with_the_same_filter(
    files: Path, where: str
) -> None:
    args = [*_scan(files), "--no-filter-images"]
    killed, clean = files / "killed.db", files / "clean.db"
    done = killed_at(where, [*args, "--export-filter", "k.json"], killed)
    assert done.returncode == -9, done.stderr
    assert not (files / "k.json").exists()
    record, n_found = the_run(killed)
    assert finishable(record) and "filter" in missing_parts(record)  # (never a finished run)
    code = exit_of(["resume", record.id, "--store", str(killed), "--quiet"])
    expected_code = exit_of([*args, "--export-filter", "c.json", "--quiet", "--store", str(clean)])
    # (the same code as an uninterrupted scan: the brightness model's "trigger" is read as its
    # class's own feature since bd42b, so both may now end 0; what is checked is the finish)
    assert code == expected_code
    assert (files / "k.json").read_bytes() == (files / "c.json").read_bytes()
    finished, n_after = the_run(killed)
    expected, _ = the_run(clean)
    assert not finishable(finished) and n_after == n_found
    assert finished.summary["determinism"] == expected.summary["determinism"]
    titles = [s["title"] for s in finished.summary["sections"]]
    assert titles == [s["title"] for s in expected.summary["sections"]]  # (each once)
    assert "incomplete_reason" not in finished.summary


def test_the_phases_say_the_retraining_and_the_sessions_they_took(files: Path) -> None:
    """Killed in its answer, its finish killed in its determinism checks, then finished: three
    sessions, each phase's seconds added up, the retraining's among them (as in the run not
    killed: one session)."""
    killed, clean = files / "killed.db", files / "clean.db"
    done = killed_at("assay.fairness.answer:compute_answer", RETRAIN, killed)
    assert done.returncode == -9, done.stderr
    record, _ = the_run(killed)
    again = killed_at("assay.fairness.phases:confirm_findings", ["resume", record.id], killed)
    assert again.returncode == -9, again.stderr
    halfway, _ = the_run(killed)
    assert missing_parts(halfway) == ["determinism", "records", "retrain"]
    assert halfway.summary["sessions"] == 2  # (kept as the answer ended)
    assert exit_of(["resume", record.id, "--store", str(killed), "--quiet"]) == 1
    finished, _ = the_run(killed)
    assert exit_of([*RETRAIN, "--quiet", "--store", str(clean)]) == 1
    expected, _ = the_run(clean)
    assert expected.summary["sessions"] == 1 and finished.summary["sessions"] == 3
    for run in (finished, expected):
        phases = run.summary["seconds_by_phase"]
        assert set(phases) == {"loading", "checks", "search", "answer", "retrain"}
        with_retraining = run.summary["wall_seconds_with_retraining"]
        assert phases["retrain"] == pytest.approx(
            with_retraining - run.summary["wall_seconds"], abs=0.01
        )
        assert phases["retrain"] > 0
    assert _figures(finished.summary["mitigation"]) == _figures(expected.summary["mitigation"])


@pytest.mark.parametrize("args", [CONSTANT, FAIRNESS], ids=["constant", "biased"])
def test_a_run_killed_before_its_closing_records_is_no_pass_and_is_finished(
    files: Path, args: list[str]
) -> None:
    killed, clean = files / "killed.db", files / "clean.db"
    done = killed_at("assay.fairness.phases:_record_asked", args, killed)
    assert done.returncode == -9, done.stderr
    record, _ = the_run(killed)
    assert missing_parts(record) == ["records"] and "determinism" in record.summary
    report = ["report", record.id, "--store", str(killed), "--junit", "r.xml"]
    # nothing found: not everything was tested (exit 2), never a pass; found: a failure
    expected_code = 2 if args == CONSTANT else 1
    assert exit_of(report) == expected_code
    code = exit_of(["resume", record.id, "--store", str(killed), "--quiet"])
    assert code == exit_of([*args, "--quiet", "--store", str(clean)]) == expected_code
    assert exit_of(report) == code
    finished, _ = the_run(killed)
    expected, _ = the_run(clean)
    assert not finishable(finished)
    for key in ("model_queries", "untested_reason", "warnings", "determinism", "verdict"):
        assert _figures(finished.summary.get(key)) == _figures(expected.summary.get(key)), key
    titles = [s["title"] for s in finished.summary["sections"]]
    assert titles == [s["title"] for s in expected.summary["sections"]]


COUNTED = """
import numpy as np


def _asked(batch):
    with open("calls.log", "a") as log:  # (every sentence asked, in the caller's folder)
        log.write(f"{len(batch)}\\n")


def plain(batch):
    _asked(batch)
    p = np.array([0.8 if "good" in s else 0.2 for s in batch])
    return np.column_stack([1 - p, p])


def negated(batch):
    _asked(batch)
    p = np.array([0.2 if "not" in s else (0.8 if "good" in s else 0.2) for s in batch])
    return np.column_stack([1 - p, p])
"""


def test_a_text_run_killed_before_its_queries_are_recorded_is_finished(files: Path) -> None:
    """Its resume records them and asks the classifiers nothing (its re-check was made: not
    again, where the same figures would have hidden 100 sentences asked again)."""
    (files / "counted.py").write_text(COUNTED)
    args = ["text", "counted.py:plain", "counted.py:negated", "--grammar", "builtin:reviews"]
    args += ["--max-queries", "2000", "--seed", "2"]
    killed, clean = files / "killed.db", files / "clean.db"
    done = killed_at("assay.text.phases:_record_queries", args, killed)
    assert done.returncode == -9, done.stderr
    record, _ = the_run(killed)
    assert missing_parts(record) == ["records"] and "model_queries" not in record.summary
    (files / "calls.log").unlink()
    code = exit_of(["resume", record.id, "--store", str(killed), "--quiet"])
    assert not (files / "calls.log").exists()  # (nothing asked)
    assert code == exit_of([*args, "--quiet", "--store", str(clean)]) == 1
    finished, _ = the_run(killed)
    expected, _ = the_run(clean)
    assert not finishable(finished)
    assert finished.summary["model_queries"] == expected.summary["model_queries"]
    assert finished.summary["determinism"] == record.summary["determinism"]
