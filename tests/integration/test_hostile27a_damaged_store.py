"""hostile27a: a run store CI restored damaged (a cache cut short, pages overwritten): every
command names the file and what to do, exit 4; never a message without the file."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from assay.cli.app import main
from assay.core.findings import FindingBatch
from assay.core.store import RunStore


def _cli(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str]:
    with pytest.raises(SystemExit) as exit_info:
        main(list(args))
    _, err = capsys.readouterr()
    return int(exit_info.value.code or 0), " ".join(err.split())


def _store(path: Path) -> None:
    rng = np.random.default_rng(0)
    with RunStore(path) as store:
        for k in range(3):
            run_id = f"toy-{k}"
            store.create_run(
                run_id=run_id, technique="toy", seed=k, command="x", config={}, model={},
                versions={},
            )  # fmt: skip
            n = 30_000
            batch = FindingBatch(
                "idi", rng.random((n, 2, 8)), rng.integers(0, 2, (n, 2)), rng.random(n)
            )
            store.checkpoint(run_id, findings=[batch], status="completed")


@pytest.mark.parametrize("damage", ["pages", "cut", "noise"])
def test_a_damaged_store_is_named_with_what_to_do(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], damage: str
) -> None:
    path = tmp_path / "ci cache" / "runs.db"
    path.parent.mkdir()
    _store(path)
    size = path.stat().st_size
    if damage == "pages":  # pages in the middle overwritten: it opens, then fails to read
        with open(path, "r+b") as f:
            f.seek(4096 * 2)
            f.write(np.random.default_rng(1).bytes(4096 * 4))  # (fixed garbage)
    elif damage == "cut":
        with open(path, "r+b") as f:
            f.truncate(size // 3)
    else:
        path.write_bytes(np.random.default_rng(2).bytes(size // 2))
    for args in (
        ["runs"],
        ["show", "toy-1"],
        ["report", "toy-1", "--json"],
        ["prune", "--keep-last", "1"],
    ):
        code, err = _cli(capsys, *args, "--store", str(path))
        # (noise over the whole file is no SQLite file at all: the user's --store names
        # something that is not a store, exit 2 since fuzz45b; a store damaged inside, 4)
        assert code == (2 if damage == "noise" else 4), (args, err)
        assert f"{path}:" in err, (args, err)
        assert "damaged" in err and f"mv '{path}' '{path}.damaged'" in err, (args, err)
