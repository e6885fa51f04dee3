"""The import arrows of DESIGN.md: cli -> report/execution -> techniques -> core."""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

SRC = Path(__file__).resolve().parents[2] / "src" / "assay"

TECHNIQUES = ("fairness", "text", "backdoor")
# a technique imports core (and itself) only; never another technique
TECHNIQUE = (
    "assay.cli",
    "assay.report",
    "assay.execution",
    "assay.models",
    "assay.datasets",
    "assay.builtin_models",
    "assay.api",
)
# ...except its shell, ``<technique>/api.py``, which builds what the technique needs
SHELL = ("assay.cli", "assay.report", "assay.api")

# package -> packages it must never import
FORBIDDEN = {
    "core": (
        *(f"assay.{t}" for t in TECHNIQUES),
        "assay.models",
        "assay.report",
        "assay.cli",
        "assay.datasets",
        "assay.api",
        "assay.execution",
    ),
    "fairness": TECHNIQUE,
    "text": TECHNIQUE,
    "backdoor": TECHNIQUE,
    "report": ("assay.cli", "assay.api", *(f"assay.{t}" for t in TECHNIQUES)),
    "execution": (
        "assay.cli",
        "assay.report",
        *(f"assay.{t}" for t in TECHNIQUES),
        "assay.models",
        "assay.datasets",
        "assay.api",
    ),
    "models": ("assay.cli", "assay.report", *(f"assay.{t}" for t in TECHNIQUES)),
    # built-in data sets carry their schemas, so they sit above the techniques they feed
    "datasets": ("assay.cli", "assay.report", "assay.models", "assay.api"),
}


def _imports(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    names: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.update(a.name for a in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module:
            names.add(node.module)
    return names


def test_packages_import_only_downwards() -> None:
    bad = []
    for package, forbidden in FORBIDDEN.items():
        for path in (SRC / package).rglob("*.py"):
            rules = forbidden
            if package in TECHNIQUES and path.relative_to(SRC / package).parts == ("api.py",):
                rules = SHELL
            if package in TECHNIQUES:
                others = tuple(f"assay.{t}" for t in TECHNIQUES if t != package)
                rules = (*rules, *others)
            for name in _imports(path):
                if name.startswith(rules):
                    bad.append(f"{path.relative_to(SRC)} imports {name}")
    assert not bad, "\n".join(bad)


def test_core_imports_nothing_heavy() -> None:
    code = (
        "import sys\n"
        "import assay, assay.core.run, assay.core.store, assay.core.budget\n"
        "heavy = [m for m in ('sklearn', 'pandas', 'onnxruntime', 'skops', 'torch', 'dask',"
        " 'typer', 'rich') if m in sys.modules]\n"
        "print(','.join(heavy))\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == ""
