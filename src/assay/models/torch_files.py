"""What a torch file holds when it is no TorchScript or ``torch.export`` file, read without
unpickling it: ``torch.save(model)`` (a pickled module: loading it runs code from the file) or
``torch.save(model.state_dict())`` (weights without the network that uses them).

The pickle's opcodes are listed (``pickletools.genops`` executes nothing) for the classes it
would import; a state dict imports only containers and torch's tensor rebuilders.
"""

from __future__ import annotations

import pickletools
import zipfile
from pathlib import Path

__all__ = ["is_export_archive", "pickled_torch_note"]

_WEIGHTS_ONLY = ("collections", "torch._utils", "builtins", "__builtin__")
_PICKLE_PROTOCOL = 0x80


def _imports(data: bytes) -> list[str]:
    """The ``module.name`` of every class or function the pickle would import."""
    found: list[str] = []
    recent: list[str] = []
    try:
        for op, arg, _ in pickletools.genops(data):
            if op.name in ("SHORT_BINUNICODE", "BINUNICODE", "UNICODE", "BINUNICODE8"):
                recent = [*recent[-1:], str(arg)]
            elif op.name == "GLOBAL" or op.name == "INST":
                found.append(str(arg).replace(" ", "."))
            elif op.name == "STACK_GLOBAL" and len(recent) == 2:
                found.append(".".join(recent))
    except Exception:  # a truncated or odd pickle: what was read so far
        pass
    return found


def _kind(imports: list[str]) -> str:
    classes = sorted(
        {
            name
            for name in imports
            if not name.startswith(_WEIGHTS_ONLY)
            and not (name.startswith("torch.") and name.endswith("Storage"))
        }
    )
    if not classes:
        return (
            "weights only (a state dict saved by torch.save(model.state_dict())), without "
            "the network that uses them"
        )
    own = [c for c in classes if not c.startswith("torch.")]
    shown = ", ".join((own or classes)[:3])
    return f"a whole pickled model (torch.save(model); it imports {shown})"


def is_export_archive(path: str) -> bool:
    """Whether the file is a torch.export archive (``torch.export.save``), whatever its name."""
    try:
        if not zipfile.is_zipfile(path):
            return False
        with zipfile.ZipFile(path) as archive:
            return any(
                n.endswith("/archive_format") or n == "archive_format" for n in archive.namelist()
            )
    except (OSError, zipfile.BadZipFile):
        return False


def pickled_torch_note(path: str) -> str | None:
    """What the file holds when torch.save wrote it (None: not a torch.save file)."""
    p = Path(path)
    try:
        if zipfile.is_zipfile(p):
            with zipfile.ZipFile(p) as archive:
                names = archive.namelist()
                if any("/code/" in n for n in names) or any(
                    n.endswith("constants.pkl") for n in names
                ):
                    return None  # TorchScript: torch.jit.load's own error says what is wrong
                pickles = [n for n in names if n.endswith("/data.pkl") or n == "data.pkl"]
                if not pickles:
                    return None
                imports = _imports(archive.read(pickles[0]))
        else:
            with p.open("rb") as fh:
                head = fh.read(1 << 20)
            if not head or head[0] != _PICKLE_PROTOCOL:
                return None
            return "a pickle (torch.save's legacy format, or pickle.dump)"
    except (OSError, zipfile.BadZipFile):
        return None
    return _kind(imports)
