"""What a user following the docs met after the forty-sixth session's merges (docs47): each
claim below is one the README or a page makes about those features, checked against what the
code does (each test failed on the docs and code as merged).

- docs/fairness.md said a rule run whose answer was never computed exits 2, its findings
  "fail nothing under it"; it exits 1 on them, "its N discriminatory inputs fail the run in
  its place" (left47f's words);
- the README's exit-code table named neither ``--cutoff``'s refusals nor ``run.store_failed``,
  and no page said what a built-in dataset tests without ``--protected``, nor that
  ``protected=[]`` is refused;
- ``assay report RUN`` of a stalled run said "the run is running" where its own document,
  ``assay show`` and ``assay runs`` say stalled (the page says it "later says it stalled");
- the fairness demo's verify line gave its store relative (pasted elsewhere: "no run store");
- docs/backdoor.md's ImageFolder advice gave only the comma-separated form.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


def _text(name: str) -> str:
    """A page with its line breaks and indents as single spaces (quotes span lines)."""
    return re.sub(r"\s+", " ", (ROOT / name).read_text(encoding="utf-8"))


def _exit_row(code: str) -> str:
    row = [
        line
        for line in (ROOT / "README.md").read_text().splitlines()
        if line.startswith(f"| `{code}` |")
    ]
    assert len(row) == 1, code
    return row[0]


def test_the_unjudged_rule_is_quoted_as_the_code_says_it_with_its_exit_code() -> None:
    from assay.core.verdict import _rule_so_far, rule_unjudged

    page = _text("docs/fairness.md")
    said = rule_unjudged("share>0.1", 227)
    assert said in page, said
    assert "fail nothing under it" not in page  # (the exit 2 it claimed)
    at = page.index(said)
    assert "exit 1 (none found: NOT EVERYTHING WAS TESTED, exit 2)" in page[at - 400 : at]
    so_far = _rule_so_far("share>0.1", None, 227)
    assert so_far.split("; ")[-1] in page, so_far  # the interrupted run's findings so far
    assert "a run whose answer was not computed, on its findings" in _exit_row("1")


def test_the_exit_code_table_names_the_cutoff_refusals_and_a_store_failure() -> None:
    assert "given no `--cutoff`" in _exit_row("2")
    assert "name `--cutoff`" in _exit_row("3")
    assert "`run.store_failed`" in _exit_row("4")
    import json

    schema = json.loads((ROOT / "src/assay/report/schema.json").read_text())
    assert "store_failed" in json.dumps(schema)  # (the key the row names is the report's)


def test_a_regressor_without_a_cutoff_is_refused_as_the_table_says() -> None:
    """Exit 2 (a ``UsageError``) before any run, naming ``--cutoff``."""
    import numpy as np
    import pandas as pd
    from sklearn.linear_model import Ridge

    from assay.api import setup_fairness
    from assay.errors import UsageError

    rng = np.random.default_rng(0)
    frame = pd.DataFrame({"sex": rng.integers(0, 2, 200), "income": rng.normal(30, 5, 200)})
    model = Ridge().fit(frame, 1000 * frame["income"] + 500 * frame["sex"])
    with pytest.raises(UsageError, match="--cutoff"):
        setup_fairness(model, data=frame, protected=["sex"])


def test_a_built_in_datasets_default_protected_is_the_one_the_readme_names() -> None:
    from assay.datasets.registry import load_dataset

    readme = _text("README.md")
    said = re.search(
        r"Without `--protected` a built-in dataset tests its own protected attribute \(([^)]*)\)",
        readme,
    )
    assert said, "the README names no built-in default"
    named: dict[str, str] = {}
    for part in re.findall(r"`(\w+)` for ([^;,]*(?:, `[\w-]+`)*(?: and `[\w-]+`)?)", said.group(1)):
        for dataset in re.findall(r"`([\w-]+)`", part[1]):
            named[dataset] = part[0]
    assert set(named) == {"adult", "adult-raw", "german", "compas"}, named
    for dataset, attribute in named.items():
        assert load_dataset(dataset).schema.protected == (attribute,), dataset


def test_an_empty_protected_list_is_refused_as_the_readme_says() -> None:
    from assay.api import setup_fairness
    from assay.errors import UsageError

    assert "(`--protected ''`, `protected=[]`) is refused (exit 2)" in _text("README.md")
    with pytest.raises(UsageError, match=r"protected=\[\] names no attribute"):
        setup_fairness("builtin:tree", dataset="german", protected=[])


def test_report_says_a_stalled_run_stalled(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """``assay report`` of a run whose process is gone: its verdict line as ``show`` says."""
    from assay.cli.app import main
    from assay.core.store import RunStore

    store = RunStore(tmp_path / "runs.db")
    store.create_run(
        run_id="text-1", technique="text", seed=3, command="assay text a.py:f b.py:g --seed 3",
        config={}, model={}, versions={},
    )  # fmt: skip
    store.checkpoint("text-1", findings=[], progress={"queries": 40})
    store.give_up("text-1")  # (as a kill leaves it: the lock file held by nobody)
    store.close()
    with pytest.raises(SystemExit) as e:
        main(
            [
                "report",
                "text-1",
                "--store",
                str(tmp_path / "runs.db"),
                "--report",
                str(tmp_path / "r.json"),
            ]
        )
    assert e.value.code == 130
    out = capsys.readouterr().out
    assert "the run's verdict: the run is stalled: it has not ended (exit 130)" in out, out
    assert "the run is running" not in out
    assert "`assay report RUN` later says it stalled" in _text("docs/report-format.md")


def test_the_demos_verify_line_pastes_in_any_folder(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from assay.cli.fairness_cmd import _verify_retrained

    monkeypatch.chdir(tmp_path)
    line = _verify_retrained({"saved": ["out/models/retrained.onnx"]}, "fairness-1", Path("d.db"))
    assert line is not None
    assert f"--store {tmp_path / 'd.db'}" in line, line
    assert f"--model {tmp_path / 'out/models/retrained.onnx'}" in line, line


def test_the_imagefolder_advice_for_names_holding_a_comma_is_the_pages() -> None:
    from assay.backdoor.image_files import _name_them

    advice = _name_them(["Fanta 500ml", "Coke 330ml, can"], None, 2)
    typed = advice.split("--classes ", 1)[1].split(" (classes=")[0]
    assert typed == """'["Coke 330ml, can", "Fanta 500ml"]'"""
    page = _text("docs/backdoor.md")
    at = page.index("`ImageFolder` numbers them")
    assert f"`--classes {typed}`" in page[at : at + 300]


def test_a_json_list_given_to_fairness_classes_is_refused_as_serving_md_says() -> None:
    """It was split by its commas into names such as '["a' (the run then failed on them)."""
    from assay.errors import UsageError
    from assay.models.classes import declared_count_or_names

    assert "a JSON list or an `@FILE` there is refused" in _text("docs/serving.md")
    for typed in ('["Coke 330ml, can", "Fanta"]', "@classes.txt"):
        with pytest.raises(UsageError, match="only the backdoor command's --classes reads"):
            declared_count_or_names(typed)
    assert declared_count_or_names("no,yes") == (2, ("no", "yes"))
