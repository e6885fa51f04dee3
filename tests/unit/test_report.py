"""Reports: JSON document from a stored run, HTML and JUnit rendered from it, escaping, offline."""

from __future__ import annotations

import json
import re
import subprocess
import xml.etree.ElementTree as ET
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import numpy as np
import pytest

from assay.core.findings import FindingBatch
from assay.core.store import RunStore
from assay.errors import UsageError
from assay.report import (
    SCHEMA_VERSION,
    build_document,
    load_document,
    load_schema,
    render_html,
    render_junit,
    write_reports,
)

XSS = "<script>alert(1)</script>"
QUOTES = '"quotes" & ampersands'
FEATURES = ["age", "sex", XSS]


def _summary() -> dict[str, Any]:
    return {
        "headline": f"5 findings in 1,000 queries {XSS}",
        "metrics": {"estimated share": 0.031, XSS: QUOTES, "queries": 1000},
        "sections": [
            {
                "title": f"Per attribute {XSS}",
                "text": f"First paragraph {QUOTES}.\n\nSecond {XSS}.",
                "table": {"columns": ["attribute", XSS], "rows": [[XSS, 3], [QUOTES, 0.5]]},
                "bars": {"labels": [XSS, QUOTES, "plain"], "values": [3, 1.5, -2], "unit": "%"},
                "tables": [{"caption": XSS, "columns": ["a", "b"], "rows": [[1, XSS]]}],
                "note": QUOTES,
            },
            {"title": "only text", "text": "nothing else"},
        ],
        "technique_specific": {"kept": [1, 2, 3]},
        "stop_reason": None,
    }


def _store_with_run(
    tmp_path: Path, *, with_findings: bool = True, fail_on: float | None = None
) -> tuple[RunStore, str]:
    store = RunStore(tmp_path / "runs.db")
    run_id = "toy-20260101-000000-abcd"
    store.create_run(
        run_id=run_id,
        technique="toy",
        seed=7,
        command=f"assay toy model.skops --seed 7 --note '{XSS}'",
        config={"threshold": 0.5, XSS: QUOTES, **({} if fail_on is None else {"fail_on": fail_on})},
        model={"kind": "http", "url": "https://models.example.org/predict", "name": XSS},
        versions={"assay": "0.1.0", "numpy": np.__version__},
    )
    batches: list[FindingBatch] = []
    if with_findings:
        pairs = np.array(
            [[[30.0, 0.0, 1.0], [30.0, 1.0, 1.0]], [[41.0, 0.0, 2.0], [41.0, 1.0, 2.0]]]
        )
        batches.append(
            FindingBatch(
                kind="pair",
                inputs=pairs,
                outputs=np.array([[0, 1], [1, 0]]),
                severity=np.array([0.5, 0.9]),
                columns={"attribute": np.array(["sex", XSS])},
                details={"feature_names": FEATURES},
            )
        )
        texts = np.array([[XSS, "hello"], ["bad \x00\x1b byte \ud800", QUOTES], ["x", "y"]])
        batches.append(
            FindingBatch(
                kind="text",
                inputs=texts,
                outputs=np.array([[0.25, np.nan], [1.0, 0.0], [0.0, 1.0]]),
                severity=np.array([0.9, 0.2, 0.1]),
                details={"oracle": XSS},
            )
        )
    store.checkpoint(
        run_id,
        findings=batches,
        progress={"queries": 1000, "elapsed": 1.25, "model_seconds": 0.5},
        status="completed",
        summary=_summary() if with_findings else {"stop_reason": None},
    )
    return store, run_id


def _without_time(doc: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in doc.items() if k != "generated_at"}


class _Tags(HTMLParser):
    """Collects every start tag and its attributes."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.tags: list[tuple[str, list[tuple[str, str | None]]]] = []
        self.text: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, attrs))

    def handle_data(self, data: str) -> None:
        self.text.append(data)


def _parse(html: str) -> _Tags:
    parser = _Tags()
    parser.feed(html)
    parser.close()
    return parser


def test_document_counts_examples_and_vocabulary(tmp_path: Path) -> None:
    store, run_id = _store_with_run(tmp_path)
    doc = build_document(store, run_id[:8])  # a unique prefix names the run
    assert doc["schema_version"] == SCHEMA_VERSION == 3
    assert doc["run"]["id"] == run_id and doc["rerun"] == doc["run"]["command"]
    findings = doc["findings"]
    assert findings["total"] == 5 and findings["by_kind"] == {"pair": 2, "text": 3}
    assert findings["max_severity"] == pytest.approx(0.9)
    # Most severe first, ties in the order found; index is the position in the order found.
    assert [f["index"] for f in findings["examples"]] == [1, 2, 0, 3, 4]
    assert findings["examples"][1]["inputs"] == [XSS, "hello"]
    assert findings["examples"][1]["outputs"] == [0.25, "nan"]
    assert findings["examples"][0]["details"]["attribute"] == XSS
    assert doc["headline"] == _summary()["headline"]
    assert doc["run"]["summary"]["technique_specific"] == {"kept": [1, 2, 3]}
    few = build_document(store, run_id, max_examples=2)["findings"]
    assert [f["index"] for f in few["examples"]] == [1, 2] and few["total"] == 5
    with pytest.raises(UsageError, match="max_examples"):
        build_document(store, run_id, max_examples=-1)


def test_examples_match_a_plain_sort_across_many_batches(tmp_path: Path) -> None:
    store = RunStore(tmp_path / "runs.db")
    store.create_run(
        run_id="r", technique="t", seed=0, command="c", config={}, model={}, versions={}
    )
    rng = np.random.default_rng(0)
    sev = np.round(rng.random(400), 1)  # many ties
    batches = [
        FindingBatch(
            kind=f"k{i % 3}",
            inputs=np.arange(40 * i, 40 * i + 40, dtype=float).reshape(40, 1, 1),
            outputs=np.zeros((40, 1)),
            severity=sev[40 * i : 40 * i + 40],
        )
        for i in range(10)
    ]
    store.checkpoint("r", findings=batches, status="completed")
    doc = build_document(store, "r", max_examples=25)
    expected = sorted(range(400), key=lambda j: (-sev[j], j))[:25]
    assert [f["index"] for f in doc["findings"]["examples"]] == expected
    assert [f["inputs"][0][0] for f in doc["findings"]["examples"]] == expected
    assert doc["findings"]["by_kind"] == {"k0": 160, "k1": 120, "k2": 120}


def test_schema_file_matches_documents(tmp_path: Path) -> None:
    schema = load_schema()
    store, run_id = _store_with_run(tmp_path)
    doc = build_document(store, run_id)
    assert set(schema["required"]) <= set(doc)
    assert set(schema["$defs"]["findings"]["required"]) <= set(doc["findings"])
    # (inputs_scale: a JSON file's image examples of whole pixels only, ``pixels_json``)
    given = set(doc["findings"]["examples"][0])
    assert set(schema["$defs"]["finding"]["properties"]) - {"inputs_scale"} == given
    jsonschema = pytest.importorskip("jsonschema")
    jsonschema.Draft202012Validator.check_schema(schema)
    jsonschema.validate(doc, schema)
    empty_store, empty_id = _store_with_run(tmp_path / "empty", with_findings=False)
    jsonschema.validate(build_document(empty_store, empty_id), schema)
    bad = json.loads(json.dumps(doc))
    bad["run"]["summary"]["sections"][0]["table"]["rows"] = "not rows"
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.validate(bad, schema)


def test_html_escapes_everything_and_stays_offline(tmp_path: Path) -> None:
    store, run_id = _store_with_run(tmp_path)
    html = render_html(build_document(store, run_id))
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert "<script" not in html.lower()
    assert "&quot;quotes&quot; &amp; ampersands" in html
    parsed = _parse(html)
    tags = {tag for tag, _ in parsed.tags}
    assert "script" not in tags and {"svg", "rect", "table", "code"} <= tags
    for tag, attrs in parsed.tags:
        for name, value in attrs:
            assert not name.startswith("on"), (tag, name)
            if name in ("src", "href", "xlink:href", "action", "srcset"):
                raise AssertionError(f"<{tag} {name}={value!r}> references a resource")
    assert not re.search(r"@import|url\(|<link|<iframe|<object|<embed", html, re.IGNORECASE)
    # The model's URL is shown as text, never as a reference.
    assert "https://models.example.org/predict" in "".join(parsed.text)
    assert "href" not in html
    text = "".join(parsed.text)
    for expected in (XSS, QUOTES, run_id, "toy", "Per attribute", "estimated share", "0.031"):
        assert expected in text
    assert "bad \\x00\\x1b byte \\ud800" in text  # control characters shown, not emitted
    assert not re.search("[\x00-\x08\x0b\x0c\x0e-\x1f]", html)
    assert 'class="badge sev-high"' in html
    html.encode("utf-8")  # no lone surrogate left


def test_junit_failures_escaping_and_truncation(tmp_path: Path) -> None:
    store, run_id = _store_with_run(tmp_path)
    xml = render_junit(build_document(store, run_id))
    assert "<script>" not in xml and "&lt;script&gt;alert(1)&lt;/script&gt;" in xml
    root = ET.fromstring(xml)
    suite = root.find("testsuite")
    assert suite is not None
    cases = suite.findall("testcase")
    assert suite.get("failures") == "5" and suite.get("tests") == "5" == str(len(cases))
    assert suite.get("errors") == "0" and root.get("failures") == "5"
    failure = cases[1].find("failure")
    assert failure is not None and failure.text is not None
    assert json.loads(failure.text)["inputs"] == [XSS, "hello"]
    assert "text[2]" in (cases[1].get("name") or "")
    assert "severity 0.9" in (failure.get("message") or "")

    trimmed = ET.fromstring(render_junit(build_document(store, run_id, max_examples=2)))
    suite = trimmed.find("testsuite")
    assert suite is not None and suite.get("failures") == "3" and suite.get("tests") == "3"
    last = suite.findall("testcase")[-1].find("failure")
    assert last is not None and "3 more findings" in (last.get("message") or "")
    assert f"assay report {run_id}" in (last.text or "")


def test_junit_findings_below_the_runs_fail_on_pass(tmp_path: Path) -> None:
    """A run started with --fail-on 0.5 exits 0 on findings below 0.5: its JUnit file must
    not fail them (it failed every finding whatever the threshold)."""
    store, run_id = _store_with_run(tmp_path, fail_on=0.5)  # severities 0.9 0.9 0.5 0.2 0.1
    doc = build_document(store, run_id)
    assert doc["findings"]["fail_on"] == 0.5 and doc["findings"]["at_or_above_fail_on"] == 3
    suite = ET.fromstring(render_junit(doc)).find("testsuite")
    assert suite is not None
    assert (suite.get("tests"), suite.get("failures")) == ("5", "3")
    below = [c for c in suite.findall("testcase") if c.find("failure") is None]
    assert all("below --fail-on 0.5" in (c.findtext("system-out") or "") for c in below)
    trimmed = ET.fromstring(render_junit(build_document(store, run_id, max_examples=2)))
    suite = trimmed.find("testsuite")
    assert suite is not None  # two shown (0.9, 0.9); of the 3 more, 1 fails and 2 do not
    assert (suite.get("tests"), suite.get("failures")) == ("4", "3")
    names = [c.get("name") for c in suite.findall("testcase")]
    assert names[-2:] == ["more findings", "more findings below --fail-on 0.5"]


def test_run_without_findings_says_what_was_searched(tmp_path: Path) -> None:
    store, run_id = _store_with_run(tmp_path, with_findings=False)
    doc = build_document(store, run_id)
    assert doc["headline"] == "no finding in 1,000 queries"
    assert doc["findings"]["max_severity"] is None and doc["findings"]["examples"] == []
    html = render_html(doc)
    assert "no finding in 1,000 queries" in html.lower()
    assert not re.search(r"\b(is|are) (fair|clean|safe|unbiased)\b", html.lower())
    root = ET.fromstring(render_junit(doc))
    suite = root.find("testsuite")
    assert suite is not None
    assert (suite.get("tests"), suite.get("failures"), suite.get("errors")) == ("1", "0", "0")
    case = suite.find("testcase")
    assert case is not None and case.get("name") == "no finding at or above the threshold"
    assert case.find("failure") is None and case.find("error") is None


def test_failed_run_is_an_error_case(tmp_path: Path) -> None:
    store, run_id = _store_with_run(tmp_path, with_findings=False)
    store.checkpoint(run_id, status="failed", error=f"model answered {XSS}\nsecond line")
    doc = build_document(store, run_id)
    assert "failed" in doc["headline"]
    root = ET.fromstring(render_junit(doc))
    suite = root.find("testsuite")
    assert suite is not None
    assert (suite.get("tests"), suite.get("failures"), suite.get("errors")) == ("1", "0", "1")
    error = suite.find("testcase/error")
    assert error is not None and error.get("message") == f"model answered {XSS}"
    html = render_html(doc)
    assert "model answered &lt;script&gt;" in html and "<script" not in html


def test_rebuild_is_stable_and_json_round_trips(tmp_path: Path) -> None:
    store, run_id = _store_with_run(tmp_path)
    first = build_document(store, run_id)
    second = build_document(store, run_id)
    assert _without_time(first) == _without_time(second)
    out = tmp_path / "out" / "deep"
    paths = write_reports(
        first,
        json_path=out / "r.json",
        html_path=out / "r.html",
        junit_path=out / "r.xml",
    )
    assert [p.name for p in paths] == ["r.json", "r.html", "r.xml"]
    text = (out / "r.json").read_text(encoding="utf-8")
    assert "NaN" not in text and json.loads(text) == first
    loaded = load_document(out / "r.json")
    assert loaded == first
    assert render_html(loaded) == render_html(first) == (out / "r.html").read_text("utf-8")
    assert render_junit(loaded) == render_junit(first) == (out / "r.xml").read_text("utf-8")


def test_file_errors_name_the_argument_and_path(tmp_path: Path) -> None:
    store, run_id = _store_with_run(tmp_path, with_findings=False)
    doc = build_document(store, run_id)
    blocker = tmp_path / "file"
    blocker.write_text("x")
    with pytest.raises(UsageError) as info:
        write_reports(doc, html_path=blocker / "r.html")
    assert info.value.argument == "--html" and info.value.path == str(blocker / "r.html")
    with pytest.raises(UsageError) as renamed:
        write_reports(doc, json_path=blocker / "r.json", arguments={"json": "--report"})
    assert renamed.value.argument == "--report" and not (blocker / "r.json").exists()

    newer = tmp_path / "newer.json"
    newer.write_text(json.dumps({**doc, "schema_version": SCHEMA_VERSION + 1}))
    with pytest.raises(UsageError, match="newer"):
        load_document(newer)
    broken = tmp_path / "broken.json"
    broken.write_text('{\n  "schema_version": 1,\n  oops\n}')
    with pytest.raises(UsageError) as bad:
        load_document(broken)
    assert bad.value.line == 3 and bad.value.path == str(broken)
    for content in ("[]", '{"schema_version": "1"}', '{"schema_version": 1}'):
        broken.write_text(content)
        with pytest.raises(UsageError, match="report"):
            load_document(broken)
    with pytest.raises(UsageError, match="cannot read"):
        load_document(tmp_path / "missing.json")


def test_html_renders_in_headless_chromium(tmp_path: Path) -> None:
    chromium = "/usr/bin/chromium"
    if not Path(chromium).exists():
        pytest.skip("no headless Chromium at /usr/bin/chromium")
    store, run_id = _store_with_run(tmp_path)
    page = tmp_path / "r.html"
    write_reports(build_document(store, run_id), html_path=page)
    result = subprocess.run(
        [
            chromium,
            "--headless",
            "--disable-gpu",
            "--no-sandbox",
            "--disable-quic",
            "--no-first-run",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            f"--user-data-dir={tmp_path / 'profile'}",
            "--dump-dom",
            page.as_uri(),
        ],
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    )
    dom = result.stdout
    assert run_id in dom and "&lt;script&gt;alert(1)&lt;/script&gt;" in dom
    assert "<script>alert" not in dom


def test_large_inputs_are_summarised_and_feature_names_used(tmp_path: Path) -> None:
    store = RunStore(tmp_path / "runs.db")
    store.create_run(
        run_id="img", technique="t", seed=0, command="c", config={}, model={}, versions={}
    )
    image = np.linspace(0.0, 1.0, 2 * 8 * 8).reshape(1, 2, 8, 8)
    store.checkpoint(
        "img",
        findings=[
            FindingBatch("flip", image, np.array([[3, 7]]), np.array([0.8])),
            FindingBatch(
                "idi",
                np.array([[[1.0, 0.0], [1.0, 1.0]]]),
                np.array([[0, 1]]),
                np.array([1.0]),
                details={"features": ["income", "gender"]},
            ),
        ],
        status="completed",
    )
    doc = build_document(store, "img")
    assert doc["findings"]["examples"][1]["inputs"] == image[0].tolist()
    html = render_html(doc)
    assert "array 8×8, values 0 … 0.4961" in html and "values 0.5039 … 1<" in html
    assert "<th>income</th><th>gender</th><th>output</th>" in html
    assert '<td class="num diff">0</td>' in html


def test_a_large_grammar_is_kept_in_the_store_not_copied_into_every_report(
    tmp_path: Path,
) -> None:
    """A text run keeps its grammar's text in its config (to resume): a 100,000-rule grammar
    put 3 MB into every JSON report and 'assay runs --json' printed it for every run."""
    store = RunStore(tmp_path / "runs.db")
    text = "".join(f"r{i} -> 'w{i}'\n" for i in range(20_000))
    store.create_run(
        run_id="text-1",
        technique="text",
        seed=1,
        command="assay text m.py:f --grammar big.cfg",
        config={"grammar": {"text": text, "symbols": 20_000}, "small": "kept as it is"},
        model={},
        versions={},
    )
    store.checkpoint("text-1", status="completed", summary={"headline": "h", "tested": 1})
    doc = build_document(store, "text-1")
    shown = doc["run"]["config"]
    assert shown["small"] == "kept as it is" and shown["grammar"]["symbols"] == 20_000
    assert len(json.dumps(doc)) < 20_000 and "kept in the run store" in shown["grammar"]["text"]
    assert store.get_run("text-1").config["grammar"]["text"] == text  # resume still has it


def test_junit_names_a_text_finding_by_its_sentence_and_answers() -> None:
    """A text failure read 'severity 1: text-differential on inputs ["the food is not bad",
    ...]' under a case named 'text-differential[0]': CI lists cases by name, so the sentence
    and what each classifier answered belong there."""
    from assay.report.junit import render_junit

    def doc(kind: str, labels: str, variant: str, names: list[str]) -> dict[str, Any]:
        finding = {
            "kind": kind,
            "index": 0,
            "severity": 1.0,
            "inputs": ["the food is not bad", "the food is not bad at all"],
            "outputs": [[1.0, 0.0]],
            "details": {"classifiers": names, "labels": labels, "variant": variant},
        }
        return {
            "run": {"technique": "text", "id": "t", "status": "completed"},
            "findings": {"examples": [finding], "total": 1},
        }

    diff = ET.fromstring(render_junit(doc("text-differential", "neg; pos", "", ["a", "b"])))
    case = diff.find(".//testcase")
    assert case is not None and case.get("name") == 'text-differential "the food is not bad"'
    failure = case.find("failure")
    assert failure is not None
    assert failure.get("message") == (
        'severity 1: text-differential a: neg, b: pos on "the food is not bad"'
    )
    inv = ET.fromstring(
        render_junit(doc("text-invariance", "neg -> pos", "the meal is not bad", ["clf"]))
    )
    failure = inv.find(".//failure")
    assert failure is not None
    assert failure.get("message") == (
        'severity 1: text-invariance "the food is not bad" -> neg, "the meal is not bad" -> pos'
        " (clf)"
    )


def test_junit_gives_a_fairness_finding_in_the_datas_own_values() -> None:
    """An IDI's failure read 'on inputs [[42.5, 59,052, 0, 2], [42.5, 59,052, 1, 2]]': the
    schema's codes, not the user's 'F'/'M' and 'C', nor the model's class names."""
    from assay.report.junit import render_junit

    run = {
        "technique": "fairness",
        "id": "f",
        "status": "completed",
        "config": {
            "schema": {
                "features": [
                    {"name": "age", "kind": "continuous", "low": 18, "high": 80},
                    {"name": "sex", "kind": "categorical", "categories": ["F", "M"]},
                    {"name": "city", "kind": "categorical", "categories": ["A", "B", "C"]},
                ]
            }
        },
        "model": {"capabilities": {"class_names": ["approve", "deny"]}},
    }
    finding = {
        "kind": "fairness.idi",
        "index": 3,
        "severity": 0.5,
        "inputs": [[42.5, 0.0, 2.0], [42.5, 1.0, 2.0]],
        "outputs": [[0.2, 0.8], [0.8, 0.2]],
        "details": {"features": ["age", "sex", "city"]},
    }
    doc = {"run": run, "findings": {"examples": [finding], "total": 1}}
    failure = ET.fromstring(render_junit(doc)).find(".//failure")
    assert failure is not None
    assert failure.get("message") == (
        "severity 0.5: fairness.idi age=42.5, city=C: sex=F -> deny, sex=M -> approve"
    )
