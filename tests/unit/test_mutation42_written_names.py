"""Names as the data writes them (hostile41f): the cases its tests left free (mutation42)."""

from __future__ import annotations

import unicodedata
from pathlib import Path

import numpy as np

from assay.fairness.written_names import unicode_form


def test_a_name_two_columns_equal_in_nfc_is_left_as_typed() -> None:
    """A header holding the same name in two Unicode forms (one composed, one decomposed):
    a name typed in a third form is either; taking the first would test a column the user
    did not choose, silently.  Left as typed, it is refused as not a column."""
    composed = "\u1ec7"  # e with circumflex and dot below
    decomposed = unicodedata.normalize("NFD", composed)
    partly = "\u00ea\u0323"  # e with circumflex, then the dot below
    assert len({composed, decomposed, partly}) == 3
    assert unicode_form(partly, [composed, decomposed]) == partly
    assert unicode_form(partly, ["x", decomposed]) == decomposed
    assert unicode_form(composed, [composed, decomposed]) == composed


def test_a_label_two_answered_labels_equal_in_nfc_is_left_as_written() -> None:
    """The label map's side of it (``panel.as_answered``): a classifier answering one label
    in two forms and a map writing a third is not matched to either (refused, as written)."""
    from assay.text.panel import as_answered

    composed = "\u1ec7"
    decomposed = unicodedata.normalize("NFD", composed)
    partly = "\u00ea\u0323"
    assert as_answered(partly, [composed, decomposed]) == partly
    assert as_answered(partly, [composed, "x"]) == composed


def test_a_grammars_directional_and_expected_classes_take_the_labels_form() -> None:
    """``Grammar.name_classes_as`` (hostile41t): a ``%directional ... up CLASS`` in NFD is
    the label answered in NFC, as an ``%expect`` is (only the latter was tested)."""
    from assay.text.grammar import parse_grammar

    nfc = unicodedata.normalize("NFC", "négatif")
    nfd = unicodedata.normalize("NFD", "négatif")
    g = parse_grammar(
        'S -> "I met" who "."\nwho -> "Bob" | "Lei"\n'
        f'%directional who: "Bob" -> "Lei" up {nfd}\n%expect who: "Lei" -> {nfd}\n'
    )
    assert [r.label for r in g.directionals] == [nfd]
    g.name_classes_as([nfc, "positif"])
    assert [r.label for r in g.directionals] == [nfc]
    assert [r.label for r in g.expectations] == [nfc]
    g.name_classes_as(["other"])  # (no such label: left as written, refused on load)
    assert [r.label for r in g.directionals] == [nfc]


def test_a_schema_files_protected_list_written_composed_reads_a_decomposed_header(
    tmp_path: Path,
) -> None:
    """The schema's own ``protected:`` list (no ``protected=``): renamed with its features
    (only a typed ``protected=`` was tested, which replaces the list)."""
    import pandas as pd
    from sklearn.compose import ColumnTransformer
    from sklearn.linear_model import LogisticRegression
    from sklearn.pipeline import Pipeline
    from sklearn.preprocessing import OneHotEncoder

    import assay

    composed = "région"
    decomposed = unicodedata.normalize("NFD", composed)
    rng = np.random.default_rng(0)
    frame = pd.DataFrame(
        {decomposed: rng.choice(["Nord", "Süd"], 300), "income": rng.normal(size=300)}
    )
    y = (frame["income"] + (frame[decomposed] == "Süd") > 0.5).to_numpy()
    encode = ColumnTransformer([("oh", OneHotEncoder(), [decomposed])], remainder="passthrough")
    model = Pipeline([("ct", encode), ("m", LogisticRegression())]).fit(frame, y)
    frame.to_csv(tmp_path / "d.csv", index=False)
    (tmp_path / "s.yaml").write_text(
        "features:\n"
        f"  - {{name: {composed}, type: categorical, categories: [Nord, Süd]}}\n"
        "  - {name: income, type: continuous, low: -5, high: 5}\n"
        f"protected: [{composed}]\n",
        encoding="utf-8",
    )
    result = assay.check_fairness(
        model, tmp_path / "d.csv", schema=tmp_path / "s.yaml", max_queries=400,
        store=tmp_path / "s",
    )  # fmt: skip
    assert len(result.findings()) > 0
    assert set(result.findings().columns) >= {decomposed, "income"}


def test_bins_of_a_protected_name_typed_composed_find_the_decomposed_column(
    tmp_path: Path,
) -> None:
    """``--protected âge:bins=30,50`` typed composed on a macOS header: the name was found,
    its bins were left under the composed name (only a name without bins was tested)."""
    import pandas as pd
    from sklearn.linear_model import LogisticRegression

    import assay

    decomposed = unicodedata.normalize("NFD", "âge")
    rng = np.random.default_rng(0)
    frame = pd.DataFrame({decomposed: rng.integers(18, 80, 300), "income": rng.normal(size=300)})
    y = (frame["income"] + (frame[decomposed] > 50) > 0.5).to_numpy()
    model = LogisticRegression().fit(frame, y)
    frame.to_csv(tmp_path / "d.csv", index=False)
    result = assay.check_fairness(
        model, tmp_path / "d.csv", protected="âge:bins=30,50", max_queries=300,
        store=tmp_path / "s",
    )  # fmt: skip
    assert len(result.findings()) > 0, result.headline
