"""hostile36: a run of the user's own model judged as a demonstration exited 0 on its bugs.

A demonstration passes when it finds the bug it plants (``cli.verdict.demo_exit``).  On main,
``assay backdoor MODEL --demo --images X --clean Y`` scanned the user's trojaned model and
exited 0 with a green JUnit file ("the demonstration found the bugs it demonstrates"); ``assay
text A B --demo`` did the same for two disagreeing classifiers.  And a run was known as a
demonstration by the word ``--demo`` in its stored command, so a fairness run whose store
file was named ``--demo`` (``--store --demo``) exited 0 on a model discriminating on every
input.  Now ``--demo`` takes built-in models only, and an option's value starting with a dash
is stored joined to its option (``--store=--demo``)."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from pathlib import Path

import numpy as np
import pytest

from assay.backdoor.demo import PlantedTrigger, checker, trojaned_digits
from assay.cli.app import main
from assay.core.outcome import is_demonstration
from assay.core.store import RunStore

TRIGGER = PlantedTrigger(box=(0, 5, 3, 3), content=checker(3), target=1)


def _exit(argv: list[str]) -> int:
    with pytest.raises(SystemExit) as e:
        main(argv)
    return int(e.value.code or 0)


def _junit(path: Path) -> tuple[int, int]:
    suite = ET.parse(path).getroot()
    return int(suite.get("failures") or 0), int(suite.get("errors") or 0)


@pytest.mark.slow
def test_backdoor_demo_of_a_users_trojaned_model_is_refused(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    d = trojaned_digits(seed=2, triggers=[TRIGGER])
    import skops.io as sio

    sio.dump(d.model, tmp_path / "troj.skops")
    x, y = d.clean_images, d.clean_labels
    scan = x[200:230].copy()
    poisoned = (np.arange(30) % 2 == 0) & (y[200:230] != TRIGGER.target)
    scan[poisoned] = TRIGGER.apply(scan[poisoned])
    np.save(tmp_path / "clean.npy", x[:150, :, :, 0] * 16.0)
    np.save(tmp_path / "scan.npy", scan[:, :, :, 0] * 16.0)
    junit = tmp_path / "j.xml"
    common = ["--images", str(tmp_path / "scan.npy"), "--clean", str(tmp_path / "clean.npy")]
    common += ["--range", "0,16", "--seed", "0", "--store", str(tmp_path / "r.db")]
    code = _exit(
        ["backdoor", str(tmp_path / "troj.skops"), "--demo", *common, "--junit", str(junit)]
    )
    err = capsys.readouterr().err
    assert code == 2, err  # main: 0, "the demonstration found the bugs it demonstrates"
    assert "argument --demo" in err and "drop --demo to test" in err, err
    assert _junit(junit) == (0, 1)  # an errored case, never a green suite
    # without --demo the same scan fails on the trigger it finds
    assert _exit(["backdoor", str(tmp_path / "troj.skops"), *common]) == 1


def test_text_demo_of_the_users_classifiers_is_refused(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (tmp_path / "c.py").write_text(
        "def a(texts):\n"
        "    return ['positive' if 'good' in t else 'negative' for t in texts]\n"
        "def b(texts):\n"
        "    return ['negative' if 'not' in t else 'positive' for t in texts]\n"
    )
    junit = tmp_path / "j.xml"
    argv = ["text", f"{tmp_path / 'c.py'}:a", f"{tmp_path / 'c.py'}:b", "--demo"]
    argv += ["--max-queries", "300", "--seed", "0", "--store", str(tmp_path / "r.db")]
    code = _exit([*argv, "--junit", str(junit)])
    err = capsys.readouterr().err
    assert code == 2, err  # main: 0 on their disagreements, the JUnit file green
    assert "argument --demo" in err and "are not built in" in err, err
    assert _junit(junit) == (0, 1)


def test_a_store_named_like_the_demo_flag_is_no_demonstration(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.chdir(tmp_path)
    (tmp_path / "m.py").write_text(
        "import numpy as np\ndef biased(X):\n    return (np.asarray(X)[:, 1] == 'M').astype(int)\n"
    )
    (tmp_path / "people.csv").write_text(
        "age,sex\n" + "".join(f"{20 + i % 40},{'FM'[i % 2]}\n" for i in range(80))
    )
    argv = ["fairness", "m.py:biased", "--data", "people.csv", "--protected", "sex"]
    argv += ["--max-queries", "600", "--seed", "1", "--store", "--demo", "--junit", "j.xml"]
    code = _exit(argv)
    out = capsys.readouterr().out
    assert code == 1, out  # main: 0, "the demonstration found the bugs it demonstrates"
    assert "demonstration" not in out
    assert _junit(tmp_path / "j.xml")[0] > 0
    store = RunStore(tmp_path / "--demo", read_only=True)
    (run,) = store.list_runs()
    record = store.get_run(run.id)
    store.close()
    command = record.command
    assert "--store=--demo" in command and not is_demonstration(command, record.config), command


@pytest.mark.slow
def test_the_two_backdoor_demonstrations_are_two_junit_suites(tmp_path: Path) -> None:
    """Both built-in models are MLPs: their JUnit suites were both named
    '[<sklearn.neural_network._multilayer_perceptron.MLPClassifier>; input scan]' (one suite
    in a CI job running both); now by the name given."""
    names = []
    for model in ("builtin:trojan", "builtin:clean"):
        junit = tmp_path / f"{model[8:]}.xml"
        argv = ["backdoor", model, "--demo", "--seed", "1", "--max-queries", "600"]
        _exit([*argv, "--store", str(tmp_path / "r.db"), "--junit", str(junit)])
        suite = ET.parse(junit).getroot().find("testsuite")
        assert suite is not None
        names.append(suite.get("name"))
    assert names == [
        "assay.backdoor [builtin:trojan; input scan]",
        "assay.backdoor [builtin:clean; input scan]",
    ]
