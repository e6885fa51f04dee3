"""The fortieth session's answers and forms: cases its tests left free (mutation42)."""

from __future__ import annotations

import numpy as np
import pytest

import assay
from assay.backdoor.images import ImageSpec
from assay.core.runinfo import _names_relative_paths
from assay.errors import UsageError
from assay.fairness.verdict import favourable_class
from assay.models.http import ServingOptions

torch = pytest.importorskip("torch")


def test_two_classes_both_reading_unfavourable_fall_back_to_position() -> None:
    """Both names an unfavourable event: neither is "the other" (a mutant asked for the
    index of a class not reading unfavourable and raised ValueError: a bare traceback)."""
    i, name, how = favourable_class(["defaulted", "fraud"], None, None)
    assert (i, name) == (1, "fraud") and how.startswith("inferred: class "), how


def test_denied_is_an_unfavourable_outcome_though_it_negates_a_favourable_word() -> None:
    """``denied`` is among the words negating (``hired=denied``) and among the unfavourable
    events: beside a class of no such word, that class is favourable (not the last)."""
    i, name, how = favourable_class(["referred", "denied"], None, None)
    assert (i, name) == (0, "referred"), (i, name, how)
    assert how.startswith("inferred: the class other than 'denied'"), how


def test_a_batch_size_below_one_is_refused_by_the_options() -> None:
    with pytest.raises(UsageError, match="--batch-size"):
        ServingOptions(batch_size=0).validate()
    assert ServingOptions(batch_size=1).validate().batch_size == 1
    assert ServingOptions().validate().batch_size is None


def test_a_command_shlex_cannot_read_is_said_with_its_folder(tmp_path: object) -> None:
    """The reproduce line's ``cd DIR &&`` (left41): a command whose quotes do not close is
    given its folder, as a report's line is (it may name files relative to it)."""
    assert _names_relative_paths("assay fairness 'm.skops --data d.csv", str(tmp_path))
    assert not _names_relative_paths("assay fairness --dataset adult", str(tmp_path))


class _LogitsThenInside(torch.nn.Module):  # type: ignore[misc]
    """Logits: the first call's scores lie outside [0, 1], later ones inside (not summing to
    one): logits all the same, read through a softmax, never refused as a sigmoid."""

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        s = x.flatten(1).sum(1, keepdim=True)
        return torch.cat([torch.zeros_like(s), s], 1)


def test_one_score_outside_0_1_says_logits_for_good() -> None:
    from assay.models.loader import load_model

    model = load_model(_LogitsThenInside().eval(), modality="tabular", n_classes=2)
    model.predict(np.array([[3.0]], dtype=np.float32))  # type: ignore[attr-defined]
    rows = np.linspace(0.1, 0.9, 12, dtype=np.float32).reshape(12, 1)
    out = np.asarray(model.predict(rows))  # type: ignore[attr-defined]
    assert np.allclose(out.sum(axis=1), 1.0) and np.allclose(
        out[:, 1], 1 / (1 + np.exp(-rows[:, 0]))
    )


def test_whole_signed_pixels_are_rounded_and_held_in_their_type() -> None:
    """An int8 graph (``pixel_type``): pixels rounded as saving them would, within -128..127
    (only uint8 graphs were tested; a cast truncates 126.6 to 126 and wraps 128 to -128)."""
    spec = ImageSpec(height=1, width=3, range_values=(-128.0, 127.0), dtype="int8")
    x = spec.to_model(np.asarray([[[[0.0], [254.6 / 255], [1.0]]]]))
    assert x.dtype == np.int8 and x.reshape(-1).tolist() == [-128, 127, 127], x


def test_an_image_whose_row_holds_no_query_was_not_reached() -> None:
    """Rows of images the budget cut before any query (``queries`` 0): not reached, so not
    a ground for "its answers changed" (only rows of reached images were tested)."""
    from types import SimpleNamespace

    from assay.backdoor.changed import changed_during_scan

    rows = [{"image": 0, "queries": 9}, {"image": 1, "queries": 9}]
    rows += [{"image": i, "queries": 0} for i in range(2, 6)]
    search = SimpleNamespace(
        test=SimpleNamespace(mode="inputs", strategy="assay"),
        scan_answered=[0],
        image_labels=[0, 0, 3, 4, 5, 6],
        rows=rows,
        agains=None,
        again=None,
    )
    assert changed_during_scan(search, {"tested": True}, str) is None


@pytest.mark.parametrize(
    ("names", "favourable"),
    [
        (["lowrisk", "highrisk"], "lowrisk"),  # (one word: its prefix is the lesser)
        (["nodefault", "default"], "nodefault"),  # (one word: negated by its prefix)
        (["unfraudulent", "fraudulent"], "unfraudulent"),
    ],
)
def test_a_one_word_class_name_lessened_or_negated_is_not_the_event(
    names: list[str], favourable: str
) -> None:
    _, name, how = favourable_class(names, None, None)
    assert name == favourable and how.startswith("inferred: the class other than"), how


@pytest.mark.parametrize(
    ("names", "favourable"),
    [
        (["passenger", "crew"], "crew"),  # ("pass" with no ending of a word of it: by position)
        (["approval", "pending"], "approval"),  # (the stem "approv": approval, approving)
        (["ok", "failed"], "ok"),  # (a failure: the unfavourable event)
    ],
)
def test_a_stem_is_read_with_its_endings_only(names: list[str], favourable: str) -> None:
    _, name, how = favourable_class(names, None, None)
    assert name == favourable, (name, how)


def test_a_fractional_range_for_whole_pixels_is_refused() -> None:
    from types import SimpleNamespace

    from assay.backdoor.pixel_type import whole_pixels

    raw = SimpleNamespace(inputs=[SimpleNamespace(name="x", dtype=np.uint8)])
    assert whole_pixels(raw, None) == ("uint8", "0,255")
    assert whole_pixels(raw, "0,127") == ("uint8", "0,127")
    for bad in ("0.5,255", "0,254.5", "0,256", "-1,255", "0,1"):
        with pytest.raises(UsageError, match="whole-number range"):
            whole_pixels(raw, bad)


def test_an_https_or_upper_case_endpoint_is_served() -> None:
    """``--timeout`` typed for ``HTTPS://...``: the endpoint is served (a mutant reading
    ``http://`` alone refused it as "no model of this run is served")."""
    from types import SimpleNamespace

    from assay.cli.served_only import check_served_only

    ctx = SimpleNamespace(params={"timeout": 5.0, "concurrency": 4})
    for url in ("https://example.invalid/v1", "HTTP://127.0.0.1:9/x"):
        assert check_served_only(ctx, [url]) == []  # type: ignore[arg-type]


def test_a_failing_runs_verdict_text_says_nothing_of_what_was_looked_for() -> None:
    """ "(looked for ... only)" qualifies a pass; a failure found what it found."""
    from assay.report.verdict_text import run_verdict_text

    summary = {"tested": 40, "looked_for": "patch triggers up to 16x16 pixels"}
    doc = {
        "run": {
            "id": "backdoor-1", "technique": "backdoor", "status": "completed",
            "command": "assay backdoor m.onnx --images s.npy --clean c.npy",
            "config": {"fail_on": 0.0}, "summary": summary,
        },
        "findings": {"total": 3, "at_or_above_fail_on": 3, "examples": []},
    }  # fmt: skip
    said = run_verdict_text(doc)
    assert said is not None and not said.startswith("passes"), said
    assert "looked for" not in said, said


def test_a_value_listed_with_a_quote_in_it_escapes_the_quote() -> None:
    from assay.core.display import listed

    assert listed("O'Brien, Jr") == "'O\\'Brien, Jr'"
    assert listed("Nord") == "Nord" and listed("") == "''"


def test_the_encoded_labels_advice_is_for_names_against_numbers_only() -> None:
    from assay.fairness.loading import _coded_classes

    assert "encoded as numbers" in _coded_classes("approved", ("0", "1"))
    assert _coded_classes("2", ("0", "1")) == ""  # (a number the model has not: no names)
    assert _coded_classes("approved", ("denied", "ok")) == ""


def test_a_header_env_typed_for_a_run_with_no_served_model_is_refused(
    tmp_path: object, capsys: pytest.CaptureFixture[str]
) -> None:
    from assay.cli.app import main

    with pytest.raises(SystemExit) as ended:
        main(
            ["fairness", "--dataset", "german", "--protected", "sex", "--max-queries", "300",
             "--store", f"{tmp_path}/s.db", "--header-env", "API_TOKEN"]
        )  # fmt: skip
    err = capsys.readouterr().err
    assert ended.value.code == 2 and "argument --header-env" in err, err


class _SigmoidHead(torch.nn.Module):  # type: ignore[misc]
    def __init__(self) -> None:
        super().__init__()
        torch.manual_seed(0)
        self.lin = torch.nn.Linear(36, 3)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return torch.sigmoid(self.lin(x.flatten(1)) * 4.0)


def test_a_torch_sigmoid_is_refused_by_its_probe_answer_before_a_run(tmp_path: object) -> None:
    """left41b checks torch's loading probe answer (no model call more); its test scanned
    ONNX graphs and functions only: a mutant leaving the probe answer unchecked made a
    failed run (resume line and all) for a torch module."""
    from assay.core.store import RunStore
    from assay.errors import ModelError

    rng = np.random.default_rng(0)
    store = f"{tmp_path}/runs.db"
    with pytest.raises(ModelError, match="not 1"):
        assay.check_backdoor(
            _SigmoidHead().eval(), images=rng.random((2, 6, 6, 1)).astype(np.float32),
            clean=rng.random((12, 6, 6, 1)).astype(np.float32), n_classes=3,
            strategy="strip", seed=0, store=store,
        )  # fmt: skip
    from pathlib import Path

    assert not Path(store).exists() or not list(RunStore(store, read_only=True).list_runs())
