"""ONNX text graphs whose ``StringNormalizer`` needs a locale this machine lacks.

skl2onnx writes a ``StringNormalizer`` for a text vectorizer with ``lowercase=True``; without
a ``locale`` attribute onnxruntime constructs ``en_US.UTF-8`` on Linux, and a machine without
that locale installed (a slim container) cannot load the graph at all.  Changing case is the
same in glibc's ``C.UTF-8`` (Unicode case mappings, glibc 2.35 and later) as in ``en_US``, so
the graph is loaded with ``C.UTF-8`` in its place, and said so; when that fails too, the
error says how to install the locale or convert the pipeline with another.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from assay.errors import UsageError

__all__ = ["FALLBACK_LOCALES", "is_locale_error", "with_available_locale"]

FALLBACK_LOCALES = ("C.UTF-8",)
_DEFAULT = "en_US.UTF-8"  # onnxruntime's on Linux when the node names none


def is_locale_error(exc: Exception) -> bool:
    return "construct locale" in str(exc)


def _wanted(graph: Any) -> list[str]:
    """The locales the graph's StringNormalizer nodes ask for."""
    out = []
    for node in graph.node:
        if node.op_type == "StringNormalizer":
            given = [a.s.decode("utf-8") for a in node.attribute if a.name == "locale"]
            out.append(given[0] if given else _DEFAULT)
    return out


def with_available_locale(path: Path, make_session: Any, exc: Exception) -> tuple[Any, str]:
    """A session of the graph at ``path`` with its StringNormalizer nodes set to a locale
    this machine has (``FALLBACK_LOCALES``), and a note saying which; a ``UsageError`` with
    the ways round it when none loads."""
    try:
        import onnx
        from onnx import helper
    except ImportError:  # pragma: no cover - onnx comes with the [onnx] extra
        raise _refused(path, [_DEFAULT], exc) from exc
    model = onnx.load(str(path))
    wanted = _wanted(model.graph)
    for name in FALLBACK_LOCALES:
        for node in model.graph.node:
            if node.op_type == "StringNormalizer":
                kept = [a for a in node.attribute if a.name != "locale"]
                del node.attribute[:]
                node.attribute.extend([*kept, helper.make_attribute("locale", name)])
        try:
            session = make_session(model.SerializeToString())
        except Exception as again:
            if is_locale_error(again):
                continue
            raise
        asked = ", ".join(sorted(set(wanted))) or _DEFAULT
        note = (
            f"the graph's StringNormalizer asks for the locale {asked}, which this machine "
            f"does not have: it was loaded with {name} (the same case changes)"
        )
        return session, note
    raise _refused(path, wanted, exc) from exc


def _refused(path: Path, wanted: list[str], exc: Exception) -> UsageError:
    asked = ", ".join(sorted(set(wanted))) or _DEFAULT
    tried = ", ".join(FALLBACK_LOCALES)
    return UsageError(
        f"onnxruntime cannot load the file: its StringNormalizer (a text vectorizer with "
        f"lowercase=True, as skl2onnx converts it) needs the locale {asked}, which this "
        f"machine does not have ({tried} did not load either). Install it (Debian/Ubuntu: "
        "apt-get install locales && localedef -i en_US -f UTF-8 en_US.UTF-8), or convert "
        "the pipeline with a locale the machine has (skl2onnx: options={TfidfVectorizer: "
        "{'locale': 'C.UTF-8'}}; see `locale -a`). onnxruntime said: "
        f"{' '.join(str(exc).split())[:300]}",
        argument="MODEL",
        path=str(path),
    )
