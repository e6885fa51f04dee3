"""Labels in Turkish capitals (hostile43t): 'İYİ' from one classifier and 'iyi' from another
are one label, as 'KÖTÜ' and 'kötü' were; Python's casefold makes 'İ' an i and a combining
dot, so the two were two labels and every sentence both called good a "disagreement" (3
where 1 was real)."""

from __future__ import annotations

from pathlib import Path

import assay
from assay.text.panel import fold_label

GRAMMAR = "S -> NP VP '.'\nNP -> 'İstanbul' | 'Ankara' | 'İzmir'\nVP -> 'güzel' | 'güzel' 'değil'\n"


def upper(batch: list[str]) -> list[str]:
    return ["KÖTÜ" if "değil" in s else "İYİ" for s in batch]


def lower(batch: list[str]) -> list[str]:
    return ["kötü" if ("değil" in s or "Ankara" in s) else "iyi" for s in batch]


def test_dotted_and_dotless_capitals_fold_as_their_small_letters() -> None:
    assert fold_label("İYİ") == fold_label("iyi")
    assert fold_label("KIRMIZI") == fold_label("kırmızı")
    assert fold_label("STRASSE") == fold_label("straße")
    assert fold_label("positive") == "positive"


def test_one_turkish_label_in_two_cases_is_no_disagreement(tmp_path: Path) -> None:
    result = assay.check_text(
        [upper, lower], grammar=GRAMMAR, max_queries=300, seed=1, store=tmp_path / "r.db"
    )
    assert list(result.findings()["sentence"]) == ["Ankara güzel."], result.headline


def test_a_class_written_in_another_case_is_refused_naming_the_label_meant(
    tmp_path: Path,
) -> None:
    import pytest

    from assay.errors import UsageError

    grammar = GRAMMAR + "%expect VP: 'güzel' 'değil' -> KÖTÜ\n"
    with pytest.raises(UsageError, match="did you mean 'kötü'"):
        assay.check_text(
            lower, grammar=grammar, oracle="expect", max_queries=300, store=tmp_path / "r.db"
        )


def mixed_forms(batch: list[str]) -> list[str]:
    """One label, "négatif", answered NFC to some sentences and NFD to others."""
    import unicodedata

    labels = ["négatif" if "pas" in s.split() else "positif" for s in batch]
    return [
        unicodedata.normalize("NFD", x) if "plat" in s else x
        for x, s in zip(labels, batch, strict=True)
    ]


def test_one_label_answered_in_two_normal_forms_by_one_classifier_is_one_label(
    tmp_path: Path,
) -> None:
    """main: "le film n'est pas bon." vs "le plat n'est pas bon." [négatif -> négatif], an
    invariance failure of one label printed twice alike."""
    grammar = (
        's -> "le" obj "n\'est" neg "bon" "."\nobj -> "plat" | "film" | "livre"\n'
        'neg -> "" | "pas"\n%invariant obj\n'
    )
    result = assay.check_text(
        mixed_forms,
        grammar=grammar,
        oracle="invariance",
        max_queries=300,
        seed=1,
        store=tmp_path / "r.db",
    )
    assert result.summary["text"]["errors"] == 0, result.headline
