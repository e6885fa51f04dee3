"""Numbers as a user types them (fuzz45b): every number assay reads from text is written in
the digits 0-9, or refused naming its argument; a number too large for the system's timers
is refused, not a crash; an option naming nothing, or an image of no pixels, is refused
before anything is computed.

Each test is a failure the fuzz met (``--input-shape 1_0`` was 10, ``٨,8`` was 8,8,
``--classes ²`` a bare ``ValueError``, ``--max-time 1e23`` exit 5, ``--timeout inf`` every
request failed as the model's error, ``protected=""`` tested the dataset's default, a
0-pixel-high image array warned of a division before it was refused)."""

from __future__ import annotations

import math
import os
import sqlite3
import warnings
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import numpy as np
import pytest

from assay.backdoor.image_files import read_images
from assay.backdoor.images import parse_range, parse_shape
from assay.cli.app import main
from assay.core.budget import check_budget
from assay.core.numerals import written_float, written_int
from assay.core.retention import parse_age
from assay.core.store import RunStore
from assay.core.witnesses import parse_keep
from assay.errors import UsageError
from assay.fairness.bins import parse_protected
from assay.models.classes import classes_advice, parse_classes
from assay.models.http import ServingOptions, header_values
from assay.models.protocols import TemplateCodec
from assay.text.panel import load_label_map
from assay.text.pipeline import LANES_ENV, lanes_from

# grouped, Arabic-Indic, superscript, full-width, mixed
_ODD = ["1_0", "\u0668", "\u00b2", "\uff18", "8\u0668"]


def test_a_number_is_written_in_the_digits_0_to_9() -> None:
    assert [written_int(t) for t in ("8", " 8 ", "+8", "-8", "0")] == [8, 8, 8, -8, 0]
    assert [written_int(t) for t in (*_ODD, "", "8.0", "-", "1e3")] == [None] * 9
    assert written_float("1e-3") == 0.001 and math.isnan(written_float("nan") or 0.0)
    assert [written_float(t) for t in (*_ODD, "", "x")] == [None] * 7


@pytest.mark.parametrize("text", ["1_0", "28_28", "\u0668,8", "8,\u00b2", "\uff18,8"])
def test_an_input_shape_not_written_in_digits_is_refused(text: str) -> None:
    """``--input-shape 28_28`` was a 2828-pixel image, ``٨,8`` a shape of 8,8."""
    with pytest.raises(UsageError, match=r"--input-shape.*holds"):
        parse_shape(text)
    assert parse_shape(" 28 , 28 ") == (28, 28)


@pytest.mark.parametrize(
    ("read", "text", "argument"),
    [
        (parse_range, "\u0668,255", "--range"),
        (parse_range, "0,2_55", "--range"),
        (parse_range, "norm:0.5:0.\u0668", "--range"),
        (parse_age, "\u0668d", "--older-than"),
        (parse_protected, "age:bins=\u0668,30", "--protected"),
        (parse_protected, "age:bins=2_0,30", "--protected"),
    ],
)
def test_numbers_in_option_text_are_written_in_digits(read: Any, text: str, argument: str) -> None:
    """Python's float read '٨' as 8 and '2_55' as 255: a range of 8..255, 8 days, an edge."""
    with pytest.raises(UsageError, match=argument):
        read(text)


@pytest.mark.parametrize("text", ["\u00b2", "\u0668", "1\u00b2"])
def test_a_count_of_classes_not_written_in_digits_is_refused(text: str) -> None:
    """``--classes ²`` raised a bare ValueError (``'²'.isdigit()`` is true, ``int`` refuses
    it); ``--classes ٨`` declared 8 classes."""
    with pytest.raises(UsageError, match="--classes"):
        parse_classes(text)
    assert parse_classes("10") == 10


def test_labels_that_look_like_digits_do_not_crash_the_advice_or_a_template() -> None:
    """A model answering the label '²' crashed the advice meant to help with it; a
    template's output path part '²' crashed reading the template."""
    assert "--classes" in classes_advice(["\u00b2", "1"])
    codec = TemplateCodec("http://127.0.0.1:1/x", body={"rows": "{{inputs}}"}, outputs="a.\u00b2.0")
    assert codec.path == ["a", "\u00b2", 0]


def test_a_label_map_position_not_written_in_digits_is_refused(tmp_path: Path) -> None:
    caps = SimpleNamespace(class_names=("neg", "pos"), n_classes=2)
    models: Any = [SimpleNamespace(capabilities=caps)] * 2
    path = tmp_path / "map.txt"
    path.write_text("\u00b2 neg -> bad\n", encoding="utf-8")
    with pytest.raises(UsageError, match=r"map\.txt"):
        load_label_map(path, models, ["a", "b"])
    path.write_text("2 neg -> bad\n", encoding="utf-8")
    assert load_label_map(path, models, ["a", "b"]) == {1: {"neg": "bad"}}


def test_lanes_not_written_in_digits_are_refused(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(LANES_ENV, "\u00b2")
    with pytest.raises(UsageError, match=LANES_ENV):
        lanes_from(None)


@pytest.mark.parametrize(
    ("option", "value"), [("--limit", "1_0"), ("--limit", "\u0668"), ("--limit=1_0", None)]
)
def test_a_number_option_not_written_in_digits_exits_2(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], option: str, value: str | None
) -> None:
    """The parser read ``--limit 1_0`` (and ``--max-queries 1_0``) as 10."""
    args = ["runs", "--store", str(tmp_path / "r.db"), option]
    with pytest.raises(SystemExit) as done:
        main(args if value is None else [*args, value])
    err = capsys.readouterr().err
    assert done.value.code == 2 and "'--limit'" in err and "holds" in err, err


def test_a_run_with_a_grouped_budget_exits_2_before_loading(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    args = ["fairness", "builtin:tree", "--dataset", "german", "--protected", "sex"]
    with pytest.raises(SystemExit) as done:
        main([*args, "--max-queries", "1_000", "--store", str(tmp_path / "r.db"), "-q"])
    err = capsys.readouterr().err
    assert done.value.code == 2 and "write 1000" in err, err
    assert not (tmp_path / "r.db").exists()


@pytest.mark.parametrize("value", ["", ",", [""], [" ", ""], ":bins=3", " :bins=3,4"])
def test_a_protected_option_naming_nothing_is_refused(value: Any) -> None:
    """``protected=""`` (an empty variable) tested the built-in dataset's default, which the
    command line refuses; ``:bins=3`` made an attribute named ''."""
    with pytest.raises(UsageError, match="names no attribute"):
        parse_protected(value)
    assert parse_protected(None) == ((), {})  # (a resumed record of the default: left47t)


@pytest.mark.parametrize("value", [math.inf, 1e23, 2e9])
def test_a_time_beyond_the_system_timers_is_refused(value: float) -> None:
    """``--max-time 1e23`` was exit 5 (``setitimer``: "timestamp out of range for platform
    time_t"); ``--timeout inf`` failed every request as the model's error (exit 3)."""
    with pytest.raises(UsageError, match="--max-time"):
        check_budget(max_time=value)
    with pytest.raises(UsageError, match="--call-timeout"):
        check_budget(call_timeout=value)
    with pytest.raises(UsageError, match="--timeout"):
        ServingOptions(timeout=value).validate()
    check_budget(max_time=1e9, call_timeout=1e9)
    ServingOptions(timeout=1e9).validate()


@pytest.mark.parametrize("shape", [(4, 0, 8), (4, 8, 0), (4, 0, 8, 3)])
def test_an_image_array_of_no_pixels_is_refused_before_any_arithmetic(
    tmp_path: Path, shape: tuple[int, ...]
) -> None:
    path = tmp_path / "zero.npy"
    np.save(path, np.zeros(shape))
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # (numpy's "invalid value encountered in divide")
        with pytest.raises(UsageError, match=r"zero\.npy.*H and W >= 1"):
            read_images(str(path), argument="--images")


@pytest.mark.parametrize("name", ["Content-Length", "transfer-encoding", "Connection"])
def test_a_header_that_frames_the_request_is_refused(name: str) -> None:
    """``--header-env Content-Length=V`` failed the first request as the model's error (exit
    3, "Too much data for declared Content-Length"); Transfer-Encoding after four attempts."""
    with pytest.raises(UsageError, match=f"--header-env.*{name}.*frames the request"):
        ServingOptions(header_env=(f"{name}=FZ45B_V",)).validate()
    assert header_values(["Host=FZ45B_V"], {"FZ45B_V": "5"}) == {"Host": "5"}


@pytest.mark.parametrize(("limit", "code"), [("0", 2), ("-1", 2), ("99999999999999999999999", 0)])
def test_runs_limit_is_at_least_one_and_any_larger_lists_all(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], limit: str, code: int
) -> None:
    """``--limit 0`` said "no runs in S" of a store holding one, ``-1`` listed every run
    (SQLite's LIMIT -1), and 10^23 was exit 5 ("Python int too large to convert to SQLite
    INTEGER")."""
    path = tmp_path / "r.db"
    store = RunStore(path)
    store.create_run(
        run_id="fairness-1",
        technique="fairness",
        seed=1,
        command="assay fairness",
        config={},
        model={},
        versions={},
    )
    store.close()
    with pytest.raises(SystemExit) as done:
        main(["runs", "--store", str(path), "--limit", limit])
    out, err = capsys.readouterr()
    assert done.value.code == code, err
    assert ("fairness-1" in out) == (code == 0) and "no runs" not in out, out


def _not_stores(tmp_path: Path) -> dict[str, Path]:
    folder = tmp_path / "folder"
    folder.mkdir()
    fifo = tmp_path / "fifo"
    os.mkfifo(fifo)
    foreign = tmp_path / "foreign.db"
    db = sqlite3.connect(foreign)
    db.execute("CREATE TABLE users (name TEXT)")
    db.commit()
    db.close()
    text = tmp_path / "people.csv"
    text.write_text("name,age\nAda,36\n", encoding="utf-8")
    return {"folder": folder, "fifo": fifo, "foreign": foreign, "text": text}


@pytest.mark.parametrize("what", ["folder", "fifo", "foreign", "text"])
@pytest.mark.parametrize("command", [["runs"], ["show", "x"], ["prune", "--keep-last", "1"]])
def test_a_path_that_is_no_run_store_exits_2_naming_it(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], what: str, command: list[str]
) -> None:
    """A folder, a named pipe, another program's SQLite file or a CSV given as --store was
    exit 4 ("the run store failed"): the user's mistake, exit 2 naming --store and the file,
    which is left as it was."""
    path = _not_stores(tmp_path)[what]
    before = path.read_bytes() if path.is_file() else None
    with pytest.raises(SystemExit) as done:
        main([*command, "--store", str(path)])
    err = " ".join(capsys.readouterr().err.split())
    assert done.value.code == 2, err
    assert f"argument --store: {path}" in err and "the run store failed" not in err, err
    assert before is None or path.read_bytes() == before


def test_a_damaged_run_store_still_exits_4(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """A real store cut short (a CI cache restored in part) is the store failing: 4."""
    path = tmp_path / "r.db"
    store = RunStore(path)
    store.close()
    cut = tmp_path / "cut.db"
    cut.write_bytes(path.read_bytes()[:3000])
    with pytest.raises(SystemExit) as done:
        main(["runs", "--store", str(cut)])
    err = " ".join(capsys.readouterr().err.split())
    assert done.value.code == 4 and "the run store failed" in err and "damaged" in err, err


@pytest.mark.parametrize(
    ("option", "value"),
    [("--input-shape", "28_28"), ("--layout", "chw"), ("--range", "0,255"), ("--blends", "10001")],
)
def test_a_builtin_backdoor_run_takes_no_form_it_would_ignore(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], option: str, value: str
) -> None:
    """``assay backdoor builtin:trojan --input-shape 28_28`` (``--layout chw``, ``--range``)
    ran on the built-in digits' own form and exited 1 on its findings: never used, never
    said; ``--blends 10^23`` was exit 5 ("Maximum allowed dimension exceeded") after loading."""
    args = ["backdoor", "builtin:trojan", "--store", str(tmp_path / "r.db"), "-q"]
    if option == "--blends":
        args += ["--strategy", "strip"]
    with pytest.raises(SystemExit) as done:
        main([*args, option, value])
    err = " ".join(capsys.readouterr().err.split())
    assert done.value.code == 2 and f"argument {option}" in err, err


def test_a_template_that_is_not_utf8_is_refused_at_its_byte(tmp_path: Path) -> None:
    """A template file holding a byte that does not decode was exit 5 (a bare
    ``UnicodeDecodeError``): refused naming the file, its line and column."""
    path = tmp_path / "t.yaml"
    path.write_bytes(b'body: {"rows": "{{inputs}}"}\noutputs: r\xff\n')
    with pytest.raises(UsageError, match=r"--template; .*t\.yaml:2:11: .*not UTF-8"):
        TemplateCodec.from_file("http://127.0.0.1:1/x", path)


@pytest.mark.parametrize("text", ["10_000", "\u0668", "1\u00b2"])
def test_a_witness_cap_is_written_in_digits_too(text: str) -> None:
    """``--keep-findings`` (a text option: ``all`` or a number) read '10_000' as 10000 and
    '٨' as 8, where every other number of the command line is refused so."""
    with pytest.raises(UsageError, match="--keep-findings"):
        parse_keep(text)
    assert parse_keep(" 500 ") == 500 and parse_keep("All") is None
