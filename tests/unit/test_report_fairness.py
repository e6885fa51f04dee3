"""The HTML report of a fairness run reads in the user's own columns and values.

A probability model (an sklearn Pipeline on a DataFrame) with two protected attributes whose
categories are strings: the findings are shown once each, with category names and class
names (never the model's integer codes), without the store's internal fields, with the variant
that changes the answer, and every number in one format.
"""

from __future__ import annotations

import re
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pytest
from sklearn.compose import ColumnTransformer
from sklearn.linear_model import LogisticRegression
from sklearn.pipeline import Pipeline
from sklearn.preprocessing import OneHotEncoder

import assay
from assay.core.findings import FindingBatch
from assay.core.store import RunStore
from assay.fairness.schema import Feature, Schema
from assay.report import build_document, load_schema, render_html

COLUMNS = ["age", "workclass", "sex", "race", "hours"]
SEXES = {"Female", "Male"}
RACES = {"Asian-Pac-Islander", "Black", "White"}
CLASSES = {"<=50K", ">50K"}
INTERNAL = ("n_changed", "origin", "mutated", "generated", "fairness.idi", "details", "severity")


def people(n: int = 600, seed: int = 0) -> Any:
    rng = np.random.default_rng(seed)
    frame = pd.DataFrame(
        {
            "age": rng.integers(18, 70, n),
            "workclass": rng.choice(["Private", "State-gov", "Self-emp"], n),
            "sex": rng.choice(sorted(SEXES), n),
            "race": rng.choice(sorted(RACES), n),
            "hours": rng.integers(10, 60, n),
        }
    )
    rich = (frame["hours"] > 40) & ((frame["sex"] == "Male") | (frame["age"] > 50))
    frame["income"] = np.where(rich, ">50K", "<=50K")
    return frame


class Tables(HTMLParser):
    """Every table of a page: its class, header cells and rows of (text, cell class)."""

    def __init__(self) -> None:
        super().__init__()
        self.tables: list[dict[str, Any]] = []
        self._cell: list[str] | None = None
        self._cls = ""
        self._row: list[tuple[str, str]] | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = dict(attrs)
        if tag == "table":
            self.tables.append({"class": a.get("class") or "", "head": [], "rows": []})
        elif tag == "tr":
            self._row = []
        elif tag in ("td", "th"):
            self._cell, self._cls = [], a.get("class") or ""

    def handle_data(self, data: str) -> None:
        if self._cell is not None:
            self._cell.append(data)

    def handle_endtag(self, tag: str) -> None:
        if tag in ("td", "th") and self._cell is not None and self._row is not None:
            self._row.append(("".join(self._cell).strip(), self._cls if tag == "td" else "th"))
            self._cell = None
        elif tag == "tr" and self._row is not None and self.tables:
            if all(c == "th" for _, c in self._row):
                self.tables[-1]["head"] = [t for t, _ in self._row]
            else:
                self.tables[-1]["rows"].append(self._row)
            self._row = None


def _visible_text(page: str) -> str:
    page = re.sub(r"<style>.*?</style>", " ", page, flags=re.S)
    page = re.sub(r"<svg.*?</svg>", " ", page, flags=re.S)
    return re.sub(r"<[^>]+>", " ", page)


def _findings_section(page: str) -> str:
    start = page.index("<h2>Findings")
    return page[start : page.index("</section>", start)]


@pytest.fixture(scope="module")
def report(tmp_path_factory: pytest.TempPathFactory) -> tuple[str, dict[str, Any]]:
    frame = people()
    pipe = Pipeline(
        [
            (
                "encode",
                ColumnTransformer(
                    [
                        (
                            "cat",
                            OneHotEncoder(handle_unknown="ignore"),
                            ["workclass", "sex", "race"],
                        ),
                        ("num", "passthrough", ["age", "hours"]),
                    ]
                ),
            ),
            ("lr", LogisticRegression(max_iter=1000)),
        ]
    ).fit(frame[COLUMNS], frame["income"])
    where = tmp_path_factory.mktemp("fairness-report")
    result = assay.check_fairness(
        pipe,
        data=frame,
        protected="sex,race",
        label="income",
        max_queries=4_000,
        seed=3,
        store=where / "runs.db",
    )
    assert result.n_findings > 20
    with RunStore(where / "runs.db") as store:
        doc = build_document(store, result.run_id)
    return render_html(doc), doc


def test_findings_show_category_and_class_names_never_codes(
    report: tuple[str, dict[str, Any]],
) -> None:
    page, _ = report
    parser = Tables()
    parser.feed(_findings_section(page))
    variants = [t for t in parser.tables if t["class"] == "variants"]
    assert len(variants) >= 5
    for t in variants:
        assert t["head"][1:4] == ["sex", "race", "model says"]
        assert t["head"][4] == "P(>50K)"
        for row in t["rows"]:
            cells = [text for text, _ in row]
            assert cells[1] in SEXES and cells[2] in RACES and cells[3] in CLASSES, cells
    shared = [t for t in parser.tables if t["class"] == "shared"]
    assert len(shared) == len(variants)
    for t in shared:
        assert t["head"] == ["age", "workclass", "hours"]  # the user's columns, the input once
        (row,) = t["rows"]
        assert row[1][0] in {"Private", "State-gov", "Self-emp"}


def test_findings_have_no_internal_fields_and_no_raw_json(
    report: tuple[str, dict[str, Any]],
) -> None:
    page, doc = report
    section = _visible_text(_findings_section(page))
    for name in INTERNAL:
        assert name not in section, name
    assert "<details>" not in _findings_section(page)
    # the JSON keeps the raw findings as the model saw them (encoded), and fits its schema
    assert doc["findings"]["examples"] and "inputs" in doc["findings"]["examples"][0]
    jsonschema = pytest.importorskip("jsonschema")
    jsonschema.validate(doc, load_schema())


def test_every_example_shows_the_variant_that_changes_the_answer(
    report: tuple[str, dict[str, Any]],
) -> None:
    page, _ = report
    parser = Tables()
    parser.feed(_findings_section(page))
    tables = [t for t in parser.tables if t["class"] == "variants"]
    assert len(tables) >= 5
    for t in tables:
        first, *others = t["rows"]
        assert first[0][0] == "input"
        flips = [r for r in others if r[3][0] != first[3][0]]
        assert flips, t
        assert all(r[3][1] == "diff" for r in flips)  # marked


def test_no_example_is_shown_twice(report: tuple[str, dict[str, Any]]) -> None:
    page, _ = report
    titles = re.findall(r"<b>(IDI #[\d,]+)</b>", page)
    assert titles and len(titles) == len(set(titles))
    parser = Tables()
    parser.feed(_findings_section(page))
    people_shown = [
        tuple(text for text, _ in t["rows"][0]) for t in parser.tables if t["class"] == "shared"
    ]
    assert len(people_shown) == len(set(people_shown))
    # the example tables of the summary are not rendered a second time
    assert "Example discriminatory inputs" not in page
    assert "closest to real rows</h2>" not in page


def test_one_number_format_across_the_report(report: tuple[str, dict[str, Any]]) -> None:
    page, _ = report
    # run ids end in random hex ('...-3e66'), which is not a number
    text = re.sub(r"\b[a-z]+-\d{8}-\d{6}-[0-9a-f]+\b", "RUN", _visible_text(page))
    assert not re.search(r"\d[eE][+-]?\d", text), re.search(r".{40}\d[eE][+-]?\d.{20}", text)
    # percentages: two decimals (the confidence level '95 %' aside)
    for value in re.findall(r"(\d[\d,]*(?:\.\d+)?) %", text):
        assert value == "95" or re.fullmatch(r"[\d,]+\.\d\d", value), value
    # probabilities: three decimals
    parser = Tables()
    parser.feed(page)
    for t in (t for t in parser.tables if t["class"] == "variants"):
        for row in t["rows"]:
            assert re.fullmatch(r"[01]\.\d{3}", row[4][0]), row
    # large counts carry thousands separators (up to the run details: the stored configuration,
    # as given, e.g. --keep-findings 100000)
    body = re.sub(r"\d{4}-\d\d-\d\d", "", text.split("Run details")[0])
    assert not re.search(r"(?<![\d.,#-])\d{4,}(?![\d,])", body)


def test_headers_never_break_inside_a_word() -> None:
    from importlib import resources

    css = resources.files("assay.report").joinpath("templates/report.css").read_text("utf-8")
    assert "word-break: break-word" not in css
    assert re.search(r"(^|\n)th \{[^}]*white-space: nowrap", css)


# -- the example pool and its view, on planted findings ---------------------------------------


def _schema() -> Schema:
    return Schema(
        features=(
            Feature(name="age", kind="integer", low=18, high=90),
            Feature(name="group", kind="categorical", categories=tuple(f"g{i}" for i in range(20))),
        ),
        protected=("group",),
    )


def _batch(age: float, flip_at: int, start: int = 0) -> FindingBatch:
    """One IDI: an input (group g0) and its 19 variants; only variant ``flip_at`` changes
    the answer (class 1 with probability 0.9 instead of class 0 with 0.8)."""
    inputs = np.array([[[age, float(g)] for g in range(20)]])
    outputs = np.tile([0.8, 0.2], (1, 20, 1))
    outputs[0, flip_at] = [0.1, 0.9]
    return FindingBatch(
        kind="fairness.idi",
        inputs=inputs,
        outputs=outputs,
        severity=np.array([0.7]),
        columns={"generated": np.array([0]), "n_changed": np.array([start])},
    )


def test_the_flipping_variant_is_shown_among_many_and_an_individual_once() -> None:
    from assay.fairness.summary import ExamplePool, cases_view, readable_examples

    schema = _schema()
    pool = ExamplePool(schema)
    pool.offer(_batch(30.0, flip_at=19))
    pool.offer(_batch(30.0, flip_at=19))  # the same individual found again
    pool.offer(_batch(41.0, flip_at=7))
    examples = readable_examples(pool, schema, ("no", "yes"))
    # the data's own form: a number stays a number, a category its string
    assert [e["input"]["age"] for e in examples] == [30, 41]
    assert all(isinstance(e["input"]["group"], str) for e in examples)
    view = cases_view(examples, schema, ("no", "yes"))
    assert view["items"][0]["shared"]["values"][0] == "30"
    first = view["items"][0]["table"]
    assert first["columns"] == ["", "group", "model says", "P(yes)"]
    assert first["rows"][0] == ["input", "g0", "no", "0.200"]
    assert first["rows"][1] == ["variant 1", "g19", "yes", "0.900"]  # flips: first, never cut
    assert [1, 2] in first["marked"] and [1, 1] in first["marked"]
    assert len(first["rows"]) <= 17
    assert "3 more variants" in view["items"][0]["note"]


def test_the_display_rules() -> None:
    from assay.core import display

    assert display.count(1234567) == "1,234,567"
    assert display.percent(0.8833) == "88.33 %"
    assert display.percent(0.00002) == "< 0.01 %"
    assert display.percent(0.0) == "0.00 %"
    assert display.probability(0.86629) == "0.866"
    assert display.number(472_400.0) == "472,400"
    assert display.number(0.8833) == "0.883"
    assert display.number(127.843) == "127.8"
    assert display.number(1.23e-5) == "< 0.001"


def test_a_saved_report_without_cases_still_shows_its_raw_findings(tmp_path: Path) -> None:
    """Reports of runs made before the readable cases render their findings as before."""
    store = RunStore(tmp_path / "runs.db")
    store.create_run(
        run_id="old", technique="fairness", seed=0, command="c", config={}, model={}, versions={}
    )
    store.checkpoint(
        "old",
        findings=[_batch(30.0, flip_at=3)],
        progress={"queries": 40},
        status="completed",
        summary={"headline": "1 IDI"},
    )
    page = render_html(build_document(store, "old"))
    assert "<details><summary>JSON</summary>" in page


def test_a_labels_only_model_gets_no_probability_column_and_old_checkpoints_restore() -> None:
    from assay.fairness.summary import ExamplePool, cases_view, readable_examples

    schema = _schema()
    batch = _batch(30.0, flip_at=5)
    labels = FindingBatch(
        kind=batch.kind,
        inputs=batch.inputs,
        outputs=batch.outputs.argmax(axis=2),  # (1, 20): one label per input
        severity=np.array([1.0]),
        columns=batch.columns,
    )
    pool = ExamplePool(schema)
    pool.offer(labels)
    arrays = pool.arrays()
    del arrays["examples.severity"]  # a checkpoint written before severities were kept
    restored = ExamplePool(schema)
    restored.restore(arrays)
    view = cases_view(readable_examples(restored, schema, None), schema, None)
    table = view["items"][0]["table"]
    assert table["columns"] == ["", "group", "model says"]
    assert table["rows"][:2] == [["input", "g0", "0"], ["variant 1", "g5", "1"]]


def test_an_idi_by_a_probability_gap_marks_the_probability_of_its_variant() -> None:
    from assay.fairness.summary import ExamplePool, cases_view, readable_examples

    schema = _schema()
    batch = _batch(30.0, flip_at=5)
    batch.outputs[0, 5] = [0.6, 0.4]  # same label, a gap of 0.2 (an IDI under --threshold)
    pool = ExamplePool(schema)
    pool.offer(batch)
    view = cases_view(readable_examples(pool, schema, ("no", "yes")), schema, ("no", "yes"))
    table = view["items"][0]["table"]
    assert table["rows"][1] == ["variant 1", "g5", "no", "0.400"]
    assert [1, 3] in table["marked"] and [1, 2] not in table["marked"]


def test_a_found_level_that_fails_the_run_is_marked_as_failing() -> None:
    """Under the default --fail-on 0 a level 'found' fails the run (exit 1): its badge is the
    failing one, not the low-severity one; under a severity threshold above 0 it may pass."""

    def page(config: dict[str, Any]) -> str:
        row = {"attribute": "sex", "basis": "sampled", "share_uniform": 0.01, "level": "found"}
        row |= {"uniform_low": 0.005, "uniform_high": 0.02, "share_data": None}
        row |= {"data_low": None, "fails": None, "undecided": False}
        summary = {"verdict": [row], "favourable": {"class": "yes", "how": "given"}}
        doc = {"run": {"id": "r", "technique": "fairness", "summary": summary, "config": config}}
        return render_html(doc)

    assert '<span class="badge sev-high">found</span>' in page({})
    assert '<span class="badge sev-low">found</span>' in page({"fail_on": 0.5})


def test_the_answer_leads_the_page_and_the_idis_follow_as_evidence(
    report: tuple[str, dict[str, Any]],
) -> None:
    """Issue 11: the HTML report leads with verdict, direction and regions; the count of IDIs
    (the run's headline) follows as evidence.  A run that tested nothing keeps its headline,
    which says so, first."""
    page, doc = report
    verdict = page.index("Verdict per protected attribute")
    evidence = page.index("<h2>Evidence</h2>")
    assert verdict < page.index("<h2>Direction</h2>") < evidence
    assert 'class="headline"' not in page
    untested = {**doc, "run": {**doc["run"], "summary": {**doc["run"]["summary"]}}}
    untested["run"]["summary"]["incomplete_reason"] = "the scan ended early"
    page2 = render_html(untested)
    assert page2.index('class="headline"') < page2.index("Verdict per protected attribute")
