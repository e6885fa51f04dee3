"""A protected attribute stored as 'M '/'F ' (a fixed-width export, trailing spaces kept) was
printed bare: "the M  variant gets '>50K' in 100.00 %" and "e.g. ...: sex F : <=50K; sex
M : >50K", the spaces invisible, where the other values were quoted so (hostile53c).  The
values of the direction's sentences and of the example's variants are quoted as the
example's other values are (``core.display.listed``)."""

from __future__ import annotations

from assay.cli.answer_lines import first_idi
from assay.report.verdict_text import favoured_text, outcomes_text


def test_the_direction_quotes_a_value_with_spaces_around_it() -> None:
    rows = [{"value": "M ", "favoured_in": 1.0}, {"value": "F ", "favoured_in": 0.0}]
    said = favoured_text(rows, ">50K", "6 sampled IDIs")
    assert said == "the 'M ' variant gets '>50K' in 100.00 % of 6 sampled IDIs"
    three = [
        rows[0],
        {"value": "F ", "favoured_in": 0.2},
        {"value": "", "favoured_in": 0.0},
    ]
    assert "the '' variant in 0.00 %" in favoured_text(three, ">50K", "them")
    plain = [{"value": "Male", "favoured_in": 1.0}, {"value": "Female", "favoured_in": 0.0}]
    assert favoured_text(plain, ">50K", "them").startswith("the Male variant gets")
    gets = [{"value": "F ", "gets": {"yes": 0.5, "no": 0.5}}]
    assert outcomes_text(gets) == "'F ': 'yes' 50.00 %, 'no' 50.00 %"


def test_the_examples_variants_quote_a_value_with_spaces_around_it() -> None:
    summary = {
        "examples": [
            {
                "input": {"age": 30},
                "from_real_row": True,
                "variants": [
                    {"protected": {"sex": "F "}, "prediction": "<=50K"},
                    {"protected": {"sex": "M "}, "prediction": ">50K"},
                ],
            }
        ]
    }
    assert first_idi(summary) == "  e.g. age 30 (a real row): sex 'F ': <=50K; sex 'M ': >50K"
