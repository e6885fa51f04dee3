"""mutation35: hostile34's redaction and skops guards at their edges.

- A URL written with its ``//`` is left to ``redact_url`` alone: the folded-URL pass (for
  ``http:/alice:PW@host/g.cfg``, a path that ate a slash) must not take it too (without its
  ``(?!/)`` an ``s3://bucket/key`` in a message came out ``s3:/bucket/key``).
- A query value of 16 characters or more is scrubbed from a server's echo (hostile34b's
  bound; its test used a 24-character value and a short one).
- A function of a submodule of a module that runs code (``urllib.request.urlopen``,
  ``http.client.HTTPConnection``, ``multiprocessing.popen_fork.Popen``) is refused whatever
  ``--trust`` says, as its module's own are: read by its whole dotted prefix, none was.
"""

from __future__ import annotations

import pytest

from assay.core.redact import hidden_values, redact_text
from assay.models.files import runs_code


@pytest.mark.parametrize(
    "url",
    ["s3://bucket/key.csv", "hdfs://nn:8020/data/x.csv", "gs://b/o.parquet", "ftp://h/p/x.csv"],
)
def test_a_url_with_its_slashes_is_shown_with_them(url: str) -> None:
    for text in (f"cannot read {url}", f"see https://h/x?a=b and {url}."):
        assert url in redact_text(text)


def test_a_query_value_of_sixteen_characters_is_hidden_and_fifteen_is_not() -> None:
    sixteen, fifteen = "abcdefghijklmnop", "abcdefghijklmno"  # (letters only: no token look)
    assert sixteen in hidden_values(f"https://h/predict?v={sixteen}")
    assert fifteen not in hidden_values(f"https://h/predict?v={fifteen}")


@pytest.mark.parametrize(
    "name",
    [
        "urllib.request.urlopen",
        "http.client.HTTPConnection",
        "multiprocessing.popen_fork.Popen",
        "os.path.expanduser",
        "importlib.import_module",
        "_operator.methodcaller",  # (``operator``'s C module, as a type may name it)
        "_pickle.loads",
    ],
)
def test_a_submodules_function_runs_code_as_its_modules_do(name: str) -> None:
    assert runs_code(name)


def test_numerical_functions_do_not() -> None:
    for name in ("numpy.clip", "numpy.core.multiarray._reconstruct", "sklearn.utils.Bunch"):
        assert not runs_code(name)
