"""``--batch-size N`` (``serving={"batch_size": N}``) honoured for a model that is not served
(a GPU model, a Hugging Face pipeline with a memory limit, an API client): no call of more
than N inputs reaches it, loading's probe included; the queries counted and the findings are
those of an unsplit run.  hostile41t refused the option for such models (it was ignored);
left41 splits their calls in one place (``models.batch_limit``, ``CheckedModel``)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import ClassVar

import numpy as np
import pandas as pd
import pytest
from sklearn.linear_model import LogisticRegression

import assay
from assay.cli.app import main
from assay.models.http import ServingOptions


class Recorded:
    """A function of a batch that records the sizes it was given and refuses more than
    ``limit`` (its memory)."""

    def __init__(self, limit: int | None) -> None:
        self.limit, self.sizes = limit, []  # type: list[int]

    def __call__(self, x: np.ndarray) -> np.ndarray:
        self.sizes.append(len(x))
        if self.limit is not None and len(x) > self.limit:
            raise ValueError(f"batch of {len(x)} exceeds max batch size {self.limit}")
        x = np.asarray(x, dtype=float)
        return (x[:, 0] + 2 * x[:, 1] > 4).astype(int)


class RecordedLR(LogisticRegression):
    sizes: ClassVar[list[int]] = []

    def predict_proba(self, X: object) -> np.ndarray:
        RecordedLR.sizes.append(len(X))  # type: ignore[arg-type]
        return super().predict_proba(X)


def _frame(n: int = 300) -> pd.DataFrame:
    rng = np.random.default_rng(0)
    frame = pd.DataFrame(
        {"sex": rng.integers(0, 2, n), "a": rng.integers(0, 4, n), "b": rng.integers(0, 5, n)}
    )
    frame["y"] = ((frame.sex + 2 * frame.a) > 4).astype(int)
    return frame


def test_a_function_and_an_estimator_get_no_call_over_the_limit_probe_included() -> None:
    rows = np.arange(200, dtype=float).reshape(100, 2) % 5
    fn = Recorded(7)
    model = assay.load_model(fn, probe=rows[:20], serving=ServingOptions(batch_size=7))
    out = model.predict(rows)
    assert max(fn.sizes) <= 7 and sum(fn.sizes) == 120, fn.sizes  # the probe's 20 too
    assert np.array_equal(out, Recorded(None)(rows))
    frame = _frame()
    est = RecordedLR().fit(frame[["sex", "a", "b"]], frame.y)
    RecordedLR.sizes = []
    checked = assay.load_model(est, serving=ServingOptions(batch_size=16))
    answer = checked.predict(frame[["sex", "a", "b"]].to_numpy())
    assert RecordedLR.sizes and max(RecordedLR.sizes) <= 16, RecordedLR.sizes
    assert np.allclose(answer, est.predict_proba(frame[["sex", "a", "b"]]))


def test_a_fairness_run_with_the_limit_finds_what_an_unsplit_run_finds(tmp_path: Path) -> None:
    frame = _frame()
    limited = Recorded(50)
    common = {"data": frame, "protected": ["sex"], "label": "y", "max_queries": 3000, "seed": 1}
    one = assay.check_fairness(
        limited, store=tmp_path / "a.db", serving={"batch_size": 50}, **common
    )
    other = assay.check_fairness(Recorded(None), store=tmp_path / "b.db", **common)
    assert max(limited.sizes) <= 50
    assert one.summary["model_queries"] == other.summary["model_queries"]
    assert one.n_findings == other.n_findings > 0
    assert one.findings().equals(other.findings())


CLASSIFIER = (
    "def limit32(batch):\n"
    "    if len(batch) > 32:\n"
    "        raise ValueError(f'batch of {len(batch)} exceeds max batch size 32')\n"
    "    return ['neg' if 'bad' in s else 'pos' for s in batch]\n"
    "def free(batch):\n"
    "    return ['neg' if 'bad' in s else 'pos' for s in batch]\n"
    "def other(batch):\n"
    "    return ['neg' if 'not' in s or 'bad' in s else 'pos' for s in batch]\n"
)


def _text(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], name: str, extra: list[str]
) -> tuple[int, dict[str, object]]:
    args = ["text", f"{tmp_path / 'clf.py'}:{name}", f"{tmp_path / 'clf.py'}:other",
            "--grammar", "builtin:reviews", "--max-queries", "400", "--seed", "3",
            "--store", str(tmp_path / f"{name}.db"), "--json", *extra]  # fmt: skip
    with pytest.raises(SystemExit) as exc:
        main(args)
    out = capsys.readouterr().out
    return int(exc.value.code or 0), json.loads(out)


def test_a_text_classifier_taking_at_most_32_sentences_runs_under_batch_size_32(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (tmp_path / "clf.py").write_text(CLASSIFIER)
    code, doc = _text(tmp_path, capsys, "limit32", ["--batch-size", "32"])
    free_code, free_doc = _text(tmp_path, capsys, "free", [])
    assert code == free_code and code in (0, 1), doc
    assert doc["findings"] == free_doc["findings"]
    assert str(doc["headline"]).split(";")[0] == str(free_doc["headline"]).split(";")[0]
    summary, free_summary = doc["summary"], free_doc["summary"]
    assert isinstance(summary, dict) and isinstance(free_summary, dict)
    assert summary["model_queries"] == free_summary["model_queries"]


def test_a_backdoor_scan_with_the_limit_finds_what_an_unsplit_scan_finds(tmp_path: Path) -> None:
    from assay.backdoor.demo import PlantedTrigger, checker, trojaned_digits

    trigger = PlantedTrigger(box=(0, 5, 3, 3), content=checker(3), target=1)
    digits = trojaned_digits(seed=2, triggers=[trigger])
    sizes: list[int] = []

    def answer(limit: int | None) -> object:
        def call(x: np.ndarray) -> np.ndarray:
            sizes.append(len(x))
            if limit is not None and len(x) > limit:
                raise ValueError(f"batch of {len(x)} exceeds max batch size {limit}")
            return np.asarray(digits.model.predict_proba(np.asarray(x).reshape(len(x), -1)))

        return call

    x, y = digits.clean_images, digits.clean_labels
    scan = x[200:230].copy()
    planted = (np.arange(30) % 2 == 0) & (y[200:230] != trigger.target)
    scan[planted] = trigger.apply(scan[planted])
    common = {"images": scan, "clean": x[:150], "seed": 1, "max_queries": 5000}
    one = assay.check_backdoor(
        answer(8), store=tmp_path / "a.db", serving={"batch_size": 8}, **common
    )
    limited = list(sizes)
    sizes.clear()
    other = assay.check_backdoor(answer(None), store=tmp_path / "b.db", **common)
    assert max(limited) <= 8 < max(sizes) and sum(limited) == sum(sizes)
    assert one.n_findings == other.n_findings > 0
    kept = [c for c in one.findings().columns if c != "seconds"]
    assert one.findings()[kept].equals(other.findings()[kept])


def test_a_run_stored_before_keeps_its_local_models_calls_whole() -> None:
    """Runs stored before left41 kept --batch-size's old default (1000) untyped: resumed or
    verified, a local model is not split at 1000 (its first session's calls were whole)."""
    from types import SimpleNamespace

    from assay.core.runinfo import stored_serving

    old = {"invocation": {"serving": {"batch_size": 1000, "timeout": 30.0}}}
    untyped = SimpleNamespace(id="r", config=old, command="assay fairness m.py:f --data d.csv")
    assert stored_serving(untyped)["batch_size"] is None
    typed = SimpleNamespace(id="r", config=old, command="assay fairness m.py:f --batch-size 1000")
    assert stored_serving(typed)["batch_size"] == 1000
