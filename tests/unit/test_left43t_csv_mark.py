"""left43t: a text CSV export of Chinese sentences is UTF-8 without a byte-order mark (the
lead's decision: ``csv.DictReader`` over ``encoding="utf-8"`` and pandas read its first
column's name as written; docs/text.md says how Excel opens it)."""

from __future__ import annotations

import csv
from pathlib import Path

import assay

GRAMMAR = """\
s -> subj neg "喜欢" "这部电影" "。"
subj -> "我" | "他"
neg -> "" | "不"
"""


def first(batch: list[str]) -> list[str]:
    return ["负面" if "不" in t else "正面" for t in batch]


def second(batch: list[str]) -> list[str]:
    return ["正面" for _ in batch]


def test_a_csv_export_of_chinese_has_no_byte_order_mark(tmp_path: Path) -> None:
    grammar = tmp_path / "zh.cfg"
    grammar.write_text(GRAMMAR, encoding="utf-8")
    result = assay.check_text(
        [first, second], grammar=str(grammar), max_queries=200, seed=1, store=tmp_path / "s.db"
    )
    path = result.export(tmp_path / "fails.csv")
    raw = path.read_bytes()
    assert not raw.startswith(b"\xef\xbb\xbf")
    assert "我不喜欢这部电影。" in raw.decode("utf-8")
    with open(path, encoding="utf-8", newline="") as f:
        rows = list(csv.DictReader(f))
    assert rows and not next(iter(rows[0])).startswith("\ufeff")
