"""left43t: a grammar saved as UTF-16 without its byte-order mark that holds mostly Chinese
(too few NULs to be read as UTF-16) is refused naming the encoding it reads as and how to
convert it (was: "not UTF-8 text: byte(s) 0xe5", as if Latin-1); Latin-1 keeps its words."""

from __future__ import annotations

import pytest

from assay.core.textfile import decode_text
from assay.errors import UsageError

TEXT = '句子 -> 主语 "非常喜欢这部电影真的很好看而且便宜"\n主语 -> "我们大家都觉得"\n'


@pytest.mark.parametrize(("codec", "named"), [("utf-16-le", "UTF-16LE"), ("utf-16-be", "UTF-16BE")])
def test_bomless_utf16_of_chinese_names_the_encoding(codec: str, named: str) -> None:
    with pytest.raises(UsageError) as got:
        decode_text(TEXT.encode(codec), what="the grammar file", path="/tmp/zh.cfg")
    said = str(got.value)
    assert f"reads as {codec.upper()} text without a byte-order mark" in said
    assert f"iconv -f {named} -t UTF-8 zh.cfg > utf8.txt" in said
    assert "Latin-1" not in said


def test_latin1_is_still_named_as_another_encoding() -> None:
    with pytest.raises(UsageError) as got:
        decode_text("schön -> 'a'\n".encode("latin-1"), what="the grammar file", path="g.cfg")
    assert "Latin-1 or Windows-1252" in str(got.value)
    assert "UTF-16" not in str(got.value)
