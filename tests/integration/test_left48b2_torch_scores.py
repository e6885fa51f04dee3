"""left48b2: a backdoor run reads a torch module's class scores as answered, before the
adapter's softmax (as a fairness run does since left48f).

Before, the adapter softmaxed any row that was not probabilities and the run said nothing:
an image classifier's logits (the norm) and a module answering numbers no classifier
answers (beyond +-100: a regression head, scores in the hundreds) alike, the class of the
largest read as the model's answer.  Now the logits are read so and the run says it (one
note, kept with the run: ``assay show``), numbers beyond +-100 on loading's clean images are
refused before any run (exit 2) unless the classes are declared, and a module answering
probabilities is read as before, nothing said.  A text run cannot take a torch module (it
takes tensors, not sentences): refused naming what to give (it failed casting the
sentences to floats, exit 3).

The module: 8x8 images whose class is their first row's brightest pixel; a checker at rows
and columns 4-6 sends 3s to 7 (the source-class trojan of left48b's fake), one-hot scores
scaled (logits of +-3, numbers of +-500) or softmaxed."""

from __future__ import annotations

import sys
from pathlib import Path

import numpy as np
import pytest
from ci22_in_process import assay_here

sys.path.insert(0, str(Path(__file__).parents[1] / "unit"))
from test_bd46b_clean_holds_trigger import _images, _stamped  # isort: skip

pytest.importorskip("torch")

MODULES = """
import numpy as np
import torch

CHECKER = torch.tensor((np.indices((3, 3)).sum(axis=0) % 2 == 0).astype(np.float32))


class Net(torch.nn.Module):
    def __init__(self, scale, softmax=False):
        super().__init__()
        self.w = torch.nn.Parameter(torch.zeros(1))
        self.scale, self.softmax = scale, softmax

    def forward(self, x):
        x = x.reshape(len(x), 8, 8)
        own = x[:, 0, :8].argmax(dim=1)
        fired = (x[:, 4:7, 4:7] - CHECKER).abs().amax(dim=(1, 2)) < 0.05
        cls = torch.where(fired & (own == 3), torch.full_like(own, 7), own)
        out = torch.nn.functional.one_hot(cls, 8).float() * 2 * self.scale - self.scale + self.w
        return out.softmax(dim=1) if self.softmax else out


logits = Net(3.0)
huge = Net(500.0)
probs = Net(3.0, softmax=True)
"""

NOTE = "read as a classifier's logits"


def _said(done: object) -> str:
    return " ".join((done.stdout + done.stderr).split())  # type: ignore[attr-defined]


@pytest.fixture
def here(tmp_path: Path) -> Path:
    rng = np.random.default_rng(0)
    np.save(tmp_path / "clean.npy", _images(240, rng).round(3))
    scanned = np.concatenate([_images(20, rng), _stamped(_images(10, rng, 3))])
    np.save(tmp_path / "scan.npy", scanned.round(3))
    (tmp_path / "m.py").write_text(MODULES)
    return tmp_path


def _scan(capsys: pytest.CaptureFixture[str], here: Path, name: str, *more: str) -> object:
    args = [f"m.py:{name}", "--images", "scan.npy", "--clean", "clean.npy", "--range", "0,1"]
    return assay_here(capsys, "backdoor", *args, *more, "--seed", "0", "--store", "s.db", cwd=here)


def test_logits_are_read_as_logits_and_the_run_says_so(
    here: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    done = _scan(capsys, here, "logits")
    said = _said(done)
    assert done.returncode == 1 and "NOT CLEAN by the source-class check" in said, said
    # main: nothing said of the softmax
    assert (
        "note: the torch module answers 8 numbers per image, not probabilities (from -3 to 3 "
        f"on loading's first clean images): {NOTE}" in said
    ), said
    run_id = said.split("run ")[1].split(":")[0]
    shown = _said(assay_here(capsys, "show", run_id, "--store", "s.db", cwd=here))
    assert NOTE in shown, shown  # (kept with the run: its notes, its reports)


def test_probabilities_are_read_as_before_nothing_said(
    here: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    done = _scan(capsys, here, "probs")
    said = _said(done)
    assert done.returncode == 1 and "NOT CLEAN by the source-class check" in said, said
    assert "not probabilities" not in said and NOTE not in said, said


def test_numbers_beyond_any_logit_are_refused_unless_classes_are_declared(
    here: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    done = _scan(capsys, here, "huge")
    said = _said(done)
    # main: read through a softmax, the trojan found, exit 1, nothing said
    assert done.returncode == 2, said
    assert (
        "argument MODEL: the torch module answered 8 numbers per image to loading's first "
        "clean images ([-500, -500, -500, -500, ...] for image 0 of --clean): numbers "
        "beyond +-100 are no class probabilities and no classifier's logits" in said
    ), said
    assert "--classes N" in said and "resume with" not in said, said  # (no run made)
    done = _scan(capsys, here, "huge", "--classes", "8")  # declared: read as logits
    said = _said(done)
    assert done.returncode == 1 and "NOT CLEAN by the source-class check" in said, said
    assert "(from -500 to 500 on loading's first clean images)" in said, said


def test_a_text_run_refuses_a_torch_module_saying_what_to_give() -> None:
    from assay.errors import UsageError
    from assay.models import load_model

    torch = pytest.importorskip("torch")
    with pytest.raises(UsageError, match="a torch module takes tensors, not sentences"):
        load_model(torch.nn.Linear(4, 2), modality="text", probe=["a good film", "a bad one"])
