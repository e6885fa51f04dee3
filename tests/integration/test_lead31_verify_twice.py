"""``assay verify RUN --model A --model A`` on a differential text run is refused in
verify's terms: the differential's own refusal advised ``--oracle invariance``, an option
``assay verify`` does not take (text32's Left)."""

from __future__ import annotations

from pathlib import Path

from test_text32_verify_several import _run, _verify


def test_one_classifier_given_for_both_is_refused_in_verifys_terms(tmp_path: Path) -> None:
    run, store = _run(tmp_path)
    sound = f"{tmp_path}/clf.py:sound"
    said, code = _verify([run, "--store", store, "--model", sound, "--model", sound])
    assert code == 2, said
    assert "argument --model" in said and "--oracle" not in said, said
    assert "can never disagree" in said and "a different one for each" in said, said
    assert f"assay verify {run} --store {store} --model SPEC --model SPEC" in said, said
