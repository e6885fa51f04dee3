"""Lines added to a stopped run's label map as it resumes (``assay resume RUN --label-map
FILE``, ``resume_run(..., label_map=...)``): a wording of an LLM that neither loading's probe
nor the run's map had seen stops the run (exit 3), and the run goes on once its map names it.
A resume only adds: a label the stored map already maps elsewhere is refused by name (the
run's findings so far were judged by the stored mapping), and so is a new common label (it
would change the labels every finding was compared on); the merged map is stored with the
run, so that a later resume and ``assay verify`` judge through it."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from assay.errors import UsageError

__all__ = ["merged_label_map"]


def merged_label_map(
    kept: Mapping[int, Mapping[str, str]] | None,
    added: Mapping[int, Mapping[str, str]],
    names: Sequence[str],
    common: Sequence[str],
    *,
    where: str,
    argument: str,
) -> dict[int, dict[str, str]]:
    """``kept`` (the run's map) with ``added``'s lines (``where``: the file or argument they
    came from); a changed mapping or a new common label is refused naming the classifier,
    the label and both mappings."""
    out = {int(k): dict(v) for k, v in (kept or {}).items()}
    known = set(common) | {""}
    for k, pairs in added.items():
        mine = out.setdefault(int(k), {})
        for label, to in pairs.items():
            was = mine.get(label)
            if was is not None and was != to:
                raise UsageError(
                    f"{where} maps classifier {names[int(k)]}'s label {label!r} to {to!r}, "
                    f"but the run's label map maps it to {was!r}: a resumed run's map can only "
                    "add labels (its findings so far were judged by the stored mapping); "
                    "leave that line out, or start a new run with the changed map",
                    argument=argument,
                )
            if to not in known:
                raise UsageError(
                    f"{where} maps classifier {names[int(k)]}'s label {label!r} to {to!r}, "
                    f"which is none of the run's common labels ({', '.join(map(repr, common))}): "
                    "a resumed run's map can only add labels for those (a new one would change "
                    "what every finding was compared on); start a new run for it",
                    argument=argument,
                )
            mine[label] = to
    return {k: v for k, v in out.items() if v}
