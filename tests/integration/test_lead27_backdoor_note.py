"""The per-image table's note said every strategy's corrected label was "the prediction with
the trigger blocked by the image's dominant colour": that is Neo's; the default refills the
region from the clean images (``backdoor.repair``)."""

from __future__ import annotations

from pathlib import Path

import pytest

import assay


@pytest.mark.parametrize(
    ("strategy", "said", "not_said"),
    [("assay", "refilled from the clean images", "dominant colour"), ("neo", "as Neo does", "")],
)
def test_the_corrected_label_is_described_as_the_strategy_makes_it(
    tmp_path: Path, strategy: str, said: str, not_said: str
) -> None:
    result = assay.check_backdoor(
        "builtin:trojan", strategy=strategy, max_queries=3_000, seed=1, store=tmp_path / "r.db"
    )
    images = next(s for s in result.summary["sections"] if s["title"] == "Images")
    assert said in images["note"]
    assert not not_said or not_said not in images["note"]


def test_the_reconstructed_triggers_come_before_the_table_of_every_image(tmp_path: Path) -> None:
    result = assay.check_backdoor(
        "builtin:trojan", max_queries=3_000, seed=1, store=tmp_path / "r.db"
    )
    titles = [s["title"] for s in result.summary["sections"]]
    assert titles.index("Reconstructed triggers") < titles.index("Images"), titles
