"""The HTML report never runs what a user's data says, and never loads anything.

Column names, category values, class names, a model's file name and an error message are the
user's (or a model's, or a data file's) text: a fairness run whose every such string is an
HTML tag must come out with each shown as text (escaped), in every part of the page where it
appears (the verdict table, the exact analysis's certificate, boxes and assumptions, the
findings' tables, the error).  And the page's Content-Security-Policy forbids scripts, frames,
fonts and any request: a report opened from a CI artifact stays offline.
"""

from __future__ import annotations

import re
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
from sklearn.compose import ColumnTransformer
from sklearn.pipeline import Pipeline
from sklearn.preprocessing import OneHotEncoder
from sklearn.tree import DecisionTreeClassifier

import assay
from assay.core.store import RunStore
from assay.report import build_document, render_html

# each a tag the page would parse as an element if it were not escaped
SEX = "<i id=sex>sex</i>"  # (the page's own markup has no ids)
HOURS = "<u id=hours>hours</u>"
WOMAN, MAN = "<b id=f>F</b>", "<s id=m>M</s>"
RICH = "<em id=rich>yes</em>"
MARKERS = {"sex", "hours", "f", "m", "rich", "p", "h", "t", "n", "file"}


class _Tags(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.tags: list[tuple[str, dict[str, str | None]]] = []
        self.meta: list[dict[str, str | None]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, dict(attrs)))
        if tag == "meta":
            self.meta.append(dict(attrs))


def _parsed(page: str) -> _Tags:
    parser = _Tags()
    parser.feed(page)
    return parser


def _no_injected_element(page: str) -> None:
    parsed = _parsed(page)
    injected = [
        (t, a)
        for t, a in parsed.tags
        if a.get("id") in MARKERS or "onerror" in a or t in ("script", "img", "iframe")
    ]
    assert not injected, injected


def _report(where: Path, *, uses_sex: bool) -> dict[str, Any]:
    """The report document of a fairness run (with the exact analysis) of a tree on a frame
    whose column names, categories and classes are tags; the tree uses the sex or not."""
    rng = np.random.default_rng(0)
    frame = pd.DataFrame({SEX: rng.choice([WOMAN, MAN], 400), HOURS: rng.integers(10, 60, 400)})
    rich = (frame[HOURS] > 40) & ((frame[SEX] == MAN) | (not uses_sex))
    frame["income"] = np.where(rich, RICH, "<no>")
    encode = ColumnTransformer([("cat", OneHotEncoder(), [SEX]), ("num", "passthrough", [HOURS])])
    tree = DecisionTreeClassifier(max_depth=None if uses_sex else 2, random_state=0)
    pipe = Pipeline([("encode", encode), ("tree", tree)]).fit(frame[[SEX, HOURS]], frame["income"])
    result = assay.check_fairness(
        pipe,
        data=frame,
        protected=SEX,
        label="income",
        max_queries=2_000,
        seed=1,
        store=where / "runs.db",
        exact=True,
    )
    with RunStore(where / "runs.db") as store:
        return build_document(store, result.run_id)


def test_every_user_string_of_a_fairness_report_is_shown_as_text(tmp_path: Path) -> None:
    """The tree treats the two sexes differently above 40 hours: found, with boxes."""
    doc = _report(tmp_path, uses_sex=True)
    html = render_html(doc)
    exact = (doc["run"]["summary"].get("exact") or [{}])[0]
    assert exact.get("status") == "exact", exact  # the exact part is on the page
    assert exact.get("boxes"), exact
    _no_injected_element(html)
    # each shown, escaped, where it belongs
    assert html.count("&lt;i id=sex&gt;sex&lt;/i&gt;") >= 3  # verdict, exact analysis, tables
    assert "&lt;u id=hours&gt;hours&lt;/u&gt;" in html  # the boxes' rules
    assert "&lt;s id=m&gt;M&lt;/s&gt;" in html  # category values
    assert "&lt;em id=rich&gt;yes&lt;/em&gt;" in html  # a class name


def test_a_certificate_and_assumptions_are_escaped_too(tmp_path: Path) -> None:
    """A model that ignores the attribute gets a certificate of zero naming it."""
    doc = _report(tmp_path, uses_sex=False)
    exact = doc["run"]["summary"]["exact"][0]
    assert exact["certificate"] and SEX in exact["certificate"]
    html = render_html(doc)
    _no_injected_element(html)
    assert re.search(r"Certificate: no input in this domain changes outcome with &lt;i", html)
    assert "every value of &lt;i id=sex&gt;sex&lt;/i&gt; is tried" in html  # an assumption


def test_an_error_paragraphs_and_the_headline_are_escaped() -> None:
    summary = {
        "sections": [{"title": "<i id=t>t</i>", "text": "<b id=p>p</b>", "note": "<s id=n>n</s>"}]
    }
    doc = {
        "headline": "<em id=h>h</em>",
        "run": {
            "id": "r",
            "technique": "text",
            "status": "failed",
            "error": "<img src=x onerror=alert(1)> in /data/<u id=file>f</u>.csv",
            "summary": summary,
        },
    }
    html = render_html(doc)
    _no_injected_element(html)
    assert "&lt;img src=x onerror=alert(1)&gt; in /data/&lt;u id=file&gt;f&lt;/u&gt;.csv" in html
    assert "&lt;b id=p&gt;p&lt;/b&gt;" in html and "&lt;em id=h&gt;h&lt;/em&gt;" in html


def test_the_page_forbids_scripts_and_every_request() -> None:
    html = render_html({"run": {"id": "r", "technique": "fairness", "status": "completed"}})
    policies = [
        m.get("content") or ""
        for m in _parsed(html).meta
        if (m.get("http-equiv") or "").lower() == "content-security-policy"
    ]
    assert len(policies) == 1, policies
    directives = {d.split()[0]: d.split()[1:] for d in policies[0].split(";") if d.strip()}
    assert directives["default-src"] == ["'none'"]  # no script, frame, font, fetch, ...
    assert set(directives) <= {"default-src", "style-src", "img-src", "form-action", "base-uri"}
    # (default-src does not cover these two: an injected form or base would be followed)
    assert directives["form-action"] == directives["base-uri"] == ["'none'"]
    assert directives["img-src"] == ["data:"]  # the charts and triggers are inline
    assert directives["style-src"] == ["'unsafe-inline'"]
    assert "<script" not in html.lower() and "http://" not in html and "https://" not in html


def test_the_text_sections_sentences_labels_and_classifier_names_are_escaped() -> None:
    """Sentences come from a grammar, labels and names from the model: the minimal failing
    sentences' table shows them all as text, the words shrinking removed included."""
    minimal = {
        "sentence": "<b id=p>good</b>",
        "original": "<i id=t>so</i> <b id=p>good</b>",  # the first word was removed
        "variant": "<s id=n>bad</s>",
        "count": 2,
        "margin": -0.5,
        "outputs": [
            {"label": "<em id=h>pos</em>", "probability": 0.9},
            {"label": "x", "variant_label": "<u id=file>neg</u>", "probability": 0.8},
        ],
    }
    text = {"oracle": "invariance", "classifiers": ["<i id=f>c1</i>"], "minimal": [minimal]}
    run = {"id": "r", "technique": "text", "summary": {"text": text}}
    html = render_html({"run": run})
    _no_injected_element(html)
    assert "<del>&lt;i</del> <del>id=t&gt;so&lt;/i&gt;</del>" in html
    assert "&lt;s id=n&gt;bad&lt;/s&gt;" in html and "&rarr; <bdi>&lt;u id=file&gt;neg" in html
    assert "&lt;em id=h&gt;pos&lt;/em&gt;" in html and "&lt;i id=f&gt;c1&lt;/i&gt;" in html


def test_a_backdoor_images_label_and_caption_stay_text_in_their_attributes() -> None:
    """An image's label is its ``alt`` attribute too: a quote in it ends nothing."""
    from assay.report.backdoor_html import render_gallery

    label = '" onerror="alert(1)'
    pixels = [[[0, 0, 0], [255, 255, 255]], [[255, 255, 255], [0, 0, 0]]]
    gallery = [{"caption": "<b id=p>c</b>", "images": [{"label": label, "pixels": pixels}]}]
    html = render_gallery(gallery)
    _no_injected_element(html.replace("<img ", "<picture "))  # (the gallery's own images)
    images = [a for t, a in _parsed(html).tags if t == "img"]
    assert len(images) == 1 and images[0]["alt"] == label and "onerror" not in images[0]
    assert "&lt;b id=p&gt;c&lt;/b&gt;" in html
