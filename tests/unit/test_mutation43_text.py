"""mutation43: a JSON ``--label-map`` mapping a label to no common label's text (a number,
``null``) is refused naming the key (LJ2: taken, ``null`` read as a common label "None",
``0`` as "0")."""

from __future__ import annotations

from pathlib import Path

import pytest

from assay.errors import UsageError

from test_left42t_json_label_map import _run  # isort: skip


@pytest.mark.parametrize("value", ["0", "null"])
def test_a_label_mapped_to_no_text_is_refused(tmp_path: Path, value: str) -> None:
    with pytest.raises(UsageError, match=r"key '1' maps to .*each classifier maps to an object"):
        _run(tmp_path, '{"1": {"LABEL_0": "neg", "LABEL_1": ' + value + "}}")


def test_a_map_lines_own_errors_are_kept_and_csv_is_named_only_without_an_arrow() -> None:
    from assay.text.label_map_line import MapLineError, read_map_line

    with pytest.raises(MapLineError, match="is not an escape"):  # (LL4: re-said as "expected")
        read_map_line('2 "a\\x" -> b')
    with pytest.raises(MapLineError) as arrow:  # (LL2: "this looks like CSV")
        read_map_line("2 a,b -> c d")
    assert "CSV" not in str(arrow.value)
    with pytest.raises(MapLineError, match="looks like CSV"):
        read_map_line("2,LABEL_0,neg")
