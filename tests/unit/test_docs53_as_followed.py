"""The README and docs followed as typed after left53, mutation53, hostile53c, ci53, hostile53,
hostile53b and perf53 (bench/RESULTS.md, docs53): what the pages now say, quoted from what the
code says, so that either changing alone fails here."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
README = (ROOT / "README.md").read_text(encoding="utf-8")
DOCS = ROOT / "docs"


def _flat(text: str) -> str:
    return re.sub(r"\s+", " ", text)


def _page(name: str) -> str:
    return _flat((DOCS / name).read_text(encoding="utf-8"))


def test_the_readme_says_resume_lines_carry_model_where_the_record_cannot_be_written(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # hostile53b fix 1: a CI runner whose home cannot be written is warned, and its resume
    # lines give --model; the README's CI paragraphs said only "else they ask for --model"
    from assay.core import named_code

    said = _flat(README)
    assert "`$HOME` or `$XDG_STATE_HOME` is read-only, full or missing" in said
    assert "gives `--model SPEC` itself, so it works pasted" in said
    quoted = re.search(r'\("(could not note credit\.py as model code this account named)"\)', said)
    assert quoted is not None
    (tmp_path / "state").write_text("")  # (a file where the state folder should be)
    monkeypatch.setenv("XDG_STATE_HOME", str(tmp_path / "state" / "x"))
    model = tmp_path / "credit.py"
    model.write_text("def predict(x):\n    return x\n")
    from assay.core.notices import AssayWarning

    with pytest.warns(AssayWarning) as caught:
        named_code.remember(model)
    told = " ".join(str(w.message) for w in caught)
    assert f"could not note {model} as model code this account named" in told
    assert "as the resume lines printed here do" in told


def test_the_readme_says_every_command_makes_the_junit_folder(tmp_path: Path) -> None:
    # hostile53b fix 3: fairness, report and resume refused `--junit reports/j.xml` before
    # reports/ existed; now every command makes it, and a file in the way is refused
    from assay.core.writable import check_creatable
    from assay.errors import UsageError

    said = _flat(README)
    assert "(its missing folders made, by every command: `--junit reports/j.xml`" in said
    assert "a file in the way is refused" in said
    check_creatable(tmp_path / "reports" / "sub" / "j.xml", "--junit")
    (tmp_path / "rep").write_text("")
    with pytest.raises(UsageError, match="rep is a file, not a folder"):
        check_creatable(tmp_path / "rep" / "j.xml", "--junit")


def test_an_ended_runs_refusal_names_the_report_line_as_the_readme_says() -> None:
    from assay.core.unfinished import nothing_to_resume

    told = nothing_to_resume("R", "completed", {})
    assert "nothing to resume; assay report R writes its reports and exits with its verdict" in told
    said = _flat(README)
    assert (
        '"already ended", naming the `assay report RUN --store S` that writes its reports '
        "and exits with its verdict" in said
    )


def test_the_readme_names_the_text_answer_forms_and_their_wrapper() -> None:
    said = _flat(README)
    assert (
        "spaCy's `doc.cats`, and a pandas answer indexed by its sentences in the batch's order"
        in said
    )
    assert "is refused naming the wrapper that reads it (`docs/text.md`, *Classifiers*)" in said


def test_the_text_page_quotes_a_pasted_grammars_odd_characters() -> None:
    # hostile53 #7: the errors name typographic quotes, no-break and zero-width spaces; the
    # page said nothing of them
    from assay.errors import UsageError
    from assay.text.grammar import parse_grammar

    page = _page("text.md")
    cases = {
        's -> subj " ist gut"\nsubj -> \u201cdas Essen\u201d | "der Wein"\n': (
            "\u201c (U+201C LEFT DOUBLE QUOTATION MARK) is a typographic quote: a terminal is "
            'written in straight double quotes ("das Essen"), or single ones'
        ),
        's -> subj " ist gut"\nsubj\u00a0-> "das Essen" | "der Wein"\n': (
            "U+00A0 NO-BREAK SPACE, which looks like a space: write a plain one"
        ),
        's -> subj " ist gut"\nsubj -> "das Essen" \u200b| "der Wein"\n': "invisible: delete it",
    }
    for text, words in cases.items():
        with pytest.raises(UsageError) as caught:
            parse_grammar(text)
        assert words in str(caught.value), str(caught.value)
        assert words in page, words


def test_the_text_page_quotes_a_slow_probes_error_and_a_dict_of_classifiers() -> None:
    from assay.core.calls import CallTimeout
    from assay.errors import UsageError
    from assay.models.probe_timeout import probe_timed_out
    from assay.text.models_dict import refuse_models_dict

    page = _page("text.md")
    told = str(
        probe_timed_out(
            CallTimeout("the model did not answer within 1.5 s (--call-timeout); it may be hung"),
            "the function clf.py:slow",
            64,
        )
    )
    assert _flat(told) in page, told
    with pytest.raises(UsageError) as caught:
        refuse_models_dict({"v1": len, "v2": len})
    assert "`check_text(list(models.values()), names=list(models), ...)`" in str(caught.value)
    assert (
        '`{"v1": a, "v2": b}`, is refused with the call that names them: '
        "`check_text(list(models.values()), names=list(models), ...)`"
    ) in page


def test_the_fairness_page_quotes_the_date_recipe_and_reads_object_numbers() -> None:
    # hostile53c: a date the model reads, numbers held as objects, imblearn samplers
    from assay.errors import UsageError
    from assay.fairness.read_dates import read_date_refusal

    page = _page("fairness.md")
    refusal = UsageError(
        "data: column 'applied' holds dates or times (datetime64): if the model does not "
        "take it, "
        "set it aside (--drop applied), or make it one (a year, a day number)"
    )
    told = read_date_refusal("applied", refusal)
    assert told is not None
    recipe = str(told).split(" in Python ", 1)[1]
    start, _, call = recipe.partition("; then ")
    assert f"`{start}`" in page
    assert "`" + call.removesuffix(", ...)") in page
    assert "are read as numbers, their findings `int64` or `float64`" in page
    assert "`Pipeline`'s samplers, `RandomOverSampler`, skipped as its `predict` skips them" in page


def test_the_text_page_says_labels_naming_numbers_pair_by_them() -> None:
    # left53 #4: `LABEL_0`/`0` paired in the refusal's map lines; the page said only prefixes
    page = _page("text.md")
    assert '`2 0 -> LABEL_0`, `2 1 -> LABEL_1`, "(each pair names one number)"' in page
    from assay.text.map_guess import map_guess_hint

    told = map_guess_hint(["LABEL_0", "LABEL_1"], ["0", "1"], 1, True)
    assert "(each pair names one number)" in told and "`2 0 -> LABEL_0`, `2 1 -> LABEL_1`" in told


def test_the_readme_names_a_data_files_line_column() -> None:
    # left53: a data file's IDIs carry `line` (docs/fairness.md says how); the README's
    # findings() line named neither `row` nor `line`
    assert "a data row's index label `row`, or its file's `line`)" in README
    assert "for data read from a CSV or JSON-lines file `line`" in _page("fairness.md")


def test_a_resume_of_an_ended_run_writes_its_junit_file_as_the_readme_says(
    tmp_path: Path,
) -> None:
    # hostile53b's Left 5: the README said every --junit FILE given is the command's own; a
    # resume of an ended run writes its verdict there since left53c (it left them alone)
    from typer.testing import CliRunner

    from assay import RunStore
    from assay.cli.app import app, register

    said = _flat(README)
    assert (
        "`assay resume` of a run that has ended writes its verdict there, as `assay report RUN "
        "--junit FILE` does, and exits with it" in said
    )
    store = RunStore(tmp_path / "runs.db")
    run_id = "fairness-20260101-000000-abcd"
    store.create_run(run_id=run_id, technique="fairness", seed=1, command="assay", config={},
                     model={}, versions={})  # fmt: skip
    store.checkpoint(run_id, status="completed", summary={"headline": "none found"})
    store.close()
    if not app.registered_commands:
        register()
    junit = tmp_path / "j.xml"
    argv = ["resume", run_id, "--store", str(tmp_path / "runs.db"), "--junit", str(junit)]
    result = CliRunner().invoke(app, argv)
    assert result.exit_code == 0, result.output  # (the run's verdict: nothing found)
    assert "exits with its verdict" in _flat(result.output)
    assert junit.exists()
