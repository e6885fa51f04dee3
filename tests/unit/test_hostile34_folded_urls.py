"""A URL with credentials given where a file is expected (``--data``, ``--grammar``,
``--schema``) is masked in the error, also when a path has folded its ``//`` into one
(hostile34: "no such grammar file: http:/alice:PASSWORD@host/g.cfg" printed the password on
stderr, in the JSON error and in the JUnit file a CI job keeps)."""

from __future__ import annotations

from pathlib import Path

from typer.testing import CliRunner

from assay.cli.app import app, register
from assay.core.redact import redact_text

register()
runner = CliRunner()

SECRET = "hunter2PASSWORD"
URL = f"http://alice:{SECRET}@127.0.0.1:9/g.cfg?api_key=APIKEYsecret42"


def test_a_folded_url_is_masked_as_a_url_is() -> None:
    said = redact_text(f"no such grammar file: {Path(URL)!s}.")
    assert said == "no such grammar file: http:/alice:***@127.0.0.1:9/g.cfg?api_key=***."
    assert redact_text("s3:/TOKENUSER@bucket/m.onnx") == "s3:/***@bucket/m.onnx"


def test_paths_that_are_not_urls_are_left_as_they_are() -> None:
    for text in (
        "model.py:/work/a3f9c2e1b4d5f6a7b8c9/x.csv: no such file",
        "C:/Users/a3f9c2e1b4d5f6a7b8c9/people.csv",
        "see http://host/a3f9/b",
        "mypy:/tmp/x",
    ):
        assert redact_text(text) == text


def test_the_cli_never_prints_a_password_given_as_a_file(tmp_path: Path) -> None:
    (tmp_path / "m.py").write_text("def f(texts):\n    return ['a' for t in texts]\n")
    junit = tmp_path / "e.xml"
    for extra in ([], ["--json"]):
        result = runner.invoke(
            app,
            [
                "text",
                f"{tmp_path}/m.py:f",
                f"{tmp_path}/m.py:f",
                "--grammar",
                URL,
                "--store",
                str(tmp_path / "runs.db"),
                "--junit",
                str(junit),
                *extra,
            ],
        )
        assert result.exit_code == 2, result.output
        assert "grammar" in result.output
        assert SECRET not in result.output and "APIKEYsecret42" not in result.output
        assert "alice:***@" in result.output
        assert SECRET not in junit.read_text()
