"""A label written in another Unicode normal form prints alike and is the same text
(canonically equivalent): 'négatif' with its é as one character (NFC) or as an e and a
combining accent (NFD: a macOS file, a label copied from a PDF).  Two classifiers answering
it in the two forms had every such sentence counted a disagreement ("négatif" vs
"négatif"); a label map written in NFD was refused with "has no label 'négatif'; its labels
are négatif, positif" (hostile41t)."""

from __future__ import annotations

import unicodedata
from pathlib import Path

import assay
from assay.text.result import TextResult

NFC = unicodedata.normalize("NFC", "négatif")
NFD = unicodedata.normalize("NFD", "négatif")
GRAMMAR = 'S -> "I met" who "in" city "."\nwho -> "Bob" | "Ana" | "Lei"\ncity -> "Paris" | "Köln"\n'


def _nfc(batch: list[str]) -> list[str]:
    return [NFC if "Lei" in s else "positif" for s in batch]


def _nfd(batch: list[str]) -> list[str]:
    return [NFD if ("Lei" in s or "Köln" in s) else "positif" for s in batch]


def _english(batch: list[str]) -> list[str]:
    return ["negative" if "Lei" in s else "positive" for s in batch]


def _failing(result: TextResult) -> set[str]:
    return set(result.findings()["minimal"])


def test_one_label_in_two_normal_forms_is_one_label(tmp_path: Path) -> None:
    result = assay.check_text(
        [_nfc, _nfd], grammar=GRAMMAR, max_queries=300, seed=1, store=str(tmp_path / "s.db")
    )
    # they disagree where only _nfd says négatif: Köln with Bob and Ana, nowhere else
    assert _failing(result) == {"I met Bob in Köln.", "I met Ana in Köln."}, result.headline


def test_a_label_map_written_in_nfd_maps_the_label_answered_in_nfc(tmp_path: Path) -> None:
    label_map = tmp_path / "map.txt"
    label_map.write_text(f"1 {NFD} -> negative\n1 positif -> positive\n", encoding="utf-8")
    result = assay.check_text(
        [_nfc, _english], grammar=GRAMMAR, label_map=str(label_map), max_queries=300, seed=1,
        store=str(tmp_path / "s.db"),
    )  # fmt: skip
    assert "no disagreement" in result.headline, result.headline
    as_dict = assay.check_text(
        [_nfc, _english], grammar=GRAMMAR, label_map={0: {NFD: "negative", "positif": "positive"}},
        max_queries=300, seed=1, store=str(tmp_path / "s.db"),
    )  # fmt: skip
    assert "no disagreement" in as_dict.headline, as_dict.headline


def test_a_class_a_grammar_names_in_nfd_is_the_label_answered_in_nfc(tmp_path: Path) -> None:
    grammar = GRAMMAR + f'%expect who: "Lei" -> {NFD}\n'
    result = assay.check_text(
        _nfc, grammar=grammar, oracle="expect", max_queries=300, seed=1,
        store=str(tmp_path / "s.db"),
    )  # fmt: skip
    assert "no expectation failure" in result.headline, result.headline
