"""The per-attribute line says which figures are exact and which were sampled, and when the
--fail-on level was judged on an estimate whose interval spans the threshold."""

from __future__ import annotations

from typing import Any

from assay.cli.answer_lines import say_answer as _say_answer
from assay.report.verdict_text import share_text as _share_text


def _row(**kw: Any) -> dict[str, Any]:
    row: dict[str, Any] = {
        "attribute": "sex",
        "basis": "exact",
        "share_uniform": 0.002,
        "uniform_low": 0.0015,
        "uniform_high": 0.0025,
        "uniform_sampled": 20_000,
        "share_data": 0.0604,
        "data_low": 0.057,
        "data_high": 0.064,
        "level": "pass",
        "fails": False,
        "certificate": None,
        "undecided": False,
    }
    row.update(kw)
    return row


def test_an_exact_uniform_share_with_a_sampled_data_share_says_which_is_which() -> None:
    # the exact analysis ran out of time on the data rows: their share is the sample's
    text = _share_text(_row(exact_uniform_low=0.002, exact_uniform_high=0.002))
    assert "input space (exact), 6.04 % of the data rows (95 % CI 5.70 % to 6.40 %)" in text
    assert not text.endswith("(exact)")


def test_both_exact() -> None:
    text = _share_text(_row(exact_data_low=0.0619, exact_data_high=0.0619, share_data=0.0619))
    assert text.endswith("of the input space, 6.19 % of the data rows (exact)")


def test_an_undecided_level_is_said() -> None:
    class Out:
        def __init__(self) -> None:
            self.lines: list[str] = []

        def say(self, text: str) -> None:
            self.lines.append(text)

    out = Out()
    summary = {"verdict": [_row(basis="sampled", undecided=True)], "direction": []}
    _say_answer(out, summary)  # type: ignore[arg-type]
    assert "; pass (judged on the estimate: the interval holds values on both sides" in out.lines[0]
