"""``assay verify`` of a text run given a classifier that cannot be loaded names --model,
the option it came from (bench/RESULTS.md, mutation33's table: mutant VP3, the loader's
``argument MODEL`` passed through as it is, survived ``test_text32_verify_several.py``)."""

from __future__ import annotations

from pathlib import Path

from test_text32_verify_several import _run, _verify


def test_a_classifier_verify_cannot_load_is_said_of_its_model_option(tmp_path: Path) -> None:
    run, store = _run(tmp_path)
    sound = f"{tmp_path}/clf.py:sound"
    said, code = _verify([run, "--store", store, "--model", sound, "--model", "nowhere.py:f"])
    assert code == 2, said
    assert "argument --model:" in said and "argument MODEL" not in said, said
