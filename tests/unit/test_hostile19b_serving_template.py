"""A served model's ``--template FILE`` given by a relative path (hostile19b): the run stored
it as given, so ``assay resume`` (and its printed line) from another directory failed with
"--template ...: cannot read: No such file or directory"."""

from __future__ import annotations

from pathlib import Path

import pytest

from assay.models.http import ServingOptions
from assay.models.protocols import TemplateCodec


def test_a_template_file_is_stored_by_its_absolute_path(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    work, elsewhere = tmp_path / "my service é", tmp_path / "elsewhere"
    work.mkdir()
    elsewhere.mkdir()
    (work / "tpl $x.yaml").write_text(
        'body: {"model": "m", "rows": "{{inputs}}"}\noutputs: data.predictions\n'
    )
    monkeypatch.chdir(work)
    stored = ServingOptions(template="tpl $x.yaml").to_json()
    assert stored["template"] == str(work / "tpl $x.yaml")
    monkeypatch.chdir(elsewhere)  # a resume, from another directory
    again = ServingOptions.from_json(stored)
    assert again.template is not None
    codec = TemplateCodec.from_file("http://127.0.0.1:1/predict", again.template)
    assert codec.body == {"model": "m", "rows": "{{inputs}}"}


def test_what_names_no_file_is_stored_as_given() -> None:
    inline = '{"body": {"rows": "{{inputs}}"}, "outputs": "x"}'
    assert ServingOptions(template=inline).to_json()["template"] == inline
    assert ServingOptions().to_json()["template"] is None
