"""``assay verify`` of a differential run whose classifier now answers, on the stored failing
sentence, a label without a counterpart (``neutral`` of a three-class classifier mapped onto
a two-class one) said "0 of 1 stored findings still fail ...; 1 no longer do" and exited 0:
a fix shown by a sentence that could not be compared.  Such a sentence is now not replayed
(said), and a replay that compared none, or no failing one, is not a pass (exit 2)."""

from __future__ import annotations

from pathlib import Path

from typer.testing import CliRunner

from assay.cli.app import app, register

register()
runner = CliRunner()
BEFORE = (
    "def three(batch):\n"
    "    return ['pos' if 'tennis' in s else 'neutral' for s in batch]\n"
    "three.classes_ = ['neg', 'neutral', 'pos']\n"
    "def two(batch):\n"
    "    return ['neg' if 'tennis' in s else 'pos' for s in batch]\n"
    "two.classes_ = ['neg', 'pos']\n"
)
# "retrained": neutral on the failing sentence, and varied elsewhere (not a constant answer)
AFTER = BEFORE.replace(
    "['pos' if 'tennis' in s else 'neutral' for s in batch]",
    "['neutral' if 'tennis' in s else 'pos' if 'golf' in s else 'neg' for s in batch]",
)
GRAMMAR = 'S -> "the match was" A\nA -> "tennis" | "football" | "golf" | "chess" | "polo"\n'


def _made_then_verified(tmp_path: Path, before: str, after: str) -> tuple[str, str, int]:
    """The run's output, then ``assay verify``'s output and exit code after the change."""
    (tmp_path / "m.py").write_text(before, encoding="utf-8")
    (tmp_path / "g.cfg").write_text(GRAMMAR, encoding="utf-8")
    (tmp_path / "map.txt").write_text("1 neg -> neg\n1 pos -> pos\n", encoding="utf-8")
    store = str(tmp_path / "runs.db")
    made = runner.invoke(
        app,
        [
            "text", f"{tmp_path}/m.py:three", f"{tmp_path}/m.py:two",
            "--grammar", str(tmp_path / "g.cfg"), "--label-map", str(tmp_path / "map.txt"),
            "--max-queries", "200", "--store", store, "--seed", "1",
        ],
    )  # fmt: skip
    assert made.exit_code == 1, made.output
    run = made.output.split("run ", 1)[1].split(",", 1)[0]
    (tmp_path / "m.py").write_text(after, encoding="utf-8")
    got = runner.invoke(app, ["verify", run, "--store", store])
    return made.output, got.output, got.exit_code


def test_a_stored_sentence_that_can_no_longer_be_compared_is_not_a_fix(tmp_path: Path) -> None:
    _, said, code = _made_then_verified(tmp_path, BEFORE, AFTER)
    assert code == 2, said
    assert "no longer do" in said and "1 no longer do" not in said, said
    assert "could not be compared" in said and "neutral" in said, said


def test_one_fixed_and_one_not_compared_is_not_everything_tested(tmp_path: Path) -> None:
    before = BEFORE.replace("'tennis' in s", "('tennis' in s or 'polo' in s)")
    after = before.replace(
        "['pos' if ('tennis' in s or 'polo' in s) else 'neutral' for s in batch]",
        "['neutral' if 'tennis' in s else 'neg' if 'polo' in s else 'pos' for s in batch]",
    )
    assert after != before
    made, said, code = _made_then_verified(tmp_path, before, after)
    assert "2 disagreements" in made, made
    assert code == 2, said
    assert "0 of 1 stored findings still fail" in said, said
    assert "not everything was tested" in said, said
