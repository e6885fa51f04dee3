"""No false pass, no stalled run: what cannot be tested is a usage error, found before a run
exists; a resumed run checks that its model and data are still the ones it started with."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from typer.testing import CliRunner

from assay.cli.app import app, register
from assay.core.store import RunStore

register()
runner = CliRunner()


def _invoke(*args: str) -> tuple[int, str]:
    result = runner.invoke(app, list(args))
    return result.exit_code, result.output


def _args(workdir: Path, store: Path, *extra: str, model: str = "biased") -> list[str]:
    return [
        "fairness",
        f"{workdir / 'models.py'}:{model}",
        "--data",
        str(workdir / "people.csv"),
        "--protected",
        "sex",
        "--store",
        str(store),
        *extra,
    ]


@pytest.mark.parametrize(
    ("extra", "needle"),
    [
        (["--max-queries", "0"], "--max-queries"),
        (["--max-time", "-1"], "--max-time"),
        (["--max-time", "nan"], "finite"),
        (["--max-time", "inf"], "finite"),
        (["--call-timeout", "0"], "--call-timeout"),
        (["--seed", "-1"], "--seed"),
        (["--seed", "99999999999999999999999"], "--seed"),
        (["--fail-on", "2"], "could never fail"),
        (["--fail-on", "-0.5"], "--fail-on"),
        (["--html", "/proc/x/report.html"], "--html"),
        (["--junit", "/proc/x"], "--junit"),
        (["--retrain"], "cannot be refit"),
        (["--protected", "sex,sex"], "named twice"),
    ],
)
def test_bad_arguments_are_usage_errors_before_any_run(
    workdir: Path, tmp_path: Path, extra: list[str], needle: str
) -> None:
    store = tmp_path / "runs.db"
    code, out = _invoke(*_args(workdir, store, "--max-queries", "1000", *extra))
    assert code == 2, out
    assert needle in out and "Traceback" not in out
    if store.exists():
        assert RunStore(store, read_only=True).list_runs() == []  # no stalled run


def test_a_protected_attribute_with_one_value_is_a_usage_error(tmp_path: Path) -> None:
    model = tmp_path / "m.py"
    model.write_text("import numpy as np\ndef f(x):\n    return np.zeros(len(x), dtype=int)\n")
    one = tmp_path / "one.csv"
    one.write_text("x,sex\n" + "".join(f"{i},1\n" for i in range(50)))
    schema = tmp_path / "s.yaml"
    schema.write_text(
        "features:\n  - {name: x, type: integer, low: 0, high: 49}\n"
        "  - {name: sex, type: integer, low: 1, high: 1}\nprotected: [sex]\n"
    )
    store = tmp_path / "runs.db"
    for source in (["--data", str(one), "--protected", "sex"], ["--schema", str(schema)]):
        code, out = _invoke("fairness", f"{model}:f", *source, "--store", str(store))
        assert code == 2, out
        assert "takes a single value" in out and "nothing would be tested" in out


def test_resume_refuses_a_changed_model_unless_forced_and_a_changed_data_file(
    workdir: Path, tmp_path: Path
) -> None:
    from assay.api import check_fairness, resume_run
    from assay.errors import UsageError

    for name in ("models.py", "people.csv"):
        shutil.copy(workdir / name, tmp_path / name)
    store = RunStore(tmp_path / "runs.db")
    result = check_fairness(
        f"{tmp_path / 'models.py'}:biased",
        data=str(tmp_path / "people.csv"),
        protected="sex",
        max_queries=50_000,
        seed=3,
        store=store,
        overlap=False,
    )
    store.checkpoint(result.run_id, status="interrupted")  # as if stopped half-way
    fingerprints = store.get_run(result.run_id).config["fingerprints"]
    assert set(fingerprints) == {"model", "data"}

    with (tmp_path / "models.py").open("a") as f:
        f.write("\n# retrained\n")
    with pytest.raises(UsageError, match=r"model file .* changed .* pass force=True to"):
        resume_run(result.run_id, store=store)
    notes: list[str] = []
    resume_run(result.run_id, store=store, force=True, on_note=notes.append, overlap=False)
    assert any("--force" in n for n in notes)

    store.checkpoint(result.run_id, status="interrupted")
    with (tmp_path / "people.csv").open("a") as f:
        f.write("1,2,3,4,1\n")
    with pytest.raises(UsageError, match=r"data file .* changed"):
        resume_run(result.run_id, store=store, force=True)


def test_resume_of_a_failed_run_drops_findings_made_after_its_last_checkpoint(
    workdir: Path, tmp_path: Path
) -> None:
    """A model failure commits what it found after the last snapshot; the resumed search
    finds those again, so they must not be counted twice."""
    from assay.api import check_fairness, resume_run
    from assay.errors import ModelError

    clean = check_fairness(
        f"{workdir / 'models.py'}:biased",
        data=str(workdir / "people.csv"),
        protected="sex",
        max_queries=200_000,
        seed=5,
        store=tmp_path / "clean.db",
    )
    flaky = tmp_path / "flaky.py"
    flag = tmp_path / "broken"
    flaky.write_text(
        (workdir / "models.py").read_text() + f"\nn = [0]\ndef flaky(x):\n    n[0] += 1\n"
        f"    if n[0] == 8 and not os.path.exists({str(flag)!r}):\n"
        f"        open({str(flag)!r}, 'w').close()\n"
        "        raise RuntimeError('flaky')\n    return biased(x)\n"
    )
    store = RunStore(tmp_path / "runs.db")
    with pytest.raises(ModelError, match="flaky"):
        check_fairness(
            f"{flaky}:flaky",
            data=str(workdir / "people.csv"),
            protected="sex",
            max_queries=200_000,
            seed=5,
            store=store,
        )
    (run,) = store.list_runs()
    assert run.status == "failed"
    resumed = resume_run(run.id, store=store)
    assert resumed.n_findings == clean.n_findings


def test_verify_says_when_the_model_file_changed_since_the_run(
    workdir: Path, tmp_path: Path
) -> None:
    """A model replaced at the run's path was replayed as 'the run's model'."""
    for name in ("models.py", "people.csv"):
        shutil.copy(workdir / name, tmp_path / name)
    store = tmp_path / "runs.db"
    code, out = _invoke(*_args(tmp_path, store, "--max-queries", "2000", "--seed", "1"))
    assert code == 1, out
    run_id = RunStore(store).list_runs()[0].id
    code, out = _invoke("verify", run_id, "--store", str(store))
    assert "against the run's model" in out, out
    with (tmp_path / "models.py").open("a") as f:
        f.write("\n# retrained in place\n")
    code, out = _invoke("verify", run_id, "--store", str(store))
    assert "which changed since the run started" in out, out
