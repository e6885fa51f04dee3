"""``assay text`` as an NLP engineer brings their own classifiers: functions answering labels
by name with no ``classes_``, pipeline dicts, one probability per sentence, labels written in
another case, the same classifier under two names.  Each planted bug must be found (and a
clean pair stay quiet), in the user's own labels; a pair that can find nothing is refused."""

from __future__ import annotations

import csv
import json
import shutil
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from typer.testing import CliRunner

import assay
from assay.cli.app import app, register
from assay.core.store import RunStore
from assay.errors import ModelError, UsageError
from assay.models.callable import from_callable

register()
FAKES = Path(__file__).resolve().parents[1] / "fixtures" / "text_fakes.py"
NEGATIONS = ("not", "never", "hardly")
GRAMMAR = """\
S -> SUBJ "was" NEG Q "."
SUBJ -> "the food" | "the service" | "our waiter"
NEG -> "" | "not" | "never"
Q -> "good" | "bad" | "great" | "awful"
"""


def _says(sentence: str, negation: bool) -> bool:
    """True for positive: the quality word, turned over by a negation when read."""
    words = sentence.replace(".", " ").replace(",", " ").split()
    good = any(w in words for w in ("good", "great"))
    if negation and any(n in words for n in NEGATIONS):
        good = not good
    return good


def reads_negation(batch: list[str]) -> list[str]:
    return ["pos" if _says(s, True) else "neg" for s in batch]


def ignores_negation(batch: list[str]) -> list[str]:
    return ["pos" if _says(s, False) else "neg" for s in batch]


def reads_negation_too(batch: list[str]) -> list[str]:
    return reads_negation(batch)


def _check(models: Any, tmp_path: Path, **kw: Any) -> Any:
    kw.setdefault("max_queries", 400)
    kw.setdefault("grammar", GRAMMAR)
    return assay.check_text(models, seed=3, store=tmp_path / "runs.db", **kw)


def _minimal_negated(result: Any) -> float:
    frame = result.findings()
    return float(frame["minimal"].map(lambda s: any(n in s.split() for n in NEGATIONS)).mean())


# -- labels by name, undeclared ----------------------------------------------------------
def test_string_labels_without_classes_just_work_in_the_users_labels(tmp_path: Path) -> None:
    bug = _check([reads_negation, ignores_negation], tmp_path)
    assert bug.n_findings > 0 and _minimal_negated(bug) == 1.0
    frame = bug.findings()
    assert {"reads_negation: neg", "reads_negation: pos"} <= set(frame.columns)
    assert {x for labels in frame["labels"] for x in labels} <= {"neg", "pos"}
    clean = _check([reads_negation, reads_negation_too], tmp_path)
    assert clean.n_findings == 0 and "NOTHING WAS TESTED" not in clean.headline


def test_pipeline_dicts_without_classes_just_work(tmp_path: Path) -> None:
    def hf_reads(batch: list[str]) -> list[dict[str, Any]]:
        return [
            {"label": "POSITIVE" if _says(s, True) else "NEGATIVE", "score": 0.9} for s in batch
        ]

    def hf_blind(batch: list[str]) -> list[dict[str, Any]]:
        return [
            {"label": "POSITIVE" if _says(s, False) else "NEGATIVE", "score": 0.8} for s in batch
        ]

    r = _check([hf_reads, hf_blind], tmp_path)
    assert r.n_findings > 0 and _minimal_negated(r) == 1.0
    assert "hf_reads: POSITIVE" in r.findings().columns

    def top_1_lists(batch: list[str]) -> list[list[dict[str, Any]]]:  # top_k=1
        return [[x] for x in hf_blind(batch)]

    r = _check([hf_reads, top_1_lists], tmp_path)
    assert r.n_findings > 0 and _minimal_negated(r) == 1.0


def test_a_classifier_that_answered_one_label_first_is_compared_over_the_others(
    tmp_path: Path,
) -> None:
    """Always 'pos' against one that says both: the union of the labels, as strings."""

    def always_pos(batch: list[str]) -> list[str]:
        return ["pos"] * len(batch)

    r = _check([always_pos, reads_negation], tmp_path)
    assert r.n_findings > 0
    assert {"always_pos: pos", "always_pos: neg"} <= set(r.findings().columns)


def test_a_constant_string_classifier_alone_tested_nothing_said_in_its_label(
    tmp_path: Path,
) -> None:
    def always_pos(batch: list[str]) -> list[str]:
        return ["pos"] * len(batch)

    grammar = GRAMMAR + "%invariant SUBJ\n"
    r = _check(always_pos, tmp_path, grammar=grammar, oracle="invariance")
    assert r.headline.startswith("NOTHING WAS TESTED"), r.headline
    assert "always_pos: 'pos'" in r.headline


def test_a_label_never_seen_before_is_a_model_error_naming_it_and_the_fix() -> None:
    def says_neutral_later(batch: list[str]) -> list[str]:
        return ["neutral" if "meh" in s else "pos" if "good" in s else "neg" for s in batch]

    model = from_callable(says_neutral_later, modality="text", probe=["good", "bad"])
    with pytest.raises(ModelError, match=r"'neutral' for input 1, a label it had not answered"):
        model.predict(["good", "meh"])
    with pytest.raises(ModelError, match=r"classes_ = \['neg', 'pos', 'neutral'\]"):
        model.predict(["good", "meh"])


# -- one probability per sentence -------------------------------------------------------
@pytest.mark.parametrize("shape", ["1-d", "one column"])
def test_one_probability_per_sentence_with_two_classes_is_the_second_classs(
    tmp_path: Path, shape: str
) -> None:
    def as_p(values: list[float]) -> np.ndarray:
        p = np.array(values)
        return p if shape == "1-d" else p[:, None]

    def p_reads(batch: list[str]) -> np.ndarray:
        return as_p([0.9 if _says(s, True) else 0.2 for s in batch])

    def p_blind(batch: list[str]) -> np.ndarray:
        return as_p([0.8 if _says(s, False) else 0.1 for s in batch])

    def p_reads_too(batch: list[str]) -> np.ndarray:
        return as_p([0.8 if _says(s, True) else 0.1 for s in batch])

    for fn in (p_reads, p_blind, p_reads_too):
        fn.classes_ = ["neg", "pos"]  # type: ignore[attr-defined]
    bug = _check([p_reads, p_blind], tmp_path)
    assert bug.n_findings > 0 and _minimal_negated(bug) == 1.0
    row = bug.findings().iloc[0]
    assert row["p_reads: neg"] + row["p_reads: pos"] == pytest.approx(1.0)
    assert _check([p_reads, p_reads_too], tmp_path).n_findings == 0


def test_one_number_per_sentence_declaring_three_classes_is_refused() -> None:
    def p(batch: list[str]) -> np.ndarray:
        return np.full(len(batch), 0.5)

    p.classes_ = ["neg", "neutral", "pos"]  # type: ignore[attr-defined]
    with pytest.raises(UsageError, match="declares 3 classes_ but answered one number"):
        from_callable(p, modality="text", probe=["a", "b"])


# -- labels written differently --------------------------------------------------------
def test_labels_differing_only_in_case_or_spaces_are_aligned_and_said(tmp_path: Path) -> None:
    def upper(batch: list[str]) -> list[str]:
        return ["POSITIVE" if _says(s, True) else "NEGATIVE" for s in batch]

    def lower(batch: list[str]) -> list[str]:
        return [" positive" if _says(s, True) else "negative " for s in batch]

    def lower_blind(batch: list[str]) -> list[str]:
        return [" positive" if _says(s, False) else "negative " for s in batch]

    same = _check([upper, lower], tmp_path)
    assert same.n_findings == 0
    notes = " ".join(str(s.get("text", "")) for s in same.summary["sections"])
    assert "lower's ' positive' as 'POSITIVE'" in notes
    bug = _check([upper, lower_blind], tmp_path)
    assert bug.n_findings > 0 and _minimal_negated(bug) == 1.0


def test_a_label_map_in_the_wrong_case_says_which_label_was_meant(tmp_path: Path) -> None:
    def upper(batch: list[str]) -> list[str]:
        return ["POS" if _says(s, True) else "NEG" for s in batch]

    upper.classes_ = ["NEG", "POS"]  # type: ignore[attr-defined]

    def numbers(batch: list[str]) -> np.ndarray:
        return np.array([1 if _says(s, False) else 0 for s in batch])

    numbers.classes_ = ["0", "1"]  # type: ignore[attr-defined]
    labels = tmp_path / "labels.txt"
    labels.write_text("1 neg -> negative\n")  # its own label, in the wrong case
    with pytest.raises(UsageError, match=r"no label 'neg' \(did you mean 'NEG'\?"):
        _check([upper, numbers], tmp_path, label_map=labels)
    # the common label in another case than the other's: aligned (and said)
    labels.write_text("2 0 -> neg\r\n2\t1 ->   pos  \r\n")
    r = _check([upper, numbers], tmp_path, label_map=labels)
    assert r.n_findings > 0 and _minimal_negated(r) == 1.0
    notes = " ".join(str(s.get("text", "")) for s in r.summary["sections"])
    assert "numbers's 'neg' as 'NEG'" in notes


# -- the same classifier twice -----------------------------------------------------------
def _cli(*args: str) -> tuple[int, str]:
    result = CliRunner().invoke(app, list(args))
    return result.exit_code, result.output


@pytest.mark.parametrize("how", ["same path", "symlink", "copy", "relative path"])
def test_one_classifier_file_under_two_names_is_refused(
    tmp_path: Path, how: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    import skops.io as sio
    from sklearn.feature_extraction.text import TfidfVectorizer
    from sklearn.linear_model import LogisticRegression
    from sklearn.pipeline import make_pipeline

    texts = ["good food", "bad food", "great service", "awful service"] * 5
    labels = ["pos", "neg", "pos", "neg"] * 5
    sio.dump(make_pipeline(TfidfVectorizer(), LogisticRegression()).fit(texts, labels),
             tmp_path / "m.skops")  # fmt: skip
    other = {
        "same path": str(tmp_path / "m.skops"),
        "symlink": str(tmp_path / "link.skops"),
        "copy": str(tmp_path / "copy.skops"),
        "relative path": "./m.skops",
    }[how]
    if how == "symlink":
        (tmp_path / "link.skops").symlink_to(tmp_path / "m.skops")
    if how == "copy":
        shutil.copy(tmp_path / "m.skops", tmp_path / "copy.skops")
    monkeypatch.chdir(tmp_path)
    grammar = tmp_path / "g.cfg"
    grammar.write_text(GRAMMAR)
    code, out = _cli(
        "text", str(tmp_path / "m.skops"), other, "--grammar", str(grammar),
        "--max-queries", "100", "--store", str(tmp_path / "runs.db"),
    )  # fmt: skip
    assert code == 2, out
    assert "are the same classifier" in " ".join(out.split())


@pytest.mark.parametrize(
    "pair",
    [("builtin:tfidf", "builtin:tfidf"), (f"{FAKES}:lexicon", f"{FAKES}:lexicon")],
)
def test_one_named_classifier_twice_is_refused(tmp_path: Path, pair: tuple[str, str]) -> None:
    code, out = _cli(
        "text", *pair, "--grammar", "builtin:reviews", "--max-queries", "100",
        "--store", str(tmp_path / "runs.db"),
    )  # fmt: skip
    assert code == 2, out
    assert "same classifier" in " ".join(out.split())


def test_one_object_twice_is_refused_and_two_alike_are_not(tmp_path: Path) -> None:
    with pytest.raises(UsageError, match="the same object"):
        _check([reads_negation, reads_negation], tmp_path)
    assert _check([reads_negation, reads_negation_too], tmp_path).n_findings == 0


# -- exports and a grammar from the wild -------------------------------------------------
WILD = (
    "# a grammar saved on Windows, with tabs and words from far away\r\n"
    "%start S\r\n"
    'Q\t->\t"good" | "bad"\t# qualities\r\n'
    'S -> "the café, \\"chez Zoë\\"," "was" NEG Q | "北京烤鸭 was" NEG Q |\r\n'
    'NEG -> "" | "not"\r\n'
)


def test_exports_keep_commas_quotes_and_foreign_words_and_say_all_were_tested(
    tmp_path: Path,
) -> None:
    grammar = tmp_path / "wild.cfg"
    grammar.write_bytes(WILD.encode("utf-8"))
    r = _check([reads_negation, ignores_negation], tmp_path, grammar=grammar)
    assert r.n_findings > 0
    assert "every one of the grammar's 9 sentences was tested" in r.headline, r.headline
    frame = r.findings()
    with (r.export(tmp_path / "f.csv")).open(encoding="utf-8", newline="") as fh:
        rows = list(csv.DictReader(fh))
    assert [x["minimal"] for x in rows] == list(frame["minimal"])
    assert any('the café, "chez Zoë", was not' in x["minimal"] for x in rows)
    assert any("北京烤鸭" in x["minimal"] for x in rows)
    lines = r.export(tmp_path / "f.jsonl").read_text(encoding="utf-8").splitlines()
    assert [json.loads(x)["minimal"] for x in lines] == list(frame["minimal"])


def test_string_classifiers_that_answered_one_label_are_told_why_and_how(tmp_path: Path) -> None:
    """Both answered 'neg' to every sentence first asked: one label only, never 'after the
    label map' when no map was given."""
    dull = 'S -> "the food was" Q\nQ -> "bad" | "awful"\n'
    with pytest.raises(UsageError, match=r"one label only \('neg'\).*classes_ = \['neg', \.\.\.\]"):
        _check([reads_negation, ignores_negation], tmp_path, grammar=dull)


def test_unnamed_probabilities_against_named_labels_say_to_name_them(tmp_path: Path) -> None:
    def numbered(batch: list[str]) -> np.ndarray:
        return np.array([[0.2, 0.8] if _says(s, True) else [0.7, 0.3] for s in batch])

    with pytest.raises(UsageError, match=r"numbered does not name its classes, numbered from 0"):
        _check([reads_negation, numbered], tmp_path)


VERIFY_MODELS = """\
def biased(batch):
    return ["neg" if "Aisha" in s or "bad" in s else "pos" for s in batch]

def constant(batch):
    return ["pos" for s in batch]

def fixed(batch):
    return ["neg" if "bad" in s else "pos" for s in batch]

for f in (biased, constant, fixed):
    f.classes_ = ["neg", "pos"]
"""


def test_verify_against_a_classifier_answering_one_thing_is_not_a_pass(tmp_path: Path) -> None:
    """`assay verify RUN --model` with a 'fix' that answers 'pos' to everything read '0 of N
    still fail', exit 0; it is exit 2 now. A real fix, whose answers to the stored sentences
    are all alike too but which answers the grammar's other sentences differently, passes."""
    (tmp_path / "m.py").write_text(VERIFY_MODELS)
    grammar = tmp_path / "g.cfg"
    grammar.write_text(
        'S -> NAME "was" Q "."\nNAME -> "Aisha" | "John" | "Maria" | "Wei"\n'
        'Q -> "nice" | "bad" | "kind" | "rude"\n%invariant NAME\n'
    )
    store = str(tmp_path / "runs.db")
    code, out = _cli(
        "text", f"{tmp_path / 'm.py'}:biased", "--oracle", "invariance", "--grammar",
        str(grammar), "--max-queries", "200", "--seed", "1", "--store", store,
    )  # fmt: skip
    assert code == 1, out
    run_id = out.split("run ", 1)[1].split(":", 1)[0].split(",")[0].strip()
    code, out = _cli("verify", run_id, "--store", store, "--model", f"{tmp_path / 'm.py'}:constant")
    assert code == 2, out
    assert "same answer ('pos')" in " ".join(out.split())
    code, out = _cli("verify", run_id, "--store", store, "--model", f"{tmp_path / 'm.py'}:fixed")
    assert code == 0, out


def test_a_label_map_naming_a_label_not_yet_answered_declares_it(tmp_path: Path) -> None:
    """The map names 'neutral', which the function (its labels read off its answers) has
    not answered: the map declares it (llm45t; it was refused before, "declare ...
    `FUNCTION.classes_ = ['neg', 'pos', 'neutral']`", as an LLM's wordings were)."""
    labels = tmp_path / "labels.txt"
    labels.write_text("1 neutral -> meh\n1 neg -> neg\n1 pos -> pos\n")
    result = _check([reads_negation, ignores_negation], tmp_path, label_map=labels)
    layout = RunStore(tmp_path / "runs.db", read_only=True).get_run(result.run_id).config
    assert layout["layout"]["labels"][0] == ["neg", "pos", "neutral"], layout["layout"]
    assert result.n_findings > 0 and _minimal_negated(result) == 1.0


def test_a_label_first_met_in_another_classifiers_case_is_that_label() -> None:
    """Its labels widened with another's 'neutral': its own 'NEUTRAL', answered later, is
    that label, not an unknown one ending the run."""
    from assay.models.callable import NamedLabelsModel

    def upper(batch: list[str]) -> list[str]:
        return ["NEUTRAL" if "meh" in s else "POSITIVE" for s in batch]

    model = from_callable(upper, modality="text", probe=["good", "fine"])
    assert isinstance(model, NamedLabelsModel)
    wide = model.with_labels(("POSITIVE", "negative", "neutral"))
    assert wide.predict(["good", "meh"]).tolist() == [0, 2]

    def ranked(batch: list[str]) -> list[list[dict[str, Any]]]:  # top_k=1
        return [[{"label": x, "score": 0.9}] for x in upper(batch)]

    model = from_callable(ranked, modality="text", probe=["good", "fine"])
    assert isinstance(model, NamedLabelsModel)
    wide = model.with_labels(("POSITIVE", "negative", "neutral"))
    assert wide.predict(["good", "meh"]).tolist() == [0, 2]


def test_an_invariance_class_of_ten_thousand_names_is_tested_within_a_small_budget(
    tmp_path: Path,
) -> None:
    """Each case swapped in every member of the class: 10,001 sentences per case, so a
    budget of 3,000 tested nothing. Now 64 members per case, drawn by its sentence."""
    names = " | ".join(f'"n{i}"' for i in range(10_000))
    grammar = f'S -> "the" N "is" Q\nN -> {names}\nQ -> "good" | "bad"\n%invariant N\n'

    def one_origin(s: str) -> bool:  # a tenth of the names: those ending in 7
        return any(w.startswith("n") and w.endswith("7") for w in s.split())

    def biased(batch: list[str]) -> list[str]:
        return ["neg" if one_origin(s) or "bad" in s else "pos" for s in batch]

    def fair(batch: list[str]) -> list[str]:
        return ["neg" if "bad" in s else "pos" for s in batch]

    biased.classes_ = fair.classes_ = ["neg", "pos"]  # type: ignore[attr-defined]
    found = _check(biased, tmp_path, grammar=grammar, oracle="invariance", max_queries=3000)
    assert found.n_findings > 0, found.headline
    frame = found.findings()
    assert all(one_origin(f"{m} {v}") for m, v in frame[["minimal", "variant"]].values)
    quiet = _check(fair, tmp_path, grammar=grammar, oracle="invariance", max_queries=3000)
    assert quiet.n_findings == 0 and "NOTHING WAS TESTED" not in quiet.headline


def test_a_label_map_saved_with_a_byte_order_mark_is_read(tmp_path: Path) -> None:
    def upper(batch: list[str]) -> list[str]:
        return ["POS" if _says(s, False) else "NEG" for s in batch]

    labels = tmp_path / "labels.txt"
    labels.write_bytes("2 NEG -> neg\r\n2 POS -> pos\r\n".encode("utf-8-sig"))
    r = _check([reads_negation, upper], tmp_path, label_map=labels)
    assert r.n_findings > 0 and _minimal_negated(r) == 1.0


def test_a_function_of_one_sentence_is_told_how_to_take_a_batch(tmp_path: Path) -> None:
    def one_at_a_time(text: str) -> str:
        return "neg" if "not" in text else "pos"

    def lowers(text: str) -> str:
        return "neg" if "not" in text.lower() else "pos"

    fix = r"lambda batch: \[one_at_a_time\(s\) for s in batch\]"
    with pytest.raises(UsageError, match=r"answered one value \('pos'\) to a batch of 2 .*" + fix):
        _check([one_at_a_time, reads_negation], tmp_path)
    with pytest.raises(ModelError, match=r"'list' object .*lambda batch: \[lowers\(s\)"):
        _check([lowers, reads_negation], tmp_path)


def test_an_export_to_dot_json_is_one_json_document(tmp_path: Path) -> None:
    r = _check([reads_negation, ignores_negation], tmp_path)
    rows = json.loads(r.export(tmp_path / "f.json").read_text(encoding="utf-8"))
    assert [x["minimal"] for x in rows] == list(r.findings()["minimal"])


def test_a_label_mapped_twice_two_ways_is_refused_at_its_line(tmp_path: Path) -> None:
    labels = tmp_path / "labels.txt"
    labels.write_text("2 neg -> neg\n2 neg -> pos\n")
    with pytest.raises(UsageError, match=r"labels.txt:2:3: .*'neg' is mapped twice"):
        _check([reads_negation, ignores_negation], tmp_path, label_map=labels)


def test_top_k_of_a_classifier_answering_one_label_is_refused(tmp_path: Path) -> None:
    """Its 'top 2' was its label and the first other label by position: against VADER every
    sentence read as a disagreement (200 of 200, 'positive; positive')."""

    def sentiment(batch: list[str]) -> list[str]:
        return ["positive" if _says(s, True) else "negative" for s in batch]

    sentiment.classes_ = ["negative", "neutral", "positive"]  # type: ignore[attr-defined]
    with pytest.raises(UsageError, match="answers one label per sentence, not a ranking"):
        _check([sentiment, "builtin:vader"], tmp_path, mode="topk", top_k=2)


def test_exhaustive_on_an_infinite_grammar_says_it_is_infinite(tmp_path: Path) -> None:
    nltk = "S -> NP 'saw' NP\r\nNP -> 'a' N | 'a' N PP\r\nPP -> 'with' NP\r\nN -> 'man' | 'dog'\r\n"
    with pytest.raises(UsageError, match=r"its language is infinite"):
        _check(
            [f"{FAKES}:lexicon", f"{FAKES}:negation_blind"],
            tmp_path,
            grammar=nltk,
            strategy="exhaustive",
        )


def test_a_classifier_answering_true_or_false_has_those_two_labels(tmp_path: Path) -> None:
    def is_negative(batch: list[str]) -> list[bool]:
        return [not _says(s, True) for s in batch]

    def is_negative_blind(batch: list[str]) -> np.ndarray:
        return np.array([not _says(s, False) for s in batch])

    r = _check([is_negative, is_negative_blind], tmp_path)
    assert r.n_findings > 0 and _minimal_negated(r) == 1.0
    assert {"is_negative: False", "is_negative: True"} <= set(r.findings().columns)
    labels = tmp_path / "labels.txt"
    labels.write_text("1 True -> neg\n1 False -> pos\n")
    assert _check([is_negative, ignores_negation], tmp_path, label_map=labels).n_findings > 0
