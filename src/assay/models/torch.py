"""PyTorch models (the ``[torch]`` extra; torch is imported only when a torch model is used).

- ``torch.nn.Module`` objects (in the Python API),
- TorchScript files (``.pt``, ``.pth``, ``.torchscript``: ``torch.jit.load``, which reads
  TorchScript code and tensors, not arbitrary pickles),
- ``torch.export`` programs (``.pt2``: ``torch.export.load``).

Answers: the module's outputs as class scores.  Rows that are not probabilities (logits: a
score outside [0, 1]) are turned into probabilities with a softmax (a fairness run first
checks the outputs as given, ``raw_scores``, as it checks a function's: a regression
module's outputs are no logits, ``models.class_scores``; it says it read them as logits);
scores all in [0, 1] whose rows do not sum to one (a sigmoid per class) are refused as for
every model (they were softmaxed into near-uniform rows); ``n_classes`` is the width of the
output.  Inputs
are cast to the type of the module's parameters; a module that answers one input at a time
is called so (``TorchModel``).  A tabular module answering one number per input (a
regressor's value, a score) answers it as it is, as a function does (a fairness run decides
it at ``--cutoff``, or refuses it outside [0, 1]); an image module's one number is refused
(a logit or a probability, which cannot be told apart).
"""

from __future__ import annotations

import builtins
import contextlib
import re
import threading
from pathlib import Path
from typing import Any

import numpy as np

from assay.core.extras import pip_install
from assay.core.message_secrets import redact_message
from assay.core.model import Capabilities, Modality, ModelInputs, OutputKind
from assay.core.quiet import quiet
from assay.errors import ModelError, UsageError
from assay.models import probed
from assay.models.batch_limit import in_chunks
from assay.models.class_scores import check_bound
from assay.models.torch_files import is_export_archive, pickled_torch_note
from assay.models.torch_forms import class_scores, evaluating, exported_input, training

__all__ = ["TorchModel", "from_torch", "is_torch_module", "load_torch_file"]

TORCH_SUFFIXES = (".pt", ".pth", ".torchscript", ".pt2")
# rows every score of which lay in [0, 1], not summing to one, before the answers are read as a
# sigmoid per class (refused) and no longer as logits that fell in [0, 1] by chance
_SIGMOID_ROWS = 8


def _torch() -> Any:
    try:
        import torch
    except ImportError:
        raise UsageError(
            "PyTorch models need torch: " + pip_install("'assay[torch]'"), argument="MODEL"
        ) from None
    return torch


def is_torch_module(obj: Any) -> bool:
    mod = type(obj).__module__
    if not mod.startswith("torch"):
        mro = [c.__module__ for c in type(obj).__mro__]
        if not any(m.startswith("torch.nn") or m.startswith("torch.jit") for m in mro):
            return False
    return callable(obj)


class TorchModel:
    """A torch module (or exported program) as a batched classifier.

    Inputs are cast to the floating type of the module's parameters (float32 when it has
    none).  A module that fails on the probe batch but answers its first input alone takes
    one input per call (``max_batch`` 1, said in ``info``).  A failure on the probe is a
    ``ModelError`` naming the batch's shape and type and the module's own error (the last
    line of a TorchScript traceback), never a bare traceback.
    """

    def __init__(
        self,
        module: Any,
        *,
        modality: Modality = "image",
        n_classes: int | None = None,
        probe: ModelInputs | None = None,
        info: dict[str, Any] | None = None,
    ) -> None:
        self.module = module
        self.info = dict(info or {})
        self._torch = _torch()
        self._lock = threading.Lock()  # a module in train mode is put in eval mode per call
        self._switched = False
        self._labels = False  # it answers whole-number labels (read from its first answer)
        self._sum_slack = 0.0  # how far from one the answer's type lets probabilities sum
        self._logits = False  # a score outside [0, 1] answered: rows are logits (softmaxed)
        self._inside_rows = 0  # rows answered so far, not summing to one, every score in [0, 1]
        # rows of scores beyond any logit refused before their softmax (a fairness run of
        # undeclared classes: ``models.class_scores``)
        self.score_bound = False
        self._score = False  # one number per input from a tabular module: answered as it is
        self._dtype, self._torch_dtype = _input_dtype(module)
        self.info["input_dtype"] = str(self._torch_dtype).removeprefix("torch.")
        self._batch, item = exported_input(module)
        self.input_shape: tuple[int, ...] | None = item
        if self._batch is not None:
            self.info["fixed_batch"] = (
                f"{self._batch}: the torch.export program was exported for batches of "
                f"{self._batch}; assay asks it {self._batch} inputs at a time (padded)"
            )
        if item is not None and probe is not None and np.asarray(probe).shape[1:] != item:
            probe = np.zeros((1, *item))  # the program's own input form: the images are
            # fitted to it by the caller, which reads ``input_shape``
        max_batch: int | None = None
        outputs: OutputKind = "proba"
        if n_classes is None and probe is None:
            raise UsageError(
                "cannot tell how many classes the torch model has: give n_classes or a probe",
                argument="MODEL",
            )
        # the probe and the module's answer to it (``CheckedModel.checked`` reads it before a
        # run is made: a sigmoid per class was refused only on the run's first batch)
        self.probe_answer: tuple[np.ndarray, np.ndarray] | None = None
        if probe is not None:
            out, max_batch = self._probe(np.asarray(probe), modality)
            self.probe_answer = (np.asarray(probe)[: len(out)], out)
            if self._labels:  # whole numbers, one per input: its classes (argmax inside)
                outputs = "labels"  # how many: n_classes, else the caller asks for them
            elif modality == "tabular" and n_classes is None and _one_column(out):
                self._score = True  # a score (a regressor's value, a probability, a logit),
                # as a function's one number: decided at --cutoff, or refused outside [0, 1]
            else:
                n_classes = n_classes or _score_width(out)
        self.capabilities = Capabilities(
            modality=modality, n_classes=n_classes, outputs=outputs, max_batch=max_batch
        )

    def _sigmoid_like(self, out: np.ndarray) -> bool:
        """Whether rows not summing to one are a sigmoid per class (refused) rather than
        logits (softmaxed): every score the module answered so far in [0, 1], over at least
        ``_SIGMOID_ROWS`` rows.  Logits fall in [0, 1] by chance on a few rows (a module
        answering one input a time: its first row's logits were [0.0, 0.7], and the run was
        refused); one score outside [0, 1] ever says logits for good."""
        if self._logits:
            return False
        if not (np.all(out >= 0) and np.all(out <= 1)):
            self._logits = True
            return False
        self._inside_rows += len(out)
        return self._inside_rows >= _SIGMOID_ROWS

    def _probe(self, probe: np.ndarray, modality: Modality) -> tuple[np.ndarray, int | None]:
        """The answer to the probe batch, and 1 when the module answers one input at a time."""
        probed.asked(len(probe))
        try:
            return in_chunks(self._forward, probe), None
        except ModelError:
            raise  # the answer's form (a dict without logits ...): no layout hint helps
        except Exception as exc:
            first = exc
        if len(probe) > 1:
            probed.asked(1)
            try:
                out = self._forward(probe[:1])
            except Exception:
                pass
            else:
                self.info["max_batch"] = (
                    f"1: the module failed on a batch of {len(probe)} ({_last_line(first)}) "
                    "but answered one input"
                )
                return out, 1
        hint = (
            "; say how it takes images: --layout nchw|nhwc and --input-shape (e.g. 3,32,32)"
            if modality == "image"
            else ""
        )
        raise ModelError(
            f"the torch model raised {_error_text(first)} on its first "
            f"call (a probe batch of shape {tuple(probe.shape)}, cast to "
            f"{self._dtype.__name__}){hint}"
        ) from first

    def _forward(self, inputs: np.ndarray) -> np.ndarray:
        if self._batch is None or len(inputs) == self._batch:
            return self._call(inputs)
        size = self._batch
        parts = []
        for start in range(0, len(inputs), size):
            chunk = inputs[start : start + size]
            short = size - len(chunk)
            if short:  # the last chunk, padded with copies of its last input
                chunk = np.concatenate([chunk, np.repeat(chunk[-1:], short, axis=0)])
            parts.append(self._call(chunk)[: size - short])
        return np.concatenate(parts) if parts else self._call(inputs)

    def _call(self, inputs: np.ndarray) -> np.ndarray:
        torch = self._torch
        x = torch.from_numpy(np.ascontiguousarray(inputs, dtype=self._dtype))
        if x.dtype != self._torch_dtype:
            x = x.to(self._torch_dtype)  # bfloat16: numpy has none
        if not self._switched:  # once a call found it training, calls take turns for good
            self._switched = training(self.module)
        if self._switched:  # put in eval mode and back: other threads' calls wait
            with self._lock, torch.no_grad(), evaluating(self.module):
                out = self.module(x)
        else:  # in eval mode already: threads call it at once, as before
            with torch.no_grad():
                out = self.module(x)
        scores = class_scores(out)
        self._sum_slack = _sum_slack(torch, scores.dtype)
        self._labels = scores.ndim == 1 and not scores.is_floating_point()
        arr: np.ndarray = scores.detach().cpu().float().numpy().astype(np.float64)
        if arr.ndim > 2 and max(arr.shape[1:]) == int(np.prod(arr.shape[1:])):
            arr = arr.reshape(len(arr), -1)  # a head without its flatten: (n, C, 1, 1)
        return arr

    def raw_scores(self, inputs: ModelInputs, /) -> np.ndarray:
        """The module's outputs to ``inputs`` as it gave them (``predict`` softmaxes logits):
        what a fairness run checks before reading them as a classifier's logits
        (``models.class_scores``)."""
        # a module answering one input at a time (``max_batch`` 1) is asked so here too: the
        # runs' callers split by it, but ``load_model(module).predict(rows)`` failed on 10 rows
        limit = self.capabilities.max_batch or len(inputs) or 1
        try:
            out: np.ndarray = in_chunks(self._forward, np.asarray(inputs), limit)
        except ModelError:
            raise
        except Exception as exc:  # a TorchScript traceback: its last line says what failed
            raise _one_line(exc) from exc
        return out

    def predict(self, inputs: ModelInputs, /) -> np.ndarray:
        out = self.raw_scores(inputs)
        if self.score_bound and out.ndim == 2:  # (softmaxed below: checked as answered)
            check_bound(out, inputs)
        if self._score:
            score: np.ndarray = out.reshape(len(out))
            return score
        if self._labels:
            labels: np.ndarray = out.astype(np.int64)
            return labels
        if out.ndim != 2:
            return out
        # half-precision probabilities sum to one only within their rounding (2e-3 seen
        # in bfloat16): read as logits, a softmax flattened 0.90 confidences to 0.21
        slack = max(1e-4, self._sum_slack)
        rows_ok = np.all(out >= 0) and np.allclose(out.sum(axis=1), 1.0, rtol=0.0, atol=slack)
        if rows_ok:
            if slack > 1e-4:
                normed: np.ndarray = out / out.sum(axis=1, keepdims=True)
                return normed
            return out
        if out.size and self._sigmoid_like(out):
            # every score in [0, 1], rows not summing to one: a sigmoid per class, refused as
            # for every other model (``checked._check_rows``); through a softmax they became
            # near-uniform rows, and STRIP flagged 0 of 40 images (18 with the same network's
            # softmax), exit 0
            return out
        z = out - out.max(axis=1, keepdims=True)
        e = np.exp(z)
        probs: np.ndarray = e / e.sum(axis=1, keepdims=True)
        return probs


def _input_dtype(module: Any) -> tuple[Any, Any]:
    """The numpy and torch types of the module's floating parameters (float32 when it has
    none; bfloat16, which numpy lacks, is cast from float32 by torch)."""
    torch = _torch()
    params = getattr(module, "parameters", None)
    if callable(params):
        with contextlib.suppress(Exception):
            for p in params():
                if p.is_floating_point():
                    name = str(p.dtype).removeprefix("torch.")
                    if name in ("float64", "float16"):
                        return getattr(np, name), p.dtype
                    return np.float32, p.dtype
    return np.float32, torch.float32


def _one_column(out: np.ndarray) -> bool:
    return out.ndim == 1 or (out.ndim == 2 and out.shape[1] == 1)


def _score_width(out: np.ndarray) -> int:
    """The number of classes of a probe's class scores; other answers refused."""
    if _one_column(out):
        raise UsageError(
            f"the torch model answers one number per input (shape {tuple(out.shape)}): "
            "a logit or a probability, which cannot be told apart; make it answer one "
            "score per class, e.g. for a logit z: torch.cat([torch.zeros_like(z), z], "
            "dim=1) (its softmax is [1 - sigmoid(z), sigmoid(z)])",
            argument="MODEL",
        )
    if out.ndim != 2:
        raise UsageError(
            f"the torch model's outputs have shape {tuple(out.shape)} for a batch of "
            f"{len(out)}: not class scores (expected (batch, n_classes))",
            argument="MODEL",
        )
    return int(out.shape[1])


def _sum_slack(torch: Any, dtype: Any) -> float:
    """Four rounding steps of the answer's floating type (0 for float32 and wider)."""
    if dtype in (torch.float16, torch.bfloat16):
        return 4.0 * float(torch.finfo(dtype).eps)
    return 0.0


def _split_error(exc: BaseException) -> tuple[str, str]:
    """The error's type name and message, from the last line of a TorchScript traceback
    when there is one (``RuntimeError: Given groups=1, ...``)."""
    line = _last_line(exc)
    found = re.match(r"^([\w.]+(?:Error|Exception)): (.*)$", line)
    if found is None:
        return type(exc).__name__, line
    return found.group(1).rpartition(".")[2], found.group(2)  # builtins.ValueError: ValueError


def _error_text(exc: BaseException) -> str:
    name, message = _split_error(exc)
    return f"{name}: {message}"


def _one_line(exc: Exception) -> Exception:
    """The same failure in one line, as a builtin exception when it names one."""
    name, message = _split_error(exc)
    kind = getattr(builtins, name, None)
    if isinstance(kind, type) and issubclass(kind, Exception):
        return kind(message)
    return RuntimeError(f"{name}: {message}")


def _last_line(exc: BaseException) -> str:
    """The last non-empty line of an exception's text (a TorchScript traceback's error)."""
    lines = [line.strip() for line in str(exc).splitlines() if line.strip()]
    text = redact_message(lines[-1]) if lines else type(exc).__name__  # (stored, printed)
    return text if len(text) <= 300 else text[:297] + "..."


def load_torch_file(path: str) -> Any:
    """A TorchScript module or a torch.export program's module from a file (no pickle)."""
    torch = _torch()
    p = Path(path)
    if not p.is_file():
        raise UsageError("no such file", argument="MODEL", path=path)
    try:
        if is_export_archive(path):  # by what the file holds: a .pt2 saved as model.pt too
            return torch.export.load(str(p)).module()
        with quiet(r"torch\b", DeprecationWarning):  # TorchScript: deprecated in 2.13, read
            return torch.jit.load(str(p), map_location="cpu")
    except Exception as exc:
        held = pickled_torch_note(path)
        if held is not None:  # torch.save's pickle: never loaded (it runs the file's code)
            raise UsageError(
                f"not a TorchScript or torch.export file: it holds {held}; assay "
                "never unpickles a torch file (--allow-pickle does not apply to it); save "
                "the network with torch.jit.script(model).save('model.pt') or "
                "torch.export.save(torch.export.export(model, (example_batch,)), "
                "'model.pt2'), or pass the module itself to assay.check_backdoor in Python",
                argument="MODEL",
                path=path,
            ) from None
        raise UsageError(
            f"not a TorchScript or torch.export file ({type(exc).__name__}: "
            f"{str(exc).splitlines()[0] if str(exc) else ''}); save the model with "
            "torch.jit.script(model).save(...) or torch.export.save(...)",
            argument="MODEL",
            path=path,
        ) from None


def from_torch(
    obj: Any,
    *,
    modality: Modality = "image",
    n_classes: int | None = None,
    probe: ModelInputs | None = None,
) -> TorchModel:
    if modality == "text":  # (its probe failed casting sentences to floats: exit 3, unclear)
        raise UsageError(
            "a torch module takes tensors, not sentences, and assay does not tokenize them "
            "for it: give a function that turns the sentences into the module's inputs and "
            "answers its class scores (e.g. def classify(sentences): return "
            "net(tokenize(sentences)).softmax(-1).detach().numpy(), with classify.classes_ "
            "= ['neg', 'pos'] naming its classes in order)",
            argument="MODEL",
        )
    return TorchModel(obj, modality=modality, n_classes=n_classes, probe=probe)
