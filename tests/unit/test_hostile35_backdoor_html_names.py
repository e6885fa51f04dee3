"""A backdoor report's HTML findings gave the model's classes as indices (``target 5``,
``corrected 4``, outputs ``5 4 5``) while the same page's table and headline named them
(``seven``, ``one``): a digits model whose classes are named and sorted as scikit-learn sorts
them (``eight, five, ..., zero``) read "five" for the target seven (hostile35)."""

from __future__ import annotations

import html
import re
from typing import Any

from assay.report import render_html

NAMES = ["eight", "five", "four", "nine", "one", "seven", "six", "three", "two", "zero"]


def _doc(names: list[str] | None) -> dict[str, Any]:
    image = [[[0.0] * 1] * 8] * 8
    finding = {
        "index": 0,
        "kind": "backdoor-trigger",
        "severity": 1.0,
        "inputs": [image, image, image],
        "outputs": [5, 4, 5],
        "details": {
            "box": [5, 5, 3, 3],
            "clean_label_of_pasted": 4,
            "corrected": 4,
            "flip_rate": 1.0,
            "image": 4,
            "name": "img_04.png",
            "target": 5,
            "trigger_id": 0,
        },
    }
    caps = {"modality": "image", "n_classes": 10, "outputs": "proba"}
    if names is not None:
        caps["class_names"] = names
    return {
        "schema_version": 2,
        "headline": "1 of 1 images carry a confirmed trigger",
        "rerun": "assay backdoor m.onnx --images x --clean c --seed 1",
        "run": {
            "id": "backdoor-1",
            "technique": "backdoor",
            "status": "completed",
            "seed": 1,
            "model": {"capabilities": caps},
            "summary": {},
        },
        "findings": {"total": 1, "max_severity": 1.0, "order": "severity", "examples": [finding]},
    }


def _findings_text(page: str) -> str:
    part = page[page.index("<h2>Findings") :]
    part = part[: part.index("<summary>JSON")]
    return re.sub(r"\s+", " ", html.unescape(re.sub(r"<[^>]+>", " ", part)))


def test_the_html_findings_name_the_models_classes() -> None:
    text = _findings_text(render_html(_doc(NAMES)))
    assert "target seven" in text, text
    assert "corrected one" in text and "clean_label_of_pasted one" in text, text
    assert "target 5" not in text and "corrected 4" not in text, text
    # the outputs (the image's class, blocked, the trigger pasted on a clean image)
    assert text.count("seven") >= 3, text


def test_the_json_fold_out_keeps_the_finding_as_stored() -> None:
    page = render_html(_doc(NAMES))
    fold = html.unescape(page[page.index("<summary>JSON") :])
    assert '"target": 5' in fold and '"outputs": [5, 4, 5]' in fold


def test_a_model_without_names_keeps_its_indices() -> None:
    text = _findings_text(render_html(_doc(None)))
    assert "target 5" in text and "corrected 4" in text, text
