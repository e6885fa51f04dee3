"""The small grammar of reviews several text tests run ("the soup was not okay."), written
into a test's folder with the text search asked in this process (its worker inline), and
classifiers of it: ``steady`` labels every sentence right, ``soup_wrong`` calls every one
about soup negative, ``silent_on_soup`` gives no answer (an empty label) to a negated one
about soup.  A plain module: a test may give it as a file of classifiers
(``reviews.py:steady``)."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import pytest

QUALITIES = ("good", "great", "bad", "awful", "okay")


def review_grammar(qualities: tuple[str, ...] = QUALITIES) -> str:
    """The grammar's text: a thing, "not" or nothing, one of ``qualities``."""
    said = " | ".join(f'"{q}"' for q in qualities)
    return (
        "%start review\n"
        'review -> "the" thing "was" neg quality "."\n'
        'thing -> "food" | "pizza" | "soup" | "service"\n'
        'neg -> "" | "not"\n'
        f"quality -> {said}\n"
    )


def written_grammar(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, text: str) -> Path:
    """``text`` as the grammar file ``g.cfg`` in ``tmp_path``, the search's worker inline."""
    monkeypatch.setenv("ASSAY_TEXT_WORKER", "inline")
    path = tmp_path / "g.cfg"
    path.write_text(text, encoding="utf-8")
    return path


def sign(s: str) -> str:
    good = any(w in s for w in ("good", "great", "okay"))
    return "positive" if good != ("not" in s) else "negative"


def steady(sentences: Sequence[str]) -> list[str]:
    return [sign(s) for s in sentences]


def soup_wrong(sentences: Sequence[str]) -> list[str]:
    return ["negative" if "soup" in s else sign(s) for s in sentences]


def silent_on_soup(sentences: Sequence[str]) -> list[str]:
    """As ``steady``, but no answer (an empty label) to a negated sentence about soup."""
    return ["" if "soup" in s and "not" in s else sign(s) for s in sentences]
