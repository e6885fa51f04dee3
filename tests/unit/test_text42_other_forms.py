"""A label map or grammar file written in another form (the API's label-map dict as JSON, a
CSV of labels, a grammar as JSON) was refused with only "expected 'CLASSIFIER LABEL ->
COMMON_LABEL'" or "expected a symbol name": the error now names the form it looks like and
the one to write (text42)."""

from __future__ import annotations

import pytest

from assay.errors import UsageError
from assay.text.grammar import parse_grammar
from assay.text.label_map_line import MapLineError, read_map_line


@pytest.mark.parametrize(
    ("line", "said"),
    [
        ('{"2": {"LABEL_0": "neg"}}', "looks like JSON"),
        ('[["2", "LABEL_0", "neg"]]', "looks like JSON"),
        ("clf.py:hf,LABEL_0,neg", "looks like CSV"),
        ("2\tLABEL_0\tneg", "looks like CSV"),
    ],
)
def test_a_label_map_in_another_form_is_named(line: str, said: str) -> None:
    with pytest.raises(MapLineError) as caught:
        read_map_line(line)
    assert said in str(caught.value) and "2 LABEL_0 -> neg" in str(caught.value)
    assert caught.value.column == 1


def test_a_map_line_missing_its_arrow_is_refused_as_before() -> None:
    with pytest.raises(MapLineError) as caught:
        read_map_line("2 LABEL_0 neg")
    assert str(caught.value) == "expected 'CLASSIFIER LABEL -> COMMON_LABEL'"


def test_a_grammar_written_as_json_is_named() -> None:
    with pytest.raises(UsageError) as caught:
        parse_grammar('{"s": ["the food was good", "bad"]}\n', source="g.json")
    assert "looks like JSON" in str(caught.value) and "g.json:1:1" in str(caught.value)
    with pytest.raises(UsageError) as caught:
        parse_grammar("s -> x\nx -> [y]\n", source="g.cfg")
    assert "JSON" not in str(caught.value)
