"""The HTML report of sentences not written as English is (hostile43t): what shrinking removed
from a Chinese or Japanese sentence was marked by words split at spaces, and such a sentence
has none, so the whole first sentence was struck through ("正直に言うと、李雷は..." struck
where "正直に言うと、" was removed); an Arabic sentence and its labels were set in the page's
left-to-right direction, its final mark shown at the wrong end."""

from __future__ import annotations

from typing import Any

from assay.report.text_html import render_text_section


def _doc(sentence: str, original: str, label: str) -> dict[str, Any]:
    out = {"classifier": "c", "label": label, "probability": 1.0}
    minimal = {"sentence": sentence, "original": original, "count": 1, "margin": -1.0}
    text = {
        "oracle": "differential",
        "classifiers": ["c"],
        "minimal": [{**minimal, "outputs": [out]}],
    }
    return {"run": {"technique": "text", "summary": {"text": text}}}


def test_what_shrinking_removed_from_an_unspaced_sentence_is_struck_by_characters() -> None:
    html = render_text_section(
        _doc("李雷はこの映画が大好き。", "正直に言うと、李雷はこの映画が大好き。", "否定")
    )
    assert "<bdi><del>正直に言うと、</del>李雷はこの映画が大好き。</bdi>" in html


def test_words_removed_from_a_spaced_sentence_are_struck_as_before() -> None:
    html = render_text_section(_doc("the food was bad.", "honestly, the food was very bad.", "neg"))
    assert "<del>honestly,</del> the food was <del>very</del> bad." in html


def test_a_right_to_left_sentence_and_its_label_are_isolated_in_their_direction() -> None:
    html = render_text_section(_doc("هل كان الطعام جيدا؟", "هل كان الطعام جيدا؟", "سلبي"))
    assert "<b><bdi>هل كان الطعام جيدا؟</bdi></b>" in html
    assert "<bdi>سلبي</bdi>" in html


def test_a_sentence_and_variant_printing_alike_are_told_apart_on_the_terminal() -> None:
    from assay.cli.text_lines import _forms_apart

    nfc, nfd = "das Essen war sch\u00f6n.", "das Essen war scho\u0308n."
    said = _forms_apart(nfd, nfc)
    assert "Unicode normal form only: the sentence NFD, the variant NFC" in said
    assert _forms_apart("the food was good.", "the food was bad.") == ""


def test_a_junit_failure_names_each_classifiers_own_label_beside_the_common_one() -> None:
    from assay.report.junit_cases import text_case

    finding = {
        "kind": "text-differential",
        "inputs": ["هل كان الطعام ممتازا؟", "هل كان الطعام ممتازا؟"],
        "outputs": [[1.0, 0.0, 1.0, 0.0], [1.0, 0.0, 1.0, 0.0]],
        "details": {
            "classifiers": ["a.py:ar", "a.py:en"],
            "columns": ["a.py:ar: إيجابي", "a.py:ar: سلبي", "a.py:en: neg", "a.py:en: pos"],
            "labels": "pos; neg",
        },
    }
    got = text_case(finding)
    assert got is not None
    assert got[1].startswith("a.py:ar: إيجابي = pos, a.py:en: neg on "), got


def test_the_json_report_keeps_every_scripts_letters_and_escapes_what_a_terminal_acts_on() -> None:
    import json

    from assay.report.json_text import dumps_document

    doc = {"sentence": "我不喜欢。 هل؟ 👨\u200d👩 \u202eevil \ud800", "label\u2028": "否定"}
    text = dumps_document(doc)
    assert "我不喜欢。 هل؟ 👨\u200d👩" in text and '"否定"' in text
    assert "\\u202eevil" in text and "\\ud800" in text and "\\u2028" in text
    assert json.loads(text) == doc
    text.encode("utf-8")  # (a lone surrogate escaped: the file can be written)


def test_the_html_says_a_variant_printing_as_its_sentence_differs_in_normal_form() -> None:
    doc = _doc("das Essen war scho\u0308n.", "das Essen war scho\u0308n.", "negativ")
    doc["run"]["summary"]["text"]["oracle"] = "invariance"
    doc["run"]["summary"]["text"]["minimal"][0]["variant"] = "das Essen war sch\u00f6n."
    assert "in Unicode normal form only" in render_text_section(doc)
    doc["run"]["summary"]["text"]["minimal"][0]["variant"] = "das Essen war gut."
    assert "normal form" not in render_text_section(doc)
