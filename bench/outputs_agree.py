"""Every output of one run, read side by side (a check, not a timing; report46).

A compliance reviewer reads the terminal (a TTY through ``script -qc``, and the same command
piped to a log), ``--json``, the HTML report, the JUnit file, the JSON report, ``assay show``,
``assay report`` run later and ``assay runs --json``, and the exit code.  For each case of the
matrix below this script makes the run three ways (TTY, piped with --html/--junit/--report,
--json), reads the stored runs back, and extracts the facts every output should agree on:
the exit code, the verdict, the count of findings, the seed, the rerun command and the
headline; every ``note``/``warning`` line the terminal says must be in the JSON report and the
HTML.  Every printed ``assay ...`` command of the piped log is then run as printed.
report46b added: ``assay demo`` (fairness, text, backdoor: its files, ``show``, ``runs``, a
report later, its exit code and last line), ``assay verify`` of a stored run of each
technique (its exit code, its "N of M still fail", ``--json``), a served fairness model (an
HTTP service in this process) and ``--executor dask`` (a local cluster of 2 workers, 2
units) for one case per technique.
report48 added left48b's and left48f's paths (the window checks' flags and their replay, an
undecided source-class check, a budget-skipped opinion and its advice followed, STRIP's named
clean images; several numbers refused at loading, torch modules as logits and at --cutoff,
labels beside --cutoff), and checks that JUnit names the check that flagged, keeps every
warning and says a refusal's exit code, and that the HTML's "images flagged" figures count
every finding.

    python bench/outputs_agree.py                # every case
    python bench/outputs_agree.py f-found t-     # cases whose name holds any of these

Prints one row per case and output, and each disagreement; exit 1 when any.  Uses the sources
next to it; works in a temporary folder (``$OUTPUTS_AGREE_DIR`` to keep it).
"""

from __future__ import annotations

import html
import json
import os
import re
import shlex
import signal
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))
import printed_commands  # the trojaned 8x8 model ``f`` and its images
from printed_commands import MODEL

HERE = Path(os.environ.get("OUTPUTS_AGREE_DIR") or tempfile.mkdtemp(prefix="agree-"))
SRC = str(Path(__file__).resolve().parents[1] / "src")
FIXTURES = Path(__file__).resolve().parents[1] / "tests" / "fixtures"
PY = sys.executable
ENV = {**os.environ, "PYTHONPATH": SRC, "COLUMNS": "400", "NO_COLOR": "1"}
ENV["PATH"] = str(Path(PY).parent) + os.pathsep + os.environ["PATH"]
ASSAY = [PY, "-m", "assay"]

BLIND = """\
import numpy as np


def f(rows):
    # reads income alone: blind to sex
    return (np.asarray(rows["income"], dtype=float) > 50).astype(int)


def card(rows):
    # a scorecard (300-850 points) taking 40 points off sex f: decided at --cutoff 600
    sex = np.asarray(rows["sex"]) == "f"
    return 300 + 5 * np.asarray(rows["income"], dtype=float) - 40 * sex


def rate_term(rows):
    # a loan's rate in % and its term in years (a multi-output regressor): no logits
    income = np.asarray(rows["income"], dtype=float)
    rate = 4 + 8 * (income < 40) + 1.5 * (np.asarray(rows["sex"]) == "f")
    return np.stack([rate, np.asarray(rows["age"], dtype=float) / 2.5], axis=1)
"""
# left48f: torch modules on numbers (sex 1 = f): logits (read so, warned), a card limit in
# euros (one number: a score, decided at --cutoff; refused without it)
TMODS = """\
import torch


class Logits(torch.nn.Module):
    def forward(self, x):
        income, age, sex = x.unbind(1)
        z = income / 30 - 1.8 - 0.9 * sex
        return torch.stack([-z / 2, z / 2], 1)


class Limit(torch.nn.Module):
    def forward(self, x):
        income, age, sex = x.unbind(1)
        return (100 * income + 20 * age - 400 * sex).unsqueeze(1)


logits = Logits()
limit = Limit()
"""
# left48b: a source-specific trojan (a checker sends 3s to 7) whose window checks find it,
# and a 3 whose window is flat reads as a 7 (so the class's own look sends 3s there too)
WINDOWS = """\
import numpy as np

CHECKER = (np.indices((3, 3)).sum(axis=0) % 2 == 0).astype(float)


def trojan(x):
    x = np.asarray(x, dtype=float).reshape(len(x), 8, 8)
    own = x[:, 0, :8].argmax(axis=1)
    fired = np.abs(x[:, 4:7, 4:7] - CHECKER).max(axis=(1, 2)) < 0.05
    out = np.zeros((len(x), 8))
    out[np.arange(len(x)), np.where((own == 3) & fired, 7, own)] = 1.0
    return out
"""
# bd30 / left48b: 5 poisoned digits among 205 clean ones set STRIP's threshold (its caveat
# names them)
STRIP30 = """\
from assay.backdoor.demo import trojaned_digits

model = trojaned_digits(seed=2, size=3, position=(5, 5), target=7).model
"""
NOISY = """\
import numpy as np

_rng = np.random.default_rng()


def noisy(texts):
    p = np.array([0.9 if "good" in t else 0.1 for t in texts])
    flip = _rng.random(len(p)) < 0.3
    p[flip] = 1 - p[flip]
    return np.stack([1 - p, p], axis=1)
"""
REFUSES = """\
def refuses(texts):
    return ["I can't help with that."] * len(texts)
"""
BD_MODEL = (
    MODEL
    + """

def clean(images):
    x = np.asarray(images, dtype=float).reshape(len(images), 8, 8)
    return (x.reshape(len(x), -1) @ W).argmax(1)
"""
)


def _inputs() -> None:
    import numpy as np

    printed_commands.HERE = HERE  # its digits: clean.npy, imgs.npy (5 with the patch)
    printed_commands._inputs()
    (HERE / "bm.py").write_text(BD_MODEL)
    (HERE / "blind.py").write_text(BLIND)
    (HERE / "noisy.py").write_text(NOISY)
    (HERE / "refuses.py").write_text(REFUSES)
    (HERE / "tmods.py").write_text(TMODS)
    (HERE / "windows.py").write_text(WINDOWS)
    (HERE / "strip30.py").write_text(STRIP30)
    _window_images(np.random.default_rng(0))
    _strip30_images()
    _bd41_inputs()
    _carry_inputs()
    (HERE / "labels.txt").write_text("classify negative -> 0\nclassify positive -> 1\n")
    rng = np.random.default_rng(0)
    lines = ["income,age,sex"] + [
        f"{rng.integers(10, 100)},{rng.integers(18, 80)},{rng.choice(['f', 'm'])}"
        for _ in range(200)
    ]
    (HERE / "people.csv").write_text("\n".join(lines) + "\n")
    num = ["income,age,sex"] + [
        f"{a},{b},{int(c == 'f')}" for a, b, c in (ln.split(",") for ln in lines[1:])
    ]
    (HERE / "people_num.csv").write_text("\n".join(num) + "\n")
    lab = ["income,age,sex,repaid"] + [
        f"{ln},{'yes' if int(ln.split(',')[0]) > 50 else 'no'}" for ln in lines[1:]
    ]
    (HERE / "people_lab.csv").write_text("\n".join(lab) + "\n")
    one = ["income,age,sex"] + [f"{20 + i},{30 + i % 40},f" for i in range(50)]
    (HERE / "one_sex.csv").write_text("\n".join(one) + "\n")
    # mojibake: UTF-8 read as Latin-1, words no lexicon knows
    garbled = ["s -> w w w [1] | w w [1]", 'w -> "Ã©tÃ©" | "trÃ¨s" | "â€œbienâ€" | "Ã¼ber"']
    (HERE / "garbled.cfg").write_text("%start s\n" + "\n".join(garbled) + "\n")


def _window_images(rng: Any) -> None:
    """8x8 images whose class is their first row's brightest pixel; 10 stamped 3s scanned."""
    import numpy as np

    checker = (np.indices((3, 3)).sum(axis=0) % 2 == 0).astype(float)

    def images(n: int, label: int | None = None) -> Any:
        labels = rng.integers(0, 8, n) if label is None else np.full(n, label)
        x = rng.uniform(0.0, 0.3, (n, 8, 8))
        x[np.arange(n), 0, labels] = 1.0
        return x

    np.save(HERE / "w_clean.npy", images(240).round(3))
    stamped = images(10, 3)
    stamped[:, 4:7, 4:7] = checker
    np.save(HERE / "w_scan.npy", np.concatenate([images(20), stamped]).round(3))


def _strip30_images() -> None:
    import numpy as np

    from assay.backdoor.demo import trojaned_digits

    trojan = trojaned_digits(seed=2, size=3, position=(5, 5), target=7)
    x = trojan.clean_images
    scan = x[:60].copy()
    scan[::2] = trojan.poisoned(scan[::2])
    np.save(HERE / "s30_scan.npy", scan * 16.0)
    clean = np.concatenate([x[100:300], trojan.poisoned(x[300:305])])
    np.save(HERE / "s30_clean.npy", clean * 16.0)


def _bd41_inputs() -> None:
    """bd41's clean 4-class model and its 40 images (20 blended): under --max-queries 2800 its
    second opinion is not asked (exit 2, the advice "raise --max-queries by N")."""
    import numpy as np

    source = (FIXTURES.parent / "unit" / "test_bd41_second_opinion.py").read_text()
    (HERE / "bd41.py").write_text(source.split("def _data")[0])
    pattern = np.random.default_rng(7).random((8, 8)) < 0.5
    rng = np.random.default_rng(1)
    clean, images = rng.random((200, 8, 8)), rng.random((40, 8, 8))
    images[::2] = 0.5 * images[::2] + 0.5 * pattern
    np.save(HERE / "bd41_images.npy", images)
    np.save(HERE / "bd41_clean.npy", clean)


CARRY = """\
import numpy as np
from assay.backdoor.demo import PlantedTrigger, checker, trojaned_digits

_D = trojaned_digits(seed=3, triggers=[PlantedTrigger((0, 0, 2, 2), checker(2), 4)])


def predict(x):
    return _D.model.predict_proba(np.asarray(x, dtype=np.float64).reshape(len(x), -1))
"""


def _carry_inputs() -> None:
    """scan49b: a digits MLP with a 2x2 checkerboard planted in the corner, where no clean
    digit inks (0, 0): its model scan flags class 4 and says the patch acts where the clean
    images never hold its values (a planted trigger or a shortcut from rare training images)."""
    import numpy as np

    from assay.backdoor.demo import PlantedTrigger, checker, trojaned_digits

    (HERE / "carry.py").write_text(CARRY)
    trig = PlantedTrigger((0, 0, 2, 2), checker(2), 4)
    np.save(
        HERE / "carry_clean.npy", trojaned_digits(seed=3, triggers=[trig]).clean_images[:200] * 16
    )


GERMAN = ["fairness", "--dataset", "german", "--max-queries", "300"]
TFIDF = ["text", "builtin:tfidf", "builtin:tfidf-nonegation", "--grammar", "builtin:reviews"]
FAKES = str(FIXTURES / "text_fakes.py")
BD = ["backdoor", "{HERE}/bm.py:f", "--classes", "10"]
SCAN = ["--images", "{HERE}/imgs.npy", "--clean", "{HERE}/clean.npy", "--max-queries", "3000"]
BLINDF = "fairness {HERE}/blind.py:f --protected sex --max-queries 300 --data {HERE}"
FK = FAKES
TORCHF = "fairness {HERE}/tmods.py"
TDATA = "--protected sex --max-queries 300 --data {HERE}/people_num.csv"
ATTACK = os.environ.get("ATTACK45B", "/work/scratch/attack45b/d8")
CLEAN_K3 = os.environ.get("CLEAN_K3", "/work/scratch/left48b/clean_k3.npy")
DASK = ["--executor", "dask", "--workers", "2", "--units", "2"]


def _w(*parts: str) -> list[str]:
    """A command's words from its parts (no part holds a space of its own)."""
    return " ".join(parts).split()


CASES: dict[str, list[str]] = {
    "f-found": GERMAN,
    "f-exact": [*GERMAN, "--exact", "--estimate"],
    "f-clean": _w(f"{BLINDF}/people.csv"),
    "f-certified": [*GERMAN, "--protected", "foreign_worker"],  # the trees never read it
    "f-cert-beside": [*GERMAN, "--protected", "sex,foreign_worker"],
    "f-one-valued": _w(f"{BLINDF}/one_sex.csv"),
    "f-budget": _w("fairness --dataset german --estimate --max-queries 120"),
    "f-retrain": [*GERMAN, "--retrain"],
    # hostile47s: a scorecard decided at the application's cutoff (its score is no probability)
    "f-cutoff": _w(f"{BLINDF.replace(':f ', ':card ')}/people.csv --cutoff 600"),
    # left48f: several numbers refused at loading, torch modules read as logits or decided
    # at --cutoff, outcome labels beside --cutoff refused
    "f-rate-term": _w(f"{BLINDF.replace(':f ', ':rate_term ')}/people.csv"),
    "f-torch-logits": _w(f"{TORCHF}:logits {TDATA}"),
    "f-torch-cutoff": _w(f"{TORCHF}:limit {TDATA} --cutoff 5000"),
    "f-torch-no-cutoff": _w(f"{TORCHF}:limit {TDATA}"),
    "f-label-cutoff": _w(f"{BLINDF.replace(':f ', ':card ')}/people_lab.csv --cutoff 600")
    + _w("--label repaid"),
    "t-found": [*TFIDF, "--max-queries", "200"],
    "t-clean": _w(f"text {FK}:lexicon {FK}:lexicon_again")
    + _w("--grammar builtin:reviews --max-queries 200"),
    "t-budget": [*TFIDF, "--max-queries", "30"],
    "t-garbled": _w(f"text {FK}:lexicon {FK}:negation_blind --grammar {{HERE}}/garbled.cfg")
    + _w("--max-queries 200"),
    "t-noisy": _w("text {HERE}/noisy.py:noisy --oracle invariance --grammar builtin:names")
    + _w("--max-queries 300"),
    "t-refusals": _w("text {HERE}/refuses.py:refuses --oracle invariance")
    + _w("--grammar builtin:names --max-queries 200"),
    "t-served-noisy": _w(f"text {{LLM}} {FK}:lexicon --grammar builtin:reviews")
    + _w("--max-queries 300 --batch-size 8 --label-map {HERE}/labels.txt"),
    "b-found": [*BD, *SCAN],
    "b-clean": ["backdoor", "{HERE}/bm.py:clean", "--classes", "10", *SCAN],
    "b-model-scan": [*BD, "--model-scan", "--clean", "{HERE}/clean.npy", "--max-queries", "3000"],
    "b-strip": [*BD, *SCAN, "--strategy", "strip"],
    # scan49b: a model scan's suspect on pixels the clean images never hold its values at
    "b-model-carry": _w("backdoor {HERE}/carry.py:predict --clean {HERE}/carry_clean.npy")
    + _w("--input-shape 8,8 --range 0,16"),
    # left48b: the window checks' flags (verify replays them), STRIP's caveat naming clean
    # images, and a source-class check too few clean 3s leave undecided (exit 2; attack45b's
    # seed-1 source-specific trojan: run where its files are)
    "b-window": _w("backdoor {HERE}/windows.py:trojan --images {HERE}/w_scan.npy")
    + _w("--clean {HERE}/w_clean.npy --range 0,1"),
    "b-strip-names": _w("backdoor {HERE}/strip30.py:model --images {HERE}/s30_scan.npy")
    + _w("--clean {HERE}/s30_clean.npy --range 0,16 --strategy strip"),
    "b-budget": _w("backdoor {HERE}/bd41.py:clean_model --images {HERE}/bd41_images.npy")
    + _w("--clean {HERE}/bd41_clean.npy --classes 4 --max-queries 2800"),
    "b-all2all": _w(f"backdoor {ATTACK}/all2all-0.skops --images {ATTACK}/sus_all2all.npy")
    + _w(f"--clean {ATTACK}/clean.npy --range 0,1"),
    "b-undecided": _w(f"backdoor {ATTACK}/source-1.skops --images {ATTACK}/sus_source.npy")
    + _w(f"--clean {CLEAN_K3} --range 0,1"),
    # report46b: a served fairness model, and the Dask executor (a local cluster)
    "f-served": _w("fairness {FAIR} --dataset adult --protected sex --max-queries 300"),
    "f-dask": [*GERMAN, *DASK],
    "t-dask": [*TFIDF, "--max-queries", "200", *DASK],
    "b-dask": [*BD, *SCAN, *DASK],
}
# the stored runs ``assay verify`` replays (report46b): one of each technique, and a served one
VERIFY = {
    "b-window",
    "b-undecided",
    "b-all2all",
    "f-found",
    "t-found",
    "b-found",
    "f-served",
    "f-dask",
    "t-dask",
    "b-dask",
}
# ``assay demo``'s demonstrations (report46b): their files under --out, read beside the rest
DEMOS: dict[str, list[str]] = {
    "d-fairness": ["demo", "--seconds", "8"],
    "d-text": ["demo", "text"],
    "d-backdoor": ["demo", "backdoor"],
}
# a model whose answers are drawn afresh, or a time budget (the fairness demonstration's
# --seconds: its TTY run may leave the answer out where the piped one did not): each
# invocation is its own run
NOISY_CASES = {"t-noisy", "t-served-noisy", "d-fairness"}
# cases interrupted by SIGINT after this many seconds, then resumed
INTERRUPT = {
    "f-sigint": (["fairness", "--dataset", "german", "--max-time", "60"], 4.0),
    "t-sigint": ([*TFIDF, "--max-time", "60"], 4.0),
    "b-sigint": ([*BD, *SCAN[:-2], "--max-time", "60"], 2.0),
    # left47f: a rule on the share, interrupted in its search (a query budget: the answer
    # comes after the search, so the rule is never judged), and with --max-time (the answer
    # before the search: judged)
    "f-sigint-rule": (
        [*_w("fairness --dataset german --max-queries 1000000"), "--fail-on", "share>0.1"],
        4.0,
    ),
    "f-sigint-rule-time": (
        [*_w("fairness --dataset german --max-time 60"), "--fail-on", "share>0.1"],
        8.0,
    ),
}
PROGRAM = re.compile(r"(?:\S*python\S* -m assay|\S*/assay\b|\bassay)(?= )")
TIMES = re.compile(r"\d[\d,.]*\s*(?:s|ms|seconds?)\b|[\d.,]+ (?:per|a) (?:second|wall)[^;,)]*")


def _fmt(argv: list[str]) -> list[str]:
    return [
        a.replace("{HERE}", str(HERE)).replace("{LLM}", LLM_URL).replace("{FAIR}", FAIR_URL)
        for a in argv
    ]


def _run(argv: list[str], *, cwd: Path, tty: bool = False) -> tuple[int, str, str]:
    if tty:
        log = cwd / "tty.log"
        cmd = shlex.join([*ASSAY, *argv])
        p = subprocess.run(["script", "-qec", cmd, str(log)], cwd=cwd, env=ENV,
                           capture_output=True, text=True)  # fmt: skip
        text = log.read_text(errors="replace")
        text = re.sub(r"\x1b\[[0-9;?]*[A-Za-z]|\r", "", text)
        return p.returncode, text, ""
    p = subprocess.run([*ASSAY, *argv], cwd=cwd, env=ENV, capture_output=True, text=True)
    return p.returncode, p.stdout, p.stderr


def _html_text(path: Path) -> str:
    t = path.read_text()
    t = re.sub(r"<(script|style)[^>]*>.*?</\1>", "", t, flags=re.S)
    return html.unescape(re.sub(r"<[^>]+>", " ", t))


def _norm(s: str | None) -> str:
    if s is None:
        return "-"
    s = re.sub(r"^the run's verdict: ", "", s.strip())
    s = re.sub(r"^cd \S+ && ", "", s)  # a terminal's own folder needs no cd
    return re.sub(r"\s+", " ", PROGRAM.sub("assay", s)).strip()


def _untimed(s: str | None) -> str:
    return TIMES.sub("T", _norm(s))


def _strings(value: Any) -> list[str]:
    if isinstance(value, str):
        return [value]
    if isinstance(value, dict):
        return [s for v in value.values() for s in _strings(v)]
    if isinstance(value, list):
        return [s for v in value for s in _strings(v)]
    return []


def _line(text: str, prefix: str) -> str | None:
    for line in text.splitlines():
        line = line.strip()
        if line.startswith(prefix):
            return line[len(prefix) :].strip()
    return None


def _terminal_facts(rc: int, text: str) -> dict[str, Any]:
    run_id = re.search(r"run (\w+-\d{8}-\d{6}-\w+)", text)
    seed = re.search(r"\bseed (\d+)", text)
    return {
        "exit": rc,
        "run": run_id.group(1) if run_id else None,
        "seed": int(seed.group(1)) if seed else None,
        "rerun": _norm(_rerun(text)),
        "verdict": _norm(_line(text, "the run's verdict:")),
    }


def _said_of_the_run(rc: int, text: str, run_id: str) -> dict[str, Any]:
    """What a run command's terminal says of its verdict.  Only an interrupted run's command
    prints "the run's verdict: ..." (report46b; a finished run's, as `assay resume`'s, all
    through ``cli.reporting.finish_run``, prints none, piped or on a terminal): so its
    headline (the line under "run RUN: STATUS") and its exit-code words ("(exit N", each
    meant to be the code it exits with) stand for it, to compare with the stored run's."""
    lines = [ln.strip() for ln in text.splitlines()]
    status = [i for i, ln in enumerate(lines) if ln.startswith(f"run {run_id}: ")]
    headline = lines[status[-1] + 1] if status and status[-1] + 1 < len(lines) else None
    said = sorted({int(n) for n in re.findall(r"\(exit (\d+)", text)})
    return {**_terminal_facts(rc, text), "headline": _norm(headline), "exit_words": said}


def _rerun(text: str) -> str | None:
    m = re.search(r"to reproduce: (.+)", text)
    return m.group(1) if m else None


def _notes(text: str) -> list[str]:
    out = []
    for line in text.splitlines():
        s = line.strip()
        m = re.match(r"(?:note|warning|NOTE|WARNING)\b[:,]?\s*(.+)", s)
        if m:
            out.append(_norm(m.group(1)))
    return out


def _junit_facts(path: Path) -> dict[str, Any]:
    import xml.etree.ElementTree as ET

    root = ET.parse(path).getroot()
    suites = [root] if root.tag == "testsuite" else list(root)
    props: dict[str, str] = {}
    for s in suites:
        for p in s.iter("property"):
            props.setdefault(p.get("name", ""), p.get("value", ""))
    failures = sum(int(s.get("failures", 0)) for s in suites)
    errors = sum(int(s.get("errors", 0)) for s in suites)
    m = re.search(r"exited (\d+)", props.get("command_exit", ""))
    return {
        "exit": int(m.group(1)) if m else None,
        "red": failures + errors > 0,
        "failures": failures,
        "errors": errors,
        "seed": int(props["seed"]) if props.get("seed", "").isdigit() else None,
        "rerun": _norm(props.get("command")),
        "headline": _norm(props.get("headline")),
        "command_exit": props.get("command_exit"),
        "text": ET.tostring(root, encoding="unicode"),
    }


def _doc_facts(path: Path) -> dict[str, Any]:
    d = json.loads(path.read_text())
    return {
        "exit": d.get("command_exit_code"),
        "verdict_exit": d.get("exit_code"),
        "verdict": _norm(d.get("verdict")),
        "seed": d.get("run", {}).get("seed"),
        "rerun": _norm(d.get("rerun")),
        "headline": _norm(d.get("headline")),
        "findings": d.get("findings", {}).get("total"),
        "text": "\n".join(_strings(d)),
    }


def _show_facts(rc: int, text: str) -> dict[str, Any]:
    m = re.search(r"^findings\s+([\d,]+)", text, re.M)
    ex = re.search(r"the run's verdict: .*\(exit (\d+)\)", text)
    seed = re.search(r"\bseed (\d+)", text)
    return {
        "verdict": _norm(_line(text, "the run's verdict:")),
        "verdict_exit": int(ex.group(1)) if ex else None,
        "findings": int(m.group(1).replace(",", "")) if m else None,
        "seed": int(seed.group(1)) if seed else None,
        "rerun": _norm(_rerun(text)),
    }


def _runs_entry(store: Path, run_id: str, cwd: Path) -> dict[str, Any]:
    _rc, out, _ = _run(["runs", "--json", "--store", str(store)], cwd=cwd)
    for r in json.loads(out)["runs"]:
        if r["id"] == run_id:
            return {
                "exit": r.get("exit_code"),
                "verdict": _norm(r.get("verdict")),
                "findings": r.get("n_findings"),
                "seed": r.get("seed"),
                "rerun": _norm(r.get("rerun")),
                "headline": _norm(r.get("headline")),
            }
    return {}


VERBS = "fairness|text|backdoor|resume|verify|report|show|runs|demo"


def _commands(text: str) -> list[str]:
    """The ``assay ...`` commands printed in a log, as a user copies them."""
    found = []
    for line in text.splitlines():
        for m in re.finditer(r"((?:cd \S+ && )?(?:\S*python\S* -m assay|\bassay) [^\n]+)", line):
            cmd = m.group(1).rstrip(".;")
            if re.match(rf"(cd \S+ && )?(\S*python\S* -m )?assay ({VERBS}) ", cmd):
                found.append(cmd)
    return found


def _run_printed(cmd: str, cwd: Path) -> tuple[int, str]:
    cmd = re.sub(r"(^|&& )assay ", r"\1" + shlex.join(ASSAY) + " ", cmd)
    p = subprocess.run(["bash", "-c", cmd], cwd=cwd, env=ENV, capture_output=True, text=True,
                       timeout=600)  # fmt: skip
    return p.returncode, p.stdout + p.stderr


def _compare(name: str, facts: dict[str, dict[str, Any]], problems: list[str]) -> None:
    for key in ("exit", "verdict_exit", "verdict", "findings", "seed", "rerun", "headline"):
        seen = {out: f[key] for out, f in facts.items() if f.get(key) not in (None, "-")}
        if key == "headline":
            seen = {out: _untimed(v) for out, v in seen.items()}
        if key == "verdict":  # ``show`` says the reason above its verdict, the code in it
            seen = {out: re.sub(r": .*(?= \(exit)", "", str(v)).lower() for out, v in seen.items()}
        if name in NOISY_CASES and key not in ("seed", "rerun"):  # its runs differ run to run
            seen = {out: v for out, v in seen.items() if out not in ("json", "tty")}
        if len(set(map(str, seen.values()))) > 1:
            problems.append(f"{name}: {key} disagrees: " + json.dumps(seen, indent=1))


def check_case(name: str, argv: list[str], problems: list[str], run_commands: bool) -> None:
    work = HERE / name
    work.mkdir(exist_ok=True)
    argv = _fmt(argv)
    store = work / "s.db"
    base = [*argv, "--seed", "3", "--store", str(store)]
    files = ["--html", "r.html", "--junit", "r.xml", "--report", "r.json"]
    rc_t, tty, _ = _run([*base, *["--html", "t.html", "--junit", "t.xml"]], cwd=work, tty=True)
    rc_p, out, err = _run([*base, *files], cwd=work)
    piped = out + err
    (work / "piped.log").write_text(piped)
    rc_j, jout, jerr = _run([*base, "--json"], cwd=work)
    (work / "json.out").write_text(jout)
    (work / "json.err").write_text(jerr)
    facts: dict[str, dict[str, Any]] = {}
    facts["tty"] = _terminal_facts(rc_t, tty)
    facts["piped"] = _terminal_facts(rc_p, piped)
    try:
        j = json.loads(jout)
    except ValueError:
        problems.append(f"{name}: --json stdout is not JSON: {jout[:200]!r}")
        j = {}
    facts["json"] = {
        "exit": rc_j,
        "json_exit": j.get("exit_code"),
        "verdict": _norm(j.get("verdict")),
        "findings": j.get("findings"),
        "seed": j.get("seed"),
        "rerun": _norm(j.get("command")),
    }
    if j.get("exit_code") is not None and j["exit_code"] != rc_j:
        problems.append(f"{name}: --json says exit {j['exit_code']}, the process exited {rc_j}")
    run_id = facts["piped"]["run"]
    if (work / "r.json").exists():
        facts["report.json"] = _doc_facts(work / "r.json")
    if (work / "r.xml").exists():
        facts["junit"] = _junit_facts(work / "r.xml")
    if run_id:
        rc_s, show, _ = _run(["show", run_id, "--store", str(store)], cwd=work)
        facts["show"] = _show_facts(rc_s, show)
        later = ["report", run_id, "--store", str(store), "--html", "l.html", "--junit", "l.xml"]
        rc_r, rep, rerr = _run([*later, "--report", "l.json"], cwd=work)
        facts["report-later"] = {
            "exit": rc_r,
            "verdict": _norm(_line(rep + rerr, "the run's verdict:")),
        }
        if (work / "l.json").exists():
            facts["report-later.json"] = _doc_facts(work / "l.json")
            facts["report-later.json"]["exit"] = None  # the command's own code is the report's
        facts["runs"] = _runs_entry(store, run_id, work)
    _compare(name, facts, problems)
    if name in VERIFY and run_id:
        said = {"exit": rc_p, "findings": facts.get("runs", {}).get("findings")}
        check_verify(name, work, run_id, said, problems)
    # the verdict's exit must be the command's exit for a finished run
    for out_name in ("junit",):
        f = facts.get(out_name, {})
        if f and f.get("exit") is None:  # (report48: a refusal's said none beside exit 2)
            problems.append(f"{name}: JUnit says no exit code (command_exit) beside exit {rc_p}")
        if f and f.get("red") != (rc_p != 0):
            problems.append(f"{name}: JUnit red={f['red']} but exit {rc_p}")
        if f and (f.get("failures", 0) > 0) != (rc_p == 1):  # a failed case is a finding's
            problems.append(f"{name}: JUnit {f['failures']} failures but exit {rc_p}")
    # notes said in the terminal must be in the JSON report and the HTML
    if (work / "r.html").exists() and "report.json" in facts:
        page = _norm(_html_text(work / "r.html"))
        doc = _norm(facts["report.json"]["text"])
        for note in _notes(piped):
            flat = _untimed(note).lower()
            key = flat[len(flat) // 3 : len(flat) // 3 + 40]
            for out_name, body in (("html", page), ("report.json", doc)):
                if key not in _untimed(body).lower():
                    problems.append(f"{name}: note not in {out_name}: {note[:160]}")
    # report48: a warning says what the user must do; the CI's file dropped every one
    if "junit" in facts:
        unit = _untimed(html.unescape(facts["junit"]["text"])).lower()
        for warning in _notes("\n".join(ln for ln in piped.splitlines() if "warning" in ln)):
            flat = _untimed(warning).lower()
            if flat[len(flat) // 3 : len(flat) // 3 + 40] not in unit:
                problems.append(f"{name}: warning not in junit: {warning[:160]}")
    if name.startswith("b-") and "junit" in facts:
        _backdoor_checks_agree(name, piped, facts, work / "r.html", problems)
    if "report.json" in facts:
        _same_figures(name, piped, facts["report.json"], work, problems)
        _answer_agrees(name, piped, work / "r.json", work / "r.html", problems)
    raw = (work / "r.html").read_text() if (work / "r.html").exists() else ""
    if rc_p != 1 and re.search(r"<td[^>]*>\s*failing\s*</td>", raw):  # (report46b)
        problems.append(f"{name}: the HTML's table of tests says 'failing' beside exit {rc_p}")
    if (work / "r.html").exists():
        said = re.search(r"Command assay \w+ exited (\d+)", _norm(_html_text(work / "r.html")))
        facts["html"] = {"exit": int(said.group(1)) if said else None}
    # a terminal and a log say the same notes
    by_tty = {_untimed(n) for n in _notes(tty)}
    by_log = {_untimed(n) for n in _notes(piped)}
    if by_tty != by_log:
        problems.append(f"{name}: notes of the TTY and the log differ: {by_tty ^ by_log}")
    for out_name, f in facts.items():
        shown = {k: v for k, v in f.items() if k not in ("text",)}
        print(f"{name:14} {out_name:18} " + json.dumps(shown)[:300])
    if run_commands:
        _follow_advice(name, piped, work, problems)
        for cmd in dict.fromkeys(_commands(piped)):
            rc, said = _run_printed(cmd, work)
            if " resume " in cmd and "nothing to resume" in said:
                continue  # "resume with:" is printed at the start, for a run that stops
            bad = rc >= 3 or "error: argument" in said or "No such" in said
            print(f"{name:14} printed rc={rc}: {cmd[:150]}")
            if bad:
                problems.append(f"{name}: printed command failed ({rc}): {cmd}\n{said[-400:]}")


FLAGGED = re.compile(r"^images flagged(?: by (?!the recheck)[^\d]+?)?\s+([\d,]+)$")


def _backdoor_checks_agree(
    name: str, piped: str, facts: dict[str, dict[str, Any]], page: Path, problems: list[str]
) -> None:
    """report48: each JUnit failure names the check the terminal says flagged it ("NOT CLEAN
    by the source-class check" beside a JUnit "(the common-pattern check: a blended
    trigger)" was the other check's words), and the HTML's "images flagged" figures count
    every finding (they said 4 and 0 of a run that flagged 14)."""
    said = _norm(piped)
    for check in sorted(set(re.findall(r"\(the ([\w-]+) check: ", facts["junit"]["text"]))):
        if f"NOT CLEAN by the {check} check" not in said:
            problems.append(f"{name}: JUnit fails images by the {check} check; the terminal "
                            "does not say it flagged any")  # fmt: skip
    if not page.exists():
        return
    rows = re.findall(r"<tr[^>]*>(.*?)</tr>", page.read_text(), flags=re.S)
    flagged = 0
    for row in rows:
        text = " ".join(html.unescape(re.sub(r"<[^>]+>", " ", row)).split())
        m = FLAGGED.match(text)
        if m:
            flagged += int(m.group(1).replace(",", ""))
    total = facts.get("report.json", {}).get("findings")
    if isinstance(total, int) and "images scanned" in _html_text(page) and flagged < total:
        problems.append(f"{name}: the HTML's 'images flagged' figures count {flagged} of the "
                        f"run's {total} findings")  # fmt: skip


ADVICE = re.compile(r"raise --max-queries by ([\d,]+) or more and run it again")


def _follow_advice(name: str, piped: str, work: Path, problems: list[str]) -> None:
    """report48: an exit-2 run's advice "raise --max-queries by N or more and run it again",
    followed (its reproduce line, the budget raised by N): what was not asked for the budget
    must be asked then (bd42's advice fell short once the window checks were reserved)."""
    advice, rerun = ADVICE.search(piped), _rerun(piped)
    if advice is None or rerun is None:
        return
    more = int(advice.group(1).replace(",", ""))
    words = shlex.split(rerun)
    at = words.index("--max-queries") if "--max-queries" in words else -1
    if at < 0:
        problems.append(f"{name}: advice to raise --max-queries beside a rerun without it")
        return
    words[at + 1] = str(int(words[at + 1]) + more)
    rc, said = _run_printed(shlex.join(words).replace("'&&'", "&&"), work)
    print(f"{name:14} advice rc={rc}: --max-queries {words[at + 1]}")
    if "query budget left" in said or rc >= 3:
        problems.append(f"{name}: its advice (--max-queries +{more:,}) followed still falls "
                        f"short (exit {rc}): {said[-300:]}")  # fmt: skip


def _same_figures(
    name: str, piped: str, doc: dict[str, Any], work: Path, problems: list[str]
) -> None:
    """The headline the report keeps is the one printed; each share and interval printed on
    an attribute's line is in the HTML and the JSON report."""
    said = _untimed(piped)
    if doc.get("headline") not in (None, "-") and _untimed(doc["headline"]) not in said:
        problems.append(f"{name}: report.json's headline not printed: {doc['headline'][:200]}")
    page = _norm(_html_text(work / "r.html")) if (work / "r.html").exists() else ""
    for line in piped.splitlines():
        if not re.match(r"[\w ]+: share ", line):
            continue
        for pct in dict.fromkeys(re.findall(r"\d+\.\d+ %", line)):
            if pct not in page:
                problems.append(f"{name}: {pct} of {line[:60]!r} not in the HTML")
            if pct not in doc["text"] and not _in_numbers(pct, work / "r.json"):
                problems.append(f"{name}: {pct} of {line[:60]!r} not in report.json")


PCT = r"(\d+\.\d+) %"
EXACT_IN = re.compile(
    rf"estimated share {PCT} \(95 % CI {PCT} to {PCT}, (\w+); of a sample: [^;]*?"
    rf"the answer's exact share is {PCT}, (inside|outside) this interval"
)


def _within(share: float, low: float, high: float, digits: int = 2) -> bool:
    """``share`` within ``[low, high]`` as two printed figures say it (rounded alike)."""
    return round(low, digits) <= round(share, digits) <= round(high, digits)


def _answer_agrees(name: str, piped: str, report: Path, page: Path, problems: list[str]) -> None:
    """report47: each verdict row's share beside its interval (the JSON report's, and the one
    the HTML's table and the terminal's attribute line show), and the headline's "the
    answer's exact share is X %, inside/outside this interval" beside the answer's line."""
    doc = json.loads(report.read_text())
    rows = doc.get("run", {}).get("summary", {}).get("verdict") or []
    if not isinstance(rows, list):  # a backdoor model scan's verdict: one object, no answer
        return
    lines = {
        m.group(1): ln for ln in piped.splitlines() if (m := re.match(r"(\w[\w ]*): share ", ln))
    }
    for v in rows:
        attr = v.get("attribute")
        for dist in ("uniform", "data"):
            share, low, high = v.get(f"share_{dist}"), v.get(f"{dist}_low"), v.get(f"{dist}_high")
            if None in (share, low, high):
                continue
            if v.get("basis") == "sampled" and not low - 1e-12 <= share <= high + 1e-12:
                problems.append(
                    f"{name}: {attr}'s sampled share_{dist} {share} outside its own interval "
                    f"{low} to {high}"
                )
            if v.get(f"{dist}_counted") and not low == share == high:
                problems.append(f"{name}: {attr}'s counted share_{dist} has an interval")
        line = lines.get(str(attr), "")
        for m in re.finditer(rf"{PCT} of the [^(;]*\(95 % CI {PCT} to {PCT}", line):
            s, lo, hi = (float(g) for g in m.groups())
            if not _within(s, lo, hi):
                problems.append(f"{name}: {attr}'s line shows {s} % beside CI {lo}-{hi}: {line}")
    if page.exists():
        raw = page.read_text()
        table = raw.split("Verdict per protected attribute", 1)[1:]
        table = table[0].split("</table>", 1)[0] if table else ""
        for tr in re.findall(r"<tr>(.*?)</tr>", table, re.S)[1:]:
            cells = [_norm(html.unescape(re.sub(r"<[^>]+>", " ", c))) for c in
                     re.findall(r"<td[^>]*>(.*?)</td>", tr, re.S)]  # fmt: skip
            for share, ci in ((cells[1:2], cells[2:3]), (cells[3:4], cells[4:5])):
                if not share or not ci:
                    continue
                share, ci = share[0], ci[0]
                shown = re.fullmatch(rf"{PCT} – {PCT}", ci)
                if shown and re.fullmatch(PCT, share):
                    lo, hi = (float(g) for g in shown.groups())
                    if not _within(float(share.split()[0]), lo, hi):
                        problems.append(f"{name}: the HTML shows {share} beside {ci}: {cells}")
        # a count (every row asked) has no interval: a "95 % CI" cell of no width reads as a
        # sample's (the retraining's table: "6.19 % 6.19 % to 6.19 %")
        for lo, hi in re.findall(rf"<td>{PCT} (?:to|–) {PCT}</td>", raw):
            if lo == hi and float(lo) not in (0.0, 100.0):
                problems.append(f"{name}: the HTML shows an interval of no width: {lo} % to {hi} %")
    headline = _norm(doc.get("headline"))
    for m in EXACT_IN.finditer(headline):
        _est, lo, hi, dist, exact, said = m.groups()
        inside = float(lo) <= float(exact) <= float(hi)
        if said != ("inside" if inside else "outside"):
            problems.append(f"{name}: the headline says {exact} % is {said} {lo}-{hi}")
        shown = [ln for ln in lines.values() if f"{exact} %" in ln]
        where = "input space" if dist == "uniform" else "data rows"
        if not any(re.search(rf"{re.escape(exact)} % of the {where}", ln) for ln in shown):
            problems.append(
                f"{name}: the headline's exact share {exact} % ({dist}) is on no answer line "
                f"as the {where}' share: {list(lines.values())}"
            )
        print(f"{name:14} exact beside   {exact} % {said} {lo}-{hi} ({dist})")


def _in_numbers(pct: str, path: Path) -> bool:
    want = float(pct.split()[0])

    def walk(v: Any) -> bool:
        if isinstance(v, float | int) and not isinstance(v, bool):
            return round(100 * v, 2) == want or round(v, 2) == want
        if isinstance(v, dict):
            return any(walk(x) for x in v.values())
        if isinstance(v, list):
            return any(walk(x) for x in v)
        return False

    return walk(json.loads(path.read_text()))


def _stored_agree(name: str, said: dict[str, Any], run_id: str, problems: list[str]) -> None:
    """The command's terminal facts beside its reports and the stored run's."""
    work = HERE / name.split("/")[0]
    store = work / "s.db"
    facts: dict[str, dict[str, Any]] = {"piped": said}
    if said.get("headline") == "-":  # (the command's headline not found: said, not skipped)
        problems.append(f"{name}: no headline under the run's status line on the terminal")
    if any(n != said["exit"] for n in said.get("exit_words") or []):
        problems.append(f"{name}: exited {said['exit']}, its terminal says {said['exit_words']}")
    facts["report.json"] = _doc_facts(work / "r.json") if (work / "r.json").exists() else {}
    facts["junit"] = _junit_facts(work / "r.xml") if (work / "r.xml").exists() else {}
    rc_s, show, _ = _run(["show", run_id, "--store", str(store)], cwd=work)
    facts["show"] = _show_facts(rc_s, show)
    facts["runs"] = _runs_entry(store, run_id, work)
    _compare(name, facts, problems)
    for k, f in facts.items():
        print(f"{name:14} {k:18} " + json.dumps({a: b for a, b in f.items() if a != "text"})[:300])


def check_interrupt(name: str, argv: list[str], after: float, problems: list[str]) -> None:
    work = HERE / name
    work.mkdir(exist_ok=True)
    store = work / "s.db"
    full = [*ASSAY, *_fmt(argv), "--seed", "3", "--store", str(store)]
    full += ["--html", "r.html", "--junit", "r.xml", "--report", "r.json"]
    p = subprocess.Popen(full, cwd=work, env=ENV, stdout=subprocess.PIPE,
                         stderr=subprocess.STDOUT, text=True)  # fmt: skip
    lines: list[str] = []
    reader = threading.Thread(target=lambda: lines.extend(iter(p.stdout.readline, "")))  # type: ignore[union-attr]
    reader.start()
    started = time.monotonic()
    while not any(", seed " in ln for ln in lines) and time.monotonic() - started < 300:
        time.sleep(0.2)
    time.sleep(after)  # into its search
    p.send_signal(signal.SIGINT)
    p.wait(timeout=120)
    reader.join(timeout=30)
    out = "".join(lines)
    (work / "piped.log").write_text(out)
    print(f"{name:14} interrupted rc={p.returncode}")
    run_id = re.search(r"run (\w+-\d{8}-\d{6}-\w+)", out)
    if not run_id:
        problems.append(f"{name}: no run id in {out[-300:]}")
        return
    said = _said_of_the_run(p.returncode, out, run_id.group(1))
    _stored_agree(name + "/int", said, run_id.group(1), problems)
    _so_far_agree(name, out, work, problems)
    if p.returncode != 130:  # it ended before the interrupt: nothing to resume
        print(f"{name:14} ended before the interrupt (exit {p.returncode})")
        return
    resume = [c for c in _commands(out) if " resume " in c]
    if not resume:
        problems.append(f"{name}: no resume command printed: {out[-300:]}")
        return
    rc, said = _run_printed(resume[-1], work)
    (work / "resumed.log").write_text(said)
    print(f"{name:14} resumed rc={rc}: {resume[-1][:150]}")
    resumed = _said_of_the_run(rc, said, run_id.group(1))
    _stored_agree(name + "/resumed", resumed, run_id.group(1), problems)
    for cmd in dict.fromkeys(_commands(said)):
        rc, said2 = _run_printed(cmd, work)
        print(f"{name:14} printed rc={rc}: {cmd[:150]}")
        if rc >= 3 or "error: argument" in said2:
            problems.append(f"{name}: printed command failed ({rc}): {cmd}\n{said2[-400:]}")


def _so_far_agree(name: str, out: str, work: Path, problems: list[str]) -> None:
    """An interrupted run's "its findings so far" (and a rule on the share, judged or not:
    left47f) as the terminal says them, in the HTML's verdict and the JUnit file's error."""
    import xml.etree.ElementTree as ET

    said = re.search(
        r"it has not ended; (.*) \(exit 130\)$", _norm(_line(out, "the run's verdict:"))
    )
    if not said:
        return
    words = said.group(1)
    if "--fail-on 'share" not in words and re.search(r"--fail-on '?share", out):
        problems.append(f"{name}: a rule on the share, but the verdict says {words!r}")
    if (work / "r.html").exists() and words not in _norm(_html_text(work / "r.html")):
        problems.append(f"{name}: the HTML's verdict does not say {words!r}")
    if (work / "r.xml").exists():
        errors = [_norm(e.get("message")) for e in ET.parse(work / "r.xml").iter("error")]
        if not any(words in e for e in errors):
            problems.append(f"{name}: JUnit's error does not say {words!r}: {errors}")
    print(f"{name:14} so far           {words[:200]}")


LLM_URL = ""
FAIR_URL = ""


def _adult(x: Any) -> Any:
    """A served Adult model (``FaultServer``'s predict): favours older men (the command's
    Adult columns are coded: age a bin number, sex 0/1 in column 8)."""
    import numpy as np

    p = ((x[:, 8] > 0) & (x[:, 0] >= 3)).astype(float)
    return np.stack([p, 1 - p], axis=1)


def check_verify(name: str, work: Path, run_id: str, said: dict[str, Any],
                 problems: list[str]) -> None:  # fmt: skip
    """``assay verify`` of the stored run, piped and ``--json``: its exit code in both, its
    "N of M stored findings still fail" as the JSON's, M within the run's findings and every
    kept one still failing for a deterministic model that exited 1 (its findings replay)."""
    store = str(work / "s.db")
    rc_v, out, err = _run(["verify", run_id, "--store", store], cwd=work)
    rc_j, jout, _ = _run(["verify", run_id, "--store", store, "--json"], cwd=work)
    (work / "verify.log").write_text(out + err)
    still = r"([\d,]+) of ([\d,]+) stored (?:findings?|\w[\w ]*?) still (?:fail|hold)"
    m = re.search(still, out + err)
    n, of = (int(g.replace(",", "")) for g in m.groups()) if m else (None, None)
    try:
        j = json.loads(jout)
    except ValueError:
        problems.append(f"{name}: verify --json stdout is not JSON: {jout[:200]!r}")
        return
    row = {"exit": rc_v, "json_process": rc_j, "json_exit": j.get("exit_code"),
           "still": n, "json_still": j.get("still_failing"), "of": of,
           "json_of": j.get("findings"), "run_exit": said.get("exit"),
           "run_findings": said.get("findings")}  # fmt: skip
    print(f"{name:14} {'verify':18} " + json.dumps(row))
    if len({rc_v, rc_j, j.get("exit_code")}) > 1:
        problems.append(f"{name}: verify's exit codes disagree: {row}")
    if (n, of) != (j.get("still_failing"), j.get("findings")):
        problems.append(f"{name}: verify's 'N of M' is not its --json's: {row}")
    total = said.get("findings")
    if isinstance(total, int) and of is not None and of > total:
        problems.append(f"{name}: verify replayed {of} of a run that counted {total}: {row}")
    if name not in NOISY_CASES and said.get("exit") == 1 and n is not None and n != of:
        problems.append(f"{name}: a deterministic run's findings no longer all fail: {row}")
    if (rc_v == 1) != bool(n):
        problems.append(f"{name}: verify exits {rc_v} with {n} still failing: {row}")


def _demo_line(text: str) -> str | None:
    """A demonstration's verdict line, whole ("the demonstration found ... (exit 0)")."""
    lines = [ln.strip() for ln in text.splitlines()]
    said = [ln for ln in lines if ln.startswith("the demonstration ") and "(exit " in ln]
    return said[-1] if said else None


def check_demo(name: str, argv: list[str], problems: list[str]) -> None:
    """``assay demo``: the terminal (a TTY and piped), the files it wrote under ``--out``,
    ``show``, ``runs --json``, a report later, its exit code: the demonstration's verdict
    (found its bugs: exit 0, a JUnit file without failure or error) everywhere alike."""
    work = HERE / name
    work.mkdir(exist_ok=True)
    store = work / "s.db"
    rc_t, tty, _ = _run([*argv, "--store", str(store), "--out", "tty"], cwd=work, tty=True)
    rc_p, out, err = _run([*argv, "--store", str(store), "--out", "out"], cwd=work)
    piped = out + err
    (work / "piped.log").write_text(piped)
    facts: dict[str, dict[str, Any]] = {}
    for key, rc, text in (("tty", rc_t, tty), ("piped", rc_p, piped)):
        facts[key] = _terminal_facts(rc, text)
        facts[key]["verdict"] = _norm(_demo_line(text))
        facts[key]["seed"] = None  # (the TTY's and the log's are two runs of one seed)
        facts[key]["rerun"] = facts[key]["rerun"].replace("--out tty ", "--out out ")
    for f in sorted((work / "out").glob("*")):
        if f.name.endswith(".junit.xml"):
            facts["junit"] = _junit_facts(f)
        elif f.suffix == ".json":
            facts["report.json"] = _doc_facts(f)
            facts["report.json"]["verdict"] = _norm(facts["report.json"]["verdict"])
        elif f.suffix == ".html":
            said = re.search(r"Command assay \w+ exited (\d+)", _norm(_html_text(f)))
            facts["html"] = {"exit": int(said.group(1)) if said else None}
    pages = sorted((work / "out").glob("*.html"))
    for doc in sorted((work / "out").glob("*.json")):  # (report47: the answer's figures)
        if pages:
            _answer_agrees(name, piped, doc, pages[0], problems)
    run_id = facts["piped"]["run"]
    if run_id:
        rc_s, show, _ = _run(["show", run_id, "--store", str(store)], cwd=work)
        facts["show"] = _show_facts(rc_s, show)
        facts["show"]["verdict"] = _norm(_demo_line(show))
        later = ["report", run_id, "--store", str(store), "--junit", "l.xml", "--report", "l.json"]
        rc_r, rep, rerr = _run(later, cwd=work)
        facts["report-later"] = {"exit": rc_r, "verdict": _norm(_demo_line(rep + rerr))}
        if (work / "l.xml").exists():
            facts["junit-later"] = _junit_facts(work / "l.xml")
        if (work / "l.json").exists():
            facts["report-later.json"] = _doc_facts(work / "l.json")
            facts["report-later.json"]["exit"] = None
        facts["runs"] = _runs_entry(store, run_id, work)
    _compare(name, facts, problems)
    if run_id:  # (a demonstration's findings are its bugs: verify says they still fail)
        said = {"exit": None, "findings": facts.get("runs", {}).get("findings")}
        check_verify(name, work, run_id, said, problems)
    for key in ("junit", "junit-later"):
        f = facts.get(key)
        if f and "the run passed" in str(f.get("command_exit")):  # (its bugs were found)
            problems.append(f"{name}: {key} says {f['command_exit']!r} of a demonstration")
        if f and f["red"] != (rc_p != 0):
            problems.append(
                f"{name}: {key} has {f['failures']} failures, {f['errors']} errors "
                f"beside exit {rc_p}"
            )
    for out_name, f in facts.items():
        shown = {k: v for k, v in f.items() if k not in ("text",)}
        print(f"{name:14} {out_name:18} " + json.dumps(shown)[:300])


def main(argv: list[str]) -> int:
    global LLM_URL, FAIR_URL
    _inputs()
    sys.path.insert(0, str(FIXTURES))
    sys.path.insert(0, str(FIXTURES.parent / "integration"))
    from llm_service import LlmService  # a noisy served LLM (30 % of answers flipped)
    from serving_servers import FaultServer  # a served fairness model (no fault asked)

    llm = LlmService(wording="plain", flip=0.3, max_batch=8, seed=3).start()
    LLM_URL = llm.url
    fair = FaultServer(_adult).start()
    FAIR_URL = fair.url
    problems: list[str] = []
    wanted = argv or [""]
    for name, case in CASES.items():
        if name in ("b-undecided", "b-all2all") and not Path(ATTACK, "source-1.skops").exists():
            print(f"{name:14} skipped: no {ATTACK}/source-1.skops (attack45b's; $ATTACK45B)")
            continue
        if any(w in name for w in wanted):
            check_case(name, case, problems, run_commands=True)
    for name, (case, after) in INTERRUPT.items():
        if any(w in name for w in wanted):
            check_interrupt(name, case, after, problems)
    for name, case in DEMOS.items():
        if any(w in name for w in wanted):
            check_demo(name, case, problems)
    print(f"\n{len(problems)} disagreements (work in {HERE})")
    for p in problems:
        print(" -", p)
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
