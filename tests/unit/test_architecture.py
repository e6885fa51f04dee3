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
# the modules of each technique's shell: ``api.py`` and the jobs it is split into
SHELLS = {
    "fairness": ("api", "check", "finish", "loading", "phases", "resume", "warmup"),
    "text": ("api", "finish", "loading", "phases", "prepare"),
    "backdoor": ("api", "finish", "first_answer", "phases", "prepare", "resume"),
}

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
            # ``from assay.fairness import api`` imports the module ``assay.fairness.api``
            names.update(f"{node.module}.{a.name}" for a in node.names)
    return names


def _is_shell(technique: str, path: Path) -> bool:
    parts = path.relative_to(SRC / technique).parts
    return len(parts) == 1 and parts[0].removesuffix(".py") in SHELLS[technique]


def test_packages_import_only_downwards() -> None:
    bad = []
    for package, forbidden in FORBIDDEN.items():
        for path in (SRC / package).rglob("*.py"):
            rules = forbidden
            if package in TECHNIQUES and _is_shell(package, path):
                rules = SHELL
            if package in TECHNIQUES:
                others = tuple(f"assay.{t}" for t in TECHNIQUES if t != package)
                rules = (*rules, *others)
            for name in _imports(path):
                if name.startswith(rules):
                    bad.append(f"{path.relative_to(SRC)} imports {name}")
    assert not bad, "\n".join(bad)


def test_techniques_never_import_their_shell() -> None:
    """What is not a technique's shell imports ``core`` only, even by way of the shell
    (``FairnessSetup`` lives in ``fairness/setup.py``, not with the loading that builds it)."""
    bad = []
    for technique in TECHNIQUES:
        shell = tuple(f"assay.{technique}.{name}" for name in SHELLS[technique])
        for path in (SRC / technique).rglob("*.py"):
            if _is_shell(technique, path):
                continue
            for name in _imports(path):
                if name in shell or name.startswith(tuple(f"{m}." for m in shell)):
                    bad.append(f"{path.relative_to(SRC)} imports {name}")
    assert not bad, "\n".join(bad)


def test_shell_modules_exist() -> None:
    for technique, names in SHELLS.items():
        for name in names:
            assert (SRC / technique / f"{name}.py").is_file(), f"{technique}/{name}.py"


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
