"""``backdoor.frames``: a run's findings as a DataFrame, in the model's class names."""

from __future__ import annotations

from assay.backdoor.frames import findings_frame


def test_input_scan_rows_flagged_only_with_class_names() -> None:
    summary = {
        "mode": "inputs",
        "rows": [
            {"image": 0, "name": "a.png", "poisoned": True, "prediction": 2, "target": 2,
             "corrected": 0, "box": [1, 1, 3, 3], "flip_rate": 1.0, "queries": 40},
            {"image": 1, "name": "b.png", "poisoned": False, "prediction": 1, "target": None},
        ],
    }  # fmt: skip
    frame = findings_frame(summary, ["cat", "dog", "ship"])
    assert list(frame["name"]) == ["a.png"]
    assert frame.loc[0, "prediction"] == "ship" and frame.loc[0, "corrected"] == "cat"
    assert frame.loc[0, "flip_rate"] == 1.0
    assert "name" not in findings_frame({"mode": "inputs", "rows": [
        {"image": 0, "poisoned": True, "target": 1}]}, None).columns  # fmt: skip


def test_model_scan_one_row_per_class_with_the_suspects_marked() -> None:
    summary = {
        "mode": "model",
        "verdict": {"suspects": [1]},
        "class_scans": [
            {"target": 0, "size": 4, "box": [0, 0, 4, 4], "flip_rate": 0.6, "queries": 90},
            {"target": 1, "size": 2, "box": [5, 5, 2, 2], "flip_rate": 1.0, "queries": 80},
        ],
    }
    frame = findings_frame(summary, ["no", "yes"])
    assert list(frame["target"]) == ["no", "yes"]
    assert list(frame["suspected"]) == [False, True]
    assert len(findings_frame(summary, None, limit=1)) == 1
