"""mutation51: the labels a label map names per classifier (``text.index_labels.map_labels``,
left50b), read before the classifiers load: a line's classifier by its position from 1 or by
its name, a JSON file with a byte-order mark or a blank line first, a dict's entries that
are no pairs left out; and a classifier answering indices is named only when every label
the map names for it is an index (``text.loading.indexed_by_map``)."""

from __future__ import annotations

from pathlib import Path

import pytest
from test_left50b_index_labels import _grammar, _inline, indices, named  # noqa: F401  (_inline: autouse)

import assay
from assay.errors import UsageError
from assay.text.index_labels import map_labels

pytestmark = pytest.mark.filterwarnings("ignore::assay.AssayWarning")

NAMES = ["named", "indices"]


def test_a_lines_classifier_by_position_from_one_or_by_name(tmp_path: Path) -> None:
    path = tmp_path / "map.txt"
    path.write_text("2 0 -> negative\n# a comment\n\nindices 1 -> positive\n", encoding="utf-8")
    assert map_labels(str(path), NAMES) == {1: ["0", "1"]}
    path.write_text("1 positive -> positive\nnamed negative -> negative\n", encoding="utf-8")
    assert map_labels(str(path), NAMES) == {0: ["positive", "negative"]}


def test_a_json_file_with_a_mark_or_a_blank_line_first(tmp_path: Path) -> None:
    path = tmp_path / "map.json"
    for head in ("\ufeff", "\n  ", ""):
        path.write_text(head + '{"1": {"0": "negative", "1": "positive"}}', encoding="utf-8")
        assert map_labels(str(path), NAMES) == {1: ["0", "1"]}, repr(head)


def test_a_dicts_entries_that_are_no_pairs_are_left_out() -> None:
    given = {0: ["0", "1"], "indices": {"0": "negative", "1": "positive"}, 1: "01"}
    assert map_labels(given, NAMES) == {1: ["0", "1"]}


def test_a_map_naming_a_label_that_is_no_index_is_refused_as_before(tmp_path: Path) -> None:
    # the map names "neutral" beside 0 and 1 for the classifier answering indices: not a
    # map of its indices (its classes unknown), refused for lacking classes_ as before
    given = {1: {"0": "negative", "1": "positive", "neutral": "negative"}}
    with pytest.raises(UsageError, match="classes_"):
        assay.check_text(
            [named, indices], grammar=_grammar(tmp_path), label_map=given, seed=0,
            store=tmp_path / "t.db",
        )  # fmt: skip


def test_the_run_records_the_classes_the_map_named(tmp_path: Path) -> None:
    # the run's record of the classifier (what a resume, a replay and the reports read) has
    # the classes "0" and "1" it was named by, not its unnamed loading's
    from assay.core.store import RunStore

    assay.check_text(
        [named, indices], grammar=_grammar(tmp_path), seed=0, max_queries=300,
        label_map={1: {"0": "negative", "1": "positive"}}, store=tmp_path / "t.db",
    )  # fmt: skip
    with RunStore(tmp_path / "t.db", read_only=True) as store:
        (run,) = store.list_runs()
        caps = store.get_run(run.id).model["classifiers"][1]["capabilities"]
    assert caps["class_names"] == ["0", "1"] and caps["n_classes"] == 2, caps
