"""A ``file.py:fn`` model's module credential (``SERVICE_PASSWORD = "letters"``, which no
pattern sees) quoted by its error at loading's first call (docs52, following store52's
README words): a DataFrame function's was kept whole (its ``FramedFunction`` wrapper hid the
function from ``object_secrets``), and a text classifier's probe error too (raised before
``load_model`` read the module)."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from assay.errors import AssayError


def _module(tmp_path: Path, body: str) -> str:
    (tmp_path / "m.py").write_text(
        "import numpy as np\nSERVICE_PASSWORD = 'modulelettersonly'\n" + body
    )
    return f"{tmp_path / 'm.py'}:predict"


def test_a_dataframe_functions_module_credential_is_masked_at_its_first_call(
    tmp_path: Path,
) -> None:
    import assay

    spec = _module(
        tmp_path,
        "def predict(x):\n"
        "    if len(x) > 3:  # (loading's first batch of the data; its probe of 2 passes)\n"
        "        raise RuntimeError(f'login refused for {SERVICE_PASSWORD}')\n"
        "    return (np.asarray(x['sex']) == 'M').astype(int)\n",
    )
    frame = pd.DataFrame({"age": np.arange(100) % 50 + 18, "sex": ["F", "M"] * 50})
    with pytest.raises(AssayError) as err:
        assay.check_fairness(
            spec, frame, protected="sex", max_queries=300, seed=1, store=tmp_path / "r.db"
        )
    assert "login refused for ***" in str(err.value)
    assert "modulelettersonly" not in str(err.value)


def test_a_text_classifiers_module_credential_is_masked_in_its_probe(tmp_path: Path) -> None:
    import assay

    spec = _module(
        tmp_path,
        "def predict(texts):\n    raise RuntimeError(f'login refused for {SERVICE_PASSWORD}')\n",
    )
    grammar = 's -> "the" N "was" Q\nN -> "food" | "pasta"\nQ -> "good" | "bad"\n%invariant N\n'
    with pytest.raises(AssayError) as err:
        assay.check_text(spec, grammar=grammar, max_queries=200, seed=1, store=tmp_path / "r.db")
    assert "login refused for ***" in str(err.value)
    assert "modulelettersonly" not in str(err.value)
