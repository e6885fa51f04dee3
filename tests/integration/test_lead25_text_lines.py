"""``assay text`` prints its first minimal failing sentences with each classifier's answer
(the bug itself, not only its count); ``assay show`` says them again; a run that found
nothing prints none."""

from __future__ import annotations

import re
from pathlib import Path

from typer.testing import CliRunner

from assay.cli.app import app, register
from assay.cli.console import Output
from assay.cli.text_lines import say_failing

register()
runner = CliRunner()
FAKES = Path(__file__).resolve().parents[1] / "fixtures" / "text_fakes.py"
GOOD = f"{FAKES}:lexicon"
BLIND = f"{FAKES}:negation_blind"
LINE = re.compile(r'^  "([^"]+)"  \[(\S+): (\w+) \([\d.]+\); (\S+): (\w+) \([\d.]+\)\]', re.M)


def test_the_first_failing_sentences_are_printed_and_shown_again(tmp_path: Path) -> None:
    store = str(tmp_path / "runs.db")
    args = ["text", GOOD, BLIND, "--grammar", "builtin:reviews", "--max-queries", "800"]
    result = runner.invoke(app, [*args, "--seed", "2", "--store", store])
    assert result.exit_code == 1, result.output
    assert re.search(r"^first 3 of [\d,]+ minimal failing sentences", result.output, re.M)
    lines = LINE.findall(result.output)
    assert len(lines) == 3, result.output
    for _sentence, a, la, b, lb in lines:
        assert la != lb  # the two classifiers disagree on it, as printed
        assert (a, b) == ("text_fakes.py:lexicon", "text_fakes.py:negation_blind")
    # the planted bug shows: the sentences carry a negation
    assert sum(bool(re.search(r"\bnot\b|n't|never", s)) for s, *_ in lines) >= 2, lines
    run_id = re.search(r"run (text-\S+): ", result.output)
    assert run_id is not None
    shown = runner.invoke(app, ["show", run_id.group(1), "--store", store])
    assert shown.exit_code == 0, shown.output
    assert LINE.findall(shown.output) == lines


def test_a_run_that_found_nothing_prints_no_sentence(tmp_path: Path) -> None:
    again = f"{FAKES}:lexicon_again"  # the same answers under another name
    args = ["text", GOOD, again, "--grammar", "builtin:reviews", "--max-queries", "300"]
    result = runner.invoke(app, [*args, "--store", str(tmp_path / "runs.db")])
    assert result.exit_code == 0, result.output
    assert "failing sentence" not in result.output.replace("no disagreement", "")


def test_a_sentence_is_quoted_with_its_control_characters_escaped_and_cut_when_long(
    capsys: object,
) -> None:
    said: list[str] = []
    out = Output(quiet=False)
    out.say = said.append  # type: ignore[method-assign]
    long = "word " * 100
    summary = {
        "text": {
            "distinct_minimal": 1,
            "minimal": [
                {
                    "sentence": 'a "quoted"\nline\x1b[31m',
                    "variant": long,
                    "count": 1,
                    "outputs": [
                        {
                            "classifier": "m",
                            "label": "pos",
                            "probability": 0.9,
                            "variant_label": "neg",
                            "variant_probability": 0.8,
                        }
                    ],
                }
            ],
        }
    }
    say_failing(out, summary)
    assert said[0] == "minimal failing sentence:"
    assert "\n" not in said[1] and "\x1b" not in said[1]
    assert said[1].startswith('  "a \\"quoted\\"\\nline\\u001b[31m" vs "word word')
    assert '..."  [m: pos (0.90) -> neg (0.80)]' in said[1]
    assert len(said[1]) < 260
