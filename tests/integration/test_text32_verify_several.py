"""``assay verify`` of a text run of several classifiers.

- ``--model`` took one spec: a differential run of two could be verified against the run's
  classifiers only, never a retrained one kept elsewhere (one spec was refused as "not one
  of the run's models"; two, as an option given twice).  It is now given once for each
  classifier, in the run's order; a count that is neither that nor the run's credential
  URLs is refused naming how many the run has, and the line printed works.
- The classifiers as they answer now no longer aligning through the run's label map was
  refused as ``argument --label-map: after the label map the classifiers share 1 label(s)``
  (mutation31): ``assay verify`` had no ``--label-map``.  It is said in the run's terms, and
  ``assay verify RUN --label-map FILE`` (printed, with the run's store) verifies through a
  map of the labels as they are now."""

from __future__ import annotations

import shlex
from pathlib import Path

from test_hostile30t_verify_uncompared import BEFORE, _made_then_verified
from typer.testing import CliRunner

from assay.cli.app import app, register

register()
runner = CliRunner()

CLASSIFIERS = (
    "def sound(batch):\n"
    "    return ['pos' if 'good' in s else 'neg' for s in batch]\n"
    "def blind(batch):  # wrong on tea\n"
    "    return ['pos' if 'good' in s and 'tea' not in s else 'neg' for s in batch]\n"
    "def renamed(batch):  # blind, mended, its labels named otherwise\n"
    "    return ['positive' if 'good' in s else 'negative' for s in batch]\n"
    "sound.classes_ = blind.classes_ = ['neg', 'pos']\n"
    "renamed.classes_ = ['negative', 'positive']\n"
)
MENDED = (
    "def sound(batch):  # blind, retrained\n"
    "    return ['pos' if 'good' in s else 'neg' for s in batch]\n"
    "sound.classes_ = ['neg', 'pos']\n"
)
GRAMMAR = 'S -> "the" N "is" A\nN -> "food" | "tea" | "soup" | "cake"\nA -> "good" | "bad"\n'


def _run(tmp_path: Path) -> tuple[str, str]:
    (tmp_path / "clf.py").write_text(CLASSIFIERS, encoding="utf-8")
    (tmp_path / "g.cfg").write_text(GRAMMAR, encoding="utf-8")
    store = str(tmp_path / "runs.db")
    made = runner.invoke(
        app,
        [
            "text", f"{tmp_path}/clf.py:sound", f"{tmp_path}/clf.py:blind",
            "--grammar", str(tmp_path / "g.cfg"), "--max-queries", "300", "--store", store,
            "--seed", "1",
        ],
    )  # fmt: skip
    assert made.exit_code == 1, made.output
    return made.output.split("run ", 1)[1].split(",", 1)[0], store


def _verify(args: list[str]) -> tuple[str, int]:
    got = runner.invoke(app, ["verify", *args])
    return " ".join(got.output.split()), got.exit_code


def test_verify_takes_a_model_for_each_classifier_in_the_runs_order(tmp_path: Path) -> None:
    run, store = _run(tmp_path)
    sound, blind = f"{tmp_path}/clf.py:sound", f"{tmp_path}/clf.py:blind"
    said, code = _verify([run, "--store", store, "--model", sound, "--model", blind])
    assert code == 1 and "1 of 1 stored findings still fail" in said, said
    (tmp_path / "mended.py").write_text(MENDED, encoding="utf-8")
    mended = f"{tmp_path}/mended.py:sound"  # (blind's place taken by a sound one)
    said, code = _verify([run, "--store", store, "--model", sound, "--model", mended])
    assert code == 0 and "0 of 1 stored findings still fail" in said, said
    assert "1 no longer do" in said, said


def test_a_count_of_models_not_the_runs_is_refused_naming_it(tmp_path: Path) -> None:
    run, store = _run(tmp_path)
    spec = f"{tmp_path}/clf.py:sound"  # (one of the run's: still one model for two)
    said, code = _verify([run, "--store", store, "--model", spec])
    assert code == 2, said
    assert "argument --model" in said and "has 2 classifiers" in said, said
    assert "1 was given in their place" in said, said
    line = said.split("to verify others in their place (", 1)[1].split(")", 1)[0]
    assert line == f"assay verify {run} --store {store} --model SPEC --model SPEC", said
    (tmp_path / "mended.py").write_text(MENDED, encoding="utf-8")
    filled = line.replace("SPEC", spec, 1).replace("SPEC", f"{tmp_path}/mended.py:sound")
    words = shlex.split(filled)
    assert words[:2] == ["assay", "verify"]
    again, code = _verify(words[2:])  # the line printed, SPEC filled in, works
    assert code == 0 and "0 of 1 stored findings still fail" in again, again
    three = ["--model", spec] * 3
    said, code = _verify([run, "--store", store, *three])
    assert code == 2 and "3 were given in their place" in said, said


def test_labels_named_otherwise_now_are_said_in_the_runs_terms(tmp_path: Path) -> None:
    run, store = _run(tmp_path)
    sound, renamed = f"{tmp_path}/clf.py:sound", f"{tmp_path}/clf.py:renamed"
    said, code = _verify([run, "--store", store, "--model", sound, "--model", renamed])
    assert code == 2, said
    assert said.startswith("assay: error: argument RUN_ID:"), said
    assert f"clf.py:blind is {renamed} now" in said and "clf.py:sound is" not in said, said
    line = said.rsplit("docs/text.md): ", 1)[1].strip()
    assert line.endswith("--label-map FILE"), said
    (tmp_path / "now.txt").write_text("2 negative -> neg\n2 positive -> pos\n", encoding="utf-8")
    words = shlex.split(line.replace("FILE", str(tmp_path / "now.txt")))
    assert words[:2] == ["assay", "verify"] and "--store" in words, words
    again, code = _verify(words[2:])  # the line printed works: renamed is blind mended
    assert code == 0 and "0 of 1 stored findings still fail" in again, again


# retrained: 'pos' gone, so the run's map (1 neg -> neg, 1 pos -> pos) leaves one label shared
THREE_AFTER = BEFORE.replace("['neg', 'neutral', 'pos']", "['neg', 'neutral']").replace(
    "['pos' if 'tennis' in s else 'neutral' for s in batch]",
    "['neutral' if 'tennis' in s else 'neg' for s in batch]",
)


def test_a_label_the_runs_map_named_gone_is_said_with_a_line_that_works(tmp_path: Path) -> None:
    made, said, code = _made_then_verified(tmp_path, BEFORE, THREE_AFTER)
    run, store = made.split("run ", 1)[1].split(",", 1)[0], str(tmp_path / "runs.db")
    said = " ".join(said.split())
    assert code == 2, said
    assert "argument --label-map" not in said, said  # (the run's map, not an option given)
    assert "the run's label map (kept from its --label-map)" in said, said
    assert "share 1 label(s) (neg)" in said, said
    line = said.rsplit("docs/text.md): ", 1)[1].strip()
    assert line == f"assay verify {run} --store {store} --label-map FILE", said
    (tmp_path / "now.txt").write_text("1 neg -> neg\n1 neutral -> pos\n", encoding="utf-8")
    again, code = _verify(shlex.split(line.replace("FILE", str(tmp_path / "now.txt")))[2:])
    assert code == 1 and "1 of 1 stored findings still fail" in again, again
    (tmp_path / "bad.txt").write_text("1 neg -> neg\n1 pos -> pos\n", encoding="utf-8")
    said, code = _verify([run, "--store", store, "--label-map", str(tmp_path / "bad.txt")])
    assert code == 2 and "argument --label-map" in said, said  # (a map given: as given)
