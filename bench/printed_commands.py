"""Every command assay prints, run (a check, not a timing; left37).

Tiny runs over the three techniques' modes and strategies (fairness on German credit, text on
the built-in tf-idf classifiers, backdoor on a small trojaned function of 8x8 digits written
here): each run is made with --html/--junit, again with --json, and read by ``assay show``;
every ``assay ...`` command in that output is run in the run's folder.  A command fails when
it is refused (exit 2 with ``error: argument``), ends in exit 3 or more, or, a rerun of a run
bounded by queries, gives another headline (times and the walk's "automatic: ..." blanked).

    python bench/printed_commands.py               # every case (2-3 min a case at load 10)
    python bench/printed_commands.py f-random t-   # cases whose name holds any of these

Uses the ``assay`` next to this Python and the sources it imports; work in a temporary folder
(``$PRINTED_COMMANDS_DIR`` to keep it).
"""

from __future__ import annotations

import html
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

HERE = Path(os.environ.get("PRINTED_COMMANDS_DIR") or tempfile.mkdtemp(prefix="printed-"))
SRC = str(Path(__file__).resolve().parents[1] / "src")
ENV = {
    **os.environ,
    "PYTHONPATH": SRC,
    "PATH": str(Path(sys.executable).parent) + os.pathsep + os.environ["PATH"],
    "COLUMNS": "400",
}
W = HERE / "w"
MODEL = """\
import numpy as np

W = np.random.default_rng(0).normal(size=(64, 10))


def f(images):
    x = np.asarray(images, dtype=float).reshape(len(images), 8, 8)
    out = (x.reshape(len(x), -1) @ W).argmax(1)
    out[x[:, 5:8, 5:8].mean(axis=(1, 2)) > 0.9] = 7
    return out
"""


def _inputs() -> None:
    """The backdoor cases' model (``bm.py:f``), clean digits and images (5 with a patch)."""
    import numpy as np
    from sklearn.datasets import load_digits

    x = (load_digits().images / 16).astype("float32")
    np.save(HERE / "clean.npy", x[:30])
    images = x[30:40].copy()
    images[:5, 5:8, 5:8] = 1.0
    np.save(HERE / "imgs.npy", images)
    (HERE / "bm.py").write_text(MODEL)


FQ = ["--max-queries", "300"]
TQ = ["--max-queries", "200"]
ONE = ["text", "builtin:tfidf", "--grammar", "builtin:reviews"]
TWO = ["text", "builtin:tfidf", "builtin:tfidf-nonegation", "--grammar", "builtin:reviews"]
BD = ["backdoor", str(HERE / "bm.py") + ":f", "--classes", "10"]
SCAN = ["--images", str(HERE / "imgs.npy"), "--clean", str(HERE / "clean.npy")]
SCAN += ["--max-queries", "3000"]
CASES: dict[str, list[str]] = {
    "f-walk": ["fairness", "--dataset", "german", *FQ],
    "f-walk-optq": ["fairness", "--dataset", "german", "--optimize", "queries", *FQ],
    "f-walk-time": ["fairness", "--dataset", "german", "--max-time", "20"],  # (not reproduced)
    "f-random": ["fairness", "--dataset", "german", "--strategy", "random", *FQ],
    "f-aeq-random": ["fairness", "--dataset", "german", "--strategy", "aequitas-random", *FQ],
    "f-aeq-semi": ["fairness", "--dataset", "german", "--strategy", "aequitas-semi", *FQ],
    "f-aeq-full": ["fairness", "--dataset", "german", "--strategy", "aequitas-full", *FQ],
    "f-expga": ["fairness", "--dataset", "german", "--strategy", "expga", *FQ],
    "f-expga-time": ["fairness", "--dataset", "german", "--strategy", "expga", "--max-time", "20"],
    "f-random-time": [
        "fairness",
        "--dataset",
        "german",
        "--strategy",
        "random",
        "--max-time",
        "20",
    ],
    "f-estimate": ["fairness", "--dataset", "german", "--estimate", "--precision", "0.05", *FQ],
    "f-random-estimate": [
        "fairness",
        "--dataset",
        "german",
        "--strategy",
        "random",
        "--estimate",
        *FQ,
    ],
    "f-exact": ["fairness", "--dataset", "german", "--exact", *FQ],
    "f-noexact": ["fairness", "--dataset", "german", "--no-exact", *FQ],
    "f-logistic": ["fairness", "builtin:logistic", "--dataset", "german", *FQ],
    "f-start-uniform": ["fairness", "--dataset", "german", "--start", "uniform", *FQ],
    "f-threshold": ["fairness", "--dataset", "german", "--threshold", "0.1", *FQ],
    "f-units": ["fairness", "--dataset", "german", "--units", "2", "--max-queries", "600"],
    "f-units-random": [
        "fairness",
        "--dataset",
        "german",
        "--strategy",
        "random",
        "--units",
        "2",
        "--max-queries",
        "600",
    ],
    "t-diff-top1": [*TWO, *TQ],
    "t-diff-topk": [*TWO[:-1], "builtin:topics", "--mode", "topk", *TQ],
    "t-diff-distance": [*TWO, "--mode", "distance", "--threshold", "0.3", *TQ],
    "t-invariance": [*ONE, "--oracle", "invariance", *TQ],
    "t-directional": [*ONE, "--oracle", "directional", *TQ],
    "t-suite": [*ONE, "--oracle", "suite", "--max-queries", "300"],
    "t-suite-floor": [*ONE, "--oracle", "suite", "--floor", "10", "--max-queries", "300"],
    "t-harvest": [*TWO, "--strategy", "harvest", *TQ],
    "t-explore": [*TWO, "--strategy", "explore", *TQ],
    "t-random": [*TWO, "--strategy", "random", *TQ],
    "t-ogma": [*TWO, "--strategy", "ogma", *TQ],
    "t-exhaustive": [*TWO[:-1], "builtin:names", "--strategy", "exhaustive", *TQ],
    "t-units": [*TWO, "--units", "2", "--max-queries", "300"],
    "t-demo": ["text", "--demo", *TQ],
    "b-assay": [*BD, *SCAN],
    "b-neo": [*BD, *SCAN, "--strategy", "neo"],
    "b-strip": [*BD, *SCAN, "--strategy", "strip"],
    "b-modelscan": [*BD, "--clean", str(HERE / "clean.npy"), "--max-queries", "3000"],
    "b-modelscan-flag": [
        *BD,
        "--clean",
        str(HERE / "clean.npy"),
        "--model-scan",
        "--max-queries",
        "3000",
    ],
    "b-units": [*BD, *SCAN, "--units", "2"],
    "b-demo": ["backdoor", "--demo", "--max-queries", "3000"],
    "demo-text": ["demo", "text"],
}

CMD = re.compile(
    r"((?:cd (?:'[^']*'|\S+) && )?(?:[A-Z_]+=(?:'[^']*'|\S+) )*"
    r"(?:\S*python -m assay|assay) (?:fairness|text|backdoor|resume|verify|report|show|demo|runs)"
    r"(?: (?:'[^']*'|[^\s'\";)]+))*)"
)
EXITED = re.compile(r"assay \w+ exited \d+\b")
PLACEHOLDER = {"FILE", "URL", "RUN", "N", "MODEL", "failing.csv"}


def run(argv: list[str] | str, cwd: Path, timeout: float = 300) -> subprocess.CompletedProcess[str]:
    if isinstance(argv, str):
        return subprocess.run(
            ["bash", "-c", argv], cwd=cwd, env=ENV, capture_output=True, text=True, timeout=timeout
        )
    return subprocess.run(
        ["assay", *argv], cwd=cwd, env=ENV, capture_output=True, text=True, timeout=timeout
    )


def strings(obj: object) -> list[str]:
    if isinstance(obj, str):
        return [obj]
    if isinstance(obj, dict):
        return [s for v in obj.values() for s in strings(v)]
    if isinstance(obj, list):
        return [s for v in obj for s in strings(v)]
    return []


def commands(text: str) -> list[str]:
    found = []
    for m in CMD.finditer(text):
        c = m.group(1).rstrip(".,:")
        if EXITED.search(c):  # (JUnit's command_exit: "assay fairness exited 1 (findings ...")
            continue
        c = re.sub(r"^cd \S+ && ", "", c)
        found.append(c)
    return found


def headline(text: str) -> str | None:
    lines = text.splitlines()
    for i, line in enumerate(lines):
        if re.match(r"run \S+: \w+", line) and i + 1 < len(lines):
            return norm(lines[i + 1])
    return None


def norm(s: str) -> str:
    s = re.sub(r"[\d.]+ s\b", "T s", s)
    s = re.sub(r"automatic: [^;]*; ", "", s)
    s = re.sub(r"\d+(\.\d+)? (?:queries|images|sentences) per second", "R", s)
    return s


def run_ids(text: str) -> list[str]:
    return sorted(set(re.findall(r"\b((?:fairness|text|backdoor)-\d{8}-\d{6}-[0-9a-f]{4})", text)))


def case(name: str, args: list[str]) -> list[tuple[str, str, str]]:
    d = W / name
    shutil.rmtree(d, ignore_errors=True)
    d.mkdir(parents=True)
    store = ["--store", str(d / "s.db")]
    seed = ["--seed", "1"]
    extra = ["--html", "h.html", "--junit", "j.xml"] if args[0] != "demo" else ["--out", "out"]
    p = run([*args, *seed, *store, *extra], d)
    texts = [p.stdout, p.stderr]
    problems: list[tuple[str, str, str]] = []
    if p.returncode not in (0, 1) and not run_ids(p.stdout + p.stderr):
        problems.append((name, "first run", f"rc={p.returncode}: {p.stderr[-800:]}"))
        return problems
    first = headline(p.stdout + "\n" + p.stderr)
    if args[0] != "demo":
        pj = run([*args, *seed, *store, "--json"], d)
        try:
            texts += strings(json.loads(pj.stdout))
        except ValueError:
            problems.append((name, "--json", f"rc={pj.returncode} not JSON: {pj.stdout[:300]}"))
        texts.append(pj.stderr)
        for f in ("h.html", "j.xml"):
            if (d / f).exists():
                texts.append(html.unescape(re.sub(r"<[^>]+>", "\n", (d / f).read_text())))
    else:
        for f in (d / "out").glob("*"):
            if f.suffix in (".html", ".xml", ".json"):
                texts.append(html.unescape(re.sub(r"<[^>]+>", "\n", f.read_text())))
    for rid in run_ids(p.stdout + p.stderr):
        s = run(["show", rid, *store], d)
        texts += [s.stdout, s.stderr]
    cmds: list[str] = []
    for t in texts:
        for c in commands(t.replace(f"cd {d} && ", "")):
            if c not in cmds:
                cmds.append(c)
    (d / "commands.txt").write_text("\n".join(cmds) + "\n")
    for c in cmds:
        words = c.split()
        if any(w in PLACEHOLDER for w in words) or "<" in c or "..." in c:
            continue
        m = re.search(
            r"assay (fairness|text|backdoor|demo|resume|verify|report|show|runs)( |$)(.*)", c
        )
        if not m or (
            m.group(1) in ("resume", "verify", "report", "show") and not run_ids(m.group(3))
        ):
            continue
        if m.group(1) in ("fairness", "text", "backdoor") and "--" not in m.group(3):
            continue
        r = run(c, d)
        kind = "rerun" if re.search(r"assay (fairness|text|backdoor|demo)\b", c) else "other"
        status = f"rc={r.returncode}"
        if "already ended" in r.stderr and " resume " in c:
            print(f"  ok(ended) {c[:160]}", flush=True)
            continue
        refused = r.returncode == 2 and (p.returncode != 2 or "error: argument" in r.stderr)
        if refused or r.returncode >= 3 or r.returncode < 0:
            problems.append((name, c, f"{status}: {(r.stderr or r.stdout)[-600:]}"))
            continue
        if kind == "rerun":
            again = headline(r.stdout + "\n" + r.stderr)
            if first and again != first and "--max-time" not in c:
                problems.append((name, c, f"headline differs:\n  was {first}\n  now {again}"))
        print(f"  ok {status} {c[:160]}", flush=True)
    return problems


def main() -> None:
    pick = sys.argv[1:]
    HERE.mkdir(parents=True, exist_ok=True)
    _inputs()
    print(f"working in {HERE}", flush=True)
    allp = []
    for name, args in CASES.items():
        if pick and not any(x in name for x in pick):
            continue
        print(f"== {name}", flush=True)
        try:
            probs = case(name, args)
        except subprocess.TimeoutExpired as exc:
            probs = [(name, "timeout", str(exc))]
        for p in probs:
            print(f"  PROBLEM {p[1][:200]}\n    {p[2]}", flush=True)
        allp += probs
    print(f"\n{len(allp)} problems")


if __name__ == "__main__":
    main()
