"""Builds, removes and tells of the text search's optional compiled build (``compiled``).

python -m assay.text.build build|status|clean
"""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
import tempfile
from collections.abc import Sequence
from pathlib import Path

from assay.text.compiled import (
    HERE,
    MODULES,
    STAMP,
    digest,
    extensions,
    python_tag,
    why_not,
)


def _version() -> str:
    return f"{sys.version_info.major}.{sys.version_info.minor}"


def clean(folder: Path = HERE) -> list[Path]:
    """Remove the compiled modules, their shared library and the stamp; the paths removed."""
    gone = list(extensions(folder).values())
    try:
        shared = json.loads((folder / STAMP).read_text(encoding="utf-8")).get("shared", [])
    except (OSError, ValueError, AttributeError):
        shared = []
    gone += [folder.parents[1] / str(name) for name in shared]
    gone.append(folder / STAMP)
    removed = [p for p in gone if p.exists()]
    for p in removed:
        p.unlink()
    return removed


def build(folder: Path = HERE) -> list[Path]:
    """Compile ``MODULES`` with mypyc (in a scratch copy of the package, so the source tree
    gets no build files) and put the extension modules beside their sources, the group's
    shared library beside the package, and the stamp.  Raises ``RuntimeError`` saying why
    when mypyc or a compiler is missing or the compilation fails."""
    mypyc = Path(sys.executable).parent / "mypyc"
    found = str(mypyc) if mypyc.exists() else shutil.which("mypyc")
    if found is None:
        raise RuntimeError("mypyc not found: install mypy (pip install mypy) in this environment")
    package = folder.parent  # src/assay
    clean(folder)
    with tempfile.TemporaryDirectory(prefix="assay-mypyc-") as tmp:
        work = Path(tmp)
        shutil.copytree(
            package,
            work / package.name,
            ignore=shutil.ignore_patterns("__pycache__", "*.so", "*.pyd", STAMP),
        )
        (work / "mypy.ini").write_text("[mypy]\n", encoding="utf-8")
        rel = folder.relative_to(package.parent)
        command = [found, "--config-file", "mypy.ini", "--strict", "--no-warn-unused-ignores"]
        command += ["--ignore-missing-imports", "--python-version", _version()]
        command += [str(rel / f"{name}.py") for name in MODULES]
        done = subprocess.run(command, cwd=work, capture_output=True, text=True)
        if done.returncode != 0:
            said = (done.stdout + done.stderr).strip().splitlines()[-20:]
            raise RuntimeError("mypyc failed:\n" + "\n".join(said))
        made = extensions(work / rel)
        if set(made) != set(MODULES):
            raise RuntimeError(f"mypyc built {sorted(made)}, not {list(MODULES)}")
        shared = [p for p in work.iterdir() if p.name.endswith(".so") or p.suffix == ".pyd"]
        put = []
        for path in made.values():
            put.append(Path(shutil.copy2(path, folder / path.name)))
        for path in shared:
            put.append(Path(shutil.copy2(path, package.parent / path.name)))
    stamp = {
        "python": python_tag(),
        "sources": {name: digest(folder / f"{name}.py") for name in MODULES},
        "shared": [p.name for p in shared],
    }
    (folder / STAMP).write_text(json.dumps(stamp, indent=1) + "\n", encoding="utf-8")
    return put


def main(argv: Sequence[str] | None = None) -> int:
    args = list(sys.argv[1:] if argv is None else argv)
    what = args[0] if len(args) == 1 else ""
    if what == "build":
        try:
            put = build()
        except RuntimeError as exc:
            print(f"assay: the compiled build failed: {exc}", file=sys.stderr)
            return 1
        print(f"compiled {len(MODULES)} modules of assay.text ({len(put)} files)")
        return 0
    if what == "clean":
        removed = clean()
        print(f"removed {len(removed)} files of the compiled build")
        return 0
    if what == "status":
        reason = why_not()
        if not extensions():
            print("pure Python: no compiled build")
        elif reason is None:
            print(f"compiled: {', '.join(MODULES)}")
        else:
            print(f"pure Python: the compiled build is not used ({reason})")
        return 0
    print("usage: python -m assay.text.build build|status|clean", file=sys.stderr)
    return 2


if __name__ == "__main__":
    raise SystemExit(main())
