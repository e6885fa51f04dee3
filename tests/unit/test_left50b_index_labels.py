"""A text function answering class indices (``0``/``1``) without ``classes_`` is named by the
user's label map when the map names those indices (left50b; hostile50's Left 1): it was
refused "answers class indices without saying which classes there are ... classes_" even
with ``--label-map`` mapping ``0 -> negative`` and ``1 -> positive``."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

import pytest
from reviews import QUALITIES, review_grammar

import assay
from assay.errors import UsageError

pytestmark = pytest.mark.filterwarnings("ignore::assay.AssayWarning")

GRAMMAR = review_grammar(QUALITIES[:4])  # (no "okay")


def _good(s: str) -> bool:
    return any(w in s for w in ("good", "great")) != ("not" in s)


def named(sentences: Sequence[str]) -> list[str]:
    return ["positive" if _good(s) else "negative" for s in sentences]


def indices(sentences: Sequence[str]) -> list[int]:
    return [int(_good(s)) for s in sentences]


def pizza_flipped(sentences: Sequence[str]) -> list[int]:
    """As ``indices``, but every sentence about pizza the other way (the planted bug)."""
    return [int(_good(s) != ("pizza" in s)) for s in sentences]


def _grammar(tmp_path: Path, more: str = "") -> str:
    path = tmp_path / "g.cfg"
    path.write_text(GRAMMAR + more, encoding="utf-8")
    return str(path)


@pytest.fixture(autouse=True)
def _inline(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("ASSAY_TEXT_WORKER", "inline")


def test_a_map_file_naming_the_indices_names_them(tmp_path: Path) -> None:
    lines = tmp_path / "map.txt"
    lines.write_text("2 0 -> negative\n2 1 -> positive\n", encoding="utf-8")
    clean = assay.check_text(
        [named, indices], grammar=_grammar(tmp_path), label_map=str(lines), seed=0,
        store=tmp_path / "t.db",
    )  # fmt: skip
    assert clean.passed, clean.headline
    planted = assay.check_text(
        [named, pizza_flipped], grammar=_grammar(tmp_path), label_map=str(lines), seed=0,
        store=tmp_path / "t.db",
    )  # fmt: skip
    assert not planted.passed, planted.headline
    found = list(planted.findings()["sentence"])
    assert found and all("pizza" in f for f in found), found


def test_the_api_dict_and_a_json_file_name_them_too(tmp_path: Path) -> None:
    as_json = tmp_path / "map.json"
    as_json.write_text('{"1": {"0": "negative", "1": "positive"}}', encoding="utf-8")
    for given in ({1: {"0": "negative", "1": "positive"}}, str(as_json)):
        planted = assay.check_text(
            [named, pizza_flipped], grammar=_grammar(tmp_path), label_map=given, seed=0,
            store=tmp_path / "t.db",
        )  # fmt: skip
        assert not planted.passed, (given, planted.headline)


def test_alone_with_an_invariance_oracle(tmp_path: Path) -> None:
    found = assay.check_text(
        pizza_flipped, grammar=_grammar(tmp_path, "%invariant thing\n"), oracle="invariance",
        label_map={0: {"0": "negative", "1": "positive"}}, seed=0, store=tmp_path / "t.db",
    )  # fmt: skip
    assert not found.passed, found.headline


def test_without_a_map_of_its_indices_it_is_refused_as_before(tmp_path: Path) -> None:
    for given in (None, {1: {"0": "negative"}}):  # (one index: not two classes named)
        with pytest.raises(UsageError, match="classes_"):
            assay.check_text(
                [named, indices], grammar=_grammar(tmp_path), label_map=given, seed=0,
                store=tmp_path / "t.db",
            )  # fmt: skip
