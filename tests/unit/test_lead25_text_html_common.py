"""The HTML report says the common label a mapped classifier's label was compared as
(``Z = neutral``), escaped, as the terminal does."""

from __future__ import annotations

from assay.report.text_html import render_text_section


def test_the_common_label_of_a_mapped_label_is_shown_escaped() -> None:
    doc = {
        "run": {
            "technique": "text",
            "summary": {
                "text": {
                    "oracle": "invariance",
                    "classifiers": ["five"],
                    "minimal": [
                        {
                            "sentence": "good",
                            "variant": "fine",
                            "original": "good",
                            "count": 1,
                            "margin": -0.4,
                            "outputs": [
                                {
                                    "classifier": "five",
                                    "label": "Z",
                                    "common_label": "<neutral>",
                                    "probability": 0.9,
                                    "variant_label": "P",
                                    "variant_common_label": "positive",
                                    "variant_probability": 0.8,
                                }
                            ],
                        }
                    ],
                }
            },
        }
    }
    html = render_text_section(doc)
    assert "Z</bdi> = <bdi>&lt;neutral&gt;" in html
    assert "P</bdi> = <bdi>positive" in html
