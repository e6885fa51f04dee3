"""A hostile new user's pass over ``assay text`` and ``assay backdoor`` (issues 9, 10):
runs that read as a pass when nothing was tested, figures that flattered, secrets shown."""

from __future__ import annotations

import json
import os
import re
import shlex
import signal
import threading
import xml.etree.ElementTree as ET
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from serving_servers import FaultServer

from assay.cli.app import main

pytestmark = pytest.mark.slow

GRAMMAR = """\
S -> NAME "is" NEG A
NAME -> "Maria" | "John" | "Wei"
NEG -> "" | "not"
A -> "good" | "bad" | "kind" | "rude"
%invariant NAME
"""

TEXT_MODELS = """\
import time

import numpy as np

def hangs(X):
    time.sleep(3600)

def const(X):
    return np.zeros(len(X), dtype=int)

def const2(X):
    return np.zeros(len(X), dtype=int)

def negation(X):
    return np.array([0 if "not" in s.split() else 1 for s in X])

def negation2(X):
    return np.array([0 if "not" in s.split() else 1 for s in X])

for f in (const, const2, negation, negation2):
    f.classes_ = ["neg", "pos"]
"""

# a cheap image classifier over 8x8 images (no training): which quarter holds the most ink
IMAGE_MODELS = """\
import time

import numpy as np

def hangs(X):
    time.sleep(3600)

def quarters(X):
    X = np.asarray(X, dtype=float).reshape(len(X), 8, 8)
    q = [X[:, :4, :4], X[:, :4, 4:], X[:, 4:, :4], X[:, 4:, 4:]]
    return np.stack([v.sum(axis=(1, 2)) for v in q], axis=1).argmax(axis=1)

def const(X):
    return np.full(len(X), 2)

def bright(X):
    # superimposing any clean image makes every image bright: every blend answers 1
    X = np.asarray(X, dtype=float).reshape(len(X), -1)
    return (X.mean(axis=1) > 0.5).astype(int)

quarters.classes_ = [0, 1, 2, 3]
const.classes_ = [0, 1, 2, 3]
bright.classes_ = [0, 1]
"""


def _cli(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    with pytest.raises(SystemExit) as exc:
        main(list(args))
    out = capsys.readouterr()
    code = exc.value.code
    return (code if isinstance(code, int) else 1), out.out, out.err


def _text(
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    functions: list[str],
    *args: str,
    grammar: str = GRAMMAR,
) -> tuple[int, str, str]:
    (tmp_path / "clf.py").write_text(TEXT_MODELS)
    (tmp_path / "g.cfg").write_text(grammar)
    return _cli(
        capsys,
        "text",
        *[f if ".py:" in f else f"{tmp_path / 'clf.py'}:{f}" for f in functions],
        *args,
        "--grammar",
        str(tmp_path / "g.cfg"),
        "--max-queries",
        "200",
        "--seed",
        "1",
        "--store",
        str(tmp_path / "runs.db"),
        "--junit",
        str(tmp_path / "junit.xml"),
        "--report",
        str(tmp_path / "report.json"),
    )


def _untested(tmp_path: Path, what: str = "NOTHING WAS TESTED") -> None:
    suite = ET.parse(tmp_path / "junit.xml").getroot()
    assert suite.get("errors") == "1" and suite.get("failures") == "0"
    doc = json.loads((tmp_path / "report.json").read_text())
    assert doc["headline"].startswith(what), doc["headline"]


def test_a_classifier_that_answers_a_constant_passes_no_invariance_test(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """A classifier that gives every sentence the same answer (a wrapper fed the wrong form)
    can never break an invariance: exit 2 and an errored JUnit case, never 0."""
    code, out, err = _text(tmp_path, capsys, ["const"], "--oracle", "invariance")
    assert code == 2, (out, err)
    assert "nothing was tested" in err and "same answer" in err
    _untested(tmp_path)


def test_a_constant_classifier_among_several_has_not_passed_invariance(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """'no invariance failure found ... of const, negation', exit 0: the constant one was
    never tested (alone it is NOTHING WAS TESTED; beside negation, which was tested, NOT
    EVERYTHING WAS TESTED: left44t)."""
    code, out, err = _text(tmp_path, capsys, ["const", "negation"], "--oracle", "invariance")
    assert code == 2, (out, err)
    assert "clf.py:const gave the same answer" in err and "clf.py:negation gave" not in err
    _untested(tmp_path, "NOT EVERYTHING WAS TESTED")


def test_two_constant_classifiers_have_not_passed_a_differential_test(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, err = _text(tmp_path, capsys, ["const", "const2"])
    assert code == 2, (out, err)
    assert "same answer" in err
    _untested(tmp_path)


def test_two_identical_classifiers_whose_answers_vary_still_pass(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """The guard: agreement between classifiers that do answer differently per sentence is
    a clean differential run (exit 0), as before."""
    code, out, err = _text(tmp_path, capsys, ["negation", "negation2"])
    assert code == 0, (out, err)
    assert "nothing was tested" not in err


def test_a_grammar_of_empty_sentences_tests_nothing(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, err = _text(tmp_path, capsys, ["negation", "negation2"], grammar='S -> ""\n')
    assert code == 2, (out, err)
    assert "empty" in err
    _untested(tmp_path)


def test_the_text_api_says_a_constant_classifier_tested_nothing(tmp_path: Path) -> None:
    import assay

    def const(texts: list[str]) -> np.ndarray:
        return np.ones(len(texts), dtype=int)

    const.classes_ = ["neg", "pos"]  # type: ignore[attr-defined]
    (tmp_path / "g.cfg").write_text(GRAMMAR)
    result = assay.check_text(
        const,
        grammar=tmp_path / "g.cfg",
        oracle="invariance",
        max_queries=100,
        seed=2,
        store=tmp_path / "runs.db",
    )
    assert "same answer" in str(result.untested), result.summary
    assert result.headline.startswith("NOTHING WAS TESTED"), result.headline  # as the report


def test_the_backdoor_api_says_a_constant_model_tested_nothing(tmp_path: Path) -> None:
    import assay

    def const(x: np.ndarray) -> np.ndarray:
        return np.full(len(x), 1)

    const.classes_ = [0, 1, 2]  # type: ignore[attr-defined]
    rng = np.random.default_rng(3)
    result = assay.check_backdoor(
        const,
        images=rng.random((4, 8, 8)),
        clean=rng.random((12, 8, 8)),
        input_shape="8,8",
        seed=1,
        store=tmp_path / "runs.db",
    )
    assert result.untested and "same class (1)" in result.untested, result.summary
    assert result.headline.startswith("NOTHING WAS TESTED"), result.headline


def test_a_classifier_endpoint_is_never_named_by_its_query_string() -> None:
    """The name shown in headlines, report columns and the CSV export came from the URL's
    last segment, query included: ``predict?token=SECRET``, stored and printed in clear."""
    from assay.text.loading import name_of as _name_of

    for url in (
        "http://bob:PW@127.0.0.1:9/predict?token=SECRET&x=1",
        "https://h.example/v1/predict?api_key=SECRET",
        "http://bob:SECRET@h.example",
    ):
        name = _name_of(url, 0)
        assert "SECRET" not in name and "PW" not in name, name
    assert _name_of("http://h.example/v1/predict?api_key=SECRET", 0) == "predict"


def _images(tmp_path: Path, x: np.ndarray | None = None) -> tuple[Path, Path, Path]:
    """Clean images (all but the last 10 of ``x``), images to scan (the last 10), the models'
    file.  24 random clean images: at least 10 of them in other classes than any image's
    (fewer confirm no trigger: the image is not verified)."""
    x = np.random.default_rng(0).random((34, 8, 8)) if x is None else x
    clean, scan = tmp_path / "clean.npy", tmp_path / "scan.npy"
    np.save(clean, x[:-10].astype(np.float32))
    np.save(scan, x[-10:].astype(np.float32))
    models = tmp_path / "img.py"
    models.write_text(IMAGE_MODELS)
    return clean, scan, models


def _backdoor(
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    function: str,
    *args: str,
    images: np.ndarray | None = None,
    clean_file: Path | None = None,
) -> tuple[int, str, str]:
    clean, scan, models = _images(tmp_path, images)
    clean = clean if clean_file is None else clean_file
    return _cli(
        capsys,
        "backdoor",
        f"{models}:{function}",
        "--images",
        str(scan),
        "--clean",
        str(clean),
        "--input-shape",
        "8,8",
        "--seed",
        "1",
        "--store",
        str(tmp_path / "runs.db"),
        "--junit",
        str(tmp_path / "junit.xml"),
        "--report",
        str(tmp_path / "report.json"),
        *args,
    )


@pytest.mark.parametrize("strategy", ["assay", "neo", "strip"])
def test_an_image_model_that_answers_one_class_has_not_passed(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], strategy: str
) -> None:
    """No occlusion, patch or blend can change a constant answer: every strategy exited 0
    ('0 of 20 images carry a confirmed trigger')."""
    code, out, err = _backdoor(tmp_path, capsys, "const", "--strategy", strategy)
    assert code == 2, (out, err)
    assert "nothing was tested" in err and "same class (2)" in err
    _untested(tmp_path)


def test_an_image_model_whose_answers_vary_is_judged_as_before(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, err = _backdoor(tmp_path, capsys, "quarters")
    assert code in (0, 1), (out, err)
    assert "nothing was tested" not in err


def test_the_run_budget_running_out_is_not_a_per_image_budget(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """--max-queries ran out after a few images: every other image was marked 'undecided
    (per-image budget)' with its few queries averaged into 'queries per unflagged image', and
    the run read 'completed'.  The run's budget ends the run; the images it did not reach are
    said so."""
    code, out, err = _backdoor(tmp_path, capsys, "quarters", "--max-queries", "120")
    doc = json.loads((tmp_path / "report.json").read_text())
    summary = doc["run"]["summary"]
    assert doc["run"]["status"] == "budget_exhausted", (doc["run"]["status"], out, err)
    assert "per-image budget" not in summary["headline"], summary["headline"]
    assert "not reached" in summary["headline"], summary["headline"]
    scanned = summary["metrics"]["images scanned"]
    assert summary["metrics"]["images not reached"] == 10 - scanned
    # the images never scanned were not tested: with nothing found, not a pass (it exited 0)
    flagged = summary["metrics"]["images flagged"]
    assert code == (1 if flagged else 2), (out, err)
    assert doc["headline"].startswith("NOT EVERYTHING WAS TESTED: "), doc["headline"]
    assert f"{10 - scanned} of 10 images were not reached" in doc["headline"]
    suite = ET.parse(tmp_path / "junit.xml").getroot()
    assert suite.find(".//error[@type='incomplete']") is not None
    if not flagged:
        assert "not everything was tested" in err and "exit 2" in err, err
        assert "raise --max-time or --max-queries" in err


def test_a_model_scan_stopped_before_its_last_class_has_not_passed(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """'model scan stopped after 1 of 4 classes', exit 0: the classes never scanned may be a
    trigger's target."""
    clean, _, models = _images(tmp_path)
    code, out, err = _cli(
        capsys, "backdoor", f"{models}:quarters", "--clean", str(clean), "--input-shape", "8,8",
        "--max-queries", "12800", "--seed", "1", "--store", str(tmp_path / "runs.db"),
    )  # fmt: skip
    # (the first class pays the sweep every class reads, ~12,000 queries here; the next
    # classes ~450 each: the budget stops the scan in its third class)
    assert code == 2, (out, err)
    assert "not everything was tested: the model scan stopped after" in err, err
    assert "of 4 classes" in err


def test_a_scan_ended_by_a_model_failure_does_not_blame_the_budget(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """A model that answered NaN ended the scan (exit 3); 'assay show' then read '10 of 10
    images not reached (the run's budget ran out)' for a run with no budget."""
    (tmp_path / "bad.py").write_text(
        "import numpy as np\n"
        "calls = [0]\n"
        "def nan_later(X):\n"
        "    calls[0] += 1\n"
        "    X = np.asarray(X, dtype=float).reshape(len(X), -1)\n"
        "    out = np.stack([X[:, :32].sum(1), X[:, 32:].sum(1)], axis=1)\n"
        "    return out * np.nan if calls[0] > 1 else out\n"
        "nan_later.classes_ = [0, 1]\n"
    )
    clean, scan, _ = _images(tmp_path)
    code, out, err = _cli(
        capsys, "backdoor", f"{tmp_path / 'bad.py'}:nan_later", "--images", str(scan),
        "--clean", str(clean), "--input-shape", "8,8", "--store", str(tmp_path / "runs.db"),
    )  # fmt: skip
    assert code == 3, (out, err)
    from assay.core.store import RunStore

    (record,) = RunStore(tmp_path / "runs.db").list_runs()
    headline = record.summary["headline"]
    # (left43b: ended before its first image, it says none was tested, not "0 of 0 images")
    assert "none of them was tested" in headline and "budget" not in headline, headline


def test_a_per_image_budget_too_small_for_any_image_says_so(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Every image undecided read 'nothing was tested: the run ended before the first test'."""
    code, out, err = _backdoor(tmp_path, capsys, "quarters", "--max-queries-per-image", "1")
    assert code == 2, (out, err)
    assert "--max-queries-per-image 1" in err, err
    _untested(tmp_path)


def test_copies_of_one_clean_image_are_refused(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Thirty copies of one clean image 'confirmed' triggers at a 100 % flip rate on a
    clean model (exit 1): each copy counted as a verification."""
    clean, scan, models = _images(tmp_path)
    np.save(clean, np.repeat(np.load(clean)[:2], 15, axis=0))
    code, out, err = _cli(
        capsys,
        "backdoor",
        f"{models}:quarters",
        "--images",
        str(scan),
        "--clean",
        str(clean),
        "--input-shape",
        "8,8",
        "--store",
        str(tmp_path / "runs.db"),
    )
    assert code == 2, (out, err)
    assert "--clean" in err and "2 different" in err


def test_a_model_scan_stopped_by_its_budget_counts_every_query(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """'model scan stopped after 0 classes; 0 queries' after 2,196 queries: the headline
    counted only the finished class scans."""
    clean, _, models = _images(tmp_path)
    code, out, err = _cli(
        capsys,
        "backdoor",
        f"{models}:quarters",
        "--clean",
        str(clean),
        "--input-shape",
        "8,8",
        "--max-queries",
        "300",
        "--seed",
        "1",
        "--store",
        str(tmp_path / "runs.db"),
        "--json",
    )
    assert code == 2, (out, err)  # no class scan finished: nothing was tested
    doc = json.loads(out)
    done = [line for line in err.splitlines() if line.strip().startswith("done:")]
    asked = int(done[-1].split(":")[1].split("queries")[0].replace(",", ""))
    assert asked > 0
    # (the progress line counts the scan's; the run's figure adds the determinism check's
    # since audit46b: "39,816 queries" left its 16 out)
    m = doc["summary"]["metrics"]
    check = m["queries asked by the determinism check"]
    assert check > 0 and m["queries"] == asked + check, (doc["summary"], err)
    run = m["queries"]
    assert f"{run:,} queries" in doc["summary"]["headline"], doc["summary"]["headline"]


@pytest.mark.parametrize("value", ["5", "nan", "1.5"])
def test_a_fail_on_no_finding_can_reach_is_refused_before_a_run(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], value: str
) -> None:
    """--fail-on 5 (or nan) exited 0 with disagreements found: a severity is at most 1, so
    nothing could ever fail the run.  Refused before anything is loaded (as fairness does)."""
    code, out, err = _text(tmp_path, capsys, ["negation", "const"], "--fail-on", value)
    assert code == 2 and "--fail-on" in err, (out, err)
    assert not (tmp_path / "runs.db").exists() or "text-" not in _runs(tmp_path, capsys)
    clean, _, models = _images(tmp_path)
    code, out, err = _cli(
        capsys,
        "backdoor",
        f"{models}:quarters",
        "--clean",
        str(clean),
        "--fail-on",
        value,
        "--store",
        str(tmp_path / "runs.db"),
    )
    assert code == 2 and "--fail-on" in err, (out, err)


def _runs(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> str:
    _, out, err = _cli(capsys, "runs", "--store", str(tmp_path / "runs.db"))
    return out + err


@pytest.mark.parametrize(
    ("flag", "value"), [("--export", "fails.txt"), ("--html", "."), ("--export", "f/x.csv")]
)
def test_a_bad_output_name_is_refused_before_the_run(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], flag: str, value: str
) -> None:
    """--export fails.txt was refused after the run: the run was spent, no report was
    written, and exit 2 hid the disagreements it found (exit 1)."""
    if value == "f/x.csv":  # a file where the export's folder would be made
        (tmp_path / "f").write_text("")
    code, out, err = _text(tmp_path, capsys, ["negation", "const"], flag, str(tmp_path / value))
    assert code == 2 and flag in err, (out, err)
    assert "text-" not in _runs(tmp_path, capsys)


def test_an_input_shape_with_a_stray_part_is_refused() -> None:
    """'--input-shape 8,x' was read as 8 (the x taken for a separator)."""
    from assay.backdoor.images import parse_shape
    from assay.errors import UsageError

    assert parse_shape("8x8") == (8, 8) and parse_shape(" 1, 28, 28 ") == (1, 28, 28)
    for bad in ("8,x", "8,", "x8"):
        with pytest.raises(UsageError, match="--input-shape"):
            parse_shape(bad)


def test_a_failing_classifier_is_named_as_the_user_gave_it(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """A callable that raised on its first call was named 'assay_user_bad_529b4ea92af2.boom'
    (assay's internal module name); one that returned None failed an assertion inside assay
    ('raised AssertionError: ')."""
    (tmp_path / "bad.py").write_text(
        "def boom(X):\n    raise RuntimeError('boom')\n\ndef nothing(X):\n    pass\n"
    )
    (tmp_path / "g.cfg").write_text(GRAMMAR)
    for function, said in (("boom", "bad.py:boom raised RuntimeError: boom"), ("nothing", "None")):
        code, out, err = _cli(
            capsys,
            "text",
            f"{tmp_path / 'bad.py'}:{function}",
            "--oracle",
            "invariance",
            "--grammar",
            str(tmp_path / "g.cfg"),
            "--store",
            str(tmp_path / "runs.db"),
        )
        assert code == 3, (out, err)
        assert said in err and "assay_user_" not in err and "AssertionError" not in err, err


def test_more_units_than_queries_is_refused_before_a_run(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """--units 8 --max-queries 5 started a run that ended 'failed' with 'argument
    --max-queries: must be at least 1, not 0' (a unit's share, not what the user gave)."""
    (tmp_path / "clf.py").write_text(TEXT_MODELS)
    (tmp_path / "g.cfg").write_text(GRAMMAR)
    code, _, err = _cli(
        capsys,
        "text",
        f"{tmp_path / 'clf.py'}:negation",
        f"{tmp_path / 'clf.py'}:const",
        "--grammar",
        str(tmp_path / "g.cfg"),
        "--units",
        "8",
        "--max-queries",
        "5",
        "--store",
        str(tmp_path / "other.db"),
    )
    assert code == 2 and "--units" in err and "must be at least 1, not 0" not in err, err
    assert not (tmp_path / "other.db").exists() or "text-" not in _runs_in(
        tmp_path / "other.db", capsys
    )


def _runs_in(store: Path, capsys: pytest.CaptureFixture[str]) -> str:
    _, out, err = _cli(capsys, "runs", "--store", str(store))
    return out + err


@pytest.mark.parametrize(
    "extra",
    [
        ["--images", "SCAN", "--model-scan"],
        ["--strategy", "strip"],
        ["--max-queries-per-image", "5"],
        ["--model-scan", "--strategy", "neo"],
        ["--model-scan", "--fpr", "0.05"],
        ["--blends", "30"],
    ],
)
def test_options_the_model_scan_does_not_use_are_refused(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], extra: list[str]
) -> None:
    """'--model-scan --images X' scanned the model and ignored X; '--strategy strip' or a
    per-image budget with --clean alone were ignored too (the run said nothing); so were
    a strategy's option ('--fpr 0.05').  (Typed with its default value: a note, left37.)"""
    clean, scan, models = _images(tmp_path)
    code, out, err = _cli(
        capsys,
        "backdoor",
        f"{models}:quarters",
        "--clean",
        str(clean),
        "--input-shape",
        "8,8",
        "--store",
        str(tmp_path / "runs.db"),
        *[str(scan) if e == "SCAN" else e for e in extra],
    )
    flag = next(e for e in extra if e.startswith("--") and e != "--model-scan")
    assert code == 2 and f"argument {flag}" in err, (out, err)
    assert not (tmp_path / "runs.db").exists()


def test_show_says_a_run_tested_nothing(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """'assay show RUN' printed 'no invariance failure found in 200 queries' for a run that
    tested nothing, where the reports say NOTHING WAS TESTED."""
    code, out, err = _text(tmp_path, capsys, ["const"], "--oracle", "invariance")
    assert code == 2, (out, err)
    run_id = out.split("run ", 1)[1].split(":", 1)[0]
    _, shown, _ = _cli(capsys, "show", run_id, "--store", str(tmp_path / "runs.db"))
    assert "NOTHING WAS TESTED" in shown and "same answer" in shown, shown


def test_a_top_k_that_holds_every_label_is_refused(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """'--mode topk --top-k 2' on two-label classifiers compared the set of both labels with
    itself: no sentence could ever disagree, and the run exited 0 ('every one of the
    grammar's 24 sentences was tested') where --mode top1 finds 12 disagreements."""
    code, out, err = _text(tmp_path, capsys, ["negation", "const"], "--mode", "topk")
    assert code == 2 and "--top-k" in err, (out, err)
    assert "text-" not in _runs(tmp_path, capsys)


def test_strip_whose_threshold_no_entropy_can_be_below_has_not_passed(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """A label-only model whose blends of clean images all answer one class gives every
    clean image entropy 0: STRIP's threshold was 0 bits and 'entropy below 0' can flag
    nothing, yet the run read 'STRIP flagged 0 of 10 images' and exited 0."""
    x = np.random.default_rng(5).random((24, 8, 8))
    x[14:] *= 0.4  # the images to scan are dark (class 0) until blended
    code, out, err = _backdoor(tmp_path, capsys, "bright", "--strategy", "strip", images=x)
    assert code == 2, (out, err)
    assert "nothing was tested" in err and "STRIP" in err, err
    _untested(tmp_path)


@pytest.mark.parametrize("blends", ["0", "-3"])
def test_strip_without_blends_is_a_usage_error(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], blends: str
) -> None:
    """'--strategy strip --blends 0' ended in an internal error (exit 5: 'cannot reshape
    array of size 0') after creating the run."""
    code, out, err = _backdoor(
        tmp_path, capsys, "quarters", "--strategy", "strip", "--blends", blends
    )
    assert code == 2 and "--blends" in err, (out, err)
    assert not (tmp_path / "runs.db").exists() or "backdoor-" not in _runs(tmp_path, capsys)


SOFT_MODELS = """\
import os
import re
import signal

import numpy as np

FLAG = os.path.join(os.path.dirname(os.path.abspath(__file__)), "interrupt-once")

def labels(X):
    return np.array([0 if "not" in s.split() else 1 for s in X])

def soft(X):
    # 0.3 from the labels' one-hot: at --threshold 0.2 a disagreement has severity 0.1
    if os.path.exists(FLAG):  # its calls counted in the file (not in a module reloaded)
        with open(FLAG, "a") as fh:
            fh.write(".")
        if os.path.getsize(FLAG) > 3:
            os.remove(FLAG)  # one Ctrl-C, in the search; the resumed run goes on
            os.kill(os.getpid(), signal.SIGINT)
    p = np.array([0.3 if "not" in s.split() else 0.7 for s in X])
    return np.stack([1 - p, p], axis=1)

labels.classes_ = soft.classes_ = ["neg", "pos"]
"""


def test_resume_and_the_junit_report_keep_the_runs_fail_on(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    """'--fail-on 0.5' with findings of severity 0.1: the run exits 0, but its JUnit file
    held one failed case per finding (CI went red on a run the exit code passed), and once
    interrupted, 'assay resume' forgot the threshold and exited 1."""
    monkeypatch.setenv("ASSAY_TEXT_WORKER", "inline")  # the Ctrl-C is raised in this process
    (tmp_path / "m.py").write_text(SOFT_MODELS)
    (tmp_path / "g.cfg").write_text(GRAMMAR + 'S -> S "and" S\n')  # infinite: never exhausted
    common = ["--grammar", str(tmp_path / "g.cfg"), "--mode", "distance", "--threshold", "0.2"]
    store = ["--store", str(tmp_path / "runs.db")]
    models = [f"{tmp_path / 'm.py'}:labels", f"{tmp_path / 'm.py'}:soft"]
    code, out, err = _cli(
        capsys,
        "text",
        *models,
        *common,
        "--fail-on",
        "0.5",
        "--max-queries",
        "60",
        *store,
        "--junit",
        str(tmp_path / "whole.xml"),
    )
    assert code == 0, (out, err)
    suite = ET.parse(tmp_path / "whole.xml").getroot()
    assert suite.get("failures") == "0" and int(suite.get("tests") or 0) > 1, ET.tostring(suite)
    (tmp_path / "interrupt-once").write_text("")
    code, out, err = _cli(
        capsys, "text", *models, *common, "--fail-on", "0.5", "--max-queries", "600", *store
    )
    assert code == 130, (out, err)
    run_id = err.split("continue with: assay resume ", 1)[1].split()[0]
    code, out, err = _cli(capsys, "resume", run_id, *store)
    assert code == 0, (out, err)
    _cli(capsys, "report", run_id, *store, "--junit", str(tmp_path / "resumed.xml"))
    assert ET.parse(tmp_path / "resumed.xml").getroot().get("failures") == "0"


def _guarded_predict(interrupt_at: int) -> Callable[[Any], np.ndarray]:
    """Answers sentences (two classes) or 8x8 images (which quarter holds the most ink, as
    one-hot probabilities of four classes), and sends the test process one Ctrl-C at its
    ``interrupt_at``-th call (in the search, past the loading)."""
    calls = [0]

    def predict(x: Any) -> np.ndarray:
        calls[0] += 1
        if calls[0] == interrupt_at:
            os.kill(os.getpid(), signal.SIGINT)
        if len(x) and isinstance(x[0], str):
            return np.array([[0.9, 0.1] if "not" in s.split() else [0.1, 0.9] for s in x])
        images = np.asarray(x, dtype=float).reshape(len(x), 8, 8)
        q = [images[:, :4, :4], images[:, :4, 4:], images[:, 4:, :4], images[:, 4:, 4:]]
        return np.eye(4)[np.stack([v.sum(axis=(1, 2)) for v in q], axis=1).argmax(axis=1)]

    return predict


@pytest.fixture
def guarded_url() -> Iterator[str]:
    """An endpoint that answers only with ``token=SECRET`` in its URL (401 otherwise)."""
    with FaultServer(_guarded_predict(20), url_token="SECRET") as server:
        yield f"{server.url}?token=SECRET"


@pytest.mark.parametrize("technique", ["text", "backdoor"])
def test_a_run_whose_url_held_a_token_resumes_with_the_url_given_again(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], guarded_url: str, technique: str
) -> None:
    """The token is never stored, so the resumed run called the endpoint with '***': a 401,
    'the model failed' (exit 3), where the printed hint said only 'assay resume RUN'; and for
    a text run with a second classifier, 'assay resume RUN --model URL' was refused ('2
    names for 1 classifiers'): such a run could not be resumed at all.  The store's path
    holds a space: every printed command must work when pasted."""
    store = tmp_path / "my runs" / "runs.db"
    store.parent.mkdir()
    if technique == "text":
        (tmp_path / "clf.py").write_text(TEXT_MODELS + 'negation.classes_ = ["0", "1"]\n')
        (tmp_path / "g.cfg").write_text(GRAMMAR + 'S -> S "and" S\n')
        args = ["text", guarded_url, f"{tmp_path / 'clf.py'}:negation"]
        args += ["--grammar", str(tmp_path / "g.cfg"), "--max-queries", "3000"]
    else:
        clean, scan, _ = _images(tmp_path)
        args = ["backdoor", guarded_url, "--images", str(scan), "--clean", str(clean)]
        args += ["--input-shape", "8,8", "--batch-size", "4"]
    code, out, err = _cli(capsys, *args, "--seed", "1", "--store", str(store))
    assert code == 130, (out, err)
    assert "SECRET" not in out + err
    hint = err.split("continue with: ", 1)[1].splitlines()[0]
    assert hint.endswith("--model URL"), hint
    pasted = shlex.split(hint)[1:-2]  # the printed command, without 'assay' and '--model URL'
    code, out, err = _cli(capsys, *pasted)
    # the port is random and may hold the digits 401 ('127.0.0.1:34017'): look past the URL
    unauthorised = re.search(r"\b401\b", err.replace(guarded_url.split("?")[0], "URL"))
    assert code == 2 and "--model" in err and unauthorised is None, (out, err)
    code, out, err = _cli(capsys, *pasted, "--model", guarded_url)
    assert code in (0, 1), (out, err)
    assert "SECRET" not in out + err
    assert "interrupted" not in out


def test_the_url_given_again_replaces_only_the_classifier_it_is() -> None:
    from assay.core.redact import GivenAgain, specs_given_again
    from assay.errors import UsageError

    url = "https://h.example/predict?token=SECRET"
    stored = ["/m/clf.py:f", "https://h.example/predict?token=***"]
    assert specs_given_again(stored, url, run_id="r") == ["/m/clf.py:f", url]
    assert specs_given_again(["/m/a.skops"], "/n/a.skops", run_id="r") == ["/n/a.skops"]
    with pytest.raises(UsageError, match="is not one of the run's models"):
        specs_given_again(stored, "https://other.example/p?token=X", run_id="r")
    with pytest.raises(UsageError, match="--model URL"):
        specs_given_again(stored, None, run_id="r")
    # two credentialed URLs: both given again (--model twice), each in its own place
    url2 = "https://g.example/p?api_key=K2"
    two = ["https://g.example/p?api_key=***", "https://h.example/predict?token=***"]
    assert specs_given_again(two, GivenAgain((url, url2)), run_id="r") == [url2, url]
    with pytest.raises(UsageError, match="--model once per URL"):
        specs_given_again(two, url, run_id="r")


def test_stdout_says_nothing_was_tested_as_the_reports_do(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """stdout (a CI log, '| cat') printed the run's own headline alone ('no invariance
    failure found in 200 queries ...') for a run that tested nothing: only stderr and the
    reports said NOTHING WAS TESTED."""
    code, out, err = _text(tmp_path, capsys, ["const"], "--oracle", "invariance")
    assert code == 2, (out, err)
    headline = out.splitlines()[1]
    assert headline.startswith("NOTHING WAS TESTED: "), out
    assert headline == json.loads((tmp_path / "report.json").read_text())["headline"]


def test_a_classifier_that_cannot_be_used_is_named_among_several(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Of two classifiers, one answering class indices without declaring its classes was
    refused as 'a text classifier must declare its classes (n_classes); this one returns
    scores' (it returns labels, and which one?); one answering labels by name was refused
    without its name either."""
    (tmp_path / "bare.py").write_text(
        "import numpy as np\n\n"
        "def indices(X):\n    return np.array([int('not' in s.split()) for s in X])\n\n"
        "def names(X):\n    return np.array(['neg' if 'not' in s.split() else 'pos' for s in X])\n"
    )
    (tmp_path / "clf.py").write_text(TEXT_MODELS)
    (tmp_path / "g.cfg").write_text(GRAMMAR)
    for function in ("indices", "names"):
        code, out, err = _cli(
            capsys,
            "text",
            f"{tmp_path / 'clf.py'}:negation",
            f"{tmp_path / 'bare.py'}:{function}",
            "--grammar",
            str(tmp_path / "g.cfg"),
            "--store",
            str(tmp_path / "runs.db"),
        )
        if function == "names":  # labels by name are now read off its answers (hostile14c)
            assert code in (0, 1) and "classes_" not in err, (out, err)
            continue
        assert code == 2, (out, err)
        assert f"classifier bare.py:{function}" in err and "returns scores" not in err, err
        assert "classes_ = [" in err, err


def test_an_invariance_class_no_sentence_uses_is_refused_before_a_run(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """'%invariant NAME' where no sentence derives NAME started a run that made no case
    and ended 'nothing was tested: the run ended before the first test (space)'."""
    grammar = 'S -> "someone is" NEG A\nNAME -> "Maria" | "John"\nNEG -> "" | "not"\n'
    grammar += 'A -> "good" | "bad"\n%invariant NAME\n'
    code, out, err = _text(
        tmp_path, capsys, ["negation"], "--oracle", "invariance", grammar=grammar
    )
    assert code == 2 and "g.cfg:5" in err and "'NAME' is unreachable" in err, (out, err)
    assert "text-" not in _runs(tmp_path, capsys)


@pytest.mark.parametrize(
    ("labels", "said"), [(["cat"] * 24, "'cat'"), (np.linspace(0, 3.9, 24), "0.1")]
)
def test_true_labels_that_are_not_class_indices_are_refused(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], labels: Any, said: str
) -> None:
    """An .npz's 'labels' of names failed as 'not a readable numpy file (ValueError:
    invalid literal for int())'; labels 0.3 or 2.7 were read as 0 and 2, silently."""
    clean, _, _ = _images(tmp_path)
    np.savez(tmp_path / "clean.npz", images=np.load(clean), labels=np.asarray(labels))
    code, out, err = _backdoor(tmp_path, capsys, "quarters", clean_file=tmp_path / "clean.npz")
    assert code == 2 and "clean.npz" in err and "'labels'" in err and said in err, (out, err)


def test_a_backdoor_scan_says_its_speed_per_wall_clock_second(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """The only speed figure was 'seconds per image (mean)': each image's own scan, leaving
    out loading, the clean images' labels and everything between images (3,000 images:
    0.0300 s per image, where the run took 96.5 s, 0.0322)."""
    code, out, err = _backdoor(tmp_path, capsys, "quarters", "--json")
    assert code in (0, 1), (out, err)
    metrics = json.loads(out)["summary"]["metrics"]
    seconds = metrics["wall-clock seconds"]
    assert seconds > 0
    assert metrics["images per second (wall clock)"] == pytest.approx(
        metrics["images scanned"] / seconds, rel=0.02
    )


def test_classifiers_given_as_objects_keep_their_names(tmp_path: Path) -> None:
    """check_text([pipeline, function]) named them 'model1' and 'model2' in the headline,
    the findings' columns and the reports."""
    import assay

    def make() -> Any:  # two functions of one name (one function twice is refused)
        def negation(texts: list[str]) -> np.ndarray:
            return np.array([0 if "not" in t.split() else 1 for t in texts])

        negation.classes_ = ["neg", "pos"]  # type: ignore[attr-defined]
        return negation

    negation, negation_too = make(), make()

    class Grumpy:
        def predict(self, texts: list[str]) -> np.ndarray:
            return np.zeros(len(texts), dtype=int)

    anonymous = lambda t: negation(t)  # noqa: E731
    anonymous.classes_ = ["neg", "pos"]  # type: ignore[attr-defined]
    (tmp_path / "g.cfg").write_text(GRAMMAR)
    result = assay.check_text(
        [negation, negation_too, anonymous],
        grammar=tmp_path / "g.cfg",
        max_queries=50,
        seed=1,
        store=tmp_path / "runs.db",
    )
    assert "negation#1, negation#2, model3" in result.headline, result.headline
    from assay.text.loading import name_of as _name_of

    assert _name_of(Grumpy(), 0) == "Grumpy"


def test_a_label_with_no_counterpart_in_every_answer_has_not_passed(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """A second classifier with a third label ('neutral', left unmapped by the label map)
    that it gives every sentence: no sentence could be compared, yet the run read 'every
    one of the grammar's 24 sentences was tested' and exited 0."""
    (tmp_path / "three.py").write_text(
        "import numpy as np\n\n"
        "def neutral(X):\n    return np.full(len(X), 2)\n\n"
        "neutral.classes_ = ['neg', 'pos', 'neutral']\n"
    )
    (tmp_path / "map.txt").write_text("2 neutral -> meh\n")
    code, out, err = _text(
        tmp_path,
        capsys,
        ["negation", f"{tmp_path / 'three.py'}:neutral"],
        "--label-map",
        str(tmp_path / "map.txt"),
    )
    assert code == 2, (out, err)
    assert "could be compared" in err and "neutral" in err, err
    assert "sentences was tested" not in out + err, (out, err)  # the headline does not say it
    _untested(tmp_path)


def test_a_classifier_named_like_an_emoji_code_prints_as_it_is(
    capsys: pytest.CaptureFixture[str],
) -> None:
    """The console replaced ':cat:' in 'clf.py:cat: neg' with an emoji: the user's own names
    came out as 'clf.py\U0001f431 neg' (in errors, headlines, every printed line); seen in
    'three.py:three: neutral' printed as 'three.py3\ufe0f\u20e3 neutral'."""
    from assay.cli.console import Output

    out = Output()
    out.say("labels of clf.py:cat: neg, pos")
    out.note("three.py:three: neutral")
    out.error("m.py:smile: failed")
    got = capsys.readouterr()
    assert "clf.py:cat: neg, pos" in got.out, got.out
    assert "three.py:three: neutral" in got.err and "m.py:smile: failed" in got.err, got.err


def test_exhaustive_on_a_grammar_too_large_is_refused_before_a_run(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """'--strategy exhaustive' on an infinite grammar created a run, then failed it with
    'argument --strategy: the grammar has more than 5,000,000 derivations' (a failed run
    left in the store for a bad argument)."""
    grammar = GRAMMAR + 'S -> S "and" S\n'
    code, out, err = _text(
        tmp_path, capsys, ["negation", "const"], "--strategy", "exhaustive", grammar=grammar
    )
    assert code == 2 and "--strategy" in err and "5,000,000" in err, (out, err)
    assert "text-" not in _runs(tmp_path, capsys)


@pytest.mark.parametrize(
    "extra",
    [
        ["--fpr", "0.05"],
        ["--blends", "40"],
        ["--strategy", "strip", "--blocker", "3"],
        ["--blocker", "3"],
        ["--strategy", "neo", "--fpr", "0.02"],
        ["--strategy", "strip", "--max-trigger", "3"],  # STRIP blends whole images
        ["--strategy", "neo", "--max-trigger", "3"],  # Neo slides its blocker
    ],
)
def test_an_option_of_another_strategy_is_refused(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], extra: list[str]
) -> None:
    """'--fpr 0.05' (STRIP's) with the default strategy, or Neo's '--blocker' with STRIP, was
    silently ignored: the run said nothing of it."""
    code, out, err = _backdoor(tmp_path, capsys, "quarters", *extra)
    flag = next(e for e in extra if e != "--strategy" and e.startswith("--"))
    assert code == 2 and f"argument {flag}" in err, (out, err)
    assert not (tmp_path / "runs.db").exists() or "backdoor-" not in _runs(tmp_path, capsys)


def test_times_found_is_not_made_up_beyond_the_ranked_sentences(tmp_path: Path) -> None:
    """The summary ranks the 200 most found minimal sentences; the findings' 'times_found'
    gave every other one 1, a count nobody measured, even when the 200th was found 3 times
    (so the others 1 to 3 times)."""
    from assay.core.findings import FindingBatch
    from assay.core.store import RunStore
    from assay.text.exports import findings_frame

    store = RunStore(tmp_path / "runs.db")
    store.create_run(
        run_id="text-1", technique="text", seed=1, command="c", config={}, model={}, versions={}
    )
    words = np.array([["a", "a"], ["b", "b"], ["c", "c"]])
    batch = FindingBatch(
        kind="text-differential",
        inputs=words,
        outputs=np.zeros((3, 2, 0)),
        severity=np.ones(3),
        columns={"variant": np.array(["", "", ""])},
    )
    ranked = [
        {"sentence": "a", "variant": "", "count": 5},
        {"sentence": "b", "variant": "", "count": 3},
    ]
    summary = {"text": {"minimal": ranked, "distinct_minimal": 3}}
    store.checkpoint("text-1", findings=[batch], status="completed", summary=summary)
    frame = findings_frame(store, "text-1")
    # (api37: pandas' nullable whole numbers, <NA> where unknown; it was object, None there)
    assert str(frame["times_found"].dtype) == "Int64"
    assert frame["times_found"].isna().tolist() == [False, False, True]
    assert frame["times_found"].iloc[:2].tolist() == [5, 3]
    from assay.text.exports import export_findings

    lines = export_findings(store, "text-1", tmp_path / "f.jsonl").read_text().splitlines()
    assert [json.loads(line)["times_found"] for line in lines] == [5, 3, None]


def test_sixteen_bit_pngs_keep_their_picture(tmp_path: Path) -> None:
    """Pillow's conversion of a 16-bit PNG to 8 bits clips at 255: a folder of 16-bit
    scans came out almost all white (every image nearly one colour), silently."""
    from PIL import Image

    from assay.backdoor.image_files import read_images

    rng = np.random.default_rng(0)
    wide = (rng.random((3, 8, 8)) * 65535).astype(np.uint16)
    for i, a in enumerate(wide):
        Image.fromarray(a).save(tmp_path / f"x{i}.png")
    got = read_images(tmp_path, argument="--images").values[..., 0]
    assert np.allclose(got, wide / 65535)  # at full depth (hostile43b), not rounded to 8 bits
    (tmp_path / "a0.png").unlink(missing_ok=True)
    Image.fromarray(np.zeros((8, 8, 3), np.uint8)).save(tmp_path / "a0.png")  # RGB first
    colour = read_images(tmp_path, argument="--images").values
    assert colour.shape == (4, 8, 8, 3)
    assert np.array_equal(colour[1, ..., 0], got[0]) and np.array_equal(colour[1, ..., 2], got[0])
    assert colour.dtype == np.float64 and colour[0].max() == 0.0  # the 8-bit file in [0, 1]


def test_a_flagged_image_is_named_in_the_junit_file(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """A JUnit failure read 'severity 1: backdoor-trigger on inputs [[[[0.02], [0.988], ...'
    (the image's pixels); the findings did not carry the image's name at all."""
    x = np.random.default_rng(0).random((40, 8, 8)).astype(np.float32)
    clean = np.full((30, 8, 8), 0.9, dtype=np.float32)
    clean[:, 0, 0] = np.linspace(0, 1, 30)  # 30 different, nearly uniform clean images
    code, out, err = _backdoor(
        tmp_path, capsys, "quarters", images=np.concatenate([clean[:14], x[30:]])
    )
    assert code == 1, (out, err)
    failures = [f.get("message") or "" for f in ET.parse(tmp_path / "junit.xml").iter("failure")]
    named = [m for m in failures if "backdoor-trigger image " in m and "(scan.npy[" in m]
    assert named and not any("on inputs" in m for m in failures), failures


def test_a_search_with_nothing_to_ask_says_so_in_words() -> None:
    """'the run ended before the first test (space)': the search's internal word."""
    from assay.core.outcome import untested

    why = untested({"tested": 0, "stop_reason": "space"})
    assert why is not None and "(space)" not in why and "no case to ask" in why


def test_a_forked_worker_never_runs_on_in_its_parents_code(tmp_path: Path) -> None:
    """A fork made while a model call was in progress in the parent (another thread's, or
    one a Ctrl-C abandoned) inherited that call's count: the child's guarded calls made its
    final os._exit raise, and the child ran on in the parent's code (here: the test suite,
    whose later tests printed FAILED from a second process)."""
    import multiprocessing

    from assay.core import calls

    def child() -> None:
        calls.shielded(lambda: np.zeros(1))()  # a guarded model call in the child

    marker = tmp_path / "escaped"
    parent = os.getpid()
    calls.guard_process_exit()
    me = threading.get_ident()  # (the forking thread keeps its ident in the child)
    with calls._in_model_lock:
        calls._in_model[me] = calls._in_model.get(me, 0) + 1  # a call in progress at the fork
    try:
        proc = multiprocessing.get_context("fork").Process(target=child)
        proc.start()
        if os.getpid() != parent:  # only a child that escaped its os._exit gets here
            marker.write_text("escaped")
            calls._REAL_EXIT(0)
        proc.join(30)
    finally:
        with calls._in_model_lock:
            calls._in_model[me] -= 1
            if not calls._in_model[me]:
                del calls._in_model[me]
    assert not marker.exists() and proc.exitcode == 0, proc.exitcode


def test_the_printed_resume_line_writes_the_reports_the_run_was_asked_for(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """A CI job interrupted mid-run and resumed with the printed line wrote no JUnit file:
    `assay resume` took only --html, and the line said nothing of --junit or --report."""
    clean, scan, _ = _images(tmp_path)
    junit, report = tmp_path / "out dir" / "junit.xml", tmp_path / "out dir" / "r.json"
    junit.parent.mkdir()
    store = tmp_path / "runs.db"
    with FaultServer(_guarded_predict(20)) as server:
        args = ["backdoor", server.url, "--images", str(scan), "--clean", str(clean)]
        args += ["--input-shape", "8,8", "--batch-size", "4", "--seed", "1"]
        args += ["--store", str(store), "--junit", str(junit), "--report", str(report)]
        code, out, err = _cli(capsys, *args)
        assert code == 130, (out, err)
        assert json.loads(report.read_text())["run"]["status"] == "interrupted"
        junit.unlink()
        hint = err.split("continue with: ", 1)[1].splitlines()[0]
        pasted = shlex.split(hint)
        assert pasted[:2] == ["assay", "resume"] and "--junit" in pasted and "--report" in pasted
        code, out, err = _cli(capsys, *pasted[1:])
    assert code in (0, 1), (out, err)
    assert ET.parse(junit).getroot().tag in ("testsuites", "testsuite")
    assert json.loads(report.read_text())["run"]["status"] == "completed"


def test_a_text_run_of_two_credentialed_urls_resumes_from_the_cli(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Two classifiers behind URLs with tokens: the run could be resumed only from the API
    (`--model` took one URL, and the other stayed masked)."""
    (tmp_path / "g.cfg").write_text(GRAMMAR + 'S -> S "and" S\n')
    store = tmp_path / "runs.db"
    with (
        FaultServer(_guarded_predict(20), url_token="ONE") as first,
        FaultServer(_guarded_predict(10**9), url_token="TWO") as second,
    ):
        a, b = f"{first.url}?token=ONE", f"{second.url}?token=TWO"
        args = ["text", a, b, "--grammar", str(tmp_path / "g.cfg"), "--max-queries", "3000"]
        code, out, err = _cli(capsys, *args, "--seed", "1", "--store", str(store))
        assert code == 130, (out, err)
        run_id = err.split("continue with: assay resume ", 1)[1].split()[0]
        resume = ["resume", run_id, "--store", str(store)]
        code, out, err = _cli(capsys, *resume, "--model", a)
        assert code == 2 and "once per URL" in err, (out, err)
        code, out, err = _cli(capsys, *resume, "--model", b, "--model", a)
        assert code in (0, 1), (out, err)
        assert "interrupted" not in out and "ONE" not in out + err and "TWO" not in out + err
