"""left43t: a metamorphic finding's JUnit message gives each classifier's own label beside the
common one a label map compared it as (``否定 = neg``), as a differential one does; of several
classifiers, each one's (the labels were cut at the first ``->``: "-> 否定; ポジ" read as
the variant's); ``--json`` on stdout writes the user's letters as written (was ``\\uXXXX``),
escaping what a terminal acts on, as the JSON report does."""

from __future__ import annotations

import io
import json
import sys
from typing import Any

import pytest

from assay.cli.console import Output, command_streams
from assay.report.junit_cases import text_case

RUN: dict[str, Any] = {
    "config": {
        "layout": {
            "common": ["neg", "pos"],
            "labels": [["否定", "肯定"], ["ネガ", "ポジ"]],
            "maps": [[0, 1], [0, 1]],
            "names": ["clf.py:ja_bias", "clf.py:ja_ok"],
        }
    }
}


def _finding(labels: str, names: list[str]) -> dict[str, Any]:
    return {
        "kind": "text-invariance",
        "inputs": ["田中さんはこの映画が好き。", "田中さんはこの映画が好き。"],
        "details": {
            "classifiers": names,
            "failed": names[0],
            "labels": labels,
            "variant": "李雷はこの映画が好き。",
        },
    }


def test_a_metamorphic_message_names_each_classifiers_own_and_common_label() -> None:
    _, said = text_case(_finding("肯定 -> 否定; ポジ", RUN["config"]["layout"]["names"]), RUN)
    assert said == (
        '"田中さんはこの映画が好き。" -> clf.py:ja_bias: 肯定 = pos, clf.py:ja_ok: ポジ = pos; '
        '"李雷はこの映画が好き。" -> clf.py:ja_bias: 否定 = neg, clf.py:ja_ok: ポジ = pos '
        "(failed by clf.py:ja_bias)"
    )


def test_one_classifier_without_a_map_reads_as_before() -> None:
    _, said = text_case(_finding("pos -> neg", ["m.py:f"]), None)
    assert said == (
        '"田中さんはこの映画が好き。" -> pos, "李雷はこの映画が好き。" -> neg (m.py:f) '
        "(failed by m.py:f)"
    )


def test_json_on_stdout_writes_letters_as_written(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setattr(sys, "stdout", sys.stdout)
    monkeypatch.setattr(sys, "stderr", sys.stderr)
    doc = {"sentence": "我不喜欢\u202e", "label": "إيجابي", "lone": "\ud800"}
    with command_streams():
        Output(quiet=True, as_json=True).emit_json(doc)
    out = capsys.readouterr().out
    assert "我不喜欢" in out and "إيجابي" in out
    assert "\\u202e" in out and "\\ud800" in out  # (a bidi override, a lone surrogate)
    assert json.loads(out) == doc


def test_json_for_a_narrow_stream_stays_ascii(monkeypatch: pytest.MonkeyPatch) -> None:
    narrow = io.TextIOWrapper(io.BytesIO(), encoding="cp1252")
    monkeypatch.setattr(sys, "stdout", narrow)
    monkeypatch.setattr(sys, "stderr", sys.stderr)
    with command_streams():
        Output(quiet=True, as_json=True).emit_json({"s": "我"})
    narrow.flush()
    assert narrow.buffer.getvalue().decode("ascii").strip() == '{\n  "s": "\\u6211"\n}'  # type: ignore[attr-defined]


def test_an_expect_message_gives_the_common_label_beside_the_own() -> None:
    finding = {
        "kind": "text-expect",
        "inputs": ["田中さんはこの映画が好きじゃない。"],
        "details": {
            "classifiers": RUN["config"]["layout"]["names"],
            "labels": "否定; ネガ",
            "failed": "clf.py:ja_bias; clf.py:ja_ok",
        },
    }
    _, said = text_case(finding, RUN)
    assert said.startswith("clf.py:ja_bias: 否定 = neg, clf.py:ja_ok: ネガ = neg on ")
