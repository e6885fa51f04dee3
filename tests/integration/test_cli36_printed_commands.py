"""The commands a run prints, pasted into a fresh shell (cli36), and what a failed run says
on stdout when stdout is a file.

hostile35's Left 2: a model given as ``package.module:function`` importable only through
``PYTHONPATH`` got a rerun command (``cd DIR && assay fairness mypkg.models:unfair ...``)
that failed in a fresh shell, "cannot import module 'mypkg.models'"; its resume line too.
hostile35's Left 4: a run that failed (exit 3) with stdout redirected left stdout empty (no
run, no seed, no rerun or resume line, no "wrote" although the reports were written), and
its JUnit ``time`` was the engine's 0.087 s of a 5.5 s command (loading left out).

Every command here runs as a user's does: a subprocess, stdout and stderr to files, and the
printed lines run by ``bash -c`` with a clean environment (no ``PYTHONPATH``: only PATH,
HOME and the state folder) from another folder, ``assay`` on the PATH being this checkout.
"""

from __future__ import annotations

import os
import re
import shlex
import subprocess
import sys
import time
import xml.etree.ElementTree as ET
from pathlib import Path

import numpy as np
import pytest

import assay

pytestmark = pytest.mark.slow

SRC = Path(assay.__file__).resolve().parents[1]

MODELS = """
import os, time
import numpy as np

time.sleep(float(os.environ.get("CLI36_LOAD_SLEEP", "0")))  # a slow import: loading
_N = [0]


def _broken():
    _N[0] += 1
    if _N[0] > 30 and os.path.exists("BROKEN"):
        raise RuntimeError("broke after 30 calls")


def unfair(rows):
    _broken()
    rows = np.asarray(rows, dtype=float)
    return (rows[:, 0] + 3 * rows[:, 1] > 2).astype(int)


def good(sentences):
    _broken()
    return np.array([int("good" in s) for s in sentences])


def great(sentences):
    _broken()
    return np.array([int("good" in s or "great" in s) for s in sentences])


good.classes_ = great.classes_ = ["neg", "pos"]


def images(batch):
    _broken()
    x = np.asarray(batch, dtype=float).reshape(len(batch), -1)
    return (x.mean(axis=1) > 0.5).astype(int)


images.classes_ = ["a", "b"]
"""


def _world(tmp: Path, package: str) -> tuple[Path, Path]:
    """A package ``package.models`` in ``lib/`` (outside the working folder ``w/``), the
    working folder's data, and a bin folder whose ``assay`` runs this checkout."""
    lib, work = tmp / "lib", tmp / "w"
    (lib / package).mkdir(parents=True)
    (lib / package / "__init__.py").write_text("")
    (lib / package / "models.py").write_text(MODELS)
    work.mkdir()
    rng = np.random.default_rng(0)
    rows = "".join(
        f"{rng.integers(0, 2)},{rng.normal(1, 1):.3f},{rng.integers(18, 80)}\n" for _ in range(200)
    )
    (work / "d.csv").write_text("sex,income,age\n" + rows)
    np.save(work / "clean.npy", rng.random((60, 8, 8)).astype("float32"))
    (work / "imgs").mkdir()
    np.save(work / "imgs" / "sus.npy", rng.random((20, 8, 8)).astype("float32"))
    bin_dir = tmp / "bin"
    bin_dir.mkdir()
    shim = bin_dir / "assay"  # (the installed script: this checkout, whatever PYTHONPATH says)
    shim.write_text(
        f'#!/bin/sh\nexec env PYTHONPATH="{SRC}${{PYTHONPATH:+:$PYTHONPATH}}" '
        f'{shlex.quote(sys.executable)} -m assay "$@"\n'
    )
    shim.chmod(0o755)
    return lib, work


def _clean_env(tmp: Path, **extra: str) -> dict[str, str]:
    """A fresh login's environment: no PYTHONPATH, no ASSAY_ variable."""
    env = {
        "PATH": f"{tmp / 'bin'}{os.pathsep}/usr/bin{os.pathsep}/bin",
        "HOME": os.environ.get("HOME", str(tmp)),
        "XDG_STATE_HOME": str(tmp / "state"),
        "LANG": "C.UTF-8",
    }
    return {**env, **extra}


def _run(
    tmp: Path, cwd: Path, line: str, *, name: str, **extra: str
) -> tuple[int, str, str, float]:
    """``line`` run by bash in ``cwd``, stdout and stderr to files (not a terminal); its
    exit code, stdout, stderr and wall-clock seconds."""
    out, err = tmp / f"{name}.out", tmp / f"{name}.err"
    began = time.monotonic()
    with out.open("w") as o, err.open("w") as e:
        code = subprocess.run(
            ["bash", "-c", line],
            cwd=cwd,
            env=_clean_env(tmp, **extra),
            stdout=o,
            stderr=e,
            timeout=600,
            check=False,
        ).returncode
    return code, out.read_text(), err.read_text(), time.monotonic() - began


def _as_pasted(line: str) -> str:
    """A printed command with the program as the shim names it (``assay``): the test's
    interpreter, printed when the shim is not this installation's script, is another one."""
    return line.replace(f"{shlex.quote(sys.executable)} -m assay", "assay")


def _line(text: str, after: str) -> str:
    found = re.search(re.escape(after) + r" (.*)", text)
    assert found, text
    return _as_pasted(found.group(1))


def _in_folder(line: str, folder: Path) -> str:
    """A printed rerun naming files by relative paths, after its folder (``cd DIR &&``:
    left41, so that it works pasted anywhere): the command after it."""
    prefix = f"cd {shlex.quote(str(folder))} && "
    assert line.startswith(prefix), line
    return line[len(prefix) :]


COMMANDS = {
    "fairness": "fairness {p}.models:unfair --data d.csv --protected sex --max-queries 3000",
    "text": "text {p}.models:good {p}.models:great --grammar builtin:reviews --max-queries 3000",
    "backdoor": "backdoor {p}.models:images --images imgs/sus.npy --clean clean.npy",
}


@pytest.mark.parametrize("technique", ["fairness", "text", "backdoor"])
def test_a_model_importable_through_pythonpath_alone_gets_a_rerun_that_works_in_a_fresh_shell(
    tmp_path: Path, technique: str
) -> None:
    package = f"cli36_{technique}_pkg"
    lib, work = _world(tmp_path, package)
    command = COMMANDS[technique].format(p=package)
    code, out, err, _ = _run(
        tmp_path,
        work,
        f"assay {command} --seed 7 --store s.db --junit j.xml",
        name="first",
        PYTHONPATH=str(lib),
    )
    assert code in (0, 1), out + err
    again = _in_folder(_line(out, "to reproduce:"), work)
    assert again.startswith(f"PYTHONPATH={lib.resolve()} assay "), again
    resume = _line(err, "resume with:")
    assert resume.startswith(f"PYTHONPATH={lib.resolve()} assay resume "), resume
    # the JUnit file's command and `assay show`'s, read from another folder: cd DIR && ...
    props = {
        p.get("name"): p.get("value") for p in ET.parse(work / "j.xml").getroot().iter("property")
    }
    assert f"&& PYTHONPATH={lib.resolve()} assay {technique} " in str(props["command"])
    run_id = re.search(rf"run ({technique}-\S+):", out)
    assert run_id, out
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    shown = _run(
        tmp_path, elsewhere, f"assay show {run_id.group(1)} --store {work / 's.db'}", name="show"
    )
    assert shown[0] == 0, shown
    pasted = _line(shown[1], "to reproduce:")
    assert pasted == props["command"], (pasted, props["command"])
    # pasted into a fresh shell in another folder: it runs, and finds what the first found
    again_code, again_out, again_err, _ = _run(tmp_path, elsewhere, pasted, name="again")
    assert "cannot import" not in again_err, again_err
    assert again_code == code, again_out + again_err
    assert _found(out) == _found(again_out), (out, again_out)


def _found(out: str) -> str:
    """What a run's headline says it found (before its counts of queries and seconds)."""
    found = re.search(r"^run \S+: \w+\n(.*)$", out, re.M)
    assert found, out
    return re.split(r" in |;", found.group(1))[0]


def test_a_module_in_the_working_folder_under_python_m_assay_is_rerun_by_the_script(
    tmp_path: Path,
) -> None:
    """``python -m assay`` imports the working folder's packages; the ``assay`` script the
    printed command names does not: the rerun sets PYTHONPATH to the folder (``.``)."""
    lib, work = _world(tmp_path, "cli36_here_pkg")
    (lib / "cli36_here_pkg").rename(work / "cli36_here_pkg")
    line = f"{shlex.quote(sys.executable)} -m assay " + COMMANDS["fairness"].format(
        p="cli36_here_pkg"
    )
    code, out, err, _ = _run(
        tmp_path, work, f"{line} --seed 3 --store s.db", name="m", PYTHONPATH=str(SRC)
    )
    assert code in (0, 1), out + err
    again = _in_folder(_line(out, "to reproduce:"), work)
    assert again.startswith("PYTHONPATH=. assay fairness"), again
    assert _line(err, "resume with:").startswith(f"PYTHONPATH={work.resolve()} assay resume")
    pasted = f"cd {shlex.quote(str(work))} && {again}"
    code2, out2, err2, _ = _run(tmp_path, tmp_path, pasted, name="m2")
    assert "cannot import" not in err2 and code2 == code, out2 + err2


@pytest.mark.parametrize("technique", ["fairness", "text"])
def test_a_model_file_importing_a_package_through_pythonpath_gets_it_in_its_rerun(
    tmp_path: Path, technique: str
) -> None:
    """left36b (cli36's Left 3): a ``file.py:f`` whose file imports a package found only
    through ``PYTHONPATH`` got a rerun without it (only a module spec's own folder was
    kept): pasted in a fresh shell, "No module named ...".  Its $PYTHONPATH's entries are
    kept now (assay's own folder, which the shim sets, is not)."""
    package = f"l36b_{technique}_dep"
    lib, work = _world(tmp_path, package)
    (work / "m.py").write_text(f"from {package}.models import good, great, unfair\n")
    command = {
        "fairness": "fairness m.py:unfair --data d.csv --protected sex --max-queries 3000",
        "text": "text m.py:good m.py:great --grammar builtin:reviews --max-queries 3000",
    }[technique]
    code, out, err, _ = _run(
        tmp_path,
        work,
        f"assay {command} --seed 7 --store s.db --junit j.xml",
        name="first",
        PYTHONPATH=f"{lib}{os.pathsep}{tmp_path / 'gone'}",  # (an entry that does not exist)
    )
    assert code in (0, 1), out + err
    again = _in_folder(_line(out, "to reproduce:"), work)  # (main: "assay fairness m.py:...")
    assert again.startswith(f"PYTHONPATH={lib.resolve()} assay {technique} m.py:"), again
    resume = _line(err, "resume with:")
    assert resume.startswith(f"PYTHONPATH={lib.resolve()} assay resume "), resume
    props = {
        p.get("name"): p.get("value") for p in ET.parse(work / "j.xml").getroot().iter("property")
    }
    pasted = str(props["command"])
    assert f"&& PYTHONPATH={lib.resolve()} assay {technique} " in pasted, pasted
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    again_code, again_out, again_err, _ = _run(tmp_path, elsewhere, pasted, name="again")
    assert "No module named" not in again_err and "cannot import" not in again_err, again_err
    assert again_code == code, again_out + again_err
    assert _found(out) == _found(again_out), (out, again_out)


FAILING = {
    "fairness": COMMANDS["fairness"],
    "text": COMMANDS["text"],
    "backdoor": COMMANDS["backdoor"],
}


@pytest.mark.parametrize("technique", ["fairness", "text", "backdoor"])
def test_a_failed_run_says_on_stdout_what_a_finished_run_does_and_its_wall_clock_counts_loading(
    tmp_path: Path, technique: str
) -> None:
    package = f"cli36_fail_{technique}"
    lib, work = _world(tmp_path, package)
    (work / "BROKEN").touch()  # the model raises after 30 calls
    command = FAILING[technique].format(p=package)
    reports = "--junit j.xml --html h.html --report r.json"
    code, out, err, wall = _run(
        tmp_path,
        work,
        f"assay {command} --seed 7 --store s.db {reports}",
        name="failed",
        PYTHONPATH=str(lib),
        CLI36_LOAD_SLEEP="2",
    )
    assert code == 3, out + err
    assert "the model failed" in err
    run_id = re.search(rf"^run ({technique}-\S+): failed, [\d,]+ findings stored$", out, re.M)
    assert run_id, out
    for name in ("j.xml", "h.html", "r.json"):
        assert f"wrote {name}" in out, out
    assert re.search(
        r"^seed 7; to reproduce: cd \S+ && PYTHONPATH=\S+ assay ", _as_pasted(out), re.M
    ), out
    resume = _line(out, "once the problem is fixed, continue with:")
    assert resume.startswith(f"PYTHONPATH={lib.resolve()} assay resume {run_id.group(1)} ")
    # the command's wall clock, loading (a 2 s import) included, not the engine's alone
    suite = ET.parse(work / "j.xml").getroot()
    seconds = float(suite.get("time") or 0)
    assert 2.0 <= seconds <= wall, (seconds, wall)
    shown = re.search(r"Elapsed[^<]*</th><td>([\d.,]+) s", (work / "h.html").read_text())
    assert shown and float(shown.group(1).replace(",", "")) >= 2.0, shown
    # once fixed, the printed resume line, pasted in a fresh shell elsewhere, finishes it
    (work / "BROKEN").unlink()
    done, done_out, done_err, _ = _run(tmp_path, tmp_path, resume, name="resumed")
    assert done in (0, 1), done_out + done_err
    assert re.search(rf"^run {run_id.group(1)}: (completed|budget_exhausted)$", done_out, re.M)
