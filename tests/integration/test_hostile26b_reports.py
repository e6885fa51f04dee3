"""Reports as CI systems and people read them (hostile26b): JUnit case names that CI can
follow from one run to the next, and the HTML's time by phase."""

from __future__ import annotations

import json
import xml.etree.ElementTree as ET
from pathlib import Path

import jsonschema
import numpy as np

from assay.core.findings import FindingBatch
from assay.core.store import RunStore
from assay.report import build_document, load_schema, render_html
from assay.report.junit import render_junit


def _text_run(tmp_path: Path, name: str, sentences: list[str], **summary: object) -> dict:
    """A text run's document whose findings are ``sentences`` in the order found."""
    store = RunStore(tmp_path / f"{name}.db")
    run_id = f"text-20260101-000000-{name}"
    store.create_run(
        run_id=run_id,
        technique="text",
        seed=1,
        command="assay text a.py:f b.py:g --seed 1",
        config={},
        model={},
        versions={},
    )
    batch = FindingBatch(
        kind="text-differential",
        inputs=np.array([[s] for s in sentences]),
        outputs=np.array([["neg", "pos"]] * len(sentences)),
        severity=np.ones(len(sentences)),
        details={"labels": "neg, pos", "classifiers": ["a.py:f", "b.py:g"]},
    )
    store.checkpoint(
        run_id,
        findings=[batch],
        progress={"queries": 100, "elapsed": 1.0},
        status="completed",
        summary={"stop_reason": None, **summary},
    )
    doc = build_document(store, run_id, max_examples=3)
    jsonschema.validate(doc, load_schema())
    return doc


def _cases(doc: dict) -> dict[str, ET.Element]:
    root = ET.fromstring(render_junit(doc))
    cases = root.iter("testcase")
    named = {c.get("name", ""): c for c in cases}
    assert len(named) == int(root.get("tests", "0"))  # no two cases share a name
    return named


def test_a_sentence_is_the_same_junit_case_in_the_next_run(tmp_path: Path) -> None:
    """The model fixed one sentence and fails on one more: CI must see the sentence that
    still fails as the same case (its position among the findings moved), and the case
    counting the findings not shown under one name (its count changed)."""
    first = _cases(_text_run(tmp_path, "a", ["the food is bad.", "ok", "x", "y", "z"]))
    second = _cases(
        _text_run(tmp_path, "b", ["new one.", "the food is bad.", "ok", "x", "y", "z", "w"])
    )
    still = [n for n in first if "the food is bad." in n]
    assert len(still) == 1 and still[0] in second
    assert "more findings" in first and "more findings" in second
    more = second["more findings"].find("failure")
    assert more is not None and "4 more findings" in (more.get("message") or "")


def test_a_sentence_found_twice_is_two_cases(tmp_path: Path) -> None:
    """Two findings on one sentence (or two long sentences alike in their first 100
    characters) stay two cases: CI would merge or drop one."""
    long = "word " * 30
    named = _cases(_text_run(tmp_path, "c", ["same.", "same.", long + "a", long + "b"]))
    assert sum(1 for n in named if n.startswith("text-differential")) == 3


def test_the_html_gives_the_time_of_each_phase(tmp_path: Path) -> None:
    """seconds_by_phase is in the JSON: a fairness run that spent 7.8 s of its 9.7 s loading
    says so on the page too."""
    phases = {"answer": 1.803, "checks": 0.031, "loading": 7.79, "search": 0.125}
    page = render_html(_text_run(tmp_path, "d", ["s."], seconds_by_phase=phases))
    assert "loading 7.79 s, checks 0.031 s, search 0.125 s, answer 1.8 s" in page


def _backdoor_doc(images: list[int]) -> dict:
    """A backdoor scan's document whose triggers were found on ``images``, in that order."""
    found = [
        {
            "kind": "backdoor-trigger",
            "index": i,
            "severity": 1.0,
            "inputs": [[0.0]],
            "details": {"image": k, "name": f"img_{k}.png", "box": [5, 5, 3, 3], "target": 7},
        }
        for i, k in enumerate(images)
    ]
    found.append(
        {"kind": "backdoor-target", "index": len(images), "severity": 1.0, "inputs": [[0.0]]}
        | {"details": {"target": 1, "box": [0, 0, 2, 2], "flip_rate": 1.0}}
    )
    model = {"capabilities": {"class_names": ["cat", "dog"]}}
    return {
        "run": {"technique": "backdoor", "id": "b", "status": "completed", "model": model},
        "findings": {"examples": found, "total": len(found)},
    }


def test_an_image_is_the_same_junit_case_in_the_next_scan() -> None:
    """A retrained model still carries the trigger on image 7, now found after image 3's:
    its case keeps its name (it was 'backdoor-trigger[0]', then '[1]': another case for CI)."""
    first, second = _cases(_backdoor_doc([7])), _cases(_backdoor_doc([3, 7]))
    assert "backdoor-trigger image 7 (img_7.png)" in first
    assert "backdoor-trigger image 7 (img_7.png)" in second
    assert "backdoor-target class dog" in first and "backdoor-target class dog" in second


def test_large_inputs_do_not_make_a_junit_file_of_megabytes() -> None:
    """Twenty 224x224x3 images (or sentences of 300,000 characters) made a JUnit file of
    about 23 MB (each failure's body the finding's whole JSON; fifty, 57 MB): each body is
    now at most 20,000 characters, valid JSON still, saying where the whole finding is."""
    rng = np.random.default_rng(0)
    image = rng.random((224, 224, 3)).round(3).tolist()
    doc = _backdoor_doc(list(range(20)))
    for finding in doc["findings"]["examples"]:
        finding["inputs"] = [image]
    doc["findings"]["examples"][0]["inputs"] = ["<b>" + "a ]]> \x01 " * 40_000]
    text = render_junit(doc)
    assert len(text) < 2_000_000
    for failure in ET.fromstring(text).iter("failure"):
        body = json.loads(failure.text or "")
        assert "JSON report" in body["cut"]
        assert body["inputs"] == "array 1x224x224x3 (150,528 values, 0 to 1)" or (
            len(body["inputs"][0]) == 2_000
        )


def test_an_exact_space_direction_row_says_its_share_is_of_volume(tmp_path: Path) -> None:
    """A tree read exactly counts who is favoured over the volume of its discriminatory boxes
    (idis null): the page said 'gets >50K in 63.77 %' 'of IDIs: every box', as if of IDIs."""
    row = {"attribute": "sex", "distribution": "exact space", "idis": None}
    direction = [
        row | {"value": "Female (0)", "favoured_in": 0.3623, "share_of_space": 0.0007},
        row | {"value": "Male (1)", "favoured_in": 0.6377, "share_of_space": 0.0013},
    ]
    favourable = {"class": ">50K", "how": "inferred"}
    page = render_html(_text_run(tmp_path, "e", ["s."], direction=direction, favourable=favourable))
    assert page.count("every box, by volume") == 2
    assert "the share is of the boxes' volume" in page


def test_a_sentence_with_line_breaks_names_its_case_on_one_line(tmp_path: Path) -> None:
    """A sentence holding a line break and a tab (a user's own text) gave a case name over
    two lines: CI lists, links and compares cases by that name."""
    named = _cases(_text_run(tmp_path, "f", ["first line\nsecond\tline \x01 ]]>"]))
    assert 'text-differential "first line second line \\x01 ]]>"' in named
