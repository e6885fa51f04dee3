"""A classifier named by a path holding spaces (``"my clf.py:topic"``) could not be named in
a label map: the line was cut at the first space and refused as "expected 'CLASSIFIER LABEL
-> COMMON_LABEL'", with no way to quote it.  Its name is now written in double quotes, as a
label holding spaces is."""

from __future__ import annotations

import pytest

from assay.text.label_map_line import MapLineError, read_map_line


def test_a_quoted_classifier_name_is_read_whole() -> None:
    got = read_map_line('"my clf.py:topic" "very good" -> positive')
    assert (got.who, got.own, got.common) == ("my clf.py:topic", "very good", "positive")
    assert (got.who_at, got.own_at, got.common_at) == (1, 19, 34)


def test_an_unquoted_name_is_read_as_before() -> None:
    got = read_map_line("2 pos -> positive  # note")
    assert (got.who, got.own, got.common) == ("2", "pos", "positive")


def test_a_quoted_name_that_never_ends_is_an_error_at_its_quote() -> None:
    with pytest.raises(MapLineError, match="unbalanced quote") as caught:
        read_map_line('  "my clf.py:topic pos -> positive')
    assert caught.value.column == 3
