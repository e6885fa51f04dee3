"""A text classifier's endpoint answering its labels one list per input
(``{"outputs": [["sport"], ["money"]]}``) was refused with advice to "declare every label it
can answer ... e.g. --classes money,sport": ``assay text`` has no ``--classes``, so the
advice could not be followed.  It now says what a text endpoint answers."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

import numpy as np
import pytest
from serving_servers import FaultServer

from assay.core.store import RunStore
from assay.errors import ModelError
from assay.text.api import check_text

GRAMMAR = 'S -> "the post is about" T\nT -> "football" | "tennis" | "taxes" | "my salary"\n'


def topic(batch: Sequence[str]) -> list[str]:
    return ["sport" if ("ball" in s or "tennis" in s) else "money" for s in batch]


def nested(x: Sequence[str]) -> np.ndarray:
    return np.asarray([[label] for label in topic(x)])


def test_labels_listed_per_input_are_refused_with_advice_text_can_follow(tmp_path: Path) -> None:
    with FaultServer(nested) as server, pytest.raises(ModelError) as caught:
        check_text(
            [topic, server.url], grammar=GRAMMAR, max_queries=200, seed=1,
            store=RunStore(tmp_path / "runs.db"),
        )  # fmt: skip
    said = str(caught.value)
    assert "--classes" not in said, said
    assert "one label per input" in said, said
