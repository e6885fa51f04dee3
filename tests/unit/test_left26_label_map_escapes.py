"""left26: a label map can name a label holding a double quote (or a backslash): inside
double quotes, ``\\"`` and ``\\\\`` are escapes, as in a grammar's terminals; any other
backslash there is a usage error at its file, line and column."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

import numpy as np
import pytest

from assay.core.model import Capabilities
from assay.errors import UsageError
from assay.text.panel import build_layout, load_label_map

QUOTED = 'say "hi"'
SLASHED = "a\\b"


class Named:
    def __init__(self, labels: tuple[str, ...]) -> None:
        self.capabilities = Capabilities(
            modality="text", n_classes=len(labels), outputs="proba", class_names=labels
        )

    def predict(self, texts: Sequence[str], /) -> np.ndarray:
        return np.full((len(texts), len(self.capabilities.class_names or ())), 0.5)


MODELS = [Named(("negative", "positive")), Named((QUOTED, SLASHED, "very good"))]
NAMES = ["m1", "m2"]


def _load(tmp_path: Path, text: str) -> dict[int, dict[str, str]]:
    path = tmp_path / "map.txt"
    path.write_text(text, encoding="utf-8")
    return load_label_map(path, MODELS, NAMES)


def test_a_label_holding_a_quote_or_a_backslash_is_written_escaped(tmp_path: Path) -> None:
    mapping = _load(
        tmp_path,
        '2 "say \\"hi\\"" -> negative  # a label with quotes\n'
        '2 "a\\\\b" -> positive\n'
        '2 "very good" -> positive\n',
    )
    assert mapping == {1: {QUOTED: "negative", SLASHED: "positive", "very good": "positive"}}
    layout = build_layout(MODELS, NAMES, mapping)
    assert layout.common == ("negative", "positive")


def test_the_old_forms_still_read(tmp_path: Path) -> None:
    """Unquoted labels, no spaces around the arrow, a quoted common label."""
    mapping = _load(tmp_path, 'm2 a\\b->positive\n2 "very good" -> "positive"\n')
    assert mapping == {1: {SLASHED: "positive", "very good": "positive"}}


@pytest.mark.parametrize(
    ("line", "column", "said"),
    [
        ('2 "say \\hi" -> negative\n', 8, "'\\h' is not an escape"),
        ('2 "say \\"hi\\" -> negative\n', 3, "unbalanced quote"),
        ('2 "very good" -> "posi\\tive"\n', 23, "'\\t' is not an escape"),
    ],
)
def test_a_bad_escape_is_refused_at_its_line_and_column(
    tmp_path: Path, line: str, column: int, said: str
) -> None:
    with pytest.raises(UsageError) as info:
        _load(tmp_path, "# a comment\n" + line)
    err = info.value
    assert (err.path, err.line, err.column) == (str(tmp_path / "map.txt"), 2, column)
    assert said in str(err)
