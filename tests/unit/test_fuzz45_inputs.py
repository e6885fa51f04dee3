"""What a user hands assay, mutated (fuzz45): every mistake a ``UsageError`` naming where
(file, line, column or argument), never a bare exception, never taken as if understood.

The seeded fuzz tests replay a few hundred mutations of the built-in grammars, the schema
format's examples and a label map (each bounded to a few seconds); the others are the
failures the fuzz found, each as it was met."""

from __future__ import annotations

import random
import zipfile
from collections.abc import Callable
from pathlib import Path

import numpy as np
import pytest

from assay.backdoor.image_files import read_images
from assay.backdoor.images import parse_range
from assay.cli.app import main
from assay.core.store import RunStore
from assay.errors import StoreError, UsageError
from assay.fairness.schema_files import load_schema
from assay.fairness.tables import read_table
from assay.models.http import ServingOptions
from assay.text.grammar import parse_grammar

_GRAMMARS = Path(__file__).parents[2] / "src" / "assay" / "text" / "grammars"
_DOCS = Path(__file__).parents[2] / "docs" / "schema-format.md"

# what a hand, an editor or another tool puts where it does not belong
# fmt: off
_ODD = [
    '"', "'", "->", "|", "[", "]", "{", "}", ":", ",", "- ", "#", "\\", "\t", "\n", "\r\n",
    "[1e400]", "[-1]", "[nan]", "[0]", "1e400", "nan", ".nan", ".inf", "-1", "null", "~",
    "\x00", "\ufeff", "\u2028", "\x85", "\x9f", "e\u0301", "%start", "%invariant",
    "%expect", "!!python/object:os.system", "&a", "*a", "!foo ", "99999999999999999999999",
]
# fmt: on


def _mutated(r: random.Random, text: str) -> str:
    for _ in range(r.randint(1, 6)):
        i = r.randrange(len(text) + 1)
        roll = r.random()
        if roll < 0.45:
            text = text[:i] + r.choice(_ODD) + text[i:]
        elif roll < 0.65 and text:
            text = text[:i] + text[min(len(text), i + r.randint(1, 12)) :]
        elif roll < 0.75:
            lines = text.splitlines(True)
            r.shuffle(lines)
            text = "".join(lines)
        elif roll < 0.85 and text:
            j = min(len(text), i + r.randint(1, 30))
            text = text[:i] + text[i:j] * r.randint(2, 4) + text[j:]
        else:
            text = text[:i] + chr(r.randint(1, 0xD7FF)) + text[i:]
    return text


def _fuzz(seeds: list[str], read: Callable[[str], object], where: str, n: int, seed: int) -> None:
    """``n`` mutations read: each is read or refused by a ``UsageError`` naming ``where``."""
    r = random.Random(seed)
    for k in range(n):
        text = _mutated(r, r.choice(seeds))
        try:
            read(text)
        except UsageError as exc:
            assert where in str(exc), (k, text, str(exc))


def test_mutated_grammars_are_read_or_refused_at_their_file() -> None:
    seeds = [p.read_text(encoding="utf-8") for p in sorted(_GRAMMARS.glob("*.cfg"))]
    _fuzz(seeds, lambda t: parse_grammar(t, source="g.cfg"), "g.cfg", 300, 45)


def _docs_block(kind: str) -> str:
    return _DOCS.read_text(encoding="utf-8").split(f"```{kind}\n")[1].split("```")[0]


def test_mutated_schema_files_are_read_or_refused_at_their_file(tmp_path: Path) -> None:
    for kind, suffix in (("yaml", ".yaml"), ("json", ".json")):
        path = tmp_path / f"s{suffix}"

        def read(text: str, path: Path = path) -> object:
            path.write_text(text, encoding="utf-8")
            return load_schema(path)

        _fuzz([_docs_block(kind)], read, path.name, 150, 45)


# -- the failures the fuzz met -----------------------------------------------------------


def test_a_json_schema_whose_strings_hold_yaml_line_breaks_is_read(tmp_path: Path) -> None:
    """U+0085, U+2028 and C1 controls are text in a JSON string: the file was valid JSON and
    was refused, "cannot read it: JSONDecodeError ... line 1 column 1" (YAML, which gives
    the positions, read them as line breaks)."""
    path = tmp_path / "s.json"
    path.write_text(
        '{"features": [{"name": "a\u2028ge", "type": "integer", "low": 1, "high": 9},\n'
        ' {"name": "sex", "type": "categorical", "categories": ["F\x85", "M\x9f"]}],\n'
        ' "protected": ["sex"]}',
        encoding="utf-8",
    )
    schema = load_schema(path)
    assert schema.names == ["a\u2028ge", "sex"]
    assert schema.features[1].categories == ("F\x85", "M\x9f")
    # and a mistake in such a file is still said at its line and column
    text = path.read_text(encoding="utf-8").replace('"high": 9', '"high": "9"')
    path.write_text(text, encoding="utf-8")
    with pytest.raises(UsageError, match=r"s\.json:1:\d+: feature 'a\\u2028ge': high '9'"):
        load_schema(path)


def test_an_unknown_yaml_tag_is_refused_at_its_line_and_column(tmp_path: Path) -> None:
    """A tag no safe loader knows was "cannot read it: ConstructorError ... in "<unicode
    string>"": the exception's name and no file position."""
    path = tmp_path / "s.yaml"
    path.write_text(
        "features:\n  - {!=name: sex, type: categorical, categories: [F, M]}\n", "utf-8"
    )
    with pytest.raises(UsageError, match=r"s\.yaml:2:6: cannot read this value: .*'!=name:'"):
        load_schema(path)


@pytest.mark.parametrize("size", [0, -1])
def test_a_batch_size_below_one_is_refused_for_every_model(size: int) -> None:
    """A built-in model's run never met the served options' check: ``--batch-size 0``
    ran (exit 1)."""
    with pytest.raises(UsageError, match=r"--batch-size.*at least 1"):
        ServingOptions(batch_size=size)


def test_a_batch_size_of_zero_for_a_builtin_model_exits_2(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    args = ["fairness", "builtin:tree", "--dataset", "german", "--protected", "sex"]
    with pytest.raises(SystemExit) as done:
        main([*args, "--batch-size", "0", "--store", str(tmp_path / "r.db"), "-q"])
    err = capsys.readouterr().err
    assert done.value.code == 2 and "--batch-size" in err, err


@pytest.mark.parametrize(
    "text",
    [
        "0,inf",
        "-inf,0",
        "0,1e400",
        "-1e308,1e308",
        "norm:0:nan",
        "norm:inf:1",
        "norm:0/nan:1/1",
        "norm:0:1e-320",
    ],
)
def test_a_pixel_range_that_is_not_finite_is_refused(text: str) -> None:
    """``--range 0,inf`` (or a NaN norm) was taken: every pixel sent as NaN or inf, and the
    run judged the model on them (exit 1)."""
    with pytest.raises(UsageError, match=r"--range.*finite numbers"):
        parse_range(text)
    assert parse_range("0,255") == ("linear", (0.0, 255.0))
    assert parse_range("norm:0.5:0.25") == ("norm", (0.5, 0.25))


def test_an_npz_member_saved_without_npy_is_refused_not_a_key_error(tmp_path: Path) -> None:
    """A zip of raw members (``images``, not ``images.npy``) ended in a bare ``KeyError``:
    "internal error (a bug in assay)", exit 5."""
    path = tmp_path / "raw.npz"
    with zipfile.ZipFile(path, "w") as z:
        z.writestr("images", b"not an array")
    with pytest.raises(UsageError, match=r"raw\.npz: the \.npz file holds no images array"):
        read_images(path, argument="--images")


def test_a_timedelta_array_is_no_images(tmp_path: Path) -> None:
    """numpy counts ``timedelta64`` among its numbers: durations were scanned as pixels."""
    path = tmp_path / "td.npy"
    np.save(path, np.zeros((4, 8, 8), dtype="timedelta64[s]"))
    with pytest.raises(UsageError, match=r"td\.npy: array of timedelta64\[s\], not numbers"):
        read_images(path, argument="--images")


def _one_run(tmp_path: Path) -> RunStore:
    store = RunStore(tmp_path / "runs.db")
    store.create_run(
        run_id="fairness-20261206-195959-b087",
        technique="fairness",
        seed=1,
        command="assay fairness builtin:tree --dataset german --protected sex",
        config={},
        model={"kind": "builtin"},
        versions={},
    )
    return store


@pytest.mark.parametrize("given", ["", "  "])
def test_an_empty_run_id_names_no_run(tmp_path: Path, given: str) -> None:
    """Every id begins with '': `assay delete "$RUN"` of an unset variable deleted a store's
    only run (exit 0), and `assay show ""` showed it."""
    store = _one_run(tmp_path)
    with pytest.raises(UsageError, match=r"RUN_ID.*the run id is empty"):
        store.get_run(given)
    assert store.get_run("fairness-2026").id == "fairness-20261206-195959-b087"


def test_a_run_id_prefix_is_matched_as_typed(tmp_path: Path) -> None:
    """Matched by SQL ``LIKE``: `_` stood for any character and case folded (`fairness_`,
    `FAIRNESS-` named the run), and a prefix of 100,000 characters failed as the store
    ("LIKE or GLOB pattern too complex", exit 4)."""
    store = _one_run(tmp_path)
    for given in ("fairness_", "FAIRNESS-", "fairness-%", "%"):
        with pytest.raises(UsageError, match="RUN_ID: no run"):
            store.get_run(given)
    with pytest.raises(UsageError, match=r"RUN_ID: no run 'xxx.*\.\.\. \(100,000 characters\)"):
        store.get_run("x" * 100_000)


def test_deleting_an_empty_run_id_deletes_nothing(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    _one_run(tmp_path).close()
    with pytest.raises(SystemExit) as done:
        main(["delete", "", "--store", str(tmp_path / "runs.db")])
    assert done.value.code == 2, capsys.readouterr()
    assert RunStore(tmp_path / "runs.db").count_runs() == 1


def test_a_named_pipe_given_as_the_store_is_said_as_one(tmp_path: Path) -> None:
    """A FIFO (or /dev/null) given as ``--store`` was refused as "the file system refused the
    write: a limit on file sizes (ulimit -f)"."""
    import os

    pipe = tmp_path / "runs.db"
    os.mkfifo(pipe)
    with pytest.raises(StoreError, match=r"runs\.db: is not a file \(a named pipe"):
        RunStore(pipe)
    with pytest.raises(StoreError, match=r"runs\.db: no run store here \(not a file"):
        RunStore(pipe, read_only=True)


@pytest.mark.parametrize("codec", ["rot13", "zlib", "hex", "base64", "bz2", "quopri", "undefined"])
def test_a_codec_that_is_no_text_encoding_is_refused_as_the_option(
    tmp_path: Path, codec: str
) -> None:
    """``--encoding rot13`` (or any of Python's bytes codecs) blamed the file: "cannot read
    it: TypeError: descriptor 'translate' for 'str' objects doesn't apply ..."."""
    path = tmp_path / "d.csv"
    path.write_text("age,sex\n30,F\n40,M\n", encoding="utf-8")
    with pytest.raises(UsageError, match=rf"--encoding: '{codec}' is not a text encoding"):
        read_table(path, encoding=codec)


@pytest.mark.parametrize("suffix", [".csv", ".jsonl"])
def test_utf16_without_its_mark_is_said_at_the_file(tmp_path: Path, suffix: str) -> None:
    """A codec's refusal naming no byte (UTF-16 without a byte-order mark) was "cannot read
    it: UnicodeError: UTF-16 stream does not start with BOM"."""
    path = tmp_path / f"d{suffix}"
    path.write_text("age,sex\n30,F\n" if suffix == ".csv" else '{"age": 30}\n', "utf-8")
    with pytest.raises(UsageError, match=rf"d\{suffix}:1: the file is not utf-16 text \(UTF-16"):
        read_table(path, encoding="utf-16")


class _Counted(set[str]):
    """A set of column names that counts the look-ups made in it."""

    looked = 0

    def __contains__(self, item: object) -> bool:
        type(self).looked += 1
        return super().__contains__(item)


def test_many_bin_edges_are_read_in_a_look_up_or_two_each() -> None:
    """``--protected age:bins=`` and 2,000 edges took 79 s (100,000: hours): every run of
    pieces to the end was joined and looked up (cubic); a run is now at most one piece more
    than the commas of the widest column."""
    from assay.fairness.bins import _whole_names, parse_protected

    text = "age:bins=" + ",".join(str(i) for i in range(2_000))
    columns = _Counted({"Alter (J,M)", "race", "age"})
    parts = _whole_names(text, columns)
    assert len(parts) == 2_000 and parts[0] == "age:bins=0"
    assert _Counted.looked <= 4 * 2_000, _Counted.looked
    names, bins = parse_protected(text, ["age", "race"])
    assert names == ("age",) and bins["age"].edges[-1] == 1_999.0
    # a header's own commas still name its column whole
    names, bins = parse_protected("Alter (J,M):bins=30,50,race", ["Alter (J,M)", "race"])
    assert names == ("Alter (J,M)", "race") and bins["Alter (J,M)"].edges == (30.0, 50.0)
