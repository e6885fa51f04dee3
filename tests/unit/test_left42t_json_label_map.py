"""``--label-map FILE`` written as JSON: the object ``label_map=`` takes from Python
(``json.dump`` of it), a classifier by its name or its position counted from 0 (text42's
Left 6: refused, "this looks like JSON", before).  Errors name the file and the key, or the
line and column of a file that is not JSON."""

from __future__ import annotations

from pathlib import Path

import pytest

import assay
from assay.errors import UsageError


def words(batch: list[str]) -> list[str]:
    return ["neg" if "bad" in s else "pos" for s in batch]


def hub(batch: list[str]) -> list[str]:
    return ["LABEL_0" if "bad" in s or "great" in s else "LABEL_1" for s in batch]


words.classes_ = ["neg", "pos"]  # type: ignore[attr-defined]
hub.classes_ = ["LABEL_0", "LABEL_1"]  # type: ignore[attr-defined]
GRAMMAR = 's -> "the food was" q "."\nq -> "good" | "great" | "bad"\n'
LINES = "2 LABEL_0 -> neg\n2 LABEL_1 -> pos\n"


def _run(tmp_path: Path, text: str, name: str = "lm.json") -> assay.TextResult:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return assay.check_text(
        [words, hub], grammar=GRAMMAR, label_map=str(path), max_queries=100, seed=1,
        store=tmp_path / f"{name}.db",
    )  # fmt: skip


@pytest.mark.parametrize(
    "text",
    [
        '{"1": {"LABEL_0": "neg", "LABEL_1": "pos"}}',
        '\ufeff{"hub": {"LABEL_0": "neg", "LABEL_1": "pos"}}\r\n',
        '{\n  "1": {"LABEL_0": "neg", "LABEL_1": "pos"},\n  "0": {}\n}\n',
    ],
)
def test_a_json_label_map_maps_as_its_lines_do(tmp_path: Path, text: str) -> None:
    lines = _run(tmp_path, LINES, "lm.txt")
    got = _run(tmp_path, text)
    assert got.n_findings == lines.n_findings == 1, got.headline  # "great": neg vs pos
    assert list(got.findings()["sentence"]) == list(lines.findings()["sentence"])


@pytest.mark.parametrize(
    ("text", "said"),
    [
        ('{"2": {"LABEL_0": "neg"}}', "lm.json: key '2': no classifier 2 (a JSON label map "),
        ('{"1": {"LABEL_9": "neg"}}', "lm.json: key '1': classifier hub has no label 'LABEL_9'"),
        ('{"nope": {"LABEL_0": "neg"}}', "lm.json: key 'nope': names classifier 'nope'"),
        ('{"1": ["LABEL_0", "neg"]}', 'lm.json: key \'1\' maps to ["LABEL_0", "neg"]'),
        ('{"1": {"LABEL_0": "neg",}}', "lm.json:1:25: not valid JSON"),
    ],
)
def test_a_wrong_json_label_map_names_the_file_and_the_key(
    tmp_path: Path, text: str, said: str
) -> None:
    with pytest.raises(UsageError) as refused:
        _run(tmp_path, text)
    assert refused.value.argument in ("--label-map", "label_map")  # (the API says its own)
    assert said in str(refused.value), str(refused.value)
